//! The statements of `seed-load`. Codes follow the 12-digit scheme under the unused province
//! prefix 99: county i is `99` + city (i / 10 + 1) + county (i % 10 + 1) + `000000`, its
//! townships `…001000`, `…002000`, and their villages `…001201`, `…001202`, …

pub const ALREADY: &str = "SELECT count(*) AS n FROM divisions WHERE code LIKE '99%'";

/// $1 counties, $2 townships per county, $3 villages per township.
pub const TREE: &str = "
WITH counties AS (
    INSERT INTO divisions (id, county_id, parent_id, code, name, level)
    SELECT id, id, NULL, code, name, 'county' FROM (
        SELECT gen_random_uuid() AS id,
               '99' || lpad((i / 10 + 1)::text, 2, '0') || lpad((i % 10 + 1)::text, 2, '0')
                    || '000000' AS code,
               '测试第' || (i + 1) || '县' AS name
        FROM generate_series(0, $1 - 1) i
    ) c
    RETURNING id, code, name
), townships AS (
    INSERT INTO divisions (id, county_id, parent_id, code, name, level)
    SELECT gen_random_uuid(), c.id, c.id,
           substr(c.code, 1, 6) || lpad((t + 1)::text, 3, '0') || '000',
           c.name || '第' || (t + 1) || '镇', 'township'
    FROM counties c, generate_series(0, $2 - 1) t
    RETURNING id, county_id, code, name
)
INSERT INTO divisions (id, county_id, parent_id, code, name, level)
SELECT gen_random_uuid(), t.county_id, t.id,
       substr(t.code, 1, 9) || lpad((201 + v)::text, 3, '0'),
       t.name || '第' || (v + 1) || '村', 'village'
FROM townships t, generate_series(0, $3 - 1) v";

pub const COMMITTEES: &str = "
INSERT INTO committees (id, county_id, division_id, name, level)
SELECT gen_random_uuid(), d.county_id, d.id,
       d.name || CASE d.level WHEN 'village' THEN '人民调解委员会'
                              WHEN 'township' THEN '人民调解中心'
                              ELSE '矛盾纠纷调处化解中心' END,
       d.level
FROM divisions d WHERE d.code LIKE '99%'";

/// $1 the shared password hash. A mediator and a head per committee, a second mediator at the
/// township and county centres, and a judge and an administrator per county.
pub const STAFF: &str = "
INSERT INTO users (id, email, name, password_hash, role, committee_id, county_id)
SELECT gen_random_uuid(), r.prefix || '.' || d.code || '@load.test', r.title || d.code, $1,
       r.role, CASE WHEN r.role IN ('mediator', 'committee_head') THEN c.id END, d.county_id
FROM committees c
JOIN divisions d ON d.id = c.division_id
JOIN (VALUES ('mediator', 'mediator', '调解员', 'village'),
             ('head', 'committee_head', '主任', 'village'),
             ('mediator2', 'mediator', '调解员乙', 'township'),
             ('judge', 'judge', '法官', 'county'),
             ('admin', 'county_admin', '管理员', 'county'))
     AS r(prefix, role, title, from_level)
  ON r.from_level = 'village'
  OR (r.from_level = 'township' AND d.level <> 'village')
  OR (r.from_level = 'county' AND d.level = 'county')
WHERE d.code LIKE '99%'";

/// $1 how many residents, $2 the shared password hash.
pub const RESIDENTS: &str = "
INSERT INTO users (id, email, name, password_hash, role)
SELECT gen_random_uuid(), 'resident' || i || '@load.test', '居民' || i, $2, 'resident'
FROM generate_series(0, $1 - 1) i";

/// Lookup tables for the case generator: villages with their road of committees and
/// mediators, residents by number, and one status profile per percentile.
pub const LOOKUPS: &str = "
CREATE TEMP TABLE load_villages AS
SELECT (row_number() OVER (ORDER BY v.code) - 1)::bigint AS gidx,
       v.id AS village_id, v.county_id, substr(v.code, 1, 6) AS county_code,
       vc.id AS vc, tc.id AS tc, cc.id AS cc, vm.id AS vm, tm.id AS tm, cm.id AS cm
