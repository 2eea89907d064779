//! One-time sign-in codes and the counters that limit how often they are sent.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{sign_in_codes, throttle_events};

/// One limit: at most `max` events of `key` within `window`.
#[derive(Debug, Clone)]
pub struct Limit {
    pub key: String,
    pub max: i64,
    pub window: Duration,
}

/// Records one event under every limit, or none when any limit is reached, and then says how
/// long to wait. Call it inside a transaction: each key is locked (a transaction-scoped
/// advisory lock, taken in key order so two callers never deadlock) before it is counted, so
/// concurrent requests on any number of nodes are counted one after another.
pub async fn take(
    conn: &mut AsyncPgConnection,
    limits: &[Limit],
    now: DateTime<Utc>,
) -> QueryResult<Result<(), i64>> {
    let mut ordered: Vec<&Limit> = limits.iter().collect();
    ordered.sort_by(|a, b| a.key.cmp(&b.key));
    let keys: Vec<&str> = ordered.iter().map(|l| l.key.as_str()).collect();
    lock_keys(conn, &keys).await?;
    let mut wait = 0_i64;
    for limit in &ordered {
        let since = now - limit.window;
        let recent: Vec<DateTime<Utc>> = throttle_events::table
            .filter(throttle_events::key.eq(&limit.key))
            .filter(throttle_events::at.gt(since))
            .order(throttle_events::at.asc())
            .select(throttle_events::at)
            .load(conn)
            .await?;
        if i64::try_from(recent.len()).unwrap_or(i64::MAX) >= limit.max {
            // Free again when the oldest event in the window leaves it.
            let oldest = <[DateTime<Utc>]>::first(&recent).copied().unwrap_or(now);
            wait = wait.max((oldest + limit.window - now).num_seconds().max(1));
        }
    }
    if wait > 0 {
        return Ok(Err(wait));
    }
    let rows: Vec<_> = ordered
        .iter()
        .map(|l| (throttle_events::key.eq(&l.key), throttle_events::at.eq(now)))
        .collect();
    diesel::insert_into(throttle_events::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(Ok(()))
}

/// Takes a transaction-scoped advisory lock per key, in the given (sorted) order, so callers
/// that count and record events under the same keys go one after another on every node.
pub async fn lock_keys(conn: &mut AsyncPgConnection, sorted_keys: &[&str]) -> QueryResult<()> {
    for key in sorted_keys {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7)::bigint)")
            .bind::<Text, _>(*key)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A code waiting to be used.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sign_in_codes)]
pub struct LiveCode {
    pub id: Uuid,
    pub code_hash: String,
    pub wrong_tries: i32,
}

/// Stores a new code for `destination`; older codes for it are spent, so only the newest works.
pub async fn insert_code(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    destination: &str,
    code_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        sign_in_codes::table
            .filter(sign_in_codes::destination.eq(destination))
            .filter(sign_in_codes::spent_at.is_null()),
    )
    .set(sign_in_codes::spent_at.eq(now))
    .execute(conn)
    .await?;
    diesel::insert_into(sign_in_codes::table)
        .values((
            sign_in_codes::id.eq(id),
            sign_in_codes::destination.eq(destination),
            sign_in_codes::code_hash.eq(code_hash),
            sign_in_codes::created_at.eq(now),
            sign_in_codes::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a code that could not be sent, so the person may ask again at once.
pub async fn withdraw_code(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(sign_in_codes::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The live code of `destination`, locked until the transaction ends: concurrent guesses are
/// checked one after another, so 5 wrong tries spend it however many arrive at once.
pub async fn live_code_for_update(
    conn: &mut AsyncPgConnection,
    destination: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<LiveCode>> {
    sign_in_codes::table
        .filter(sign_in_codes::destination.eq(destination))
        .filter(sign_in_codes::spent_at.is_null())
        .filter(sign_in_codes::expires_at.gt(now))
        .order(sign_in_codes::created_at.desc())
        .select(LiveCode::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Counts a wrong try; the `max_tries`-th spends the code. Returns the tries so far.
pub async fn wrong_try(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    max_tries: i32,
    now: DateTime<Utc>,
) -> QueryResult<i32> {
    let tries: i32 = diesel::update(sign_in_codes::table.find(id))
        .set(sign_in_codes::wrong_tries.eq(sign_in_codes::wrong_tries + 1))
        .returning(sign_in_codes::wrong_tries)
        .get_result(conn)
        .await?;
    if tries >= max_tries {
        spend(conn, id, now).await?;
    }
    Ok(tries)
}

pub async fn spend(conn: &mut AsyncPgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(sign_in_codes::table.find(id))
        .set(sign_in_codes::spent_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops codes and counted events that no longer matter.
pub async fn prune(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(
        sign_in_codes::table.filter(sign_in_codes::expires_at.lt(now - Duration::days(1))),
    )
    .execute(conn)
    .await?;
    diesel::delete(throttle_events::table.filter(throttle_events::at.lt(now - Duration::days(1))))
        .execute(conn)
        .await?;
    Ok(())
}
