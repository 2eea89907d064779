CREATE INDEX cases_changed ON cases (county_id, updated_at, id);
