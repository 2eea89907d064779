DROP TABLE deletion_requests;
ALTER TABLE users DROP CONSTRAINT users_reachable;
ALTER TABLE users ADD CONSTRAINT users_reachable CHECK (email IS NOT NULL OR phone_key IS NOT NULL);
ALTER TABLE users DROP COLUMN deleted_at;
