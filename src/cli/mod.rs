//! Subcommands: serve, migrate, seed-demo, seed-load, create-user, import-divisions, sweep,
//! send-mail, rollup, verify-audit, verify-evidence, anchor, purge, bundle-key, verify-bundle.

/// A line on standard output. A reader that stops early (`fengqiao sweep | head -1`) closes
/// the pipe: what was done stays done, and the rest of the report is dropped without a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod audit;
mod bundle;
mod evidence_check;
mod load;
mod users;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{background, config, db, jobs, notify, seed, startup};

/// How long `serve` waits at exit for the background jobs to finish the run in hand, after
/// the HTTP server has answered its last request (deploy/fengqiao.service leaves 45 s in all).
const JOBS_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(12);

/// Returns when the process is asked to stop (SIGTERM or SIGINT).
async fn stopping() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[derive(Parser)]
#[command(
    name = "fengqiao",
    version,
    about = "Online people's mediation (枫桥在线调解)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve HTTP on BIND (default 127.0.0.1:8080).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Create the demo county, its staff and residents (idempotent).
    SeedDemo,
    /// Create a synthetic province with many cases for the benchmarks (refuses to run twice).
    SeedLoad(load::SeedLoad),
    /// Create an account. The password is read from the FENGQIAO_PASSWORD variable or stdin.
    CreateUser(users::CreateUser),
    /// Apply every deadline that has passed, once (as if it were --now, for drills and tests).
    Sweep {
        /// The time to sweep at, RFC 3339 (default: now).
        #[arg(long)]
        now: Option<String>,
        /// Connections sweeping at once (each claims its own batches).
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
    /// Send every mail that is due in the outbox, once, and print what happened.
    SendMail,
    /// Bring the indicators up to date with the history, once (serve does it every 30 s).
    Rollup {
        /// Forget every fact and sum and compute them all again from the histories; with
        /// --check, exit non-zero if the result differs from the sums kept so far.
        #[arg(long)]
        rebuild: bool,
        #[arg(long, requires = "rebuild")]
        check: bool,
        /// Only the cases of this county (its code), without --rebuild: a province's first
        /// run takes long, and one county can be brought up to date first.
        #[arg(long, conflicts_with = "rebuild")]
        county: Option<String>,
    },
    /// Check the keyed chain of every case's history and every daily anchor; exits non-zero if
    /// any row was altered, removed or added behind the service's back.
    VerifyAudit,
    /// Check every evidence file against its row: present in DATA_DIR/evidence and still of
    /// the SHA-256 the row records. Exits non-zero naming each file missing or changed.
    VerifyEvidence,
    /// Anchor each county's history now (serve does it daily at midnight, local time): the
    /// keyed root is stored and mailed to the county's judges and administrators.
    Anchor {
        /// Anchor the history as it stood at this time, RFC 3339 (default: the last midnight).
        #[arg(long)]
        at: Option<String>,
    },
    /// Erase the personal data of cases ended longer ago than their county's retention period
    /// (serve does it hourly); statistics and the verifiable history stay.
    Purge {
        /// List what would be purged, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Purge as if it were this time, RFC 3339 (for drills and tests).
        #[arg(long)]
        now: Option<String>,
    },
    /// Import divisions from a CSV file with the columns code,name,parent_code,level.
    ImportDivisions {
        /// The CSV file.
        file: PathBuf,
    },
    /// Write every case of a county as one JSON line on standard output, in the record format
    /// (docs/record-format.md): personal details masked, the whole history with its links.
    Export {
        /// The county: its 12-digit division code or the 6-digit prefix of its case numbers.
        #[arg(long)]
        county: String,
        /// Only cases changed at or after this time, RFC 3339.
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Load another system's records as filings of the county, in an admin's name: a grid
    /// office's CSV or records in the record format, one JSON object a line (see
    /// docs/integration.md); each refused line is printed with its reason. Loading the same
    /// file again files nothing twice.
    Import {
        /// The CSV file, or the file of records.
        file: std::path::PathBuf,
        /// The county: its 12-digit division code or the 6-digit prefix of its case numbers.
        #[arg(long)]
        county: String,
        /// The county admin in whose name the lines are filed (their email).
        #[arg(long)]
        by: String,
    },
    /// Print the public key that signs court bundles, to give to the court; --new makes a key.
    BundleKey {
        /// Make a new signing key and print the BUNDLE_SIGNING_KEY line for the environment.
        #[arg(long)]
        new: bool,
    },
    /// Check a court bundle offline: every file against the signed manifest. Exits non-zero
    /// naming each file that was changed, removed or added, or a signature that fails.
    VerifyBundle {
        /// The bundle (ZIP) as downloaded.
        file: PathBuf,
        /// The service's public key (hex, from `fengqiao bundle-key`); default: this
        /// installation's own.
        #[arg(long)]
        key: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = config::load()?;
    db::events::install_keys(config.history_keys());
    crate::workflow::install_local_zone(config.time_zone);
    match cli.command {
        Command::Serve => {
            db::migrate(&config.database_url).await?;
            let app = startup::Application::build(config.clone()).await?;
            let (stopper, stop) = background::stop_pair();
            let mut running = tokio::task::JoinSet::new();
            running.spawn(jobs::reminders::run_forever(
                db::pool(&config.database_url, 1)?,
                std::time::Duration::from_secs(300),
                stop.clone(),
            ));
            running.spawn(jobs::sweeper::run_forever(
                db::pool(&config.database_url, 2)?,
                std::time::Duration::from_secs(60),
                stop.clone(),
            ));
            running.spawn(jobs::rollup::run_forever(
                db::pool(&config.database_url, 1)?,
                std::time::Duration::from_secs(30),
                stop.clone(),
            ));
            running.spawn(jobs::housekeeping::run_forever(
                db::pool(&config.database_url, 1)?,
                std::time::Duration::from_secs(3600),
                crate::evidence::Store::new(&config.data_dir),
                stop.clone(),
            ));
            // Built before serving, so a bad SMTP_URL or MAIL_FROM stops the start.
            let notifier = notify::Notifier::from_config(&config)?;
            running.spawn(notify::worker::run_forever(
                db::pool(&config.database_url, 2)?,
                notifier,
                std::time::Duration::from_secs(5),
                stop.clone(),
            ));
            running.spawn(crate::interop::delivery::run_forever(
                db::pool(&config.database_url, 1)?,
                crate::crypto::Sealer::new(&config.data_key),
                config.is_production(),
                std::time::Duration::from_secs(5),
                stop,
            ));
            tracing::info!(port = app.port(), config = ?config, "serving");
            // The HTTP server stops on SIGTERM/SIGINT by itself; the jobs are told at the same
            // moment, finish the run in hand while the last requests are answered, and the
            // process waits for them (a bounded while) before it exits.
            tokio::spawn(async move {
                stopping().await;
                stopper.stop();
            });
            app.run_until_stopped().await?;
            let waited = tokio::time::timeout(JOBS_STOP_WAIT, running.join_all()).await;
            if waited.is_err() {
                tracing::warn!(
                    "a background job was still working at exit; what it held is done again by the next run"
                );
            }
        }
        Command::Migrate => {
            let applied = db::migrate(&config.database_url).await?;
            say!(
                "applied {} migration(s): {}",
                applied.len(),
                applied.join(", ")
            );
        }
        Command::SeedDemo => {
            db::migrate(&config.database_url).await?;
            let pool = db::pool(&config.database_url, 2)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let sealer = crate::crypto::Sealer::new(&config.data_key);
            let store = crate::evidence::Store::new(&config.data_dir);
            store
                .prepare()
                .await
                .context("preparing the evidence store under DATA_DIR")?;
            let report = seed::demo(&mut conn, &sealer, Some(&store)).await?;
            say!("{report}");
            let rolled = jobs::rollup::run_once(&mut conn).await?;
            say!("indicators: {} case(s) rolled up", rolled.cases);
        }
        Command::SeedLoad(args) => load::run(&config, args).await?,
        Command::CreateUser(args) => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let id = users::create(&mut conn, args).await?;
            say!("created user {id}");
        }
        Command::Sweep { now, workers } => {
            let now = match now {
                None => chrono::Utc::now(),
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&chrono::Utc),
            };
            let pool = db::pool(&config.database_url, workers)?;
            let started = std::time::Instant::now();
            let report = jobs::sweeper::sweep(&pool, now, workers).await?;
            let secs = started.elapsed().as_secs_f64();
            say!("sweep at {now}: {report} ({secs:.2} s)");
            let started = std::time::Instant::now();
            let mut conn = pool.get().await.context("connecting to the database")?;
            let told = notify::deferred::expand_all(&mut conn, now).await?;
            let secs = started.elapsed().as_secs_f64();
            say!("{told} ({secs:.2} s)");
            let started = std::time::Instant::now();
            let reminded = jobs::reminders::run(&mut conn, now).await?;
            let secs = started.elapsed().as_secs_f64();
            say!("{reminded} reminder(s) written ({secs:.2} s)");
        }
        Command::Rollup {
            rebuild,
            check,
            county,
        } => rollup(&config, rebuild, check, county.as_deref()).await?,
        Command::SendMail => {
            let notifier = notify::Notifier::from_config(&config)?;
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let report = notify::drain(&mut conn, &notifier, chrono::Utc::now()).await?;
            say!("send-mail ({:?}): {report}", notifier.mailer);
        }
        Command::Export { county, since } => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let county_id = db::stats::county_by_code(&mut conn, &county)
                .await?
                .with_context(|| format!("no county with the code {county}"))?;
            let sealer = crate::crypto::Sealer::new(&config.data_key);
            let out = std::io::stdout();
            let mut out = std::io::BufWriter::new(out.lock());
            let written = crate::casework::record::export_county(
                &mut conn,
                county_id,
                since,
                &sealer,
                |record| {
                    use std::io::Write as _;
                    serde_json::to_writer(&mut out, record)?;
                    out.write_all(b"\n")?;
                    Ok(())
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            {
                use std::io::Write as _;
                out.flush()?;
            }
            eprintln!("{written} case(s) exported");
        }
        Command::Import { file, county, by } => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let county_id = db::stats::county_by_code(&mut conn, &county)
                .await?
                .with_context(|| format!("no county with the code {county}"))?;
            let importer = crate::casework::import::Importer::by_email(&mut conn, county_id, &by)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let opened = std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let sealer = crate::crypto::Sealer::new(&config.data_key);
            let report = crate::casework::import::import_file(
                &mut conn,
                &importer,
                std::io::BufReader::new(opened),
                &sealer,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            for r in &report.refused {
                say!("line {} ({}): {}", r.line, r.external_id, r.reason);
            }
            say!("{report}");
        }
        Command::BundleKey { new } => bundle::key(&config, new)?,
        Command::VerifyBundle { file, key } => bundle::verify(&config, &file, key.as_deref())?,
        Command::VerifyAudit => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let broken = audit::verify_all(&mut conn).await?;
            if !broken.is_empty() {
                for line in &broken {
                    say!("{line}");
                }
                anyhow::bail!("{} case histories do not verify", broken.len());
            }
            say!("every case history verifies");
        }
        Command::VerifyEvidence => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let store = crate::evidence::Store::new(&config.data_dir);
            let (checked, broken) = evidence_check::verify_all(&mut conn, &store).await?;
            if !broken.is_empty() {
                for line in &broken {
                    say!("{line}");
                }
                anyhow::bail!(
                    "{} of {checked} evidence file(s) do not verify",
                    broken.len()
                );
            }
            say!("{checked} evidence file(s) verify");
        }
        Command::Purge { dry_run, now } => {
            let now = match now {
                None => chrono::Utc::now(),
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&chrono::Utc),
            };
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let store = crate::evidence::Store::new(&config.data_dir);
            let report = jobs::retention::run(&mut conn, &store, now, dry_run).await?;
            say!("{report}");
        }
        Command::Anchor { at } => {
            let now = chrono::Utc::now();
            let cutoff = match at {
                None => jobs::anchors::cutoff_for(now),
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .with_context(|| format!("--at {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&chrono::Utc),
            };
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let written = jobs::anchors::anchor_at(&mut conn, cutoff, now).await?;
            say!("{written} county histories anchored at {cutoff}");
        }
        Command::ImportDivisions { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let rows = seed::parse_divisions(&text)?;
            let pool = db::pool(&config.database_url, 1)?;
            let mut conn = pool.get().await.context("connecting to the database")?;
            let created = db::divisions::import(&mut conn, &rows).await?;
            say!(
                "{} rows read, {created} new divisions (each with its committee)",
                rows.len()
            );
        }
    }
    Ok(())
}

