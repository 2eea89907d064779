-- A party's particulars for the statutory documents (sex, year of birth, ethnicity, occupation,
-- address), sealed like the phone and ID numbers: JSON encrypted with DATA_KEY.
ALTER TABLE case_parties ADD COLUMN particulars_enc bytea;
