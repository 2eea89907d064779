//! Connections that hear announcements (`LISTEN`), apart from the pool: a pooled connection is
//! handed to others between requests and would hear nothing reliably.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// The channel on which the triggers of migration 000032 announce account changes.
pub const PRINCIPALS: &str = "fengqiao_principals";

/// A connection listening on `PRINCIPALS`: its `notifications_stream` yields each change once
/// it commits, and ends when the connection is lost.
pub async fn principals(database_url: &str) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    diesel::sql_query(format!("LISTEN {PRINCIPALS}"))
        .execute(&mut conn)
        .await
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
    Ok(conn)
}

/// Whether a listening connection still answers (a connection cut without a word, by a
/// firewall say, would otherwise look merely quiet).
pub async fn ping(conn: &mut AsyncPgConnection) -> bool {
    diesel::sql_query("SELECT 1").execute(conn).await.is_ok()
}
