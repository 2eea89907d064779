DROP INDEX cases_due;
CREATE INDEX cases_due ON cases (deadline_at) WHERE deadline_at IS NOT NULL;
