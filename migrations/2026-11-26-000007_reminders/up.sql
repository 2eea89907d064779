-- Reminders already sent: one row per case, kind and due time, so a reminder goes out once
-- however often (and on however many nodes) the reminder job runs.
CREATE TABLE reminders_sent (
    county_id  uuid NOT NULL,
    case_id    uuid NOT NULL,
    kind       text NOT NULL,
    due_at     timestamptz NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (county_id, case_id, kind, due_at),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
