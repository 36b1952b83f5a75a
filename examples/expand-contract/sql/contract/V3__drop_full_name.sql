-- Release 2.0.0, contract (after the rollout, once no 1.0.0 pod is left): 1.0.0 would break here.
ALTER TABLE customers DROP COLUMN full_name;
ALTER TABLE customers ALTER COLUMN display_name SET NOT NULL;
