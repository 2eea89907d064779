-- A keyed, anchored history (SPEC §8): each link is an HMAC-SHA256 under HISTORY_KEY, so that
-- someone who can write to the database but does not hold the key cannot recompute a chain
-- after editing it; heads only move forward; and once a day each county's history is anchored
-- (a keyed root over every case's last link) and the anchor is mailed outside the database.

-- Which key made a link. Rows written before this migration were linked with plain SHA-256
-- ('sha256'); verify-audit accepts such links only at the start of a chain.
ALTER TABLE case_events ADD COLUMN key_id text NOT NULL DEFAULT 'sha256'
    CHECK (key_id ~ '^[a-z0-9_-]{1,32}$');

-- Heads move forward and stay with their case. Moving one back would hide a deleted tail. The
-- condition sits in the trigger's WHEN, so the sweep's thousands of forward moves never call
-- the function: only a refused change does.
CREATE FUNCTION case_history_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_history_heads only move forward: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER case_history_heads_forward BEFORE UPDATE ON case_history_heads
    FOR EACH ROW
    WHEN (NEW.county_id <> OLD.county_id OR NEW.case_id <> OLD.case_id OR NEW.seq <= OLD.seq)
    EXECUTE FUNCTION case_history_heads_forward_only();

-- One row per county and day: the keyed root over (case, seq, hash) of each case's last event
-- at or before `cutoff`, in case order. verify-audit recomputes every anchor.
CREATE TABLE history_anchors (
    county_id   uuid NOT NULL REFERENCES divisions (id),
    cutoff      timestamptz NOT NULL,
    cases       integer NOT NULL CHECK (cases >= 0),
    root        text NOT NULL CHECK (root ~ '^[0-9a-f]{64}$'),
    key_id      text NOT NULL CHECK (key_id ~ '^[a-z0-9_-]{1,32}$'),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (county_id, cutoff)
);
CREATE TRIGGER history_anchors_append_only BEFORE UPDATE OR DELETE ON history_anchors
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER history_anchors_no_truncate BEFORE TRUNCATE ON history_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The synthetic load (seed-load) links its events in SQL, under the same key.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
