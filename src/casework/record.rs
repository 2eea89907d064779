//! The record format (`docs/record-format.md`): a case as other systems and the court read it,
//! one JSON object a case. `fengqiao export` writes it one line a case, with the history; a
//! court bundle's `record.json` is the same object as its taker may see it (the history is the
//! bundle's `history.jsonl`).

use chrono::{DateTime, SecondsFormat, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use super::view::CaseView;
use crate::crypto::Sealer;
use crate::db;
use crate::db::events::EventRow;
use crate::error::AppError;

/// The format's name and version; a reader refuses a version it does not know.
pub const FORMAT: &str = "fengqiao-record/1";

/// One entry of the history, with the keyed link that chains it to the one before.
#[derive(Debug, Serialize)]
pub struct HistoryLine {
    pub seq: i32,
    pub kind: String,
    pub actor_role: String,
    pub data: serde_json::Value,
    pub at: String,
    pub prev_hash: String,
    pub hash: String,
    pub key_id: String,
}

impl From<&EventRow> for HistoryLine {
    fn from(e: &EventRow) -> HistoryLine {
        HistoryLine {
            seq: e.seq,
            kind: e.kind.clone(),
            actor_role: e.actor_role.clone(),
            data: e.data.clone(),
            at: e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
            key_id: e.key_id.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Record {
    pub format: &'static str,
    pub case: CaseView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryLine>>,
}

impl Record {
    /// The record of a case as a caller saw it (a bundle's `record.json`).
    pub fn of_view(case: CaseView) -> Record {
        Record {
            format: FORMAT,
            case,
            history: None,
        }
    }
}

/// The county's cases changed since `since` (all with `None`), oldest filing first, as export
/// lines: personal details masked, no caller, the whole history with its links.
pub async fn export_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    since: Option<DateTime<Utc>>,
    sealer: &Sealer,
    mut line: impl FnMut(&Record) -> anyhow::Result<()>,
) -> Result<usize, AppError> {
    let keys = db::cases::keys_of_county(conn, county_id, since).await?;
    let now = Utc::now();
    let mut written = 0;
    for chunk in keys.chunks(500) {
        let mut records = db::cases::batch::read_many(conn, chunk).await?;
        records.sort_by_key(|r| (r.row.filed_at, r.row.id));
        for record in records {
            let state = record.state().map_err(AppError::internal)?;
            let events = db::events::of_case(conn, state.county_id, state.id).await?;
            let case = super::view::system_view(conn, &record, &state, sealer, now).await?;
            let out = Record {
                format: FORMAT,
                case,
                history: Some(events.iter().map(HistoryLine::from).collect()),
            };
            line(&out).map_err(AppError::internal)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Where a page of the export ends: the pass's `since` and the last case's id.
pub type Cursor = (DateTime<Utc>, Uuid);

/// One page of the county's export: up to `limit` records of cases changed at or after the
/// cursor's time whose ids come after its case, in filing order, each with its history; and the
/// cursor of the next page when there may be one.
pub async fn export_page(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    (since, after): Cursor,
    limit: i64,
    sealer: &Sealer,
) -> Result<(Vec<Record>, Option<Cursor>), AppError> {
    let ids = db::cases::export_keys(conn, county_id, since, after, limit).await?;
    let keys: Vec<(Uuid, Uuid)> = ids.iter().map(|id| (county_id, *id)).collect();
    let mut rows = db::cases::batch::read_many(conn, &keys).await?;
    rows.sort_by_key(|r| r.row.id);
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    for record in rows {
        let state = record.state().map_err(AppError::internal)?;
        let events = db::events::of_case(conn, state.county_id, state.id).await?;
        let case = super::view::system_view(conn, &record, &state, sealer, now).await?;
        out.push(Record {
            format: FORMAT,
            case,
            history: Some(events.iter().map(HistoryLine::from).collect()),
        });
    }
    let full = i64::try_from(ids.len()).unwrap_or(i64::MAX) >= limit;
    let next = ids.last().filter(|_| full).map(|id| (since, *id));
    Ok((out, next))
}
