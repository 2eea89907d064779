-- Other systems of the county (the grid platform, the petition system, the court) read the
-- service through API keys and are told of each case event by webhooks (SPEC §7 *One entry,
-- reused*).

-- A key is `fq_` + 43 characters of randomness, shown once; only its SHA-256 is kept (the key
-- is long and random, so a fast hash is enough). Scoped to one county: `read` reads the export,
-- `file` also files on a resident's behalf.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    county_id     uuid NOT NULL REFERENCES divisions (id),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    scope         text NOT NULL CHECK (scope IN ('read', 'file')),
    hash          text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    -- The first characters, to tell keys apart in the list.
    prefix        text NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
CREATE INDEX api_keys_county ON api_keys (county_id, created_at DESC);

-- Every call made with a key: which key, what, when, the answer.
CREATE TABLE api_key_calls (
    county_id  uuid NOT NULL REFERENCES divisions (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    key_id     uuid NOT NULL REFERENCES api_keys (id),
    at         timestamptz NOT NULL,
    method     text NOT NULL,
    path       text NOT NULL,
    status     integer NOT NULL,
    PRIMARY KEY (county_id, id)
);
CREATE INDEX api_key_calls_key ON api_key_calls (key_id, at DESC);

-- An endpoint of another system: the events it wants, the secret its deliveries are signed
-- with (sealed like personal data; shown once when made). Paused by hand, or after failing for
-- a day.
CREATE TABLE webhook_endpoints (
    county_id      uuid NOT NULL REFERENCES divisions (id),
    id             uuid NOT NULL,
    url            text NOT NULL CHECK (char_length(url) <= 2000),
    events         text[] NOT NULL,
    secret_enc     bytea NOT NULL,
    created_by     uuid NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    failing_since  timestamptz,
    paused_at      timestamptz,
    deleted_at     timestamptz,
    PRIMARY KEY (county_id, id)
);
CREATE INDEX webhook_endpoints_live ON webhook_endpoints (county_id)
    WHERE paused_at IS NULL AND deleted_at IS NULL;

-- One event for one endpoint: written by the statement that writes the event, so a committed
-- change is always delivered and a rolled-back one never; sent by the worker in order per case,
-- retried with backoff; the row is the endpoint's delivery log.
CREATE TABLE webhook_deliveries (
    county_id        uuid NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    endpoint_id      uuid NOT NULL,
    case_id          uuid NOT NULL,
    seq              integer NOT NULL,
    kind             text NOT NULL,
    at               timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_status      integer,
    last_error       text,
    last_ms          integer,
    delivered_at     timestamptz,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, endpoint_id) REFERENCES webhook_endpoints (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, case_id, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_case ON webhook_deliveries (county_id, case_id);

-- The export pages through a county's cases by the time they last changed.
CREATE INDEX cases_changed ON cases (county_id, updated_at, id);
