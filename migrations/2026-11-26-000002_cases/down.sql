DROP TABLE idempotency_keys;
DROP TABLE case_events;
DROP FUNCTION case_events_are_append_only();
DROP TABLE case_sessions;
DROP TABLE case_parties;
DROP TABLE cases;
DROP TABLE case_counters;
DROP TABLE county_policies;
