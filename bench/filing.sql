-- The SQL that one `POST /api/v1/cases` runs (a resident files a case with one respondent, no
-- Idempotency-Key), statement for statement, for `pgbench -M prepared` on the database that
-- `seed-load` made: what the database alone can do is the yardstick of the API (SPEC §8).
-- Variables from the command line: -D counties=N -D residents=M.
\set c random(0, :counties - 1)
\set t random(1, 15)
\set v random(201, 212)
\set r random(0, :residents - 1)
-- The Principal extractor: the token is not revoked, the user and scope are read.
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = gen_random_uuid());
SELECT u.id AS uid, u.name AS uname, u.email AS uemail FROM users u
  LEFT JOIN committees c ON c.id = u.committee_id
  LEFT JOIN divisions cd ON cd.id = c.division_id
  LEFT JOIN divisions co ON co.id = u.county_id
  WHERE u.email = 'resident' || :r::text || '@load.test' LIMIT 1 \gset
BEGIN;
-- The village's road: the village with the committees of village, township and county.
SELECT v.id AS vid, v.county_id AS cid, v.code AS vcode, vc.id AS vc, tc.id AS tc, cc.id AS cc
  FROM divisions v
  JOIN committees vc ON vc.division_id = v.id
  JOIN committees tc ON v.parent_id = tc.division_id
  JOIN committees cc ON cc.division_id = v.county_id
  WHERE v.code = '99' || lpad((:c / 10 + 1)::text, 2, '0') || lpad((:c % 10 + 1)::text, 2, '0')
                 || lpad(:t::text, 3, '0') || lpad(:v::text, 3, '0')
    AND v.level = 'village' LIMIT 1 \gset
SELECT * FROM county_policies WHERE county_id = :cid LIMIT 1;
INSERT INTO case_counters (county_id, year, last) VALUES (:cid, extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, 1)
  ON CONFLICT (county_id, year) DO UPDATE SET last = case_counters.last + excluded.last
  RETURNING last \gset
SELECT gen_random_uuid() AS case_id, gen_random_uuid() AS p1, gen_random_uuid() AS p2,
       now() AS at \gset
INSERT INTO cases (county_id, id, number, access_code_hash, category, narrative, request,
                   amount_fen, village_id, village_committee_id, township_committee_id,
                   county_committee_id, level, committee_id, status, version, mediator_id,
                   deadline_at, deadline_kind, filed_by, filed_at, updated_at)
  VALUES (:cid, :case_id, substr(:vcode, 1, 6) || '-' || extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int || '-' || lpad(:last::text, 6, '0'),
          md5(:case_id::text) || md5(:p1::text), 'neighbour',
          '邻居在两家之间的通道上堆放杂物，影响通行，多次协商未果（压测）。',
          '请求调解委员会主持调解，清除杂物，恢复通行。', NULL, :vid, :vc, :tc, :cc,
          'village', :vc, 'submitted', 1, NULL, :at::timestamptz + interval '3 days',
          'acceptance', NULL, :at, :at);
INSERT INTO case_parties (county_id, id, case_id, side, name, email, phone_enc, user_id, position)
  VALUES (:cid, :p1, :case_id, 'applicant', :uname, :uemail, NULL, :uid, 0),
         (:cid, :p2, :case_id, 'respondent', '李建国', NULL, NULL, NULL, 1);
INSERT INTO case_events (county_id, case_id, seq, kind, actor_id, actor_role, data, at,
                         prev_hash, hash)
  VALUES (:cid, :case_id, 1, 'filed', :uid, 'party',
          jsonb_build_object('committee', :vc::text, 'level', 'village'), :at, repeat('0', 64),
          md5(:case_id::text) || md5(:at::text));
INSERT INTO case_filings (county_id, case_id, privacy_notice_version, privacy_consented_at,
                          assisted_consent)
  VALUES (:cid, :case_id, '2026-11', :at, NULL);
-- The notices, in the same transaction (notify::enqueue_many): the case number, the parties
-- with their accounts and the committee's staff, then the receipt to the applicant and the
-- "new case" to the village committee, as mail and as bell rows.
SELECT id, number FROM cases WHERE county_id = ANY(ARRAY[:cid::uuid]) AND id = ANY(ARRAY[:case_id::uuid]);
SELECT p.case_id, p.id, p.side, p.email, p.user_id, u.email, u.language FROM case_parties p
  LEFT JOIN users u ON u.id = p.user_id
  WHERE p.county_id = ANY(ARRAY[:cid::uuid]) AND p.case_id = ANY(ARRAY[:case_id::uuid])
  ORDER BY p.case_id, p.position;
SELECT id, email, language, committee_id, county_id, role FROM users
  WHERE committee_id = ANY(ARRAY[:vc::uuid]) AND role IN ('mediator', 'committee_head')
  ORDER BY email;
INSERT INTO outbox (county_id, id, case_id, kind, user_id, email, party_id, language, payload,
                    next_attempt_at, created_at)
  SELECT :cid::uuid, gen_random_uuid(), :case_id::uuid, 'filing_receipt', :uid::uuid, :uemail::text,
         :p1::uuid, 'zh', jsonb_build_object('case_id', :case_id::text, 'access_code', 'ABCDEFGH'),
         :at::timestamptz, :at::timestamptz
  UNION ALL
  SELECT :cid::uuid, gen_random_uuid(), :case_id::uuid, 'new_case', id, email, NULL, language,
         jsonb_build_object('case_id', :case_id::text), :at::timestamptz, :at::timestamptz
    FROM users WHERE committee_id = :vc AND role IN ('mediator', 'committee_head');
INSERT INTO notifications (county_id, id, user_id, case_id, kind, data, created_at)
  SELECT :cid::uuid, gen_random_uuid(), :uid::uuid, :case_id::uuid, 'filing_receipt', '{}'::jsonb,
         :at::timestamptz
  UNION ALL
  SELECT :cid::uuid, gen_random_uuid(), id, :case_id::uuid, 'new_case', '{}'::jsonb, :at::timestamptz
    FROM users WHERE committee_id = :vc AND role IN ('mediator', 'committee_head');
COMMIT;
-- The answer: the case read back through the gate, its parties, sessions and labels.
SELECT * FROM cases WHERE id = :case_id AND EXISTS (
  SELECT 1 FROM case_parties p WHERE p.county_id = cases.county_id AND p.case_id = cases.id
                                 AND p.user_id = :uid) LIMIT 1;
SELECT * FROM case_parties WHERE county_id = :cid AND case_id = :case_id ORDER BY position;
SELECT * FROM case_sessions WHERE county_id = :cid AND case_id = :case_id ORDER BY at, id;
SELECT c.name, d.code, d.name FROM committees c JOIN divisions d ON d.id = :vid
  WHERE c.id = :vc LIMIT 1;
SELECT * FROM county_policies WHERE county_id = :cid LIMIT 1;
