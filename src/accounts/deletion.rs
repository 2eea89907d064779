//! A person asks for their account to be deleted; the county administrator decides. Open cases
//! are legal holds, said plainly: the account stays while a case it is party to is open (the
//! other side and the committee rely on it). Ended cases keep their records for the retention
//! period (3 years by default), then the retention job erases them.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use uuid::Uuid;

use super::staff::admin_county;
use crate::auth::Principal;
use crate::auth::principal_cache::{Change, PrincipalCache};
use crate::db;
use crate::domain::Role;
use crate::error::AppError;

#[derive(Debug, Serialize)]
pub struct Requested {
    /// Deleted at once (no case and no county to decide), or waiting for the county admin.
    pub deleted: bool,
    /// Numbers of the open cases that hold the account.
    pub holds: Vec<String>,
}

pub async fn request(
    conn: &mut AsyncPgConnection,
    cache: &PrincipalCache,
    who: &Principal,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Requested, AppError> {
    if who.role != Role::Resident {
        return Err(AppError::Unprocessable(
            "Staff accounts are closed by the county administrator (deactivation).".into(),
        ));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::Unprocessable(
            "reason: at most 1000 characters.".into(),
        ));
    }
    let holds = db::deletions::open_cases_of(conn, who.id).await?;
    match db::deletions::deciding_county(conn, who.id).await? {
        None => {
            // Party to nothing and of no county: nothing to weigh, nothing to keep.
            db::deletions::delete_account(conn, who.id, now).await?;
            cache.forget(Change::User(who.id));
            tracing::info!(user_id = %who.id, "account deleted at its owner's request");
            Ok(Requested {
                deleted: true,
                holds,
            })
        }
        Some(county) => {
            db::deletions::insert(conn, Uuid::now_v7(), who.id, county, reason, now).await?;
            Ok(Requested {
                deleted: false,
                holds,
            })
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PendingView {
    pub id: Uuid,
    pub name: String,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub holds: Vec<String>,
}

pub async fn pending(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
) -> Result<Vec<PendingView>, AppError> {
    let county = admin_county(admin)?;
    let mut out = Vec::new();
    for p in db::deletions::pending_of_county(conn, county).await? {
        let holds = db::deletions::open_cases_of(conn, p.user_id).await?;
        out.push(PendingView {
            id: p.id,
            name: p.name,
            reason: p.reason,
            requested_at: p.requested_at,
            holds,
        });
    }
    Ok(out)
}

/// Deletes the account (refused while a case holds it) or refuses the request with a note.
pub async fn decide(
    conn: &mut AsyncPgConnection,
    cache: &PrincipalCache,
    admin: &Principal,
    id: Uuid,
    delete: bool,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county = admin_county(admin)?;
    let request = db::deletions::pending_one(conn, county, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if delete {
        let holds = db::deletions::open_cases_of(conn, request.user_id).await?;
        if !holds.is_empty() {
            return Err(AppError::conflict(format!(
                "The account is party to open cases ({}); it can be deleted once they have ended.",
                holds.join(", ")
            )));
        }
        conn.transaction::<_, AppError, _>(async |conn| {
            db::deletions::delete_account(conn, request.user_id, now).await?;
            db::deletions::decide(conn, id, admin.id, "deleted", note, now).await?;
            Ok(())
        })
        .await?;
        cache.forget(Change::User(request.user_id));
        tracing::info!(user_id = %request.user_id, "account deleted by the county admin on request");
    } else {
        let Some(note) = note else {
            return Err(AppError::Unprocessable(
                "note: say why the request is refused; the person is told.".into(),
            ));
        };
        db::deletions::decide(conn, id, admin.id, "refused", Some(note), now).await?;
    }
    Ok(())
}
