//! `fengqiao verify-audit`: recompute every case's history chain, and check that it ends where
//! the database recorded its newest link (so a deleted tail shows too).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db;
use crate::db::schema::{case_history_heads, cases};

/// One line per case whose history does not verify.
pub async fn verify_all(conn: &mut AsyncPgConnection) -> anyhow::Result<Vec<String>> {
    let ids: Vec<(Uuid, Uuid, String)> = cases::table
        .select((cases::county_id, cases::id, cases::number))
        .order((cases::county_id, cases::id))
        .load(conn)
        .await?;
    let heads: HashMap<(Uuid, Uuid), (i32, String)> = case_history_heads::table
        .select((
            case_history_heads::county_id,
            case_history_heads::case_id,
            case_history_heads::seq,
            case_history_heads::hash,
        ))
        .load::<(Uuid, Uuid, i32, String)>(conn)
        .await?
        .into_iter()
        .map(|(county, case, seq, hash)| ((county, case), (seq, hash)))
        .collect();
    let mut broken = Vec::new();
    for (county_id, id, number) in ids {
        let rows = db::events::of_case(conn, county_id, id).await?;
        if rows.is_empty() {
            broken.push(format!("{number}: the history is empty"));
            continue;
        }
        if let Some(problem) = db::events::verify_chain(&rows) {
            broken.push(format!("{number}: {problem}"));
            continue;
        }
        let last = rows.last().map(|r| (r.seq, r.hash.clone()));
        match heads.get(&(county_id, id)) {
            None => broken.push(format!("{number}: no recorded head for its history")),
            Some(head) if Some(head) != last.as_ref() => broken.push(format!(
                "{number}: the newest event(s) are missing (recorded head is event {}, the history ends at {})",
                head.0,
                last.map(|l| l.0).unwrap_or(0)
            )),
            Some(_) => {}
        }
    }
    Ok(broken)
}
