DROP TABLE invitation_uses;
DROP TABLE evidence;
DROP TABLE case_messages;
DROP FUNCTION refuse_change();
ALTER TABLE case_parties DROP COLUMN id_number_enc;
DROP TABLE case_filings;
