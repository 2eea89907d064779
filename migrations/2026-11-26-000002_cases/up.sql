-- Cases and everything the workflow engine decides about them. Every table carries county_id,
-- primary and unique keys include it, and every query filters by it, so these tables can be
-- distributed with Citus on county_id (a case never leaves its county).

-- Each county's deadlines in days (SPEC §2); a county without a row uses the defaults.
CREATE TABLE county_policies (
    county_id                 uuid PRIMARY KEY REFERENCES divisions (id),
    acceptance_days_village   integer NOT NULL DEFAULT 3  CHECK (acceptance_days_village BETWEEN 1 AND 365),
    acceptance_days_township  integer NOT NULL DEFAULT 3  CHECK (acceptance_days_township BETWEEN 1 AND 365),
    acceptance_days_county    integer NOT NULL DEFAULT 5  CHECK (acceptance_days_county BETWEEN 1 AND 365),
    response_days             integer NOT NULL DEFAULT 7  CHECK (response_days BETWEEN 1 AND 365),
    mediation_days            integer NOT NULL DEFAULT 30 CHECK (mediation_days BETWEEN 1 AND 365),
    extension_days            integer NOT NULL DEFAULT 30 CHECK (extension_days BETWEEN 1 AND 365),
    signature_days            integer NOT NULL DEFAULT 7  CHECK (signature_days BETWEEN 1 AND 365),
    confirmation_days         integer NOT NULL DEFAULT 30 CHECK (confirmation_days BETWEEN 1 AND 365),
    follow_up_days            integer NOT NULL DEFAULT 15 CHECK (follow_up_days BETWEEN 1 AND 365),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    updated_by                uuid REFERENCES users (id)
);

-- The last case number used per county and year: 330681-2026-000123.
CREATE TABLE case_counters (
    county_id  uuid NOT NULL REFERENCES divisions (id),
    year       integer NOT NULL,
    last       integer NOT NULL,
    PRIMARY KEY (county_id, year)
);

CREATE TABLE cases (
    county_id              uuid NOT NULL REFERENCES divisions (id),
    id                     uuid NOT NULL,
    number                 text NOT NULL,
    access_code_hash       text NOT NULL,
    category               text NOT NULL CHECK (category IN ('neighbour', 'land', 'family', 'debt', 'labour', 'property', 'traffic', 'consumer', 'other')),
    narrative              text NOT NULL CHECK (length(narrative) BETWEEN 1 AND 5000),
    request                text NOT NULL CHECK (length(request) BETWEEN 1 AND 2000),
    amount_fen             bigint CHECK (amount_fen >= 0),
    village_id             uuid NOT NULL REFERENCES divisions (id),
    village_committee_id   uuid NOT NULL REFERENCES committees (id),
    township_committee_id  uuid NOT NULL REFERENCES committees (id),
    county_committee_id    uuid NOT NULL REFERENCES committees (id),
    level                  text NOT NULL CHECK (level IN ('village', 'township', 'county')),
    committee_id           uuid NOT NULL REFERENCES committees (id),
    status                 text NOT NULL CHECK (status IN ('submitted', 'awaiting_respondent', 'in_mediation', 'agreement_pending', 'resolved', 'closed', 'declined', 'unmediable', 'referred', 'withdrawn')),
    version                integer NOT NULL CHECK (version >= 1),
    mediator_id            uuid REFERENCES users (id),
    deadline_at            timestamptz,
    deadline_kind          text CHECK (deadline_kind IN ('acceptance', 'response', 'mediation', 'signature', 'confirmation', 'follow_up')),
    -- The queue's sort key: soonest deadline first, cases without a clock last.
    queue_at               timestamptz GENERATED ALWAYS AS (coalesce(deadline_at, 'infinity'::timestamptz)) STORED,
    mediation_due_at       timestamptz,
    extended               boolean NOT NULL DEFAULT false,
    overdue                boolean NOT NULL DEFAULT false,
    agreement              jsonb,
    resolved_at            timestamptz,
    confirmation           text CHECK (confirmation IN ('requested', 'confirmed', 'rejected')),
    performance            text CHECK (performance IN ('full', 'partial', 'none')),
    followed_up            boolean NOT NULL DEFAULT false,
    filed_by               uuid REFERENCES users (id),
    filed_at               timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (county_id, id),
    UNIQUE (county_id, number),
    CHECK ((deadline_at IS NULL) = (deadline_kind IS NULL))
);
CREATE INDEX cases_id ON cases (id);
-- The committee queue: open cases of one committee, soonest deadline first (keyset on queue_at, id).
CREATE INDEX cases_queue ON cases (county_id, committee_id, queue_at, id)
    WHERE status NOT IN ('closed', 'declined', 'referred', 'withdrawn');
-- The sweeper: every case whose clock runs out.
CREATE INDEX cases_due ON cases (deadline_at) WHERE deadline_at IS NOT NULL;
-- What a committee handles or handled, newest first.
CREATE INDEX cases_by_committee ON cases (county_id, committee_id, filed_at DESC, id DESC);
CREATE INDEX cases_by_village_committee ON cases (county_id, village_committee_id, filed_at DESC);
CREATE INDEX cases_by_township_committee ON cases (county_id, township_committee_id, filed_at DESC);
-- What the county's judges see: county level, referred, or a confirmation request.
CREATE INDEX cases_for_judges ON cases (county_id, filed_at DESC, id DESC)
    WHERE level = 'county' OR status = 'referred' OR confirmation IS NOT NULL;

CREATE TABLE case_parties (
    county_id     uuid NOT NULL,
    id            uuid NOT NULL,
    case_id       uuid NOT NULL,
    side          text NOT NULL CHECK (side IN ('applicant', 'respondent', 'agent', 'third_party')),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email         text,
    -- Phone numbers are encrypted in the application (AES-256-GCM); never stored in clear.
    phone_enc     bytea,
    user_id       uuid REFERENCES users (id),
    consented     boolean NOT NULL DEFAULT false,
    signed_at     timestamptz,
    recusal_used  boolean NOT NULL DEFAULT false,
    position      integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX case_parties_case ON case_parties (county_id, case_id, position);
CREATE INDEX case_parties_user ON case_parties (user_id, county_id, case_id) WHERE user_id IS NOT NULL;
CREATE INDEX case_parties_email ON case_parties (email) WHERE email IS NOT NULL AND user_id IS NULL;

CREATE TABLE case_sessions (
    county_id    uuid NOT NULL,
    id           uuid NOT NULL,
    case_id      uuid NOT NULL,
    at           timestamptz NOT NULL,
    mode         text NOT NULL CHECK (mode IN ('online', 'in_person')),
    location     text NOT NULL CHECK (length(location) BETWEEN 1 AND 500),
    record       text,
    recorded_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX case_sessions_case ON case_sessions (county_id, case_id, at);

-- The case history: append-only and hash-chained per case. hash = SHA-256 of the previous hash
-- and this row's content, so an edited or deleted row breaks the chain (verify-audit).
CREATE TABLE case_events (
    county_id   uuid NOT NULL,
    case_id     uuid NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 1),
    kind        text NOT NULL,
    actor_id    uuid,
    actor_role  text NOT NULL,
    data        jsonb NOT NULL,
    at          timestamptz NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (county_id, case_id, seq),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);

CREATE FUNCTION case_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER case_events_no_update_delete BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_are_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_are_append_only();

-- A filing retried with the same Idempotency-Key returns the case of the first attempt.
CREATE TABLE idempotency_keys (
    user_id       uuid NOT NULL REFERENCES users (id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  text NOT NULL,
    county_id     uuid,
    case_id       uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
