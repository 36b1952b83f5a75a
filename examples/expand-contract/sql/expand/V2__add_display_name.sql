-- Release 2.0.0, expand (before the rollout): 1.0.0 keeps working, 2.0.0 reads display_name.
ALTER TABLE customers ADD COLUMN display_name text;
UPDATE customers SET display_name = full_name;