FROM divisions v
JOIN divisions t ON t.id = v.parent_id
JOIN committees vc ON vc.division_id = v.id
JOIN committees tc ON tc.division_id = t.id
JOIN committees cc ON cc.division_id = v.county_id
JOIN divisions c ON c.id = v.county_id
JOIN users vm ON vm.email = 'mediator.' || v.code || '@load.test'
JOIN users tm ON tm.email = 'mediator.' || t.code || '@load.test'
JOIN users cm ON cm.email = 'mediator.' || c.code || '@load.test'
WHERE v.level = 'village' AND v.code LIKE '99%';
ALTER TABLE load_villages ADD PRIMARY KEY (gidx);

CREATE TEMP TABLE load_residents AS
SELECT substr(email, 9, position('@' IN email) - 9)::bigint AS idx, id, email, name
FROM users WHERE email LIKE 'resident%@load.test';
ALTER TABLE load_residents ADD PRIMARY KEY (idx);

-- (first, last percentile, status, level, clock, clock days, days before the clock started,
--  mediator, respondent consented, agreement, resolved, overdue, version)
CREATE TEMP TABLE load_profiles AS
SELECT b, p.status, p.level, p.kind, p.days, p.age, p.mediator, p.consented, p.agreement,
       p.resolved, p.overdue, p.version
FROM (VALUES
    (0, 5, 'submitted', 'village', 'acceptance', 3, 0, false, false, false, false, false, 1),
    (6, 7, 'submitted', 'township', 'acceptance', 3, 3, false, false, false, false, false, 2),
    (8, 8, 'submitted', 'county', 'acceptance', 5, 6, false, false, false, false, false, 3),
    (9, 13, 'awaiting_respondent', 'village', 'response', 7, 2, true, false, false, false, false, 3),
    (14, 22, 'in_mediation', 'village', 'mediation', 30, 5, true, true, false, false, false, 4),
    (23, 23, 'in_mediation', 'township', 'mediation', 30, 9, true, true, false, false, false, 6),
    (24, 24, 'in_mediation', 'county', NULL, NULL, 60, true, true, false, false, true, 8),
    (25, 26, 'agreement_pending', 'village', 'signature', 7, 20, true, true, true, false, false, 6),
    (27, 30, 'resolved', 'village', 'confirmation', 30, 25, true, true, true, true, false, 8),
    (31, 31, 'unmediable', 'county', 'acceptance', 5, 20, true, false, false, false, false, 6),
    (32, 85, 'closed', 'village', NULL, NULL, 0, true, true, true, true, false, 10),
    (86, 90, 'declined', 'village', NULL, NULL, 0, false, false, false, false, false, 2),
    (91, 93, 'withdrawn', 'village', NULL, NULL, 0, true, false, false, false, false, 3),
    (94, 97, 'referred', 'county', NULL, NULL, 0, true, false, false, false, false, 7),
    (98, 99, 'closed', 'township', NULL, NULL, 0, true, true, true, true, false, 12)
) AS p(lo, hi, status, level, kind, days, age, mediator, consented, agreement, resolved,
       overdue, version),
generate_series(p.lo, p.hi) b;
ALTER TABLE load_profiles ADD PRIMARY KEY (b);
ANALYZE load_villages, load_residents, load_profiles;";

