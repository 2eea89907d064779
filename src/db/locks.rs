//! Session-level advisory locks: one node at a time runs a job that must not run twice at once.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct Got {
    #[diesel(sql_type = Bool)]
    got: bool,
}

/// Takes the lock unless another session holds it.
pub async fn try_lock(conn: &mut AsyncPgConnection, key: i64) -> QueryResult<bool> {
    let got: Got = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS got")
        .bind::<BigInt, _>(key)
        .get_result(conn)
        .await?;
    Ok(got.got)
}

pub async fn unlock(conn: &mut AsyncPgConnection, key: i64) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(key)
        .execute(conn)
        .await
        .map(|_| ())
}
