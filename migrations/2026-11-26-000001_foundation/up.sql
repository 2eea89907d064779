-- The ground everything stands on: the division tree, its mediation committees, accounts and
-- what authentication needs. Rows that belong to a county carry county_id (SPEC §8) so the
-- case tables that reference them can be distributed by county later.

-- County → township → village, keyed by the 12-digit statistical division codes.
-- A county row's county_id is its own id. The tree is small and read everywhere: with Citus it
-- becomes a reference table, so its codes are unique across the whole installation.
CREATE TABLE divisions (
    id         uuid PRIMARY KEY,
    county_id  uuid NOT NULL REFERENCES divisions (id) DEFERRABLE INITIALLY DEFERRED,
    parent_id  uuid REFERENCES divisions (id),
    code       text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{12}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    level      text NOT NULL CHECK (level IN ('county', 'township', 'village')),
    CHECK ((level = 'county') = (parent_id IS NULL)),
    CHECK (level <> 'county' OR county_id = id)
);
CREATE INDEX divisions_parent ON divisions (parent_id);
CREATE INDEX divisions_county ON divisions (county_id, level);

-- One mediation committee (调委会 / 调解中心) per division.
CREATE TABLE committees (
    id           uuid PRIMARY KEY,
    county_id    uuid NOT NULL REFERENCES divisions (id),
    division_id  uuid NOT NULL UNIQUE REFERENCES divisions (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    level        text NOT NULL CHECK (level IN ('county', 'township', 'village'))
);
CREATE INDEX committees_county ON committees (county_id);

-- Accounts. Residents may have cases in several counties, so county_id is where they signed up
-- (and NULL is allowed for them); staff always belong to one county, and mediators and heads to
-- one committee. token_version is bumped on a role change: every token issued before is refused.
CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' IN email) > 1),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash  text,
    role           text NOT NULL CHECK (role IN ('resident', 'mediator', 'committee_head', 'judge', 'county_admin')),
    committee_id   uuid REFERENCES committees (id),
    county_id      uuid REFERENCES divisions (id),
    language       text NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    token_version  integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IN ('mediator', 'committee_head')) = (committee_id IS NOT NULL)),
    CHECK (role = 'resident' OR county_id IS NOT NULL)
);
CREATE INDEX users_committee ON users (committee_id) WHERE committee_id IS NOT NULL;

-- Tokens revoked by logout, kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti         uuid PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);

-- Failed logins, per account and per client address, for rate limiting across app nodes.
CREATE TABLE login_failures (
    id      bigserial PRIMARY KEY,
    key     text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
