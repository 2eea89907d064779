DROP INDEX cases_to_purge;
ALTER TABLE cases DROP COLUMN purged_at;
DROP INDEX cases_performance_reminders;
DROP FUNCTION performance_until(jsonb);
