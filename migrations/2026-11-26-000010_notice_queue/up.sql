-- Notices of a change made to many cases at once (the deadline sweeper), as the engine decided
-- them, before they are turned into people. The sweeper writes one row per county and batch in
-- the transaction of its change, so a committed escalation is always told; the mail worker
-- expands the rows into `outbox` and `notifications` and deletes them, in one transaction.
-- This keeps the sweeper's transactions (which hold the cases' row locks) short: resolving
-- committees, parties and accounts into some ten rows per case happens after the cases are free.
CREATE TABLE notice_queue (
    county_id   uuid NOT NULL REFERENCES divisions (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    -- [{"case_id": …, "notices": [{"kind": …, "to": …}]}]
    changes     jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (county_id, id)
);
CREATE INDEX notice_queue_order ON notice_queue (id);
