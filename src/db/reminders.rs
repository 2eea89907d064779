//! The reminder job's reads and its record of what was sent (`reminders_sent`: one row per
//! case, kind and moment, so a reminder is written once however often the job runs).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{case_sessions, cases};

/// Cases that may have a reminder due at `now`.
pub async fn candidates(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut ids: Vec<(Uuid, Uuid)> = cases::table
        .filter(cases::deadline_at.gt(now))
        .filter(cases::deadline_at.le(now + Duration::days(2)))
        .filter(super::cases::open())
        .select((cases::county_id, cases::id))
        .load(conn)
        .await?;
    ids.extend(
        case_sessions::table
            .filter(case_sessions::at.gt(now))
            .filter(case_sessions::at.le(now + Duration::days(1)))
            .filter(case_sessions::record.is_null())
            .select((case_sessions::county_id, case_sessions::case_id))
            .load::<(Uuid, Uuid)>(conn)
            .await?,
    );
    // Performance dates sit inside the agreement (its last date, and each obligation's day).
    // The last moment a reminder can be due is indexed (`performance_until(agreement)`, see
    // the migration `background_jobs_read_by_index`) for agreements not yet performed only:
    // those with a date still ahead are read, and the engine's rule then picks the moments.
    let zone = crate::workflow::local_zone().name();
    ids.extend(
        cases::table
            .filter(cases::performance.is_null())
            .filter(cases::agreement.is_not_null())
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("performance_until(agreement) > ")
                    .bind::<diesel::sql_types::Timestamptz, _>(now),
            )
            .filter(cases::status.eq(crate::workflow::Status::Resolved.as_str()))
            .filter(
                // One group: diesel joins a literal to the other filters as it is written.
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "(((agreement->>'performance_due')::timestamptz > ",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(now)
                .sql(" AND (agreement->>'performance_due')::timestamptz <= ")
                .bind::<diesel::sql_types::Timestamptz, _>(now + Duration::days(2))
                .sql(
                    ") OR EXISTS (SELECT 1 FROM jsonb_array_elements(\
                     coalesce(agreement->'obligations', '[]'::jsonb)) o \
                     WHERE (o->>'due')::date BETWEEN (",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(now)
                .sql(" AT TIME ZONE ")
                .bind::<diesel::sql_types::Text, _>(zone)
                .sql(")::date AND (")
                .bind::<diesel::sql_types::Timestamptz, _>(now + Duration::days(2))
                .sql(" AT TIME ZONE ")
                .bind::<diesel::sql_types::Text, _>(zone)
                .sql(")::date))"),
            )
            .select((cases::county_id, cases::id))
            .load::<(Uuid, Uuid)>(conn)
            .await?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

#[derive(QueryableByName)]
struct Fresh {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    case_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    due_at: DateTime<Utc>,
}

/// Marks many reminders as sent in one statement and returns those that were not sent before.
const MARK: &str = "
INSERT INTO reminders_sent (county_id, case_id, kind, due_at, sent_at)
SELECT county_id, case_id, kind, due_at, $5
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
     AS r(county_id, case_id, kind, due_at)
ON CONFLICT DO NOTHING
RETURNING case_id, kind, due_at";

/// One reminder to mark as sent.
pub struct Mark {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub kind: &'static str,
    pub due_at: DateTime<Utc>,
}

/// Marks many reminders as sent in one statement; returns those not sent before (case, kind,
/// moment), which are the ones to write.
pub async fn mark_sent(
    conn: &mut AsyncPgConnection,
    marks: &[Mark],
    now: DateTime<Utc>,
) -> QueryResult<HashSet<(Uuid, String, DateTime<Utc>)>> {
    use diesel::sql_types::{Array, Text, Timestamptz, Uuid as SqlUuid};
    Ok(diesel::sql_query(MARK)
        .bind::<Array<SqlUuid>, _>(marks.iter().map(|m| m.county_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(marks.iter().map(|m| m.case_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(marks.iter().map(|m| m.kind).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(marks.iter().map(|m| m.due_at).collect::<Vec<_>>())
        .bind::<Timestamptz, _>(now)
        .load::<Fresh>(conn)
        .await?
        .into_iter()
        .map(|f| (f.case_id, f.kind, f.due_at))
        .collect())
}
