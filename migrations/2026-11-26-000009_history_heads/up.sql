-- The newest link of every case's history chain, kept by the database itself on every insert
-- into case_events (one statement-level trigger, set-based), so that verify-audit notices the
-- newest events of a case being deleted, which the chain alone cannot show.
CREATE TABLE case_history_heads (
    county_id  uuid NOT NULL,
    case_id    uuid NOT NULL,
    seq        integer NOT NULL,
    hash       text NOT NULL,
    PRIMARY KEY (county_id, case_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);

CREATE FUNCTION case_history_heads_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_history_heads (county_id, case_id, seq, hash)
    SELECT DISTINCT ON (county_id, case_id) county_id, case_id, seq, hash
      FROM new_events
     ORDER BY county_id, case_id, seq DESC
    ON CONFLICT (county_id, case_id) DO UPDATE
       SET seq = excluded.seq, hash = excluded.hash
     WHERE excluded.seq > case_history_heads.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_events_advance_head AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_history_heads_advance();

-- Heads move forward only; removing one would hide a truncated history.
CREATE TRIGGER case_history_heads_no_delete BEFORE DELETE OR TRUNCATE ON case_history_heads
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

INSERT INTO case_history_heads (county_id, case_id, seq, hash)
SELECT DISTINCT ON (county_id, case_id) county_id, case_id, seq, hash
  FROM case_events
 ORDER BY county_id, case_id, seq DESC;
