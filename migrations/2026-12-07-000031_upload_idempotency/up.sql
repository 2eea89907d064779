-- An evidence upload retried with the same Idempotency-Key returns the item of the first
-- attempt (SPEC §8: filing and uploads accept one), so a client that lost the answer to an
-- upload can send it again without the case holding the file twice.
ALTER TABLE idempotency_keys ADD COLUMN evidence_id uuid;
