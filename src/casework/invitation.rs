//! Answering an invitation link without an account: see the case in brief, agree or refuse,
//! and optionally set a password to follow the case later. The link works once.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{Keys, invitation, password};
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::workflow::{self, Action, Actor, Lang, Side, Viewer, next_step};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub case_number: String,
    pub category: String,
    pub village: String,
    pub applicant: String,
    pub narrative: String,
    pub request: String,
    pub you: String,
    #[schema(value_type = crate::workflow::Status)]
    pub status: String,
    pub can_answer: bool,
    pub next_step: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// `consent` or `refuse`.
    pub answer: String,
    pub reason: Option<String>,
    /// Optional: create an account with the email the mediator has, to follow the case.
    pub password: Option<String>,
}

fn not_valid() -> AppError {
    AppError::NotFound
}

async fn open(
    conn: &mut AsyncPgConnection,
    keys: &Keys,
    token: &str,
) -> Result<(crate::auth::Claims, db::cases::CaseRecord, Uuid), AppError> {
    let (claims, county_id, party_id) = invitation::read(keys, token).ok_or_else(not_valid)?;
    let record = db::cases::ways_in::by_invitation(conn, county_id, party_id)
        .await?
        .ok_or_else(not_valid)?;
    Ok((claims, record, party_id))
}

async fn used(conn: &mut AsyncPgConnection, jti: Uuid) -> Result<bool, AppError> {
    Ok(db::invitations::used(conn, jti).await?)
}

pub async fn show(
    conn: &mut AsyncPgConnection,
    keys: &Keys,
    token: &str,
    lang: Lang,
) -> Result<InvitationView, AppError> {
    let (claims, record, party_id) = open(conn, keys, token).await?;
    if used(conn, claims.jti).await? {
        return Err(AppError::Conflict {
            message: "This invitation link has already been used.".into(),
            case: None,
        });
    }
    let state = record.state().map_err(AppError::internal)?;
    let labels = db::cases::labels(conn, &record.row).await?;
    let name_of = |side: Side| {
        record
            .parties
            .iter()
            .find(|p| p.side.as_str() == side.as_str())
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let you = record
        .parties
        .iter()
        .find(|p| p.id == party_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let waiting = state
        .parties
        .iter()
        .any(|p| p.id == party_id && p.side == Side::Respondent && !p.consented);
    Ok(InvitationView {
        case_number: record.row.number.clone(),
        category: record.row.category.clone(),
        village: labels.village_name,
        applicant: name_of(Side::Applicant),
        narrative: record.row.narrative.clone(),
        request: record.row.request.clone(),
        you,
        status: record.row.status.clone(),
        can_answer: waiting && state.status == workflow::Status::AwaitingRespondent,
        next_step: next_step(&state, Viewer::Party(Side::Respondent), lang),
    })
}

/// Consents or refuses for the invited party; the link is spent only when the answer is taken.
pub async fn answer(
    conn: &mut AsyncPgConnection,
    keys: &Keys,
    token: &str,
    input: Answer,
    now: DateTime<Utc>,
) -> Result<InvitationView, AppError> {
    let action = match input.answer.as_str() {
        "consent" => Action::RespondentConsents,
        "refuse" => Action::RespondentRefuses {
            reason: input.reason.clone().filter(|r| !r.trim().is_empty()),
        },
        other => {
            return Err(AppError::BadRequest(format!(
                "answer {other:?}: use consent or refuse"
            )));
        }
    };
    if let Some(p) = &input.password {
        password::acceptable(p).map_err(|m| AppError::Unprocessable(m.into()))?;
    }
    let (claims, record, party_id) = open(conn, keys, token).await?;
    let state = record.state().map_err(AppError::internal)?;
    let party = record
        .parties
        .iter()
        .find(|p| p.id == party_id)
        .ok_or_else(not_valid)?;
    let actor = Actor::Party {
        user_id: party.user_id,
        party_id,
    };
    let policy = db::policy::of_county(conn, state.county_id).await?;
    let t = workflow::decide(&state, &action, &actor, now, &policy)
        .map_err(|r| super::refused(r, None))?;
    let new_account = match (&input.password, &party.email, party.user_id) {
        (Some(p), Some(email), None) => {
            if db::users::by_email(conn, email).await?.is_some() {
                return Err(AppError::Unprocessable("An account with this email exists already: log in to follow the case.".into()));
            }
            let p = p.clone();
            Some((email.clone(), password::hash_bounded(p).await?))
        }
        (Some(_), None, _) => return Err(AppError::Unprocessable("No email is on file for you, so no account can be made; the mediator will keep you informed.".into())),
        _ => None,
    };
    conn.transaction::<(), AppError, _>(async |conn| {
        if !db::invitations::spend(conn, claims.jti, state.county_id, party_id, now).await? {
            return Err(AppError::Conflict {
                message: "This invitation link has already been used.".into(),
                case: None,
            });
        }
        if !super::change::write(conn, &state, &t, &actor, now).await? {
            return Err(AppError::conflict(
                "The case changed meanwhile. Please open the link again.",
            ));
        }
        if let Some((email, hash)) = &new_account {
            let user_id = Uuid::now_v7();
            db::users::insert(
                conn,
                &db::users::NewUser {
                    id: user_id,
                    email: Some(email),
                    phone_enc: None,
                    phone_key: None,
                    name: &party.name,
                    password_hash: Some(hash),
                    role: Role::Resident.as_str(),
                    committee_id: None,
                    county_id: Some(state.county_id),
                    language: "zh",
                },
            )
            .await?;
            db::cases::link_party(conn, state.county_id, party_id, user_id, false).await?;
        }
        Ok(())
    })
    .await?;
    let fresh = db::cases::ways_in::by_invitation(conn, state.county_id, party_id)
        .await?
        .ok_or_else(not_valid)?;
    let new_state = fresh.state().map_err(AppError::internal)?;
    Ok(InvitationView {
        case_number: fresh.row.number.clone(),
        category: fresh.row.category.clone(),
        village: String::new(),
        applicant: String::new(),
        narrative: String::new(),
        request: String::new(),
        you: party.name.clone(),
        status: fresh.row.status.clone(),
        can_answer: false,
        next_step: next_step(&new_state, Viewer::Party(Side::Respondent), Lang::Zh),
    })
}
