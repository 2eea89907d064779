//! Writing one engine decision: the case's new state and history (`db::cases::apply`) and the
//! notices it causes (`notify::enqueue`), in the caller's transaction, so that the mail is sent
//! if and only if the change commits.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::db;
use crate::notify;
use crate::workflow::{Actor, CaseState, Transition};

/// `false` (and nothing written) when the case moved on since `before` was read.
pub async fn write(
    conn: &mut AsyncPgConnection,
    before: &CaseState,
    t: &Transition,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    if !db::cases::apply(conn, before, t, actor, now).await? {
        return Ok(false);
    }
    notify::enqueue(conn, &t.case, &t.notices, &serde_json::Value::Null, now).await?;
    Ok(true)
}
