DROP TRIGGER case_events_advance_head ON case_events;
DROP FUNCTION case_history_heads_advance();
DROP TABLE case_history_heads;
