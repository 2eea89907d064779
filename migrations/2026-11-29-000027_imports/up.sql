-- Disputes loaded from another system's records (a grid office's spreadsheet): each line's own
-- id in that system, so loading the same file again files nothing twice.
CREATE TABLE imported_cases (
    county_id    uuid NOT NULL REFERENCES divisions (id),
    external_id  text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 100),
    case_id      uuid NOT NULL,
    recorded_on  date,
    imported_by  uuid NOT NULL REFERENCES users (id),
    imported_at  timestamptz NOT NULL,
    PRIMARY KEY (county_id, external_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
