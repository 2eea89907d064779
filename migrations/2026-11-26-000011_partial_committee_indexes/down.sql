DROP INDEX cases_by_village_committee;
DROP INDEX cases_by_township_committee;
CREATE INDEX cases_by_village_committee ON cases (county_id, village_committee_id, filed_at DESC);
CREATE INDEX cases_by_township_committee ON cases (county_id, township_committee_id, filed_at DESC);
