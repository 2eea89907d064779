-- When each background job last finished a whole pass, on whichever node ran it: /metrics on
-- every node reads the same figures (the indicators' lag, a sweeper that no longer runs).
CREATE TABLE job_runs (
    job text PRIMARY KEY,
    -- The start of the last pass that finished: everything due before it has been done.
    covered_until timestamptz NOT NULL,
    finished_at timestamptz NOT NULL
);
