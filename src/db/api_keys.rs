//! API keys of other systems, and the audit of every call made with one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{api_key_calls, api_keys, divisions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: Uuid,
    pub county_id: Uuid,
    pub name: String,
    pub scope: String,
    pub hash: String,
    pub prefix: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, key: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The county's keys, newest first.
pub async fn of_county(conn: &mut AsyncPgConnection, county_id: Uuid) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .filter(api_keys::county_id.eq(county_id))
        .order(api_keys::created_at.desc())
        .select(ApiKey::as_select())
        .load(conn)
        .await
}

/// A live key by its hash, with its county's code.
pub async fn live_by_hash(
    conn: &mut AsyncPgConnection,
    hash: &str,
) -> QueryResult<Option<(ApiKey, String)>> {
    api_keys::table
        .inner_join(divisions::table.on(divisions::id.eq(api_keys::county_id)))
        .filter(api_keys::hash.eq(hash))
        .filter(api_keys::revoked_at.is_null())
        .select((ApiKey::as_select(), divisions::code))
        .first(conn)
        .await
        .optional()
}

/// Revokes a key of the county; false when there is no such live key.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::county_id.eq(county_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Records one call made with a key (and when the key was last used), in one statement.
pub async fn record_call(
    conn: &mut AsyncPgConnection,
    key: &ApiKey,
    method: &str,
    path: &str,
    status: i32,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    use diesel::sql_types::{Int4, Text, Timestamptz, Uuid as SqlUuid};
    diesel::sql_query(
        "WITH used AS (UPDATE api_keys SET last_used_at = $3 WHERE id = $2)
         INSERT INTO api_key_calls (county_id, key_id, at, method, path, status)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind::<SqlUuid, _>(key.county_id)
    .bind::<SqlUuid, _>(key.id)
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(method)
    .bind::<Text, _>(path)
    .bind::<Int4, _>(status)
    .execute(conn)
    .await
    .map(|_| ())
}

/// How many calls a key has made (the audit, for the admin's list).
pub async fn calls_of(conn: &mut AsyncPgConnection, key_id: Uuid) -> QueryResult<i64> {
    api_key_calls::table
        .filter(api_key_calls::key_id.eq(key_id))
        .count()
        .get_result(conn)
        .await
}
