-- Release 1.0.0: the app reads and writes customers.full_name.
CREATE TABLE customers (
  id        serial PRIMARY KEY,
  full_name text   NOT NULL
);
INSERT INTO customers (full_name) VALUES ('Ada Lovelace'), ('Alan Turing');
