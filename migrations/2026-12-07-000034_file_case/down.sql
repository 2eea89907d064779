DROP FUNCTION file_case(uuid, text, text, jsonb, text, int, text, jsonb, jsonb, text, timestamptz, text, jsonb, jsonb);
