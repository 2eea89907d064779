//! What the case page reads, in two round trips: the case with its view through the gate (one
//! statement, the opening recorded beside it), then its history, evidence and messages sent
//! together (pipelined), each filtered by the same rules as their own API endpoints. The page
//! used to open the case once per list (three statements each time): about twenty statements
//! against the API view's seven.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::attach::EvidenceView;
use super::messages::MessageView;
use super::view::CaseView;
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::db::cases::CaseRecord;
use crate::db::events::EventRow;
use crate::error::AppError;
use crate::workflow::{CaseState, Lang};

pub struct CasePageRead {
    pub record: CaseRecord,
    pub state: CaseState,
    pub view: CaseView,
    /// The history the caller may read, oldest first.
    pub events: Vec<EventRow>,
    pub evidence: Vec<EvidenceView>,
    pub messages: Vec<MessageView>,
}

pub async fn read(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CasePageRead, AppError> {
    let (record, state, view) =
        super::view::open_view(conn, principal, case_id, lang, sealer, now).await?;
    let key = (state.county_id, state.id);
    // Three handles on one connection: their statements leave together (pipelined).
    let shared: &AsyncPgConnection = conn;
    let (mut a, mut b, mut c) = (shared, shared, shared);
    let (events, evidence, messages) = futures_util::try_join!(
        db::events::of_case(&mut a, key.0, key.1),
        db::evidence::of_case(&mut b, key.0, key.1),
        db::messages::of_case(&mut c, key.0, key.1),
    )?;
    let events = super::history::shown(principal, &state, events, &evidence)?;
    let evidence = super::attach::shown(principal, &state, evidence)?;
    let messages = super::messages::shown(conn, principal, (&record, &state), messages).await?;
    Ok(CasePageRead {
        record,
        state,
        view,
        events,
        evidence,
        messages,
    })
}
