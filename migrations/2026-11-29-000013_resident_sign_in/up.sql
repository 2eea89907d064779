-- The front door for residents (SPEC §5, §7 "Residents without a password"): an account may be
-- known by a mobile number alone, sign-in codes go by SMS or mail, SMS is a channel of the
-- outbox beside mail, and staff accounts can be deactivated, reset and listed by session.

-- A phone number is stored encrypted (phone_enc, AES-256-GCM) and found by a keyed hash
-- (phone_key = HMAC-SHA256 under a key derived from DATA_KEY), so equality lookups work while a
-- copy of the database alone reveals no number.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD COLUMN phone_enc bytea;
ALTER TABLE users ADD COLUMN phone_key text UNIQUE CHECK (phone_key ~ '^[0-9a-f]{64}$');
-- The channel the person chose when they have both a number and an address.
ALTER TABLE users ADD COLUMN channel text CHECK (channel IN ('sms', 'email'));
-- A deactivated account cannot sign in, and every token it held stops working (token_version
-- is bumped with it).
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_reachable CHECK (email IS NOT NULL OR phone_key IS NOT NULL);
ALTER TABLE users ADD CONSTRAINT users_phone_pair CHECK ((phone_enc IS NULL) = (phone_key IS NULL));

-- A respondent invited by number is linked to the account that later signs in with it.
ALTER TABLE case_parties ADD COLUMN phone_key text CHECK (phone_key ~ '^[0-9a-f]{64}$');
CREATE INDEX case_parties_unclaimed_phone ON case_parties (phone_key)
    WHERE phone_key IS NOT NULL AND user_id IS NULL;
CREATE INDEX case_parties_unclaimed_email ON case_parties (email)
    WHERE email IS NOT NULL AND user_id IS NULL;

-- One-time sign-in codes. `destination` is the keyed hash of the number or address; the code is
-- kept only as a keyed hash too. A code is spent by its use, by 5 wrong tries, or by a newer
-- code for the same destination.
CREATE TABLE sign_in_codes (
    id           uuid PRIMARY KEY,
    destination  text NOT NULL CHECK (destination ~ '^[0-9a-f]{64}$'),
    code_hash    text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    wrong_tries  integer NOT NULL DEFAULT 0 CHECK (wrong_tries BETWEEN 0 AND 5),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    spent_at     timestamptz
);
CREATE INDEX sign_in_codes_live ON sign_in_codes (destination, created_at DESC) WHERE spent_at IS NULL;
CREATE INDEX sign_in_codes_expiry ON sign_in_codes (expires_at);

-- Counted events for rate limits that must hold across app nodes and under concurrent requests
-- (codes sent per destination and per client address). Writers take a transaction-scoped
-- advisory lock on the key before counting, so check-and-record is atomic.
CREATE TABLE throttle_events (
    id   bigserial PRIMARY KEY,
    key  text NOT NULL,
    at   timestamptz NOT NULL
);
CREATE INDEX throttle_events_key_at ON throttle_events (key, at);

-- SMS beside mail in the outbox: a row is one message on one channel.
ALTER TABLE outbox ALTER COLUMN email DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));
ALTER TABLE outbox ADD COLUMN phone_enc bytea;
ALTER TABLE outbox ADD CONSTRAINT outbox_address CHECK (
    (channel = 'email' AND email IS NOT NULL) OR (channel = 'sms' AND phone_enc IS NOT NULL)
);

-- Short links for texts: an SMS has room for `/i/AB12CD34`, not for a signed token.
CREATE TABLE short_links (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{8}$'),
    target      text NOT NULL CHECK (target LIKE '/%'),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX short_links_expiry ON short_links (expires_at);

-- Sessions a person can see and end (`GET/DELETE /api/v1/me/sessions`). The token stays the
-- proof; this row only describes it. Ending one revokes its jti; ending all bumps token_version.
CREATE TABLE user_sessions (
    jti         uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    -- How the person signed in ('password', 'sms_code', 'email_code') and from what device.
    method      text NOT NULL CHECK (method IN ('password', 'sms_code', 'email_code')),
    user_agent  text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 200)
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, created_at DESC);

-- One-time account links: a staff invitation that sets the first password, and a password reset.
-- The token is a signed JWT; its jti is recorded here when used, so it works once.
CREATE TABLE account_link_uses (
    jti      uuid PRIMARY KEY,
    user_id  uuid NOT NULL REFERENCES users (id),
    used_at  timestamptz NOT NULL
);
