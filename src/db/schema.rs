// The tables as diesel sees them; kept identical to `diesel print-schema` over the migrations.

diesel::table! {
    committees (id) {
        id -> Uuid,
        county_id -> Uuid,
        division_id -> Uuid,
        name -> Text,
        level -> Text,
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
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        committee_id -> Nullable<Uuid>,
        county_id -> Nullable<Uuid>,
        language -> Text,
        token_version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(committees -> divisions (division_id));
diesel::joinable!(users -> committees (committee_id));

diesel::allow_tables_to_appear_in_same_query!(
    committees,
    divisions,
    login_failures,
    revoked_tokens,
    users,
);
