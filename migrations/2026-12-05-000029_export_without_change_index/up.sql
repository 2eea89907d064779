-- The export pages by the primary key (county, id) and checks updated_at on the way. An index on
-- updated_at was written by every case update and cost the deadline sweep about a fifth of its
-- time (16.5 s against 13.2 s for 102 900 escalations, docs/benchmarks.md).
DROP INDEX IF EXISTS cases_changed;
