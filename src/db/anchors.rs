//! Daily anchors of each county's history: a keyed root over (case, seq, hash) of every case's
//! last event at or before a cutoff, in case order. Written once a day and mailed outside the
//! database, so rewriting the database alone (even with the chains recomputed) shows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::TryStreamExt;
use hmac::Mac as _;
use uuid::Uuid;

use super::schema::{case_events, history_anchors};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = history_anchors)]
pub struct Anchor {
    pub county_id: Uuid,
    pub cutoff: DateTime<Utc>,
    pub cases: i32,
    pub root: String,
    pub key_id: String,
}

/// The root of a county's history as it stood at `cutoff`: streamed, so a county of a million
/// cases is never held in memory.
pub async fn root(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    cutoff: DateTime<Utc>,
    key: &[u8; 32],
) -> QueryResult<(i32, String)> {
    let mut mac = crate::crypto::keyed_mac(key);
    let mut cases = 0_i32;
    let mut rows = case_events::table
        .filter(case_events::county_id.eq(county_id))
        .filter(case_events::at.le(cutoff))
        .distinct_on(case_events::case_id)
        .order((case_events::case_id, case_events::seq.desc()))
        .select((case_events::case_id, case_events::seq, case_events::hash))
        .load_stream::<(Uuid, i32, String)>(conn)
        .await?;
    while let Some((case_id, seq, hash)) = rows.try_next().await? {
        mac.update(format!("{case_id}:{seq}:{hash}\n").as_bytes());
        cases = cases.saturating_add(1);
    }
    Ok((cases, hex::encode(mac.finalize().into_bytes())))
}

pub async fn latest_cutoff(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Option<DateTime<Utc>>> {
    history_anchors::table
        .filter(history_anchors::county_id.eq(county_id))
        .select(diesel::dsl::max(history_anchors::cutoff))
        .first(conn)
        .await
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    anchor: &Anchor,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::insert_into(history_anchors::table)
        .values((
            history_anchors::county_id.eq(anchor.county_id),
            history_anchors::cutoff.eq(anchor.cutoff),
            history_anchors::cases.eq(anchor.cases),
            history_anchors::root.eq(&anchor.root),
            history_anchors::key_id.eq(&anchor.key_id),
            history_anchors::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Anchor>> {
    history_anchors::table
        .order((history_anchors::county_id, history_anchors::cutoff))
        .select(Anchor::as_select())
        .load(conn)
        .await
}
