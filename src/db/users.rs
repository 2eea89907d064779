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
    pub email: Option<String>,
    pub name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub committee_id: Option<Uuid>,
    pub county_id: Option<Uuid>,
    pub language: String,
    pub token_version: i32,
    pub phone_enc: Option<Vec<u8>>,
    pub channel: Option<String>,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: Option<&'a str>,
    pub phone_enc: Option<&'a [u8]>,
    pub phone_key: Option<&'a str>,
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

pub async fn by_phone_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::phone_key.eq(key))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Links the unclaimed party rows of a number (by its keyed hash) or an address to the account
/// that has just proved it owns them. Returns how many cases were linked.
pub async fn claim_parties(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    phone_key: Option<&str>,
    email: Option<&str>,
) -> QueryResult<usize> {
    use super::schema::case_parties;
    let mut linked = 0;
    if let Some(key) = phone_key {
        linked += diesel::update(
            case_parties::table
                .filter(case_parties::phone_key.eq(key))
                .filter(case_parties::user_id.is_null()),
        )
        .set(case_parties::user_id.eq(user_id))
        .execute(conn)
        .await?;
    }
    if let Some(email) = email {
        linked += diesel::update(
            case_parties::table
                .filter(case_parties::email.eq(email))
                .filter(case_parties::user_id.is_null()),
        )
        .set(case_parties::user_id.eq(user_id))
        .execute(conn)
        .await?;
    }
    Ok(linked)
}

/// Sets (or replaces) the number of an account; `None` when another account has it.
pub async fn set_phone(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    phone_enc: &[u8],
    phone_key: &str,
) -> QueryResult<bool> {
    let taken = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::phone_key.eq(phone_key))
            .filter(users::id.ne(id)),
    ))
    .get_result::<bool>(conn)
    .await?;
    if taken {
        return Ok(false);
    }
    diesel::update(users::table.find(id))
        .set((
            users::phone_enc.eq(phone_enc),
            users::phone_key.eq(phone_key),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(true)
}

/// Sets (or replaces) the address of an account; `false` when another account has it.
pub async fn set_email(conn: &mut AsyncPgConnection, id: Uuid, email: &str) -> QueryResult<bool> {
    let taken = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::email.eq(email))
            .filter(users::id.ne(id)),
    ))
    .get_result::<bool>(conn)
    .await?;
    if taken {
        return Ok(false);
    }
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(true)
}

/// The channel a person with both a number and an address chose.
pub async fn set_channel(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    channel: Option<&str>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::channel.eq(channel))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deactivates (`Some(now)`) or reactivates (`None`) an account. Either way every token issued
/// before stops working at once.
pub async fn set_deactivated(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::deactivated_at.eq(at),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
}

/// Ends every session of an account (log out everywhere).
pub async fn end_all_sessions(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::token_version.eq(users::token_version + 1))
        .execute(conn)
        .await
}

/// The user with their committee and county code, read fresh on every request.
/// `with_scope`, and whether the token `jti` was revoked, in one statement: all a request
/// needs to know its caller.
pub async fn with_scope_unless(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    jti: Uuid,
) -> QueryResult<Option<(UserRow, Option<CommitteeScope>, Option<String>, bool)>> {
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
            diesel::dsl::exists(revoked_tokens::table.find(jti)),
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn with_scope(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(UserRow, Option<CommitteeScope>, Option<String>)>> {
    Ok(with_scope_unless(conn, id, Uuid::nil())
        .await?
        .map(|(user, committee, county, _)| (user, committee, county)))
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

/// Records failures and returns their ids (a reservation the caller may take back).
pub async fn record_failures_returning(
    conn: &mut AsyncPgConnection,
    keys: &[String],
    at: DateTime<Utc>,
) -> QueryResult<Vec<i64>> {
    let rows: Vec<_> = keys
        .iter()
        .map(|k| (login_failures::key.eq(k), login_failures::at.eq(at)))
        .collect();
    diesel::insert_into(login_failures::table)
        .values(rows)
        .returning(login_failures::id)
        .get_results(conn)
        .await
}

pub async fn delete_failures(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(ids)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Forgets the failures of every key that starts with `prefix`.
pub async fn clear_failures_like(conn: &mut AsyncPgConnection, prefix: &str) -> QueryResult<()> {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    diesel::delete(login_failures::table.filter(login_failures::key.like(format!("{escaped}%"))))
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
