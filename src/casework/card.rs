//! 解纷码: a card with a QR code that opens where a case stands, for people who would otherwise
//! have to type a 19-character number and an 8-character code. The code is random (not the
//! access code), one is live per case, and a party or the case's mediator replaces it when a
//! card is lost (the old one stops working). What it opens says no more than the public lookup.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::actor_for;
use super::parties::PublicStatus;
use crate::auth::Principal;
use crate::db;
use crate::error::AppError;
use crate::workflow::{CaseState, Lang, Viewer, may_keep_card, next_step};

/// The case through the gate, when the caller may keep its card (`workflow::may_keep_card`).
async fn held(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
) -> Result<Option<CaseState>, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    Ok(keeps(principal, &state).then_some(state))
}

fn keeps(principal: &Principal, state: &CaseState) -> bool {
    actor_for(principal, state).is_some_and(|a| may_keep_card(state, &a))
}

/// The case's live code, made the first time it is asked for; `None` for a caller who may not
/// keep the card (the page then shows none).
pub async fn of_case(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    of_state(conn, principal, &state, now).await
}

/// `of_case` for a case the caller already passed the gate for.
pub async fn of_state(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    state: &CaseState,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    if !keeps(principal, state) {
        return Ok(None);
    }
    let key = (state.county_id, state.id);
    if let Some(code) = db::case_cards::live(conn, key).await? {
        return Ok(Some(code));
    }
    let code = crate::documents::new_code();
    let made = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            db::case_cards::replace(conn, key, &code, now).await
        })
        .await;
    match made {
        Ok(()) => Ok(Some(code)),
        // Another request made one first: that one is live.
        Err(_) => Ok(db::case_cards::live(conn, key).await?),
    }
}

/// A new code for a lost card; the old one stops working.
pub async fn renew(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let state = held(conn, principal, case_id).await?.ok_or_else(|| {
        AppError::Forbidden("Only the parties and the case's mediator keep its card.".into())
    })?;
    let code = crate::documents::new_code();
    conn.transaction::<(), AppError, _>(async |conn| {
        db::case_cards::replace(conn, (state.county_id, state.id), &code, now).await?;
        Ok(())
    })
    .await?;
    Ok(code)
}

/// Where the case of a live code stands; `None` for a code that is not live.
pub async fn status(
    conn: &mut AsyncPgConnection,
    code: &str,
    lang: Lang,
) -> Result<Option<PublicStatus>, AppError> {
    let Some(code) = crate::documents::normalise_code(code) else {
        return Ok(None);
    };
    let Some((county, case)) = db::case_cards::case_of(conn, &code).await? else {
        return Ok(None);
    };
    let Some(record) = db::cases::ways_in::for_system(conn, county, case).await? else {
        return Ok(None);
    };
    let state = record.state().map_err(AppError::internal)?;
    Ok(Some(PublicStatus {
        number: record.row.number.clone(),
        level: record.row.level.clone(),
        status: record.row.status.clone(),
        deadline_at: record.row.deadline_at,
        next_step: next_step(&state, Viewer::Public, lang),
    }))
}
