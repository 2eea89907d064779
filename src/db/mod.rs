//! The database: the connection pool, embedded migrations, the schema, and one module per
//! aggregate. Queries of case data live here and are always scoped by county.

pub mod access;
pub mod access_log;
pub mod anchors;
pub mod api_keys;
pub mod backlog;
pub mod case_cards;
pub mod cases;
pub mod courts;
pub mod deletions;
pub mod divisions;
pub mod documents;
pub mod events;
pub mod evidence;
pub mod fixed_sql;
pub mod idempotency;
pub mod imports;
pub mod invitations;
pub mod likeness;
pub mod listen;
pub mod locks;
pub mod messages;
pub mod notice_queue;
pub mod notifications;
pub mod outbox;
pub mod personal_data;
pub mod policy;
pub mod ratings;
pub mod recipients;
pub mod recordings;
pub mod reminders;
pub mod retention;
pub mod schema;
pub mod second_factor;
pub mod sessions;
pub mod short_links;
pub mod sign_in;
pub mod staff;
pub mod stats;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use anyhow::Context;
use diesel::prelude::*;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;
pub type Conn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// How long a request waits for a connection before it is told 503: short, so that a database
/// outage answers quickly instead of piling up requests.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);

pub fn pool(database_url: &str, size: usize) -> anyhow::Result<Pool> {
    // A connection handed out again is not first asked `SELECT 1` (diesel-async's default):
    // that was a round trip on every checkout, a third of a case view's statements. A
    // connection the server closed is known as closed and not handed out; one that breaks in
    // use fails its statement, which the request answers with 503 (`error.rs`).
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(CHECKOUT_TIMEOUT))
        .create_timeout(Some(CHECKOUT_TIMEOUT))
        .recycle_timeout(Some(CHECKOUT_TIMEOUT))
        .build()
        .context("building the database pool")
}

/// The advisory lock under which one process at a time migrates.
const MIGRATION_LOCK: i64 = 0x6671_6d69_6772;

/// Applies pending migrations. Diesel's migration harness is synchronous, so it runs on a
/// blocking thread over a wrapped async connection (never `block_on` on a runtime thread).
/// Nodes started together take turns under a lock: the first applies what is pending, the
/// others then find nothing to do (instead of failing on a table another just created).
pub async fn migrate(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .with_context(|| "connecting to the database to migrate")?;
        // Held by this session until it ends (the connection is dropped on return).
        diesel::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK),
            &mut conn,
        )
        .context("waiting for another node's migrations")?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migrating: {e}"))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    })
    .await
    .context("migration task")?
}

/// The newest migration embedded in this binary; `/readyz` compares it with the database.
pub fn latest_migration() -> String {
    use diesel::migration::MigrationSource;
    MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .ok()
        .and_then(|all| all.iter().map(|m| m.name().version().to_string()).max())
        .unwrap_or_default()
}

diesel::table! {
    __diesel_schema_migrations (version) {
        version -> VarChar,
        run_on -> Timestamp,
    }
}

/// Whether the database has every migration this binary knows.
pub async fn migrations_applied(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    use diesel::dsl::max;
    let newest: Option<String> = __diesel_schema_migrations::table
        .select(max(__diesel_schema_migrations::version))
        .first(conn)
        .await?;
    Ok(newest.as_deref() >= Some(latest_migration().as_str()))
}

/// Bytes as the hex a SQL function decodes (`decode(x, 'hex')`): for rows sent as JSON.
pub(crate) fn hex_bytes<S: serde::Serializer>(
    bytes: &Option<Vec<u8>>,
    out: S,
) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => out.serialize_some(&hex::encode(b)),
        None => out.serialize_none(),
    }
}
