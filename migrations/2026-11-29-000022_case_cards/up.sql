-- 解纷码: a code on a card (QR) that opens where a case stands without typing its number and
-- access code. Random, one live per case; a party replaces it (the old one stops working).
CREATE TABLE case_cards (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
    county_id   uuid NOT NULL,
    case_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX case_cards_live ON case_cards (county_id, case_id) WHERE revoked_at IS NULL;
