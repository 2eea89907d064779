-- Public supervision (监督权): when a case ends, each party rates the process and the mediator.
CREATE TABLE case_ratings (
    county_id   uuid NOT NULL,
    case_id     uuid NOT NULL,
    party_id    uuid NOT NULL,
    score       smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     text CHECK (length(comment) <= 2000),
    level       text NOT NULL CHECK (level IN ('village', 'township', 'county')),
    mediator_id uuid,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (county_id, case_id, party_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX case_ratings_mediator ON case_ratings (county_id, mediator_id);
