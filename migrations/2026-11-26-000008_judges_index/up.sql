-- The county's judges are looked up whenever a case reaches them (notifications).
CREATE INDEX users_judges ON users (county_id) WHERE role = 'judge';
