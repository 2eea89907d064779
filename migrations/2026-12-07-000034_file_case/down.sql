DROP FUNCTION file_case(uuid, uuid, text, text, jsonb, text, int, text, jsonb, jsonb, text, timestamptz, text, jsonb, jsonb);