/// $1..$2 the case numbers n of this chunk, $3 counties, $4 residents, $5 the history key and
/// $6 its id. Case n belongs to county n % counties (so each county numbers its cases
/// n / counties), to a village of that county and to a status profile chosen by hashes of n.
/// The `filed` event's link is `db::events::link` in SQL: HMAC-SHA256 under the history key
/// (pgcrypto) over the fields, each followed by the byte 0x1f, the data by its SHA-256.
pub const CASES: &str = "
WITH g AS MATERIALIZED (
    SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS applicant_party,
           gen_random_uuid() AS respondent_party, v.*, r.id AS applicant,
           r.email AS applicant_email, r.name AS applicant_name, p.*,
           (ARRAY['neighbour', 'land', 'family', 'debt', 'labour', 'property', 'traffic',
                  'consumer', 'other'])[1 + (hashint8(n + 11) & 2147483647) % 9] AS category,
           CASE WHEN p.kind IS NULL THEN NULL
                ELSE now() + random() * p.days * interval '1 day' END AS deadline_at,
           random() AS r1
    FROM generate_series($1::bigint, $2::bigint) n
    JOIN load_villages v
      ON v.gidx = (n % $3) * ((SELECT count(*) FROM load_villages) / $3)
                  + (hashint8(n) & 2147483647) % ((SELECT count(*) FROM load_villages) / $3)
    JOIN load_residents r ON r.idx = (hashint8(-n - 1) & 2147483647) % $4
    JOIN load_profiles p ON p.b = (hashint8(n + 7) & 2147483647) % 100
), t AS MATERIALIZED (
    SELECT g.*,
           CASE WHEN deadline_at IS NOT NULL
                THEN deadline_at - (days + age) * interval '1 day'
                ELSE now() - (age + 40 + r1 * 700) * interval '1 day' END AS filed_at,
           CASE level WHEN 'village' THEN vc WHEN 'township' THEN tc ELSE cc END AS committee_id,
           CASE WHEN NOT mediator THEN NULL
                WHEN level = 'village' THEN vm WHEN level = 'township' THEN tm ELSE cm END
               AS mediator_id
    FROM g
), c AS (
    INSERT INTO cases (county_id, id, number, access_code_hash, category, narrative, request,
                       amount_fen, village_id, village_committee_id, township_committee_id,
                       county_committee_id, level, committee_id, status, version, mediator_id,
                       deadline_at, deadline_kind, mediation_due_at, overdue, agreement,
                       resolved_at, performance, followed_up, filed_at, updated_at)
    SELECT county_id, id,
           county_code || '-'
               || extract(year FROM filed_at AT TIME ZONE 'Asia/Shanghai')::int || '-'
               || lpad((n / $3 + 1)::text, 6, '0'),
           encode(sha256(convert_to(id::text, 'UTF8')), 'hex'),
           category,
           '申请人反映：' || CASE category
               WHEN 'neighbour' THEN '邻居在两家之间的通道上堆放杂物并加盖棚屋，影响通行和采光，多次协商未果。'
               WHEN 'land' THEN '承包地边界与邻户存在争议，对方在界址处种植树木，双方各执一词。'
               WHEN 'family' THEN '兄弟姐妹之间就父母赡养费用的分担和老宅的使用产生矛盾。'
               WHEN 'debt' THEN '对方借款后逾期未还，多次催要均以各种理由推脱，有借条为证。'
               WHEN 'labour' THEN '在工地务工三个月，包工头拖欠工资，至今未结清。'
               WHEN 'property' THEN '楼上住户装修导致楼下天花板渗水，物业协调无果。'
               WHEN 'traffic' THEN '村道上发生电动车与三轮车碰擦，双方对责任和赔偿金额有分歧。'
               WHEN 'consumer' THEN '在镇上商店购买的农机具使用一周即损坏，商家拒绝退换。'
               ELSE '因宅基地排水沟走向问题与邻户发生争执，希望村里出面调解。' END,
           '请求调解委员会主持调解，依法依理解决纠纷。',
           CASE WHEN category IN ('debt', 'labour', 'traffic', 'consumer')
                THEN ((hashint8(n + 3) & 2147483647) % 200000) * 100 END,
           village_id, vc, tc, cc, level, committee_id, status, version, mediator_id,
           deadline_at, kind,
           CASE WHEN status IN ('in_mediation', 'agreement_pending')
                THEN coalesce(CASE WHEN kind = 'mediation' THEN deadline_at END,
                              filed_at + interval '35 days') END,
           overdue,
           CASE WHEN agreement THEN jsonb_build_object(
               'facts', '双方因本案纠纷多次协商未果，申请人申请调解。',
               'issues', '被申请人应否补偿申请人及补偿数额。',
               'responsibilities', '被申请人负主要责任。',
               'obligations', '[]'::jsonb,
               'terms', '双方自愿达成如下协议：被申请人于三十日内一次性支付补偿，申请人放弃其他请求。',
               'performance_due', NULL,
               'mediator_signed_at', CASE WHEN resolved THEN filed_at + (age / 2 + 2) * interval '1 day' END,
               'mediator_signed_by', CASE WHEN resolved THEN mediator_id END,
               'proposed_at', filed_at + (age / 2 + 1) * interval '1 day',
               'proposed_by', mediator_id) END,
           CASE WHEN resolved THEN filed_at + (age / 2 + 2) * interval '1 day' END,
           CASE WHEN status = 'closed' THEN 'full' END,
           status = 'closed', filed_at, filed_at + age * interval '1 day'
    FROM t
), p AS (
    INSERT INTO case_parties (county_id, id, case_id, side, name, email, user_id, consented,
                              position, created_at)
    SELECT county_id, applicant_party, id, 'applicant', applicant_name, applicant_email,
           applicant, consented, 0, filed_at FROM t
    UNION ALL
    SELECT county_id, respondent_party, id, 'respondent', '被申请人' || n, NULL, NULL,
           consented, 1, filed_at FROM t
), f AS (
    INSERT INTO case_filings (county_id, case_id, privacy_notice_version, privacy_consented_at)
    SELECT county_id, id, '2026-11', filed_at FROM t
), e AS MATERIALIZED (
    SELECT county_id, id, applicant, filed_at, data,
           encode(hmac(convert_to(
               repeat('0', 64) || chr(31) || county_id || chr(31) || id || chr(31) || '1'
               || chr(31) || 'filed' || chr(31) || applicant || chr(31) || 'party' || chr(31)
               || encode(sha256(convert_to(data, 'UTF8')), 'hex') || chr(31)
               || (extract(epoch FROM filed_at) * 1000000)::bigint
               || chr(31), 'UTF8'), $5::bytea, 'sha256'), 'hex') AS hash
    FROM (SELECT t.*, '{\"committee\":\"' || vc || '\",\"level\":\"village\"}' AS data
          FROM t) x
), h AS (
    INSERT INTO case_history_heads (county_id, case_id, seq, hash)
    SELECT county_id, id, 1, hash FROM e
)
INSERT INTO case_events (county_id, case_id, seq, kind, actor_id, actor_role, data, at,
                         prev_hash, hash, key_id)
