ALTER TABLE customers ADD COLUMN tier TEXT NOT NULL DEFAULT 'standard';
UPDATE customers SET tier = 'founder' WHERE email = 'ada@example.org';
