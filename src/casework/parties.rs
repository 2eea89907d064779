//! People on a case beyond filing: adding agents and third parties, a resident claiming a case
//! filed for them, and the public lookup by case number and access code.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::filing::{RespondentInput, hash_access_code};
use super::view::{CaseView, load_view};
use super::{actor_for, refused, scope_of};
use crate::auth::{Principal, rate_limit};
use crate::crypto::Sealer;
use crate::db;
use crate::db::schema::{case_parties, cases, divisions};
use crate::domain::{Email, Phone, Role};
use crate::error::AppError;
use crate::workflow::{self, Action, Lang, Side, Viewer, next_step};

#[derive(Debug, Deserialize)]
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
    let email = input
        .person
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(Email::parse)
        .transpose()
        .map_err(|m| AppError::Unprocessable(m.into()))?;
    let phone = input
        .person
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(Phone::parse)
        .transpose()
        .map_err(|m| AppError::Unprocessable(m.into()))?;
    let record = db::cases::find_visible(conn, scope_of(principal), case_id)
        .await?
        .ok_or(AppError::NotFound)?;
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
            diesel::insert_into(case_parties::table)
                .values((
                    case_parties::county_id.eq(state.county_id),
                    case_parties::id.eq(party_id),
                    case_parties::case_id.eq(state.id),
                    case_parties::side.eq(side.as_str()),
                    case_parties::name.eq(&name),
                    case_parties::email.eq(email.as_ref().map(|e| e.to_string())),
                    case_parties::phone_enc.eq(phone_enc),
                    case_parties::phone_key.eq(phone_key),
                    case_parties::user_id.eq(user_id),
                    case_parties::position.eq(position),
                ))
                .execute(conn)
                .await?;
            let ok = db::cases::apply(conn, &state, &t, &actor, now).await?;
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
    let fresh = db::cases::find_visible(conn, scope_of(principal), case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    load_view(conn, principal, fresh, lang, sealer, now).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseKey {
    pub number: String,
    pub access_code: String,
}

/// The case a number and access code open, or `None`. Codes are compared in constant time.
async fn by_key(
    conn: &mut AsyncPgConnection,
    key: &CaseKey,
) -> Result<Option<(Uuid, Uuid)>, AppError> {
    let number = key.number.trim();
    let Some(prefix) = number
        .get(0..6)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(None);
    };
    let county: Option<Uuid> = divisions::table
        .filter(divisions::code.eq(format!("{prefix}000000")))
        .filter(divisions::level.eq("county"))
        .select(divisions::id)
        .first(conn)
        .await
        .optional()?;
    let Some(county_id) = county else {
        return Ok(None);
    };
    let found: Option<(Uuid, String)> = cases::table
        .filter(cases::county_id.eq(county_id))
        .filter(cases::number.eq(number))
        .select((cases::id, cases::access_code_hash))
        .first(conn)
        .await
        .optional()?;
    Ok(found.and_then(|(id, stored)| {
        let given = hash_access_code(number, &key.access_code);
        bool::from(given.as_bytes().ct_eq(stored.as_bytes())).then_some((county_id, id))
    }))
}

async fn checked_key(
    conn: &mut AsyncPgConnection,
    key: &CaseKey,
    throttle_key: &str,
    now: DateTime<Utc>,
) -> Result<(Uuid, Uuid), AppError> {
    let guess = rate_limit::reserve_guess(conn, throttle_key, now).await?;
    match by_key(conn, key).await? {
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

#[derive(Debug, Serialize)]
pub struct PublicStatus {
    pub number: String,
    pub level: String,
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
    let (county_id, id) = checked_key(conn, key, &format!("lookup:{address}"), now).await?;
    let record = db::cases::find_for_system(conn, county_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let (county_id, id) = checked_key(conn, key, &format!("claim:{}", principal.id), now).await?;
    let record = db::cases::find_for_system(conn, county_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let state = record.state().map_err(AppError::internal)?;
    let Some(party_id) = workflow::claimable(&state) else {
        return Err(AppError::conflict(
            "This case already belongs to an account.",
        ));
    };
    conn.transaction::<(), AppError, _>(async |conn| {
        let updated = diesel::update(case_parties::table.find((county_id, party_id)))
            .filter(case_parties::user_id.is_null())
            .set(case_parties::user_id.eq(principal.id))
            .execute(conn)
            .await?;
        if updated == 0 {
            return Err(AppError::conflict(
                "This case already belongs to an account.",
            ));
        }
        let event = workflow::Event {
            kind: "claimed".into(),
            data: json!({"party_id": party_id}),
        };
        let actor = workflow::Actor::Party {
            user_id: Some(principal.id),
            party_id,
        };
        db::events::append(
            conn,
            county_id,
            id,
            std::slice::from_ref(&event),
            &actor,
            now,
        )
        .await?;
        Ok(())
    })
    .await?;
    let fresh = db::cases::find_visible(conn, scope_of(principal), id)
        .await?
        .ok_or(AppError::NotFound)?;
    load_view(conn, principal, fresh, lang, sealer, now).await
}
