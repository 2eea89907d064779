DROP TABLE stat_stale;
DROP TABLE stat_days;
DROP TABLE stat_rollups;
DROP TABLE case_facts;
DROP TRIGGER case_history_heads_forward ON case_history_heads;
CREATE TRIGGER case_history_heads_forward BEFORE UPDATE ON case_history_heads
    FOR EACH ROW
    WHEN (NEW.county_id <> OLD.county_id OR NEW.case_id <> OLD.case_id OR NEW.seq <= OLD.seq)
    EXECUTE FUNCTION case_history_heads_forward_only();
ALTER TABLE case_history_heads DROP COLUMN rolled_seq;
