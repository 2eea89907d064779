//! `fengqiao verify-audit`: recompute every case's history chain.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db;
use crate::db::schema::cases;

/// One line per case whose history does not verify.
pub async fn verify_all(conn: &mut AsyncPgConnection) -> anyhow::Result<Vec<String>> {
    let ids: Vec<(uuid::Uuid, uuid::Uuid, String)> = cases::table
        .select((cases::county_id, cases::id, cases::number))
        .order((cases::county_id, cases::id))
        .load(conn)
        .await?;
    let mut broken = Vec::new();
    for (county_id, id, number) in ids {
        let rows = db::events::of_case(conn, county_id, id).await?;
        if rows.is_empty() {
            broken.push(format!("{number}: the history is empty"));
        } else if let Some(problem) = db::events::verify_chain(&rows) {
            broken.push(format!("{number}: {problem}"));
        }
    }
    Ok(broken)
}
