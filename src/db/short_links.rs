//! Short links for texts (`/i/AB12CD34` → a path of the service).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::short_links;

/// Records `code → target` unless the code exists (a resent text keeps its first link).
pub async fn put(
    conn: &mut AsyncPgConnection,
    code: &str,
    target: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(short_links::table)
        .values((
            short_links::code.eq(code),
            short_links::target.eq(target),
            short_links::created_at.eq(now),
            short_links::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Where a live code leads.
pub async fn target(
    conn: &mut AsyncPgConnection,
    code: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<String>> {
    short_links::table
        .filter(short_links::code.eq(code))
        .filter(short_links::expires_at.gt(now))
        .select(short_links::target)
        .first(conn)
        .await
        .optional()
}

/// Drops links past their expiry.
pub async fn prune(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(short_links::table.filter(short_links::expires_at.lt(now)))
        .execute(conn)
        .await?;
    Ok(())
}
