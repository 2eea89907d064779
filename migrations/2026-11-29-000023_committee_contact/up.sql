-- Where a person who cannot type reaches their committee: a phone number (tap to call on the
-- pages) and an address, kept by the county admin.
ALTER TABLE committees
    ADD COLUMN phone text CHECK (char_length(phone) <= 30),
    ADD COLUMN address text CHECK (char_length(address) <= 200);
