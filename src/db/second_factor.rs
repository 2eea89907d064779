//! The stored side of the staff second factor: the sealed TOTP secret, the last accepted step,
//! and recovery codes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{recovery_codes, users};

/// (sealed secret, enabled at, last accepted step) of an account.
pub async fn of_user(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(Option<Vec<u8>>, Option<DateTime<Utc>>, Option<i64>)>> {
    users::table
        .find(id)
        .select((
            users::totp_secret_enc,
            users::totp_enabled_at,
            users::totp_last_step,
        ))
        .first(conn)
        .await
        .optional()
}

/// Stores a new secret, not enabled until confirmed.
pub async fn set_pending(conn: &mut AsyncPgConnection, id: Uuid, sealed: &[u8]) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::totp_enabled_at.is_null()),
    )
    .set((
        users::totp_secret_enc.eq(sealed),
        users::totp_last_step.eq(None::<i64>),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Accepts `step` once: true when it is later than every step accepted before (two requests
/// with the same code cannot both pass).
pub async fn accept_step(conn: &mut AsyncPgConnection, id: Uuid, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        users::table.find(id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Turns the factor on and replaces the recovery codes.
pub async fn enable(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    now: DateTime<Utc>,
    code_hashes: &[String],
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::totp_enabled_at.eq(now))
        .execute(conn)
        .await?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = code_hashes
        .iter()
        .map(|h| {
            (
                recovery_codes::user_id.eq(id),
                recovery_codes::code_hash.eq(h),
            )
        })
        .collect();
    diesel::insert_into(recovery_codes::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn disable(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_enabled_at.eq(None::<DateTime<Utc>>),
            users::totp_secret_enc.eq(None::<Vec<u8>>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)
        .await?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Spends a recovery code; false when it is unknown or used.
pub async fn spend_recovery(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    code_hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(id))
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)
    .await?;
    Ok(n == 1)
}
