ALTER TABLE case_parties DROP COLUMN particulars_enc;
