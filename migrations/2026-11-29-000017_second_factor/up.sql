-- A second factor for staff (TOTP, RFC 6238): the secret sealed like phone numbers, enabled once
-- the person proved their app shows the right code, the last step accepted (a code is good
-- once), and single-use recovery codes kept as keyed hashes.
ALTER TABLE users ADD COLUMN totp_secret_enc bytea;
ALTER TABLE users ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE users ADD COLUMN totp_last_step bigint;
ALTER TABLE users ADD CONSTRAINT users_totp_enabled_has_secret
    CHECK (totp_enabled_at IS NULL OR totp_secret_enc IS NOT NULL);

CREATE TABLE recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id),
    code_hash  text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
