-- A person asks for their account to be deleted (PIPL art. 47); the county admin decides. Open
-- cases are legal holds: the account stays while any case it is party to is open. Ended cases
-- are kept for the retention period and erased by the retention job.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
ALTER TABLE users DROP CONSTRAINT users_reachable;
ALTER TABLE users ADD CONSTRAINT users_reachable
    CHECK (email IS NOT NULL OR phone_key IS NOT NULL OR deleted_at IS NOT NULL);

CREATE TABLE deletion_requests (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    -- The county whose administrator decides: the account's, or that of the person's newest case.
    county_id     uuid NOT NULL REFERENCES divisions (id),
    reason        text CHECK (length(reason) <= 1000),
    requested_at  timestamptz NOT NULL,
    decided_at    timestamptz,
    decided_by    uuid REFERENCES users (id),
    outcome       text CHECK (outcome IN ('deleted', 'refused')),
    note          text CHECK (length(note) <= 1000),
    CHECK ((decided_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX deletion_requests_pending ON deletion_requests (county_id, requested_at)
    WHERE decided_at IS NULL;
CREATE UNIQUE INDEX deletion_requests_one_pending ON deletion_requests (user_id)
    WHERE decided_at IS NULL;
