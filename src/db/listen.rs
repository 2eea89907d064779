//! Connections that hear announcements (`LISTEN`), apart from the pool: a pooled connection is
//! handed to others between requests and would hear nothing reliably.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// The channel on which the triggers of migration 000032 announce account changes.
pub const PRINCIPALS: &str = "fengqiao_principals";

/// The `application_name` of a node's listening connection.
pub const LISTENER: &str = "fengqiao listener";

/// A connection listening on `PRINCIPALS`: its `notifications_stream` yields each change once
/// it commits, and ends when the connection is lost.
pub async fn principals(database_url: &str) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    // Named, so an operator (and a test) finds it in pg_stat_activity.
    for statement in [
        format!("SET application_name = '{LISTENER}'"),
        format!("LISTEN {PRINCIPALS}"),
    ] {
        diesel::sql_query(statement)
            .execute(&mut conn)
            .await
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
    }
    Ok(conn)
}

/// Sends `ping:<node>` on the channel from the listening connection itself. The node waits to
/// hear it back: a connection that answers but no longer hears (cut without a word, or behind a
/// pool that hands its statements to other server connections) is found that way. Other nodes
/// hear the ping too and ignore it.
pub async fn ping(conn: &mut AsyncPgConnection, node: uuid::Uuid) -> bool {
    diesel::sql_query(format!("NOTIFY {PRINCIPALS}, 'ping:{node}'"))
        .execute(conn)
        .await
        .is_ok()
}
