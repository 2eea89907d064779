//! API keys: systems, not people. A county admin makes a key (`fq_` and 64 hex digits; named,
//! scoped `read` or `file`),
//! sees it once, and can revoke it; only its SHA-256 is kept. A call with
//! `Authorization: Bearer fq_…` is the key's county's system, audited call by call.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Principal;
use crate::db;
pub use crate::db::api_keys::ApiKey;
use crate::domain::Role;
use crate::error::AppError;

/// What every key starts with, so a leaked one is recognisable (and told from a session token).
pub const PREFIX: &str = "fq_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reads the county's cases (the export).
    Read,
    /// Reads, and files on a resident's behalf with their consent recorded.
    File,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "file" => Some(Scope::File),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::File => "file",
        }
    }
}

/// A call made with a live key.
#[derive(Debug, Clone)]
pub struct SystemCaller {
    pub key: ApiKey,
    pub county_code: String,
    pub scope: Scope,
}

/// A key just made: the only time its text exists outside the caller's hands.
pub struct NewKey {
    pub key: ApiKey,
    pub text: String,
}

pub fn hash_of(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Whether a bearer token is an API key (rather than a session).
pub fn is_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

/// The county a county admin manages; anyone else may not manage keys or webhooks.
pub fn admin_county(p: &Principal) -> Result<Uuid, AppError> {
    match (p.role, p.county_id) {
        (Role::CountyAdmin, Some(county)) => Ok(county),
        _ => Err(AppError::Forbidden(
            "Only the county admin manages the keys and webhooks of other systems.".into(),
        )),
    }
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    name: &str,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<NewKey, AppError> {
    let county_id = admin_county(admin)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Unprocessable(
            "name: give the system's name, 1 to 100 characters.".into(),
        ));
    }
    let scope = Scope::parse(scope).ok_or_else(|| {
        AppError::Unprocessable(
            "scope: read (the export) or file (also files for residents).".into(),
        )
    })?;
    let random: [u8; 32] = rand::random();
    let text = format!("{PREFIX}{}", hex::encode(random));
    let key = ApiKey {
        id: Uuid::now_v7(),
        county_id,
        name: name.to_owned(),
        scope: scope.as_str().to_owned(),
        hash: hash_of(&text),
        prefix: text.chars().take(10).collect(),
        created_by: admin.id,
        created_at: now,
        revoked_at: None,
        last_used_at: None,
    };
    db::api_keys::insert(conn, &key).await?;
    Ok(NewKey { key, text })
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
) -> Result<Vec<(ApiKey, i64)>, AppError> {
    let county_id = admin_county(admin)?;
    let mut out = Vec::new();
    for key in db::api_keys::of_county(conn, county_id).await? {
        let calls = db::api_keys::calls_of(conn, key.id).await?;
        out.push((key, calls));
    }
    Ok(out)
}

pub async fn revoke(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county_id = admin_county(admin)?;
    if db::api_keys::revoke(conn, county_id, id, now).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The system a key stands for; a key that is unknown or revoked is no key.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    text: &str,
) -> Result<SystemCaller, AppError> {
    if !is_key(text) || text.len() > 100 {
        return Err(AppError::Unauthorized);
    }
    let (key, county_code) = db::api_keys::live_by_hash(conn, &hash_of(text))
        .await?
        .ok_or(AppError::Unauthorized)?;
    let scope = Scope::parse(&key.scope).ok_or(AppError::Unauthorized)?;
    Ok(SystemCaller {
        key,
        county_code,
        scope,
    })
}

/// Records one call made with a key, whatever its answer.
pub async fn audit(
    conn: &mut AsyncPgConnection,
    caller: &SystemCaller,
    method: &str,
    path: &str,
    status: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let path: String = path.chars().take(500).collect();
    Ok(db::api_keys::record_call(conn, &caller.key, method, &path, status, now).await?)
}
