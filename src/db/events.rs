//! The case history: append-only (the database refuses UPDATE, DELETE and TRUNCATE) and
//! chained per case with HMAC-SHA256 under the history key, so that `verify-audit` notices any
//! row edited or removed behind the application's back — and someone who can write to the
//! database but does not hold the key cannot recompute the chain after an edit.
//!
//! The key is process-wide (`install_keys`, once at start from `HISTORY_KEY`), like the log
//! subscriber: every writer of events uses it, and threading a secret through every signature of
//! the write path would buy nothing.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::schema::case_events;
use crate::crypto::{HistoryKeys, hmac_sha256};
use crate::workflow::{Actor, Event};

/// Links written before the history was keyed: plain SHA-256.
pub const UNKEYED: &str = "sha256";

static KEYS: OnceLock<HistoryKeys> = OnceLock::new();

/// Sets the history keys for this process (the first call wins; later calls with the same
/// configuration change nothing).
pub fn install_keys(keys: HistoryKeys) {
    let _ = KEYS.set(keys);
}

pub fn keys() -> &'static HistoryKeys {
    KEYS.get_or_init(|| HistoryKeys::new("k1", crate::config::DEV_HISTORY_KEY, Vec::new()))
}

/// The hash before the first event of every case.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = case_events)]
pub struct EventRow {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub seq: i32,
    pub kind: String,
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
    pub prev_hash: String,
    pub hash: String,
    pub key_id: String,
}

/// PostgreSQL keeps microseconds; hash exactly what is stored.
fn stored_time(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// What stands in a row's `data` once retention has erased it: when, and the SHA-256 of what
/// was there, which the keyed link covers instead of the data itself.
pub fn erased(digest: &str, on: &str) -> serde_json::Value {
    serde_json::json!({ "erased": on, "digest": digest })
}

/// The SHA-256 of a row's data as the keyed link covers it: of the data, or the one an erased
/// row keeps.
pub fn data_digest(data: &serde_json::Value) -> String {
    if let (Some(_), Some(digest), 2) = (
        data.get("erased"),
        data.get("digest").and_then(|d| d.as_str()),
        data.as_object().map_or(0, |o| o.len()),
    ) {
        return digest.to_owned();
    }
    hex::encode(Sha256::digest(data.to_string().as_bytes()))
}

/// Whether retention erased this row's data.
pub fn is_erased(data: &serde_json::Value) -> bool {
    data.get("erased").is_some() && data.as_object().is_some_and(|o| o.len() == 2)
}

/// The bytes a link is taken over: the previous hash and every column of the row. A keyed link
/// covers the data through its SHA-256, so retention can erase personal data from the history
/// and the chain still verifies; the unkeyed links of old covered the data itself.
fn linked_text(row: &EventRow) -> Vec<u8> {
    let data = if row.key_id == UNKEYED {
        row.data.to_string()
    } else {
        data_digest(&row.data)
    };
    let mut text = Vec::new();
    for part in [
        row.prev_hash.as_str(),
        &row.county_id.to_string(),
        &row.case_id.to_string(),
        &row.seq.to_string(),
        &row.kind,
        &row.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        &row.actor_role,
        &data,
        &row.at.timestamp_micros().to_string(),
    ] {
        text.extend_from_slice(part.as_bytes());
        text.push(0x1f);
    }
    text
}

/// The chain link of a row under the key it names: HMAC-SHA256, or plain SHA-256 for links
/// written before keying; `None` when the key is not known to this process.
pub fn link(row: &EventRow) -> Option<String> {
    let text = linked_text(row);
    if row.key_id == UNKEYED {
        return Some(hex::encode(Sha256::digest(&text)));
    }
    let key = keys().key(&row.key_id)?;
    Some(hex::encode(hmac_sha256(key, &text)))
}

/// Appends one entry that changes no status (an upload, a rating, a claim, an export): what
/// happened, said in the case's history beside the engine's decisions.
pub async fn note(
    conn: &mut AsyncPgConnection,
    (county_id, case_id): (Uuid, Uuid),
    kind: &str,
    data: serde_json::Value,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let event = Event {
        kind: kind.to_owned(),
        data,
    };
    append(
        conn,
        county_id,
        case_id,
        std::slice::from_ref(&event),
        actor,
        now,
    )
    .await
}

/// Appends events after the case's last one. The caller holds the case row (its version
/// update), so no other writer can interleave events of the same case.
pub async fn append(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
    events: &[Event],
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    // Hold the case row: appends to one case's chain happen one at a time, whoever writes them.
    super::schema::cases::table
        .find((county_id, case_id))
        .select(super::schema::cases::version)
        .for_update()
        .first::<i32>(conn)
        .await?;
    let last: Option<(i32, String)> = case_events::table
        .filter(case_events::county_id.eq(county_id))
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.desc())
        .select((case_events::seq, case_events::hash))
        .first(conn)
        .await
        .optional()?;
    let rows = chain(county_id, case_id, last, events, actor, now);
    insert_rows(conn, &rows).await
}

