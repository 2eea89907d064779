//! People on a case beyond filing: adding agents and third parties, a resident claiming a case
//! filed for them, and the public lookup by case number and access code.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::CaseRecord;
use super::filing::RespondentInput;
use super::view::{CaseView, load_view};
use super::{actor_for, refused};
use crate::auth::{Principal, rate_limit};
use crate::crypto::Sealer;
use crate::db;
use crate::domain::{Email, Phone, Role};
use crate::error::AppError;
use crate::workflow::{self, Action, Lang, Side, Viewer, next_step};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartyInput {
    /// `agent` or `third_party`.
    pub side: String,
    #[serde(flatten)]
    pub person: RespondentInput,
}

/// A mediator adds an agent or third party; the engine decides, the row and history follow.
pub async fn add_party(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    input: NewPartyInput,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    let side = match input.side.as_str() {
        "agent" => Side::Agent,
        "third_party" => Side::ThirdParty,
        other => {
            return Err(AppError::Unprocessable(format!(
                "side {other:?}: only an agent or a third_party can be added"
            )));
        }
    };
    let name = input.person.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Unprocessable(
            "Give the person's name (at most 100 characters).".into(),
        ));
    }
    let bad = |m: &str| AppError::Unprocessable(m.into());
    let email = Email::parse_optional(input.person.email.as_deref()).map_err(bad)?;
    let phone = Phone::parse_optional(input.person.phone.as_deref()).map_err(bad)?;
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("You can read this case but not act on it.".into()))?;
    let (phone_enc, phone_key) = phone.as_ref().map(|p| sealer.phone(p)).unzip();
    let user_id = match (&email, &phone_key) {
        (Some(e), _) => db::users::by_email(conn, e.as_str()).await?.map(|u| u.id),
        (None, Some(k)) => db::users::by_phone_key(conn, k).await?.map(|u| u.id),
        (None, None) => None,
    };
    let party_id = Uuid::now_v7();
    let policy = db::policy::of_county(conn, state.county_id).await?;
    let add = Action::AddParty {
        party_id,
        side,
        user_id,
    };
    let t = match workflow::decide(&state, &add, &actor, now, &policy) {
        Ok(t) => t,
        Err(r) => {
            // A 409 carries the case as the caller sees it, as every other action's does.
            let view = load_view(conn, principal, record, lang, sealer, now).await?;
            return Err(refused(r, serde_json::to_value(&view).ok()));
        }
    };
    let position = i32::try_from(state.parties.len()).unwrap_or(i32::MAX);
    let applied = conn
        .transaction::<bool, AppError, _>(async |conn| {
            db::cases::insert_party(
                conn,
                db::cases::AddedParty {
                    county_id: state.county_id,
                    case_id: state.id,
                    party_id,
                    side: side.as_str(),
                    details: db::cases::NewParty {
                        name: name.clone(),
                        email: email.as_ref().map(|e| e.to_string()),
                        phone_enc: phone_enc.clone(),
                        phone_key: phone_key.clone(),
                    },
                    user_id,
                    position,
                },
            )
            .await?;
            let ok = super::change::write(conn, &state, &t, &actor, now).await?;
            if !ok {
                // Someone changed the case meanwhile: undo the row too.
                return Err(AppError::conflict(
                    "This case was changed by someone else. Look at it again and retry.",
                ));
            }
            Ok(ok)
        })
        .await?;
    let _ = applied;
    let fresh = super::open(conn, principal, case_id).await?;
    load_view(conn, principal, fresh, lang, sealer, now).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseKey {
    pub number: String,
    pub access_code: String,
}

/// The case of a number and access code, with the guess counted against `throttle_key`.
async fn checked_key(
    conn: &mut AsyncPgConnection,
    key: &CaseKey,
    throttle_key: &str,
    now: DateTime<Utc>,
) -> Result<CaseRecord, AppError> {
    let guess = rate_limit::reserve_guess(conn, throttle_key, now).await?;
    match db::cases::ways_in::by_access_code(conn, &key.number, &key.access_code).await? {
        Some(found) => {
            guess.release(conn).await?;
            Ok(found)
        }
        None => {
            guess.keep();
            Err(AppError::NotFound)
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub number: String,
    #[schema(value_type = crate::workflow::Level)]
    pub level: String,
    #[schema(value_type = crate::workflow::Status)]
    pub status: String,
    pub deadline_at: Option<DateTime<Utc>>,
    pub next_step: String,
}

/// Where a case stands, for anyone holding its number and access code (no account needed).
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    key: &CaseKey,
    address: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<PublicStatus, AppError> {
    let record = checked_key(conn, key, &format!("lookup:{address}"), now).await?;
    let state = record.state().map_err(AppError::internal)?;
    Ok(PublicStatus {
        number: record.row.number.clone(),
        level: record.row.level.clone(),
        status: record.row.status.clone(),
        deadline_at: record.row.deadline_at,
        next_step: next_step(&state, Viewer::Public, lang),
    })
}

/// A resident takes over a case a mediator filed for them: the applicant row without an account
/// becomes theirs.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    key: &CaseKey,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    if principal.role != Role::Resident {
        return Err(AppError::Forbidden("Only residents claim cases.".into()));
    }
    let record = checked_key(conn, key, &format!("claim:{}", principal.id), now).await?;
    let (county_id, id) = (record.row.county_id, record.row.id);
    let state = record.state().map_err(AppError::internal)?;
    let Some(party_id) = workflow::claimable(&state) else {
        return Err(AppError::conflict(
            "This case already belongs to an account.",
        ));
    };
    conn.transaction::<(), AppError, _>(async |conn| {
        if !db::cases::link_party(conn, county_id, party_id, principal.id, true).await? {
            return Err(AppError::conflict(
                "This case already belongs to an account.",
            ));
        }
        let actor = workflow::Actor::Party {
            user_id: Some(principal.id),
            party_id,
        };
        db::events::note(
            conn,
            (county_id, id),
            "claimed",
            json!({"party_id": party_id}),
            &actor,
            now,
        )
        .await?;
        Ok(())
    })
    .await?;
    let fresh = super::open(conn, principal, id).await?;
    load_view(conn, principal, fresh, lang, sealer, now).await
}
