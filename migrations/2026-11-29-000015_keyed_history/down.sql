DROP TABLE history_anchors;
DROP TRIGGER case_history_heads_forward ON case_history_heads;
DROP FUNCTION case_history_heads_forward_only();
ALTER TABLE case_events DROP COLUMN key_id;
