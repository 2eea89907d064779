-- The SQL that one `POST /api/v1/cases` runs (a resident files a case with one respondent, no
-- Idempotency-Key), statement for statement, for `pgbench -M prepared` on the database that
-- `seed-load` made: what the database alone can do is the yardstick of the API (SPEC §8).
-- Variables from the command line: -D counties=N -D residents=M.
--
-- The caller is kept in the server's memory (auth::principal_cache): no statement. Filing then
-- reads what it needs (the service sends these three together, pipelined; pgbench one after
-- another), decides the case, its history and notices in memory, and writes everything with
-- one call of `file_case`. The answer is built from what was written: no read-back.
\set c random(0, :counties - 1)
\set t random(1, 15)
\set v random(201, 212)
\set r random(0, :residents - 1)
-- The village's road with its committee and the county's deadlines (db::divisions::road_of_village).
SELECT v.id AS vid, v.county_id AS cid, v.code AS vcode, vc.id AS vc, tc.id AS tc, cc.id AS cc,
       vc.name AS vcname, coalesce(vc.phone, '') AS vcphone,
       coalesce(vc.address, '') AS vcaddress,
       coalesce((SELECT ARRAY[acceptance_days_village, acceptance_days_township,
                         acceptance_days_county, response_days, mediation_days, extension_days,
                         signature_days, confirmation_days, follow_up_days]
                   FROM county_policies p WHERE p.county_id = v.county_id), '{}') AS policy
  FROM divisions v
  JOIN committees vc ON vc.division_id = v.id
  JOIN committees tc ON v.parent_id = tc.division_id
  JOIN committees cc ON cc.division_id = v.county_id
  WHERE v.code = '99' || lpad((:c / 10 + 1)::text, 2, '0') || lpad((:c % 10 + 1)::text, 2, '0')
                 || lpad(:t::text, 3, '0') || lpad(:v::text, 3, '0')
    AND v.level = 'village' LIMIT 1 \gset
-- The village committee's staff, told of the new case (db::recipients::village_committee_staff).
SELECT (array_agg(id ORDER BY email))[1] AS s1, (array_agg(id ORDER BY email))[2] AS s2,
       (array_agg(email ORDER BY email))[1] AS e1, (array_agg(email ORDER BY email))[2] AS e2
  FROM (SELECT id, email, language, committee_id, county_id, role, phone_enc, channel FROM users
         WHERE committee_id IN (SELECT c.id FROM committees c JOIN divisions d ON d.id = c.division_id
                                 WHERE d.code = :vcode AND d.level = 'village')
           AND role IN ('mediator', 'committee_head')) s \gset
-- Where the filing resident is reached (db::recipients::staff_by_id; pgbench knows them by address).
SELECT id AS uid, name AS uname, email AS uemail, language AS ulang,
       coalesce(encode(phone_enc, 'hex'), '') AS uphone, coalesce(channel, '') AS uchannel FROM users
  WHERE email = 'resident' || :r::text || '@load.test' \gset
-- The ids the service makes itself (pgbench cannot).
SELECT gen_random_uuid() AS case_id, gen_random_uuid() AS p1, gen_random_uuid() AS p2,
       now() AS at \gset
-- Everything written in one call (db::cases::file).
SELECT file_case(:cid::uuid, NULL, NULL, NULL,
  jsonb_build_object('county_id', :cid::uuid, 'id', :case_id::uuid, 'category', 'neighbour',
    'narrative', '邻居在两家之间的通道上堆放杂物，影响通行，多次协商未果（压测）。',
    'request', '请求调解委员会主持调解，清除杂物，恢复通行。', 'amount_fen', NULL,
    'village_id', :vid::uuid, 'village_committee_id', :vc::uuid, 'township_committee_id', :tc::uuid,
    'county_committee_id', :cc::uuid, 'level', 'village', 'committee_id', :vc::uuid,
    'status', 'submitted', 'version', 1, 'mediator_id', NULL,
    'deadline_at', :at::timestamptz + interval '3 days', 'deadline_kind', 'acceptance',
    'filed_by', NULL, 'filed_at', :at::timestamptz, 'updated_at', :at::timestamptz),
  substr(:vcode, 1, 6), extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int, 'ABCDEFGH',
  jsonb_build_array(
    jsonb_build_object('county_id', :cid::uuid, 'id', :p1::uuid, 'case_id', :case_id::uuid,
      'side', 'applicant', 'name', :uname::text, 'email', :uemail::text, 'phone_enc', NULL,
      'phone_key', NULL, 'user_id', :uid::uuid, 'position', 0),
    jsonb_build_object('county_id', :cid::uuid, 'id', :p2::uuid, 'case_id', :case_id::uuid,
      'side', 'respondent', 'name', '李建国', 'email', NULL, 'phone_enc', NULL,
      'phone_key', NULL, 'user_id', NULL, 'position', 1)),
  jsonb_build_array(jsonb_build_object('county_id', :cid::uuid, 'case_id', :case_id::uuid, 'seq', 1,
    'kind', 'filed', 'actor_id', :uid::uuid, 'actor_role', 'party',
    'data', jsonb_build_object('committee', :vc::uuid, 'level', 'village'), 'at', :at::timestamptz,
    'prev_hash', repeat('0', 64), 'hash', md5(:case_id::text) || md5(:at::text), 'key_id', 'k1')),
  '2026-11', :at::timestamptz, NULL,
  jsonb_build_array(
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'case_id', :case_id::uuid,
      'kind', 'filing_receipt', 'user_id', :uid::uuid, 'email', :uemail::text, 'channel', 'email',
      'phone_enc', NULL, 'party_id', :p1::uuid, 'language', 'zh',
      'payload', jsonb_build_object('case_id', :case_id::uuid, 'access_code', 'ABCDEFGH'),
      'next_attempt_at', :at::timestamptz, 'created_at', :at::timestamptz),
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'case_id', :case_id::uuid,
      'kind', 'new_case', 'user_id', :s1::uuid, 'email', :e1::text, 'channel', 'email',
      'phone_enc', NULL, 'party_id', NULL, 'language', 'zh',
      'payload', jsonb_build_object('case_id', :case_id::uuid),
      'next_attempt_at', :at::timestamptz, 'created_at', :at::timestamptz),
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'case_id', :case_id::uuid,
      'kind', 'new_case', 'user_id', :s2::uuid, 'email', :e2::text, 'channel', 'email',
      'phone_enc', NULL, 'party_id', NULL, 'language', 'zh',
      'payload', jsonb_build_object('case_id', :case_id::uuid),
      'next_attempt_at', :at::timestamptz, 'created_at', :at::timestamptz)),
  jsonb_build_array(
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'user_id', :uid::uuid,
      'case_id', :case_id::uuid, 'kind', 'filing_receipt', 'data', '{}'::jsonb, 'created_at', :at::timestamptz),
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'user_id', :s1::uuid,
      'case_id', :case_id::uuid, 'kind', 'new_case', 'data', '{}'::jsonb, 'created_at', :at::timestamptz),
    jsonb_build_object('county_id', :cid::uuid, 'id', gen_random_uuid(), 'user_id', :s2::uuid,
      'case_id', :case_id::uuid, 'kind', 'new_case', 'data', '{}'::jsonb, 'created_at', :at::timestamptz)));
