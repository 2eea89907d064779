//! Recordings made on the first filing screen, kept by the filing's key until the case exists.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::filing_recordings;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = filing_recordings)]
pub struct Recording {
    pub key: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps the recording of a filing (a new one replaces the one before).
pub async fn put(conn: &mut AsyncPgConnection, r: &Recording) -> QueryResult<()> {
    diesel::insert_into(filing_recordings::table)
        .values(r)
        .on_conflict(filing_recordings::key)
        .do_update()
        .set((
            filing_recordings::sha256.eq(&r.sha256),
            filing_recordings::size.eq(r.size),
            filing_recordings::content_type.eq(&r.content_type),
            filing_recordings::filename.eq(&r.filename),
            filing_recordings::created_at.eq(r.created_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn of_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Recording>> {
    filing_recordings::table
        .find(key)
        .select(Recording::as_select())
        .first(conn)
        .await
        .optional()
}

/// Takes the recording of a filing away (it has become the case's evidence).
pub async fn take(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Recording>> {
    diesel::delete(filing_recordings::table.find(key))
        .returning(Recording::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Drops recordings kept longer than `before` without a case being filed; their hashes.
pub async fn prune(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<Vec<String>> {
    diesel::delete(filing_recordings::table.filter(filing_recordings::created_at.lt(before)))
        .returning(filing_recordings::sha256)
        .get_results(conn)
        .await
}

/// How many kept recordings hold this file.
pub async fn uses_of(conn: &mut AsyncPgConnection, sha256: &str) -> QueryResult<i64> {
    filing_recordings::table
        .filter(filing_recordings::sha256.eq(sha256))
        .count()
        .get_result(conn)
        .await
}
