-- The Fengqiao indicators (SPEC §6.1), kept by a job over the history: each case's contribution
-- (`case_facts`, computed from its record and history at `seq`) and their sums per county,
-- month filed (China time), township, village, committee and mediator (`stat_rollups`, with the
-- days to resolution in `stat_days`). A case is due for the job while its history head is ahead
-- of the seq its facts were computed at (`case_history_heads.rolled_seq`).

ALTER TABLE case_history_heads ADD COLUMN rolled_seq integer NOT NULL DEFAULT 0;

-- Heads still move forward only; the job may record how far it has rolled.
DROP TRIGGER case_history_heads_forward ON case_history_heads;
CREATE TRIGGER case_history_heads_forward BEFORE UPDATE ON case_history_heads
    FOR EACH ROW
    WHEN (NEW.county_id <> OLD.county_id OR NEW.case_id <> OLD.case_id OR NEW.seq < OLD.seq
          OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash))
    EXECUTE FUNCTION case_history_heads_forward_only();

-- The figures, in the order of `stats::Figures` (one integer each).
CREATE TABLE case_facts (
    county_id     uuid NOT NULL,
    case_id       uuid NOT NULL,
    seq           integer NOT NULL,
    month         date NOT NULL,
    township_id   uuid NOT NULL,
    village_id    uuid NOT NULL,
    committee_id  uuid NOT NULL,
    mediator_id   uuid,
    days          integer,
    figures       bigint[] NOT NULL,
    PRIMARY KEY (county_id, case_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX case_facts_month ON case_facts (county_id, month);

CREATE TABLE stat_rollups (
    county_id     uuid NOT NULL REFERENCES divisions (id),
    month         date NOT NULL,
    township_id   uuid NOT NULL,
    village_id    uuid NOT NULL,
    committee_id  uuid NOT NULL,
    -- The nil uuid while no mediator holds the case.
    mediator_id   uuid NOT NULL,
    figures       bigint[] NOT NULL,
    PRIMARY KEY (county_id, month, township_id, village_id, committee_id, mediator_id)
);

CREATE TABLE stat_days (
    county_id     uuid NOT NULL REFERENCES divisions (id),
    month         date NOT NULL,
    township_id   uuid NOT NULL,
    village_id    uuid NOT NULL,
    committee_id  uuid NOT NULL,
    mediator_id   uuid NOT NULL,
    days          integer NOT NULL CHECK (days >= 0),
    cases         integer NOT NULL CHECK (cases > 0),
    PRIMARY KEY (county_id, month, township_id, village_id, committee_id, mediator_id, days)
);

-- Months whose sums are behind their cases' facts: the job writes facts batch by batch and marks
-- the (county, month) here in the same transaction, then sums each marked month once.
CREATE TABLE stat_stale (
    county_id  uuid NOT NULL,
    month      date NOT NULL,
    PRIMARY KEY (county_id, month)
);
