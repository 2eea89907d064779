//! Case messages: append-only (the database refuses edits and deletions).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::case_messages;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_messages)]
pub struct MessageRow {
    pub county_id: Uuid,
    pub id: Uuid,
    pub case_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_party_id: Option<Uuid>,
    pub author_role: String,
    pub audience: String,
    pub party_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(case_messages::table)
        .values(row)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Generic over the connection so that the case page can send it with others in one round
/// trip (`&mut &AsyncPgConnection` pipelines).
pub async fn of_case<C>(
    conn: &mut C,
    county_id: Uuid,
    case_id: Uuid,
) -> QueryResult<Vec<MessageRow>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    case_messages::table
        .filter(case_messages::county_id.eq(county_id))
        .filter(case_messages::case_id.eq(case_id))
        .order((case_messages::created_at, case_messages::id))
        .select(MessageRow::as_select())
        .load(conn)
        .await
}
