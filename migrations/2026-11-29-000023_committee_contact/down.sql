ALTER TABLE committees DROP COLUMN phone, DROP COLUMN address;