/// The rows that follow `last` (the case's newest `(seq, hash)`, or none), each linked to the
/// one before it.
pub fn chain(
    county_id: Uuid,
    case_id: Uuid,
    last: Option<(i32, String)>,
    events: &[Event],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Vec<EventRow> {
    let (mut seq, mut prev) = last.unwrap_or((0, GENESIS.to_owned()));
    let at = stored_time(now);
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let mut row = EventRow {
            county_id,
            case_id,
            seq,
            kind: event.kind.clone(),
            actor_id: actor.user_id(),
            actor_role: actor.role_name().to_owned(),
            data: event.data.clone(),
            at,
            prev_hash: prev.clone(),
            hash: String::new(),
            key_id: keys().current_id().to_owned(),
        };
        row.hash = link(&row).unwrap_or_default();
        prev = row.hash.clone();
        rows.push(row);
    }
    rows
}

/// One statement for any number of rows: eleven arrays, whatever the count, so PostgreSQL parses
/// the same text every time and the bind stays small (a `VALUES` list of 1 000 rows binds
/// 10 000 parameters and is a new statement for every row count). A trigger on the table
/// (migration 000033) queues each event for the county's webhook endpoints that asked for its
/// kind, so a committed event is always delivered and no writer can forget to.
const INSERT: &str = "
INSERT INTO case_events (county_id, case_id, seq, kind, actor_id, actor_role, data, at,
                         prev_hash, hash, key_id)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int4[], $4::text[], $5::uuid[], $6::text[],
                     $7::jsonb[], $8::timestamptz[], $9::text[], $10::text[], $11::text[])";

/// Inserts linked rows (of one case or many) in one statement. The caller holds the cases' rows.
pub async fn insert_rows(conn: &mut AsyncPgConnection, rows: &[EventRow]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    if rows.is_empty() {
        return Ok(());
    }
    let col = |f: fn(&EventRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    diesel::sql_query(INSERT)
        .bind::<Array<SqlUuid>, _>(rows.iter().map(|r| r.county_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(rows.iter().map(|r| r.case_id).collect::<Vec<_>>())
        .bind::<Array<Int4>, _>(rows.iter().map(|r| r.seq).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(col(|r| &r.kind))
        .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|r| r.actor_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(col(|r| &r.actor_role))
        .bind::<Array<Jsonb>, _>(rows.iter().map(|r| &r.data).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(rows.iter().map(|r| r.at).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(col(|r| &r.prev_hash))
        .bind::<Array<Text>, _>(col(|r| &r.hash))
        .bind::<Array<Text>, _>(col(|r| &r.key_id))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Generic over the connection so that the case page can send it with others in one round
/// trip (`&mut &AsyncPgConnection` pipelines).
pub async fn of_case<C>(conn: &mut C, county_id: Uuid, case_id: Uuid) -> QueryResult<Vec<EventRow>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    case_events::table
        .filter(case_events::county_id.eq(county_id))
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq)
        .select(EventRow::as_select())
        .load(conn)
        .await
}

/// Checks one case's chain; returns a description of the first break, if any.
pub fn verify_chain(rows: &[EventRow]) -> Option<String> {
    let mut prev = GENESIS.to_owned();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i as i32 + 1;
        if row.seq != expected_seq {
            return Some(format!(
                "event {expected_seq} is missing (found {} instead)",
                row.seq
            ));
        }
        if row.prev_hash != prev {
            return Some(format!(
                "event {} does not follow event {}",
                row.seq,
                row.seq - 1
            ));
        }
        if row.key_id == UNKEYED && i > 0 && rows[i - 1].key_id != UNKEYED {
            // Unkeyed links come only before keying began: one after a keyed link was forged.
            return Some(format!(
                "event {} was altered (an unkeyed link after keyed ones)",
                row.seq
            ));
        }
        match link(row) {
            None => {
                return Some(format!(
                    "event {} names history key {:?}, which this installation does not hold (set HISTORY_OLD_KEYS)",
                    row.seq, row.key_id
                ));
            }
            Some(l) if l != row.hash => {
                return Some(format!(
                    "event {} was altered (its link does not verify under key {:?})",
                    row.seq, row.key_id
                ));
            }
            Some(_) => {}
        }
        prev = row.hash.clone();
    }
    None
}

/// Every case's key and number, in key order (for `verify-audit`).
pub async fn all_cases(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(Uuid, Uuid, String)>> {
    use super::schema::cases;
    cases::table
        .select((cases::county_id, cases::id, cases::number))
        .order((cases::county_id, cases::id))
        .load(conn)
        .await
}

/// Every case's newest link as recorded: county, case, seq, hash.
pub async fn all_heads(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Vec<(Uuid, Uuid, i32, String)>> {
    use super::schema::case_history_heads as h;
    h::table
        .select((h::county_id, h::case_id, h::seq, h::hash))
        .load(conn)
        .await
}
