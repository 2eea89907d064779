-- Who opened a case (SPEC §7 "Privacy", the parties' right to supervise): every opening of a
-- case record, a document or an evidence file by staff or a judge is a row. Append-only like the
-- history; retention removes it with the case.
CREATE TABLE case_access_log (
    county_id  uuid NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    case_id    uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    role       text NOT NULL,
    what       text NOT NULL CHECK (what IN ('case', 'document', 'evidence')),
    target_id  uuid,
    at         timestamptz NOT NULL,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX case_access_log_case ON case_access_log (county_id, case_id, at DESC);
CREATE TRIGGER case_access_log_append_only BEFORE UPDATE OR DELETE ON case_access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
