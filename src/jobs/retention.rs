//! Retention (SPEC §8): once a case has ended longer ago than its county's period (default 3
//! years), its personal data is erased — names, addresses, numbers, ID numbers, narrative and
//! request, messages, session places and records, rating comments, its mail, and its evidence
//! files — while what the statistics count stays (category, levels, statuses, dates, scores)
//! and the history keeps verifying (its links cover each row's data through a SHA-256, which
//! the erased row keeps). Each purge is recorded; `--dry-run` lists what would go.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;

use crate::db;
use crate::evidence::Store;

/// Cases purged per run at most: each is its own transaction, and the next run goes on.
pub const BATCH: i64 = 500;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub cases: Vec<String>,
    pub events_erased: i64,
    pub files_deleted: i64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.dry_run {
            write!(f, "{} case(s) would be purged", self.cases.len())?;
        } else {
            write!(
                f,
                "{} case(s) purged: {} history row(s) erased, {} evidence file(s) deleted",
                self.cases.len(),
                self.events_erased,
                self.files_deleted
            )?;
        }
        for number in &self.cases {
            write!(f, "\n  {number}")?;
        }
        Ok(())
    }
}

pub async fn run(
    conn: &mut AsyncPgConnection,
    store: &Store,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Report> {
    let due = db::retention::due(conn, now, BATCH).await?;
    let mut report = Report {
        dry_run,
        ..Report::default()
    };
    for case in due {
        report.cases.push(case.number.clone());
        if dry_run {
            continue;
        }
        let (erased, orphans) = conn
            .transaction::<_, diesel::result::Error, _>(async |conn| {
                db::retention::erase(conn, &case, now).await
            })
            .await?;
        report.events_erased += i64::from(erased);
        for sha in orphans {
            // After the commit: a failure here leaves an unreachable file, never a row
            // without its file.
            if tokio::fs::remove_file(store.path_of(&sha)).await.is_ok() {
                report.files_deleted += 1;
            }
        }
        tracing::info!(case_id = %case.case_id, erased, "personal data erased after the retention period");
    }
    Ok(report)
}
