//! `fengqiao verify-audit`: recompute every case's history chain under the history keys, check
//! that it ends where the database recorded its newest link (so a deleted tail shows too), and
//! recompute every daily anchor (so a rewrite of the database alone shows, chains and heads
//! included).

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db;

/// One line per case whose history does not verify.
pub async fn verify_all(conn: &mut AsyncPgConnection) -> anyhow::Result<Vec<String>> {
    let ids = db::events::all_cases(conn).await?;
    let heads: HashMap<(Uuid, Uuid), (i32, String)> = db::events::all_heads(conn)
        .await?
        .into_iter()
        .map(|(county, case, seq, hash)| ((county, case), (seq, hash)))
        .collect();
    let purged: std::collections::HashSet<(Uuid, Uuid)> =
        db::retention::purged(conn).await?.into_iter().collect();
    let mut broken = Vec::new();
    for (county_id, id, number) in ids {
        let rows = db::events::of_case(conn, county_id, id).await?;
        if rows.is_empty() {
            broken.push(format!("{number}: the history is empty"));
            continue;
        }
        if !purged.contains(&(county_id, id))
            && let Some(row) = rows.iter().find(|r| db::events::is_erased(&r.data))
        {
            broken.push(format!(
                "{number}: event {} was erased, but the case was never purged",
                row.seq
            ));
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
    broken.extend(verify_anchors(conn).await?);
    Ok(broken)
}

/// One line per anchor that the history no longer matches.
pub async fn verify_anchors(conn: &mut AsyncPgConnection) -> anyhow::Result<Vec<String>> {
    let mut broken = Vec::new();
    let names: HashMap<Uuid, String> = db::divisions::counties(conn).await?.into_iter().collect();
    for anchor in db::anchors::all(conn).await? {
        let county = names.get(&anchor.county_id).cloned().unwrap_or_default();
        let Some(key) = db::events::keys().key(&anchor.key_id).copied() else {
            broken.push(format!(
                "{county}: the anchor of {} names history key {:?}, which this installation does not hold",
                anchor.cutoff, anchor.key_id
            ));
            continue;
        };
        let (cases, root) = db::anchors::root(conn, anchor.county_id, anchor.cutoff, &key).await?;
        if cases != anchor.cases || root != anchor.root {
            broken.push(format!(
                "{county}: the history up to {} no longer matches its anchor (anchored {} cases, root {}…; now {cases} cases, root {}…): case records of that time were changed, added or removed",
                anchor.cutoff,
                anchor.cases,
                &anchor.root[..12.min(anchor.root.len())],
                &root[..12]
            ));
        }
    }
    Ok(broken)
}
