//! Accounts, revoked tokens and failed logins.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{committees, divisions, login_failures, revoked_tokens, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub committee_id: Option<Uuid>,
    pub county_id: Option<Uuid>,
    pub language: String,
    pub token_version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub committee_id: Option<Uuid>,
    pub county_id: Option<Uuid>,
    pub language: &'a str,
}

/// The committee a staff member belongs to, as `/me` and the authorization gate need it.
#[derive(Debug, Clone, Queryable)]
pub struct CommitteeScope {
    pub id: Uuid,
    pub level: String,
    pub division_code: String,
    pub county_id: Uuid,
}

pub async fn by_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The user with their committee and county code, read fresh on every request.
pub async fn with_scope(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(UserRow, Option<CommitteeScope>, Option<String>)>> {
    let (county, committee_division) = diesel::alias!(divisions as county, divisions as cdiv);
    users::table
        .left_join(committees::table.on(committees::id.nullable().eq(users::committee_id)))
        .left_join(
            committee_division.on(committee_division
                .field(divisions::id)
                .eq(committees::division_id)),
        )
        .left_join(county.on(county.field(divisions::id).nullable().eq(users::county_id)))
        .filter(users::id.eq(id))
        .select((
            UserRow::as_select(),
            (
                committees::id,
                committees::level,
                committee_division.field(divisions::code),
                committees::county_id,
            )
                .nullable(),
            county.field(divisions::code).nullable(),
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, user: &NewUser<'_>) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Changes a role (and committee); every token issued before is refused from now on.
pub async fn change_role(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    role: &str,
    committee_id: Option<Uuid>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(role),
            users::committee_id.eq(committee_id),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
}

pub async fn set_password(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
}

pub async fn revoke_token(
    conn: &mut AsyncPgConnection,
    jti: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn is_revoked(conn: &mut AsyncPgConnection, jti: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(revoked_tokens::table.find(jti)))
        .get_result(conn)
        .await
}

/// Failures for a key since `since`.
pub async fn failures_since(
    conn: &mut AsyncPgConnection,
    key: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::key.eq(key))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)
        .await
}

pub async fn record_failure(conn: &mut AsyncPgConnection, keys: &[String]) -> QueryResult<()> {
    let rows: Vec<_> = keys.iter().map(|k| login_failures::key.eq(k)).collect();
    diesel::insert_into(login_failures::table)
        .values(rows)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn clear_failures(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq(key)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Drops bookkeeping that no longer matters: expired revocations and old failures.
pub async fn prune_auth_tables(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now)))
        .execute(conn)
        .await?;
    diesel::delete(
        login_failures::table.filter(login_failures::at.lt(now - chrono::Duration::days(1))),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Display names of some users.
pub async fn names(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load(conn)
        .await
}
