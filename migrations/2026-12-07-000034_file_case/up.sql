-- A filing written in one round trip. The service decides everything (the engine's new case,
-- its parties, its first history events linked and keyed, the notices and who gets them) and
-- sends it as one call; this function only writes it, in one transaction, and adds the one
-- thing the service cannot know in advance: the county's next case number (the counter row
-- stays locked until commit, so numbers have no gaps), with the access code's hash, which
-- covers the number (crypto::hash_access_code: sha256 of "number:CODE"), and the number in
-- each notice's payload. Written before as some fifteen statements, each a round trip.
--
-- With an Idempotency-Key the key is claimed first; when it is already taken (a repeat, or a
-- concurrent first attempt, which this waits for) nothing is written and NULL is returned: the
-- service then answers with the earlier case. Rows come as JSON arrays of objects whose keys
-- are the columns; byte columns as hex. The county comes first and on its own, so that with
-- Citus the function can be distributed by it (create_distributed_function('file_case(…)',
-- '$1', colocate_with := 'cases')) and run on the county's shard: docs/scaling.md.
CREATE FUNCTION file_case(
    p_county uuid,
    p_key_user uuid, p_key text, p_request_hash text,
    p_case jsonb, p_prefix text, p_year int, p_access_code text,
    p_parties jsonb, p_events jsonb,
    p_notice_version text, p_consented_at timestamptz, p_assisted text,
    p_mails jsonb, p_bells jsonb
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_county uuid := p_county;
    v_case uuid := (p_case->>'id')::uuid;
    v_last int;
    v_number text;
BEGIN
    IF p_key IS NOT NULL THEN
        INSERT INTO idempotency_keys (user_id, key, request_hash, county_id, case_id)
        VALUES (p_key_user, p_key, p_request_hash, v_county, v_case)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;

    INSERT INTO case_counters AS k (county_id, year, last) VALUES (v_county, p_year, 1)
    ON CONFLICT (county_id, year) DO UPDATE SET last = k.last + 1
    RETURNING last INTO v_last;
    v_number := p_prefix || '-' || p_year || '-' || lpad(v_last::text, 6, '0');

    INSERT INTO cases (county_id, id, number, access_code_hash, category, narrative, request,
                       amount_fen, village_id, village_committee_id, township_committee_id,
                       county_committee_id, level, committee_id, status, version, mediator_id,
                       deadline_at, deadline_kind, filed_by, filed_at, updated_at)
    SELECT v_county, id, v_number,
           encode(sha256(convert_to(v_number || ':' || p_access_code, 'UTF8')), 'hex'),
           category, narrative, request, amount_fen, village_id, village_committee_id,
           township_committee_id, county_committee_id, level, committee_id, status, version,
           mediator_id, deadline_at, deadline_kind, filed_by, filed_at, updated_at
      FROM jsonb_to_record(p_case) AS c (
           county_id uuid, id uuid, category text, narrative text, request text,
           amount_fen int8, village_id uuid, village_committee_id uuid,
           township_committee_id uuid, county_committee_id uuid, level text,
           committee_id uuid, status text, version int4, mediator_id uuid,
           deadline_at timestamptz, deadline_kind text, filed_by uuid, filed_at timestamptz,
           updated_at timestamptz);

    INSERT INTO case_parties (county_id, id, case_id, side, name, email, phone_enc, phone_key,
                              user_id, position)
    SELECT county_id, id, case_id, side, name, email, decode(phone_enc, 'hex'), phone_key,
           user_id, position
      FROM jsonb_to_recordset(p_parties) AS p (
           county_id uuid, id uuid, case_id uuid, side text, name text, email text,
           phone_enc text, phone_key text, user_id uuid, position int4);

    -- The history's own triggers advance its head and queue the webhooks.
    INSERT INTO case_events (county_id, case_id, seq, kind, actor_id, actor_role, data, at,
                             prev_hash, hash, key_id)
    SELECT county_id, case_id, seq, kind, actor_id, actor_role, data, at, prev_hash, hash,
           key_id
      FROM jsonb_to_recordset(p_events) AS e (
           county_id uuid, case_id uuid, seq int4, kind text, actor_id uuid,
           actor_role text, data jsonb, at timestamptz, prev_hash text, hash text,
           key_id text);

    INSERT INTO case_filings (county_id, case_id, privacy_notice_version,
                              privacy_consented_at, assisted_consent)
    VALUES (v_county, v_case, p_notice_version, p_consented_at, p_assisted);

    INSERT INTO outbox (county_id, id, case_id, kind, user_id, email, channel, phone_enc,
                        party_id, language, payload, next_attempt_at, created_at)
    SELECT county_id, id, case_id, kind, user_id, email, channel, decode(phone_enc, 'hex'),
           party_id, language, payload || jsonb_build_object('number', v_number),
           next_attempt_at, created_at
      FROM jsonb_to_recordset(p_mails) AS m (
           county_id uuid, id uuid, case_id uuid, kind text, user_id uuid, email text,
           channel text, phone_enc text, party_id uuid, language text, payload jsonb,
           next_attempt_at timestamptz, created_at timestamptz);

    INSERT INTO notifications (county_id, id, user_id, case_id, kind, data, created_at)
    SELECT county_id, id, user_id, case_id, kind, data, created_at
      FROM jsonb_to_recordset(p_bells) AS b (
           county_id uuid, id uuid, user_id uuid, case_id uuid, kind text, data jsonb,
           created_at timestamptz);

    RETURN v_number;
END
$$;
