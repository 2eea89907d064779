-- The sweeper lists the keys of open cases whose clock ran out, in key order
-- (db::cases::batch::due_keys). With the keys in the index and closed cases left out, that list
-- is read from the index alone instead of visiting every due case's row to check its status.
-- The predicate is written exactly as db::cases::open() writes it, so the planner can match it.
DROP INDEX cases_due;
CREATE INDEX cases_due ON cases (deadline_at) INCLUDE (county_id, id)
    WHERE deadline_at IS NOT NULL AND status NOT IN ('closed', 'declined', 'referred', 'withdrawn');
