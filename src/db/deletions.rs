//! Requests to delete an account, and what deleting one does to the stored rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::schema::{case_parties, cases, deletion_requests, users};

/// The open cases a person is party to: the legal holds on deleting their account.
pub async fn open_cases_of(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<String>> {
    case_parties::table
        .inner_join(
            cases::table.on(cases::county_id
                .eq(case_parties::county_id)
                .and(cases::id.eq(case_parties::case_id))),
        )
        .filter(case_parties::user_id.eq(user_id))
        .filter(super::cases::open())
        .select(cases::number)
        .load(conn)
        .await
}

/// The county that decides: the account's, else that of the person's newest case.
pub async fn deciding_county(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    let own: Option<Option<Uuid>> = users::table
        .find(user_id)
        .select(users::county_id)
        .first(conn)
        .await
        .optional()?;
    if let Some(Some(c)) = own {
        return Ok(Some(c));
    }
    case_parties::table
        .filter(case_parties::user_id.eq(user_id))
        .order(case_parties::created_at.desc())
        .select(case_parties::county_id)
        .first(conn)
        .await
        .optional()
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    user_id: Uuid,
    county_id: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::insert_into(deletion_requests::table)
        .values((
            deletion_requests::id.eq(id),
            deletion_requests::user_id.eq(user_id),
            deletion_requests::county_id.eq(county_id),
            deletion_requests::reason.eq(reason),
            deletion_requests::requested_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Pending {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
}

pub async fn pending_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Vec<Pending>> {
    deletion_requests::table
        .inner_join(users::table.on(users::id.eq(deletion_requests::user_id)))
        .filter(deletion_requests::county_id.eq(county_id))
        .filter(deletion_requests::decided_at.is_null())
        .order(deletion_requests::requested_at)
        .select((
            deletion_requests::id,
            deletion_requests::user_id,
            users::name,
            deletion_requests::reason,
            deletion_requests::requested_at,
        ))
        .load(conn)
        .await
}

pub async fn pending_one(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<Pending>> {
    deletion_requests::table
        .inner_join(users::table.on(users::id.eq(deletion_requests::user_id)))
        .filter(deletion_requests::county_id.eq(county_id))
        .filter(deletion_requests::id.eq(id))
        .filter(deletion_requests::decided_at.is_null())
        .select((
            deletion_requests::id,
            deletion_requests::user_id,
            users::name,
            deletion_requests::reason,
            deletion_requests::requested_at,
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn decide(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    outcome: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(deletion_requests::table.find(id))
        .set((
            deletion_requests::decided_at.eq(now),
            deletion_requests::decided_by.eq(by),
            deletion_requests::outcome.eq(outcome),
            deletion_requests::note.eq(note),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes an account: its personal data goes, its id stays (the history and the statistics
/// name it), it can never sign in again, and its ended cases keep their records until the
/// retention job erases them.
pub async fn delete_account(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::name.eq("（已注销）"),
            users::email.eq(None::<String>),
            users::phone_enc.eq(None::<Vec<u8>>),
            users::phone_key.eq(None::<String>),
            users::password_hash.eq(None::<String>),
            users::totp_secret_enc.eq(None::<Vec<u8>>),
            users::totp_enabled_at.eq(None::<DateTime<Utc>>),
            users::channel.eq(None::<String>),
            users::deleted_at.eq(now),
            users::deactivated_at.eq(now),
            users::token_version.eq(users::token_version + 1),
        ))
        .execute(conn)
        .await?;
    super::sessions::forget_all(conn, user_id).await?;
    Ok(())
}
