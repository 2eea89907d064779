//! The case thread, internal notes and caucus messages: posted and read through the gate, with
//! the engine's rules for who may write and read what.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::attach::reader_of;
use super::{actor_for, refused};
use crate::auth::Principal;
use crate::db;
use crate::db::cases::CaseRecord;
use crate::db::messages::MessageRow;
use crate::error::AppError;
use crate::workflow::{Actor, Audience, CaseState, may_post, may_read};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    pub body: String,
    /// `"all"` (default), `"mediators"` or `"party:<party id>"`.
    pub audience: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub author_name: String,
    pub author_role: String,
    pub is_you: bool,
    pub audience: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

fn audience_of(row: &MessageRow) -> Audience {
    match (row.audience.as_str(), row.party_id) {
        ("party", Some(p)) => Audience::Party(p),
        ("mediators", _) => Audience::Mediators,
        _ => Audience::All,
    }
}

fn view(row: MessageRow, me: Uuid, names: &std::collections::HashMap<Uuid, String>) -> MessageView {
    let audience = match audience_of(&row) {
        Audience::Party(p) => format!("party:{p}"),
        other => other.kind().to_owned(),
    };
    MessageView {
        id: row.id,
        author_name: row
            .author_party_id
            .or(row.author_id)
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "—".to_owned()),
        author_role: row.author_role,
        is_you: row.author_id == Some(me),
        audience,
        body: row.body,
        created_at: row.created_at,
    }
}

pub async fn post(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    input: NewMessage,
    now: DateTime<Utc>,
) -> Result<MessageView, AppError> {
    let body = input.body.trim();
    if body.is_empty() {
        return Err(AppError::Unprocessable("The message is empty.".into()));
    }
    if body.chars().count() > 5000 {
        return Err(AppError::Unprocessable(
            "The message is too long (at most 5000 characters).".into(),
        ));
    }
    let audience = match input.audience.as_deref() {
        None => Audience::All,
        Some(a) => Audience::parse(a).ok_or_else(|| {
            AppError::BadRequest(format!(
                "audience {a:?} is not known: use all, mediators or party:<party id>"
            ))
        })?,
    };
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("You can read this case but not write in it.".into()))?;
    may_post(&state, &actor, audience).map_err(|r| refused(r, None))?;
    let row = MessageRow {
        county_id: state.county_id,
        id: Uuid::now_v7(),
        case_id: state.id,
        author_id: Some(principal.id),
        author_party_id: match actor {
            Actor::Party { party_id, .. } => Some(party_id),
            _ => None,
        },
        author_role: actor.role_name().to_owned(),
        audience: audience.kind().to_owned(),
        party_id: match audience {
            Audience::Party(p) => Some(p),
            _ => None,
        },
        body: body.to_owned(),
        created_at: now,
    };
    db::messages::insert(conn, &row).await?;
    let mut names = std::collections::HashMap::new();
    names.insert(
        row.author_party_id.unwrap_or(principal.id),
        principal.name.clone(),
    );
    Ok(view(row, principal.id, &names))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
) -> Result<Vec<MessageView>, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let rows = db::messages::of_case(conn, state.county_id, state.id).await?;
    shown(conn, principal, (&record, &state), rows).await
}

/// What of a case's messages the caller may read, with their authors' names (staff names are
/// read; the parties' come with the record).
pub async fn shown(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    (record, state): (&CaseRecord, &CaseState),
    rows: Vec<db::messages::MessageRow>,
) -> Result<Vec<MessageView>, AppError> {
    let reader = reader_of(principal, state).ok_or(AppError::NotFound)?;
    let mut names: std::collections::HashMap<Uuid, String> = record
        .parties
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let staff: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.author_party_id.is_none())
        .filter_map(|r| r.author_id)
        .collect();
    if !staff.is_empty() {
        names.extend(db::users::names(conn, &staff).await?);
    }
    Ok(rows
        .into_iter()
        .filter(|r| may_read(reader, audience_of(r)))
        .map(|r| view(r, principal.id, &names))
        .collect())
}
