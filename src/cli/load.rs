//! `fengqiao seed-load`: the synthetic province the benchmarks run against.

use anyhow::Context;

use crate::{config::Config, db, seed};

#[derive(clap::Args)]
pub struct SeedLoad {
    /// How many cases to create.
    #[arg(long, default_value_t = 1_000_000)]
    cases: i64,
    /// How many counties (each with 15 townships of 12 villages).
    #[arg(long, default_value_t = 40)]
    counties: i32,
}

pub async fn run(config: &Config, args: SeedLoad) -> anyhow::Result<()> {
    db::migrate(&config.database_url).await?;
    let pool = db::pool(&config.database_url, 1)?;
    let mut conn = pool.get().await.context("connecting to the database")?;
    let report = seed::load::load(
        &mut conn,
        seed::load::LoadSize {
            cases: args.cases,
            counties: args.counties,
        },
    )
    .await?;
    say!("{report}");
    Ok(())
}
