// The tables as diesel sees them, kept by hand; `tests/app/schema.rs` holds them against the migrated database.

diesel::table! {
    committees (id) {
        id -> Uuid,
        county_id -> Uuid,
        division_id -> Uuid,
        name -> Text,
        level -> Text,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    divisions (id) {
        id -> Uuid,
        county_id -> Uuid,
        parent_id -> Nullable<Uuid>,
        code -> Text,
        name -> Text,
        level -> Text,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        key -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Uuid,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Nullable<Text>,
        name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        committee_id -> Nullable<Uuid>,
        county_id -> Nullable<Uuid>,
        language -> Text,
        token_version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        phone_enc -> Nullable<Bytea>,
        phone_key -> Nullable<Text>,
        channel -> Nullable<Text>,
        deactivated_at -> Nullable<Timestamptz>,
        totp_secret_enc -> Nullable<Bytea>,
        totp_enabled_at -> Nullable<Timestamptz>,
        totp_last_step -> Nullable<Int8>,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    county_policies (county_id) {
        county_id -> Uuid,
        acceptance_days_village -> Int4,
        acceptance_days_township -> Int4,
        acceptance_days_county -> Int4,
        response_days -> Int4,
        mediation_days -> Int4,
        extension_days -> Int4,
        signature_days -> Int4,
        confirmation_days -> Int4,
        follow_up_days -> Int4,
        updated_at -> Timestamptz,
        updated_by -> Nullable<Uuid>,
        retention_years -> Int4,
    }
}

diesel::table! {
    case_counters (county_id, year) {
        county_id -> Uuid,
        year -> Int4,
        last -> Int4,
    }
}

diesel::table! {
    cases (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        number -> Text,
        access_code_hash -> Text,
        category -> Text,
        narrative -> Text,
        request -> Text,
        amount_fen -> Nullable<Int8>,
        village_id -> Uuid,
        village_committee_id -> Uuid,
        township_committee_id -> Uuid,
        county_committee_id -> Uuid,
        level -> Text,
        committee_id -> Uuid,
        status -> Text,
        version -> Int4,
        mediator_id -> Nullable<Uuid>,
        deadline_at -> Nullable<Timestamptz>,
        deadline_kind -> Nullable<Text>,
        queue_at -> Nullable<Timestamptz>,
        mediation_due_at -> Nullable<Timestamptz>,
        extended -> Bool,
        overdue -> Bool,
        agreement -> Nullable<Jsonb>,
        resolved_at -> Nullable<Timestamptz>,
        confirmation -> Nullable<Text>,
        performance -> Nullable<Text>,
        followed_up -> Bool,
        filed_by -> Nullable<Uuid>,
        filed_at -> Timestamptz,
        updated_at -> Timestamptz,
        purged_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    case_parties (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        case_id -> Uuid,
        side -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone_enc -> Nullable<Bytea>,
        user_id -> Nullable<Uuid>,
        consented -> Bool,
        signed_at -> Nullable<Timestamptz>,
        recusal_used -> Bool,
        position -> Int4,
        created_at -> Timestamptz,
        id_number_enc -> Nullable<Bytea>,
        phone_key -> Nullable<Text>,
        particulars_enc -> Nullable<Bytea>,
    }
}

diesel::table! {
    case_sessions (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        case_id -> Uuid,
        at -> Timestamptz,
        mode -> Text,
        location -> Text,
        record -> Nullable<Text>,
        recorded_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    case_events (county_id, case_id, seq) {
        county_id -> Uuid,
        case_id -> Uuid,
        seq -> Int4,
        kind -> Text,
        actor_id -> Nullable<Uuid>,
        actor_role -> Text,
        data -> Jsonb,
        at -> Timestamptz,
        prev_hash -> Text,
        hash -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Text,
        county_id -> Nullable<Uuid>,
        case_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        evidence_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    case_messages (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        case_id -> Uuid,
        author_id -> Nullable<Uuid>,
        author_party_id -> Nullable<Uuid>,
        author_role -> Text,
        audience -> Text,
        party_id -> Nullable<Uuid>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outbox (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        case_id -> Nullable<Uuid>,
        kind -> Text,
        user_id -> Nullable<Uuid>,
        email -> Nullable<Text>,
        party_id -> Nullable<Uuid>,
        language -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        channel -> Text,
        phone_enc -> Nullable<Bytea>,
    }
}

diesel::table! {
    case_filings (county_id, case_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        privacy_notice_version -> Text,
        privacy_consented_at -> Timestamptz,
        assisted_consent -> Nullable<Text>,
    }
}

diesel::table! {
    evidence (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        case_id -> Uuid,
        sha256 -> Text,
        size -> Int8,
        content_type -> Text,
        filename -> Text,
        description -> Nullable<Text>,
        uploaded_by -> Nullable<Uuid>,
        uploader_party_id -> Nullable<Uuid>,
        visible_to_other_parties -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invitation_uses (jti) {
        jti -> Uuid,
        county_id -> Uuid,
        party_id -> Uuid,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        user_id -> Uuid,
        case_id -> Uuid,
        kind -> Text,
        data -> Jsonb,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    case_ratings (county_id, case_id, party_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        party_id -> Uuid,
        score -> Int2,
        comment -> Nullable<Text>,
        level -> Text,
        mediator_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reminders_sent (county_id, case_id, kind, due_at) {
        county_id -> Uuid,
        case_id -> Uuid,
        kind -> Text,
        due_at -> Timestamptz,
        sent_at -> Timestamptz,
    }
}

diesel::table! {
    case_history_heads (county_id, case_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        seq -> Int4,
        hash -> Text,
        rolled_seq -> Int4,
    }
}

diesel::table! {
    case_facts (county_id, case_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        seq -> Int4,
        month -> Date,
        township_id -> Uuid,
        village_id -> Uuid,
        committee_id -> Uuid,
        mediator_id -> Nullable<Uuid>,
        days -> Nullable<Int4>,
        figures -> Array<Int8>,
    }
}

diesel::table! {
    stat_rollups (county_id, month, township_id, village_id, committee_id, mediator_id) {
        county_id -> Uuid,
        month -> Date,
        township_id -> Uuid,
        village_id -> Uuid,
        committee_id -> Uuid,
        mediator_id -> Uuid,
        figures -> Array<Int8>,
    }
}

diesel::table! {
    stat_days (county_id, month, township_id, village_id, committee_id, mediator_id, days) {
        county_id -> Uuid,
        month -> Date,
        township_id -> Uuid,
        village_id -> Uuid,
        committee_id -> Uuid,
        mediator_id -> Uuid,
        days -> Int4,
        cases -> Int4,
    }
}

diesel::table! {
    stat_stale (county_id, month) {
        county_id -> Uuid,
        month -> Date,
    }
}

diesel::joinable!(committees -> divisions (division_id));
diesel::joinable!(users -> committees (committee_id));

diesel::table! {
    notice_queue (county_id, id) {
        county_id -> Uuid,
        id -> Int8,
        changes -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sign_in_codes (id) {
        id -> Uuid,
        destination -> Text,
        code_hash -> Text,
        wrong_tries -> Int4,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        spent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    throttle_events (id) {
        id -> Int8,
        key -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    short_links (code) {
        code -> Text,
        target -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    user_sessions (jti) {
        jti -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        method -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    account_link_uses (jti) {
        jti -> Uuid,
        user_id -> Uuid,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    case_access_log (county_id, id) {
        county_id -> Uuid,
        id -> Int8,
        case_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        what -> Text,
        target_id -> Nullable<Uuid>,
        at -> Timestamptz,
    }
}

diesel::table! {
    history_anchors (county_id, cutoff) {
        county_id -> Uuid,
        cutoff -> Timestamptz,
        cases -> Int4,
        root -> Text,
        key_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    retention_purges (county_id, case_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        purged_at -> Timestamptz,
        events_erased -> Int4,
        files_deleted -> Int4,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Uuid,
        code_hash -> Text,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    deletion_requests (id) {
        id -> Uuid,
        user_id -> Uuid,
        county_id -> Uuid,
        reason -> Nullable<Text>,
        requested_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
        decided_by -> Nullable<Uuid>,
        outcome -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::joinable!(user_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    job_runs,
    account_link_uses,
    api_keys,
    case_likeness,
    imported_cases,
    case_facts,
    stat_days,
    stat_rollups,
    stat_stale,
    case_access_log,
    case_counters,
    case_events,
    case_filings,
    case_history_heads,
    case_messages,
    case_parties,
    case_ratings,
    case_sessions,
    cases,
    committees,
    county_policies,
    deletion_requests,
    divisions,
    evidence,
    history_anchors,
    idempotency_keys,
    invitation_uses,
    login_failures,
    notice_queue,
    notifications,
    outbox,
    recovery_codes,
    reminders_sent,
    retention_purges,
    revoked_tokens,
    short_links,
    sign_in_codes,
    throttle_events,
    user_sessions,
    users,
);

diesel::table! {
    document_issues (code) {
        code -> Text,
        county_id -> Uuid,
        case_id -> Uuid,
        kind -> Text,
        part -> Text,
        content -> Text,
        substance -> Text,
        sha256 -> Text,
        dated -> Text,
        committee -> Text,
        issued_at -> Timestamptz,
    }
}

diesel::table! {
    document_fetches (county_id, case_id, party_id, kind, part) {
        county_id -> Uuid,
        case_id -> Uuid,
        party_id -> Uuid,
        kind -> Text,
        part -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    case_cards (code) {
        code -> Text,
        county_id -> Uuid,
        case_id -> Uuid,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    county_courts (county_id) {
        county_id -> Uuid,
        name -> Text,
        address -> Nullable<Text>,
        phone -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    filing_recordings (key) {
        key -> Text,
        sha256 -> Text,
        size -> Int8,
        content_type -> Text,
        filename -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        county_id -> Uuid,
        name -> Text,
        scope -> Text,
        hash -> Text,
        prefix -> Text,
        created_by -> Uuid,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    api_key_calls (county_id, id) {
        county_id -> Uuid,
        id -> Int8,
        key_id -> Uuid,
        at -> Timestamptz,
        method -> Text,
        path -> Text,
        status -> Int4,
    }
}

diesel::table! {
    webhook_endpoints (county_id, id) {
        county_id -> Uuid,
        id -> Uuid,
        url -> Text,
        events -> Array<Text>,
        secret_enc -> Bytea,
        created_by -> Uuid,
        created_at -> Timestamptz,
        failing_since -> Nullable<Timestamptz>,
        paused_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_deliveries (county_id, id) {
        county_id -> Uuid,
        id -> Int8,
        endpoint_id -> Uuid,
        case_id -> Uuid,
        seq -> Int4,
        kind -> Text,
        at -> Timestamptz,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        last_ms -> Nullable<Int4>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    imported_cases (county_id, external_id) {
        county_id -> Uuid,
        external_id -> Text,
        case_id -> Uuid,
        recorded_on -> Nullable<Date>,
        imported_by -> Uuid,
        imported_at -> Timestamptz,
    }
}

diesel::table! {
    case_likeness (county_id, case_id) {
        county_id -> Uuid,
        case_id -> Uuid,
        category -> Text,
        level -> Text,
        outcome -> Text,
        summary -> Text,
        obligations -> Jsonb,
        words -> Array<Text>,
    }
}

diesel::table! {
    job_runs (job) {
        job -> Text,
        covered_until -> Timestamptz,
        finished_at -> Timestamptz,
    }
}
