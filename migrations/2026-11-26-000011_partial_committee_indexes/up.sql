-- The lower committees' read of cases they escalated (db::access::visible): a village committee
-- sees its cases once they are above the village, a township committee once they are at the
-- county. Only those cases need an entry, and most cases stay in the village ("small disputes
-- stay in the village"), so the indexes become partial: smaller, and a case update that leaves
-- the predicate false (most of them) writes no entry into them.
DROP INDEX cases_by_village_committee;
DROP INDEX cases_by_township_committee;
CREATE INDEX cases_by_village_committee ON cases (county_id, village_committee_id, filed_at DESC)
    WHERE level <> 'village';
CREATE INDEX cases_by_township_committee ON cases (county_id, township_committee_id, filed_at DESC)
    WHERE level = 'county';