async fn rollup(
    config: &config::Config,
    rebuild: bool,
    check: bool,
    county: Option<&str>,
) -> anyhow::Result<()> {
    let pool = db::pool(&config.database_url, 1)?;
    let mut conn = pool.get().await.context("connecting to the database")?;
    let started = std::time::Instant::now();
    if !rebuild {
        let county = match county {
            None => None,
            Some(code) => Some(
                db::stats::county_by_code(&mut conn, code)
                    .await?
                    .with_context(|| format!("no county with the code {code}"))?,
            ),
        };
        let r = jobs::rollup::run_once_within(&mut conn, county).await?;
        say!(
            "indicators: {} case(s) and {} month(s) brought up to date ({:.1} s)",
            r.cases,
            r.months,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    jobs::rollup::run_once(&mut conn).await?;
    let before = db::stats::snapshot(&mut conn).await?;
    let r = jobs::rollup::rebuild(&mut conn).await?;
    say!(
        "indicators rebuilt from the history: {} case(s), {} month(s) ({:.1} s)",
        r.cases,
        r.months,
        started.elapsed().as_secs_f64()
    );
    if check {
        let after = db::stats::snapshot(&mut conn).await?;
        if before != after {
            anyhow::bail!(
                "the rebuilt sums differ from those kept: {} row(s) before, {} after",
                before.len(),
                after.len()
            );
        }
        say!("the rebuilt sums match those kept ({} rows)", after.len());
    }
    Ok(())
}
