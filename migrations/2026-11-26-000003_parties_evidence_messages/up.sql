-- What is attached to a case: the applicant's privacy consent, assisted filing, ID numbers for
-- judicial confirmation, messages, evidence, and one-time invitation links.

-- Before filing the applicant is told who sees the data and how long it is kept; the version of
-- that notice and the time of consent are kept. A mediator filing for a resident records how the
-- resident consented.
CREATE TABLE case_filings (
    county_id               uuid NOT NULL,
    case_id                 uuid NOT NULL,
    privacy_notice_version  text NOT NULL,
    privacy_consented_at    timestamptz NOT NULL,
    -- Set when a mediator filed for the resident: how the resident consented.
    assisted_consent        text CHECK (assisted_consent IN ('in_person', 'phone', 'paper')),
    PRIMARY KEY (county_id, case_id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);

-- Resident ID numbers are asked for only when judicial confirmation needs them; encrypted.
ALTER TABLE case_parties ADD COLUMN id_number_enc bytea;

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The case thread (audience 'all'), internal notes between mediators ('mediators'), and private
-- caucus messages between the mediator and one party ('party'). Never edited: a correction is a
-- new message.
CREATE TABLE case_messages (
    county_id        uuid NOT NULL,
    id               uuid NOT NULL,
    case_id          uuid NOT NULL,
    author_id        uuid REFERENCES users (id),
    author_party_id  uuid,
    author_role      text NOT NULL,
    audience         text NOT NULL CHECK (audience IN ('all', 'mediators', 'party')),
    party_id         uuid,
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id),
    CHECK ((audience = 'party') = (party_id IS NOT NULL))
);
CREATE INDEX case_messages_case ON case_messages (county_id, case_id, created_at);
CREATE TRIGGER case_messages_append_only BEFORE UPDATE OR DELETE ON case_messages
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Evidence files live in a content-addressed store under DATA_DIR (outside anything served);
-- a row per upload, so identical content is stored once but each upload is recorded.
CREATE TABLE evidence (
    county_id                 uuid NOT NULL,
    id                        uuid NOT NULL,
    case_id                   uuid NOT NULL,
    sha256                    text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size                      bigint NOT NULL CHECK (size > 0),
    content_type              text NOT NULL,
    filename                  text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    description               text CHECK (length(description) <= 1000),
    uploaded_by               uuid REFERENCES users (id),
    uploader_party_id         uuid,
    visible_to_other_parties  boolean NOT NULL DEFAULT true,
    created_at                timestamptz NOT NULL,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
CREATE INDEX evidence_case ON evidence (county_id, case_id, created_at);
CREATE INDEX evidence_id ON evidence (id);
CREATE INDEX evidence_sha ON evidence (sha256);

-- An invitation link works once: its token id is recorded when used.
CREATE TABLE invitation_uses (
    jti        uuid PRIMARY KEY,
    county_id  uuid NOT NULL,
    party_id   uuid NOT NULL,
    used_at    timestamptz NOT NULL
);
