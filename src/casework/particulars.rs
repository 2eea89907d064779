//! A party's particulars for the statutory documents (sex, year of birth, ethnicity, occupation,
//! address): recorded by the case's mediator, or by the party themself, sealed at rest. The
//! history says that they were recorded, never what they are.

use chrono::{DateTime, Datelike, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use uuid::Uuid;

use super::view::{CaseView, load_view};
use super::{actor_for, refused};
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::domain::Particulars;
use crate::error::AppError;
use crate::workflow::local_zone;
use crate::workflow::{self, Lang};

pub async fn record(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    (case_id, party_id): (Uuid, Uuid),
    input: Particulars,
    (lang, sealer): (Lang, &Sealer),
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    let this_year = now.with_timezone(&local_zone()).year();
    let particulars = input.checked(this_year).map_err(AppError::Unprocessable)?;
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("You can read this case but not act on it.".into()))?;
    workflow::may_record_particulars(&state, &actor, party_id).map_err(|r| refused(r, None))?;
    let sealed = if particulars.is_empty() {
        None
    } else {
        let json = serde_json::to_string(&particulars).map_err(AppError::internal)?;
        Some(sealer.seal(&json))
    };
    conn.transaction::<(), AppError, _>(async |conn| {
        let found =
            db::cases::set_particulars(conn, (state.county_id, state.id), party_id, sealed).await?;
        if !found {
            return Err(AppError::NotFound);
        }
        db::events::note(
            conn,
            (state.county_id, state.id),
            "particulars_recorded",
            json!({ "party_id": party_id }),
            &actor,
            now,
        )
        .await?;
        Ok(())
    })
    .await?;
    let record = super::open(conn, principal, case_id).await?;
    load_view(conn, principal, record, lang, sealer, now).await
}
