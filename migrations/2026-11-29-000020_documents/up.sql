-- The statutory documents (SPEC §4.1) are made from the record when fetched; what is kept is
-- each issued version: its verify code, the SHA-256 of its PDF as issued, and two digests of
-- what it says. `content` (as this reader saw it, personal details masked or not) lets the
-- same content get the same code and so the same bytes; `substance` (without personal
-- details) says whether the version still stands when someone verifies a printout.
CREATE TABLE document_issues (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
    county_id   uuid NOT NULL,
    case_id     uuid NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('application', 'acceptance', 'session_record',
                                              'agreement', 'follow_up', 'case_file')),
    -- The session of a session record; '' for the other kinds.
    part        text NOT NULL DEFAULT '',
    content     text NOT NULL,
    substance   text NOT NULL,
    sha256      text NOT NULL,
    -- What the document itself is dated (in words), and the committee it names.
    dated       text NOT NULL,
    committee   text NOT NULL,
    issued_at   timestamptz NOT NULL,
    UNIQUE (county_id, case_id, kind, part, content),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
CREATE INDEX document_issues_case ON document_issues (county_id, case_id, kind, part, issued_at DESC);

-- A party who fetched a document online did not travel to collect it (SPEC §6.1 trips
-- avoided): counted once per party and document.
CREATE TABLE document_fetches (
    county_id  uuid NOT NULL,
    case_id    uuid NOT NULL,
    party_id   uuid NOT NULL,
    kind       text NOT NULL,
    part       text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    PRIMARY KEY (county_id, case_id, party_id, kind, part),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
