-- Retention (SPEC §8): the personal data of cases closed longer ago than the county's period is
-- erased, while the statistics (category, levels, statuses, dates, ratings' scores) and the
-- verifiable history (links over the data's SHA-256) stay.

ALTER TABLE county_policies ADD COLUMN retention_years integer NOT NULL DEFAULT 3
    CHECK (retention_years BETWEEN 1 AND 30);

-- Messages may be deleted, and history rows' data erased (UPDATE), only inside a retention
-- purge, which says so for its transaction (SET LOCAL fengqiao.purge = 'on'). Every other table
-- stays append-only as before, and TRUNCATE is refused everywhere.
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'case_messages'
       AND current_setting('fengqiao.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION case_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' AND current_setting('fengqiao.purge', true) = 'on'
       AND NEW.county_id = OLD.county_id AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq
       AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash AND NEW.key_id = OLD.key_id
       AND NEW.kind = OLD.kind AND NEW.at = OLD.at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Each purge, once per case: what was erased and when. verify-audit accepts erased history rows
-- only of cases listed here.
CREATE TABLE retention_purges (
    county_id       uuid NOT NULL,
    case_id         uuid NOT NULL,
    purged_at       timestamptz NOT NULL,
    events_erased   integer NOT NULL,
    files_deleted   integer NOT NULL,
    PRIMARY KEY (county_id, case_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
