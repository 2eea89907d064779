//! Evidence rows: one per upload, pointing at the content-addressed file by its hash.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::evidence;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = evidence)]
pub struct EvidenceRow {
    pub county_id: Uuid,
    pub id: Uuid,
    pub case_id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub description: Option<String>,
    pub uploaded_by: Option<Uuid>,
    pub uploader_party_id: Option<Uuid>,
    pub visible_to_other_parties: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &EvidenceRow) -> QueryResult<()> {
    diesel::insert_into(evidence::table)
        .values(row)
        .execute(conn)
        .await
        .map(|_| ())
}

/// An evidence row by id alone: the caller must then pass its case through the gate.
pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<EvidenceRow>> {
    evidence::table
        .filter(evidence::id.eq(id))
        .select(EvidenceRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Generic over the connection so that the case page can send it with others in one round
/// trip (`&mut &AsyncPgConnection` pipelines).
pub async fn of_case<C>(
    conn: &mut C,
    county_id: Uuid,
    case_id: Uuid,
) -> QueryResult<Vec<EvidenceRow>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    evidence::table
        .filter(evidence::county_id.eq(county_id))
        .filter(evidence::case_id.eq(case_id))
        .order(evidence::created_at)
        .select(EvidenceRow::as_select())
        .load(conn)
        .await
}

/// Bytes already attached to a case (each upload counts, even when its content is shared).
pub async fn bytes_of_case(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
) -> QueryResult<i64> {
    evidence::table
        .filter(evidence::county_id.eq(county_id))
        .filter(evidence::case_id.eq(case_id))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "coalesce(sum(size), 0)::bigint",
        ))
        .first(conn)
        .await
}

/// How many recorded uploads point at this file.
pub async fn uses_of(conn: &mut AsyncPgConnection, sha256: &str) -> QueryResult<i64> {
    evidence::table
        .filter(evidence::sha256.eq(sha256))
        .count()
        .get_result(conn)
        .await
}

/// Up to `limit` distinct hashes of evidence rows after `after`, in order, with the size the
/// rows record: what `fengqiao verify-evidence` checks against the store.
pub async fn hashes_after(
    conn: &mut AsyncPgConnection,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(String, i64)>> {
    evidence::table
        .filter(evidence::sha256.gt(after))
        .group_by(evidence::sha256)
        .select((evidence::sha256, diesel::dsl::max(evidence::size)))
        .order(evidence::sha256.asc())
        .limit(limit)
        .load::<(String, Option<i64>)>(conn)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|(sha, size)| (sha, size.unwrap_or(0)))
                .collect()
        })
}
