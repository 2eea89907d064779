//! The history of a case as one caller may read it. The chain is complete in the database;
//! what a reader sees of it follows the same rules as the things its events describe: an
//! `evidence_added` event of an item the uploading party kept from the other side is left out
//! for that side, as the item itself is (its filename, size and hash would tell too much).

use std::collections::HashSet;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::attach::reader_of;
use crate::auth::Principal;
use crate::db;
use crate::db::events::EventRow;
use crate::db::evidence::EvidenceRow;
use crate::error::AppError;
use crate::workflow::{CaseState, may_see_evidence};

/// The events of a case the caller already passed the gate for, oldest first.
pub async fn visible_events(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    state: &CaseState,
) -> Result<Vec<EventRow>, AppError> {
    let evidence = db::evidence::of_case(conn, state.county_id, state.id).await?;
    let events = db::events::of_case(conn, state.county_id, state.id).await?;
    shown(principal, state, events, &evidence)
}

/// What of a case's `events` the caller may read, given its evidence items.
pub fn shown(
    principal: &Principal,
    state: &CaseState,
    events: Vec<EventRow>,
    evidence: &[EvidenceRow],
) -> Result<Vec<EventRow>, AppError> {
    let reader = reader_of(principal, state).ok_or(AppError::NotFound)?;
    let hidden: HashSet<Uuid> = evidence
        .iter()
        .filter(|e| !may_see_evidence(reader, e.uploader_party_id, e.visible_to_other_parties))
        .map(|e| e.id)
        .collect();
    if hidden.is_empty() {
        return Ok(events);
    }
    Ok(events
        .into_iter()
        .filter(|e| !(e.kind == "evidence_added" && describes(e, &hidden)))
        .collect())
}

fn describes(event: &EventRow, hidden: &HashSet<Uuid>) -> bool {
    event
        .data
        .get("evidence_id")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
        .is_some_and(|id| hidden.contains(&id))
}
