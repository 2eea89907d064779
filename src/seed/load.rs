//! `fengqiao seed-load`: a province-sized tree and a million cases for the benchmarks, made by
//! PostgreSQL itself (`INSERT … SELECT generate_series`), because sending five million rows
//! through the application would take far longer than the two minutes SPEC §8 allows.
//!
//! The rows are the shapes the engine produces (each status with its level, clock, mediator and
//! consent), but each case has only its first history event (`filed`), hash-chained exactly as
//! `db::events::link` does, so `verify-audit` passes. The synthetic province has the code prefix
//! 99, which no real province uses; running the command twice is refused.

use std::time::Instant;

use anyhow::{Context, bail};
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::auth::password;

mod sql;

/// Every synthetic account (staff and residents) logs in with this password.
pub const LOAD_PASSWORD: &str = "load-pass-2026";
pub const TOWNSHIPS_PER_COUNTY: i32 = 15;
pub const VILLAGES_PER_TOWNSHIP: i32 = 12;
/// Cases generated per statement: large enough to amortise, small enough to keep memory low.
const CHUNK: i64 = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct LoadSize {
    pub cases: i64,
    pub counties: i32,
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) -> anyhow::Result<()> {
    conn.batch_execute(sql)
        .await
        .with_context(|| format!("running {}", sql.lines().next().unwrap_or("")))
}

/// Creates the tree, its committees, staff, residents and `size.cases` cases, all in one
/// transaction.
pub async fn load(conn: &mut AsyncPgConnection, size: LoadSize) -> anyhow::Result<String> {
    let started = Instant::now();
    let report = conn
        .transaction::<String, anyhow::Error, _>(async |conn| load_in(conn, size).await)
        .await?;
    eprintln!("{report}");
    let loaded = started.elapsed().as_secs_f64();
    // A database in service has been vacuumed: hint bits and the visibility map are set. Without
    // this the first reader of every page writes it again, and measurements would include that.
    exec(
        conn,
        "VACUUM (ANALYZE) cases, case_parties, case_events, case_history_heads, case_filings, users, \
         divisions, committees",
    )
    .await?;
    Ok(format!(
        "seed-load: {} cases loaded and committed in {loaded:.1} s, vacuumed and analysed \
         by {:.1} s",
        size.cases,
        started.elapsed().as_secs_f64()
    ))
}

async fn statements(conn: &mut AsyncPgConnection, query: &str) -> anyhow::Result<Vec<String>> {
    Ok(diesel::sql_query(query)
        .load::<Stmt>(conn)
        .await?
        .into_iter()
        .map(|s| s.stmt)
        .collect())
}

async fn load_in(conn: &mut AsyncPgConnection, size: LoadSize) -> anyhow::Result<String> {
    if !(1..=99).contains(&size.counties) {
        bail!("--counties must be between 1 and 99");
    }
    if size.cases < 0 || size.cases / i64::from(size.counties) >= 999_999 {
        bail!("--cases must be between 0 and 999 999 per county");
    }
    let already: i64 = diesel::sql_query(sql::ALREADY)
        .get_result::<Count>(conn)
        .await?
        .n;
    if already > 0 {
        bail!(
            "seed-load already ran on this database (the synthetic province 99 exists); \
             use a fresh database"
        );
    }
    let started = Instant::now();
    let hash = tokio::task::spawn_blocking(|| password::hash(LOAD_PASSWORD)).await??;
    let residents = (size.cases / 5).max(1000);
    diesel::sql_query(sql::TREE)
        .bind::<Integer, _>(size.counties)
        .bind::<Integer, _>(TOWNSHIPS_PER_COUNTY)
        .bind::<Integer, _>(VILLAGES_PER_TOWNSHIP)
        .execute(conn)
        .await
        .context("creating the division tree")?;
    exec(conn, sql::COMMITTEES).await?;
    diesel::sql_query(sql::STAFF)
        .bind::<Text, _>(&hash)
        .execute(conn)
        .await
        .context("creating staff")?;
    diesel::sql_query(sql::RESIDENTS)
        .bind::<BigInt, _>(residents)
        .bind::<Text, _>(&hash)
        .execute(conn)
        .await
        .context("creating residents")?;
    exec(conn, sql::LOOKUPS).await?;
    let tree_secs = started.elapsed().as_secs_f64();
    // Index builds sort in memory, and validating a foreign key (an anti-join of a million
    // rows) hashes in memory instead of in batches on disk: 158 s → 136 s for a million cases.
    exec(conn, "SET LOCAL maintenance_work_mem = '1GB'").await?;
    exec(conn, "SET LOCAL work_mem = '256MB'").await?;
    // The tree's deferred keys must be checked now: a table with pending checks cannot be altered.
    exec(conn, "SET CONSTRAINTS ALL IMMEDIATE").await?;
    exec(conn, sql::DDL_SAVE).await?;
    for drop in statements(conn, sql::DDL_DROPS).await? {
        exec(conn, &drop).await?;
    }
    exec(conn, sql::HISTORY_TRIGGERS_OFF).await?;
    let history_key = {
        let keys = crate::db::events::keys();
        let id = keys.current_id().to_owned();
        let key = keys
            .key(&id)
            .copied()
            .unwrap_or(crate::config::DEV_HISTORY_KEY);
        (id, key)
    };
    let mut lo = 0;
    while lo < size.cases {
        let hi = (lo + CHUNK).min(size.cases) - 1;
        diesel::sql_query(sql::CASES)
            .bind::<BigInt, _>(lo)
            .bind::<BigInt, _>(hi)
            .bind::<Integer, _>(size.counties)
            .bind::<BigInt, _>(residents)
            // The history key, so the synthetic links verify like the service's own.
            .bind::<diesel::sql_types::Bytea, _>(history_key.1.to_vec())
            .bind::<diesel::sql_types::Text, _>(history_key.0.clone())
            .execute(conn)
            .await
            .with_context(|| format!("creating cases {lo}..={hi}"))?;
        lo = hi + 1;
        eprintln!(
            "seed-load: {lo} cases ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    exec(conn, sql::HISTORY_TRIGGERS_ON).await?;
    let load_secs = started.elapsed().as_secs_f64();
    for restore in statements(conn, sql::DDL_RESTORES).await? {
        exec(conn, &restore).await?;
    }
    diesel::sql_query(sql::COUNTERS)
        .bind::<BigInt, _>(size.cases / i64::from(size.counties) + 1)
        .execute(conn)
        .await
        .context("moving the case counters past the seeded numbers")?;
    Ok(format!(
        "seed-load: {} counties, {} townships, {} villages, {residents} residents, {} cases \
         in {:.1} s (tree {tree_secs:.1} s, cases until {load_secs:.1} s, then indexes and \
         keys); every account's password is {LOAD_PASSWORD}",
        size.counties,
        size.counties * TOWNSHIPS_PER_COUNTY,
        size.counties * TOWNSHIPS_PER_COUNTY * VILLAGES_PER_TOWNSHIP,
        size.cases,
        started.elapsed().as_secs_f64()
    ))
}

#[derive(diesel::QueryableByName)]
struct Stmt {
    #[diesel(sql_type = Text)]
    stmt: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}
