//! Which lines of other systems' records were filed here, by their own ids.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{cases, imported_cases};

/// The number of the case a line was filed as, if it was.
pub async fn filed_as(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    external_id: &str,
) -> QueryResult<Option<String>> {
    imported_cases::table
        .inner_join(
            cases::table.on(cases::county_id
                .eq(imported_cases::county_id)
                .and(cases::id.eq(imported_cases::case_id))),
        )
        .filter(imported_cases::county_id.eq(county_id))
        .filter(imported_cases::external_id.eq(external_id))
        .select(cases::number)
        .first(conn)
        .await
        .optional()
}

pub async fn record(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    external_id: &str,
    case_id: Uuid,
    recorded_on: Option<NaiveDate>,
    by: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(imported_cases::table)
        .values((
            imported_cases::county_id.eq(county_id),
            imported_cases::external_id.eq(external_id),
            imported_cases::case_id.eq(case_id),
            imported_cases::recorded_on.eq(recorded_on),
            imported_cases::imported_by.eq(by),
            imported_cases::imported_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
