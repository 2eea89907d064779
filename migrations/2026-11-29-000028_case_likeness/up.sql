-- Ended cases as a mediator may learn from them (SPEC §7, similar past cases): the narrative's
-- words for the full-text index, and what may be shown — the narrative told without names or
-- numbers, the outcome, the level it ended at, the agreement's obligations without who. Written
-- by the indicators' job when a case has ended; gone with its case.
CREATE TABLE case_likeness (
    county_id    uuid NOT NULL,
    case_id      uuid NOT NULL,
    category     text NOT NULL,
    level        text NOT NULL,
    outcome      text NOT NULL,
    summary      text NOT NULL,
    obligations  jsonb NOT NULL DEFAULT '[]',
    -- The narrative's words (jieba); searched as a tsvector through the index below.
    words        text[] NOT NULL,
    PRIMARY KEY (county_id, case_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
-- The county and the words in one GIN index (btree_gin, a trusted extension shipped with
-- PostgreSQL), so a question reads only its county's matches.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX case_likeness_words ON case_likeness USING gin (county_id, array_to_tsvector(words));
