//! `Idempotency-Key` rows of filings and evidence uploads: a repeat of a request with the same
//! key returns the first case (or evidence item). A key is kept for a day (`prune`, from the hourly housekeeping): long enough for any
//! client's retries, short enough that the table stays small.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::idempotency_keys as ik;

/// How long a key is remembered.
pub const KEPT_FOR_HOURS: i64 = 24;

/// What an earlier request with the same key left.
pub struct Earlier {
    pub request_hash: String,
    /// `None` while the first request is still being written (or when it was an upload).
    pub case_id: Option<Uuid>,
    /// The evidence item a first upload recorded.
    pub evidence_id: Option<Uuid>,
}

/// Claims the key for this request; `None` when it was free (now taken), else what the first
/// request with it recorded. A concurrent claim waits on the first one's transaction.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    key: &str,
    request_hash: &str,
) -> QueryResult<Option<Earlier>> {
    let claimed = diesel::insert_into(ik::table)
        .values((
            ik::user_id.eq(user_id),
            ik::key.eq(key),
            ik::request_hash.eq(request_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if claimed == 1 {
        return Ok(None);
    }
    let (request_hash, case_id, evidence_id) = ik::table
        .find((user_id, key))
        .select((ik::request_hash, ik::case_id, ik::evidence_id))
        .first::<(String, Option<Uuid>, Option<Uuid>)>(conn)
        .await?;
    Ok(Some(Earlier {
        request_hash,
        case_id,
        evidence_id,
    }))
}

/// What the first request with this key recorded, if any (a filing's key is claimed and
/// settled by `db::cases::file` in one call).
pub async fn earlier(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    key: &str,
) -> QueryResult<Option<Earlier>> {
    ik::table
        .find((user_id, key))
        .select((ik::request_hash, ik::case_id, ik::evidence_id))
        .first::<(String, Option<Uuid>, Option<Uuid>)>(conn)
        .await
        .optional()
        .map(|found| {
            found.map(|(request_hash, case_id, evidence_id)| Earlier {
                request_hash,
                case_id,
                evidence_id,
            })
        })
}

/// Records the evidence item the key's upload created (on its case).
pub async fn settle_evidence(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    key: &str,
    (case_id, evidence_id): (Uuid, Uuid),
) -> QueryResult<()> {
    diesel::update(ik::table.find((user_id, key)))
        .set((ik::case_id.eq(case_id), ik::evidence_id.eq(evidence_id)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Forgets keys older than a day.
pub async fn prune(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(ik::table.filter(ik::created_at.lt(now - Duration::hours(KEPT_FOR_HOURS))))
        .execute(conn)
        .await
}
