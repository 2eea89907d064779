ALTER TABLE idempotency_keys DROP COLUMN evidence_id;
