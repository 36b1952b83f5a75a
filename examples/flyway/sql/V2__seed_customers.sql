INSERT INTO customers (name, email) VALUES
    ('Ada Lovelace', 'ada@example.org'),
    ('Grace Hopper', 'grace@example.org'),
    ('Edsger Dijkstra', 'edsger@example.org');
