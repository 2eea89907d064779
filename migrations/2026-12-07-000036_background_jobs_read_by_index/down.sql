DROP INDEX cases_to_purge;
ALTER TABLE cases DROP COLUMN purged_at;
DROP STATISTICS cases_performance_until;
DROP INDEX cases_performance_reminders;
DROP FUNCTION performance_until(jsonb);
