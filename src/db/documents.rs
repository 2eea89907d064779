//! Issued documents (their verify codes and hashes) and the parties' online fetches.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{document_fetches, document_issues};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = document_issues)]
pub struct IssueRow {
    pub code: String,
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub part: String,
    pub content: String,
    pub substance: String,
    pub sha256: String,
    pub dated: String,
    pub committee: String,
    pub issued_at: DateTime<Utc>,
}

/// The issue of this exact content, if it was issued before.
pub async fn find(
    conn: &mut AsyncPgConnection,
    (county, case): (Uuid, Uuid),
    kind: &str,
    part: &str,
    content: &str,
) -> QueryResult<Option<IssueRow>> {
    document_issues::table
        .filter(document_issues::county_id.eq(county))
        .filter(document_issues::case_id.eq(case))
        .filter(document_issues::kind.eq(kind))
        .filter(document_issues::part.eq(part))
        .filter(document_issues::content.eq(content))
        .select(IssueRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Files a new issue; when another request filed the same content first, that one stands and
/// is returned.
pub async fn issue(conn: &mut AsyncPgConnection, row: &IssueRow) -> QueryResult<IssueRow> {
    diesel::insert_into(document_issues::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let found = find(
        conn,
        (row.county_id, row.case_id),
        &row.kind,
        &row.part,
        &row.content,
    )
    .await?;
    Ok(found.unwrap_or_else(|| row.clone()))
}

pub async fn by_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<IssueRow>> {
    document_issues::table
        .find(code)
        .select(IssueRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Every issue of a case, newest first.
pub async fn of_case(
    conn: &mut AsyncPgConnection,
    (county, case): (Uuid, Uuid),
) -> QueryResult<Vec<IssueRow>> {
    document_issues::table
        .filter(document_issues::county_id.eq(county))
        .filter(document_issues::case_id.eq(case))
        .order(document_issues::issued_at.desc())
        .select(IssueRow::as_select())
        .load(conn)
        .await
}

/// Notes that a party fetched a document; true the first time for that party and document.
pub async fn fetched(
    conn: &mut AsyncPgConnection,
    (county, case): (Uuid, Uuid),
    party: Uuid,
    kind: &str,
    part: &str,
    at: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::insert_into(document_fetches::table)
        .values((
            document_fetches::county_id.eq(county),
            document_fetches::case_id.eq(case),
            document_fetches::party_id.eq(party),
            document_fetches::kind.eq(kind),
            document_fetches::part.eq(part),
            document_fetches::at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}
