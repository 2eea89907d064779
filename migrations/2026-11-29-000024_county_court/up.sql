-- The court a county's cases go to when mediation fails (引导诉讼) and for judicial
-- confirmation: named on the case page of a referred case with its address and phone.
CREATE TABLE county_courts (
    county_id  uuid PRIMARY KEY,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    address    text CHECK (char_length(address) <= 200),
    phone      text CHECK (char_length(phone) <= 30),
    updated_at timestamptz NOT NULL
);