SELECT county_id, id, 1, 'filed', applicant, 'party', data::jsonb, filed_at, repeat('0', 64),
       hash, $6
FROM e";

/// $1 the next free number in every synthetic county, this year and next.
pub const COUNTERS: &str = "
INSERT INTO case_counters (county_id, year, last)
SELECT d.id, y, $1 FROM divisions d,
       (SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int + k AS y
        FROM generate_series(0, 1) k) years
WHERE d.level = 'county' AND d.code LIKE '99%'
ON CONFLICT (county_id, year) DO UPDATE SET last = greatest(case_counters.last, excluded.last)";

/// The keys and indexes of the case tables, to drop before the load and rebuild after it:
/// checking foreign keys and inserting random uuids into a dozen b-trees row by row costs far
/// more than one validating join and one sorted build each. Primary and unique keys go too, and
/// with them every foreign key that points at them from other tables. Everything runs in one
/// transaction, so a failed load leaves the schema as it was.
pub const DDL_SAVE: &str = "
CREATE TEMP TABLE load_ddl AS
WITH tables(t) AS (
    VALUES ('cases'::regclass), ('case_parties'::regclass), ('case_events'::regclass),
           ('case_filings'::regclass), ('case_history_heads'::regclass)
)
SELECT 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname)
           || ' ' || pg_get_constraintdef(oid) AS restore,
       'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname)
           AS drop,
       CASE contype WHEN 'f' THEN 2 ELSE 1 END AS ord
FROM pg_constraint
WHERE (contype = 'f' AND (conrelid IN (SELECT t FROM tables) OR confrelid IN (SELECT t FROM tables)))
   OR (contype IN ('p', 'u') AND conrelid IN (SELECT t FROM tables))
UNION ALL
SELECT pg_get_indexdef(i.indexrelid), 'DROP INDEX ' || i.indexrelid::regclass, 0
FROM pg_index i
WHERE i.indrelid IN ('cases'::regclass, 'case_parties'::regclass, 'case_events'::regclass,
                     'case_filings'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)";

pub const DDL_DROPS: &str = "SELECT drop AS stmt FROM load_ddl ORDER BY ord DESC";
/// Indexes, then primary and unique keys, then the foreign keys that need them (and whose
/// validation uses them).
pub const DDL_RESTORES: &str = "SELECT restore AS stmt FROM load_ddl ORDER BY ord";

/// The history's triggers fire once per statement, but each keeps every new row in a transition
/// table: the head trigger upserts a head per new event, the webhook trigger joins them with
/// the county's endpoints. For a bulk load both are switched off (inside the load's
/// transaction): `CASES` writes each seeded case's head (its one `filed` event) beside the
/// event, and a province being seeded has no endpoints to tell.
pub const HISTORY_TRIGGERS_OFF: &str = "ALTER TABLE case_events \
    DISABLE TRIGGER case_events_advance_head, DISABLE TRIGGER case_events_queue_webhooks";
pub const HISTORY_TRIGGERS_ON: &str = "ALTER TABLE case_events \
    ENABLE TRIGGER case_events_advance_head, ENABLE TRIGGER case_events_queue_webhooks";
