-- One row into `cases` and nothing else: the yardstick of `filing_insert_ratio` (how many
-- filings the service makes per single-row insert the database can do on the same machine).
-- The village's ids come from the command line (-D cid= vid= vc= tc= cc=), so that the script
-- is the insert alone.
INSERT INTO cases (county_id, id, number, access_code_hash, category, narrative, request,
                   village_id, village_committee_id, township_committee_id, county_committee_id,
                   level, committee_id, status, version, deadline_at, deadline_kind, filed_at,
                   updated_at)
  VALUES (:cid, gen_random_uuid(), 'pk-' || gen_random_uuid(), md5(random()::text), 'neighbour',
          '邻居在两家之间的通道上堆放杂物，影响通行（闭环压测）。',
          '请求调解委员会主持调解，清除杂物，恢复通行。', :vid, :vc, :tc, :cc, 'village', :vc,
          'submitted', 1, now() + interval '3 days', 'acceptance', now(), now());
