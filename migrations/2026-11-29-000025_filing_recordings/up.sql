-- 说不清楚？录一段语音: a recording made on the first filing screen, before the case exists,
-- kept by the filing's key (a random value the screens carry) until the case is filed and the
-- recording becomes its first evidence. The file is in the evidence store by its SHA-256.
CREATE TABLE filing_recordings (
    key          text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{24}$'),
    sha256       text NOT NULL,
    size         bigint NOT NULL,
    content_type text NOT NULL CHECK (content_type LIKE 'audio/%'),
    filename     text NOT NULL,
    created_at   timestamptz NOT NULL
);
