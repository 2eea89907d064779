//! Webhook endpoints of a county and their deliveries (queued by `events::insert_rows`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int8, Integer, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{webhook_deliveries, webhook_endpoints};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub county_id: Uuid,
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub secret_enc: Vec<u8>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub failing_since: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub county_id: Uuid,
    pub id: i64,
    pub endpoint_id: Uuid,
    pub case_id: Uuid,
    pub seq: i32,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_ms: Option<i32>,
    pub delivered_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, e: &Endpoint) -> QueryResult<()> {
    diesel::insert_into(webhook_endpoints::table)
        .values(e)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The county's endpoints that were not deleted, oldest first.
pub async fn of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::county_id.eq(county_id))
        .filter(webhook_endpoints::deleted_at.is_null())
        .order(webhook_endpoints::created_at.asc())
        .select(Endpoint::as_select())
        .load(conn)
        .await
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<Endpoint>> {
    webhook_endpoints::table
        .find((county_id, id))
        .filter(webhook_endpoints::deleted_at.is_null())
        .select(Endpoint::as_select())
        .first(conn)
        .await
        .optional()
}

/// Deletes an endpoint (kept for its log) and drops what it had still to receive.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        webhook_endpoints::table
            .find((county_id, id))
            .filter(webhook_endpoints::deleted_at.is_null()),
    )
    .set(webhook_endpoints::deleted_at.eq(now))
    .execute(conn)
    .await?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::county_id.eq(county_id))
            .filter(webhook_deliveries::endpoint_id.eq(id))
            .filter(webhook_deliveries::status.eq("pending")),
    )
    .set((
        webhook_deliveries::status.eq("failed"),
        webhook_deliveries::last_error.eq("the endpoint was deleted"),
    ))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Pauses (`Some(now)`) or resumes (`None`) an endpoint. Resuming clears its failing clock;
/// events of the pause were never queued for it.
pub async fn set_paused(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
    paused: Option<DateTime<Utc>>,
) -> QueryResult<bool> {
    diesel::update(
        webhook_endpoints::table
            .find((county_id, id))
            .filter(webhook_endpoints::deleted_at.is_null()),
    )
    .set((
        webhook_endpoints::paused_at.eq(paused),
        webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// The endpoint's deliveries, newest first.
pub async fn log(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    endpoint_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_deliveries::county_id.eq(county_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)
        .await
}

/// Sends a delivery again: a new row for the same event, queued now (the log keeps the old).
pub async fn replay(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    endpoint_id: Uuid,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<Option<i64>> {
    #[derive(QueryableByName)]
    struct NewId {
        #[diesel(sql_type = Int8)]
        id: i64,
    }
    let made: Option<NewId> = diesel::sql_query(
        "INSERT INTO webhook_deliveries (county_id, endpoint_id, case_id, seq, kind, at, next_attempt_at)
         SELECT d.county_id, d.endpoint_id, d.case_id, d.seq, d.kind, d.at, $4
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.county_id = d.county_id AND e.id = d.endpoint_id
         WHERE d.county_id = $1 AND d.endpoint_id = $2 AND d.id = $3 AND e.deleted_at IS NULL
         RETURNING id",
    )
    .bind::<SqlUuid, _>(county_id)
    .bind::<SqlUuid, _>(endpoint_id)
    .bind::<BigInt, _>(delivery_id)
    .bind::<Timestamptz, _>(now)
    .get_result(conn)
    .await
    .optional()?;
    Ok(made.map(|m| m.id))
}

/// A due delivery with what its request needs.
#[derive(Debug, Clone, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = SqlUuid)]
    pub county_id: Uuid,
    #[diesel(sql_type = Int8)]
    pub id: i64,
    #[diesel(sql_type = SqlUuid)]
    pub endpoint_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Integer)]
    pub seq: i32,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    pub secret_enc: Vec<u8>,
    #[diesel(sql_type = Text)]
    pub case_number: String,
    #[diesel(sql_type = Text)]
    pub county_code: String,
}

/// Claims due deliveries, each the oldest still pending of its endpoint and case (so a case's
/// events arrive in order), locked until the caller's transaction ends.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Due>> {
    diesel::sql_query(
        "SELECT d.county_id, d.id, d.endpoint_id, d.case_id, d.seq, d.kind, d.at, d.attempts,
                e.url, e.secret_enc, c.number AS case_number, v.code AS county_code
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.county_id = d.county_id AND e.id = d.endpoint_id
         JOIN cases c ON c.county_id = d.county_id AND c.id = d.case_id
         JOIN divisions v ON v.id = d.county_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1
           AND e.paused_at IS NULL AND e.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b
                           WHERE b.endpoint_id = d.endpoint_id AND b.case_id = d.case_id
                             AND b.status = 'pending' AND b.id < d.id)
         ORDER BY d.next_attempt_at
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// What one attempt came to.
pub struct Attempt<'a> {
    pub status: Option<i32>,
    pub error: Option<&'a str>,
    pub ms: i32,
    /// `delivered`, `pending` (retry at `next`) or `failed`.
    pub outcome: &'a str,
    pub next: DateTime<Utc>,
}

pub async fn record_attempt(
    conn: &mut AsyncPgConnection,
    d: &Due,
    a: &Attempt<'_>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(webhook_deliveries::table.find((d.county_id, d.id)))
        .set((
            webhook_deliveries::status.eq(a.outcome),
            webhook_deliveries::attempts.eq(d.attempts + 1),
            webhook_deliveries::next_attempt_at.eq(a.next),
            webhook_deliveries::last_status.eq(a.status),
            webhook_deliveries::last_error.eq(a.error),
            webhook_deliveries::last_ms.eq(a.ms),
            webhook_deliveries::delivered_at.eq((a.outcome == "delivered").then_some(now)),
        ))
        .execute(conn)
        .await?;
    // The endpoint's failing clock: started by a failure, stopped by a success.
    let failing = webhook_endpoints::table.find((d.county_id, d.endpoint_id));
    if a.outcome == "delivered" {
        diesel::update(failing)
            .set(webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>))
            .execute(conn)
            .await?;
    } else {
        diesel::update(failing.filter(webhook_endpoints::failing_since.is_null()))
            .set(webhook_endpoints::failing_since.eq(now))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Pauses the endpoints failing since before `cutoff`; returns them (county, id, url).
pub async fn pause_failing(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(Uuid, Uuid, String)>> {
    diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::failing_since.lt(cutoff))
            .filter(webhook_endpoints::paused_at.is_null())
            .filter(webhook_endpoints::deleted_at.is_null()),
    )
    .set(webhook_endpoints::paused_at.eq(now))
    .returning((
        webhook_endpoints::county_id,
        webhook_endpoints::id,
        webhook_endpoints::url,
    ))
    .get_results(conn)
    .await
}
