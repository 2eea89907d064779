//! County deadlines (SPEC §2): one row per county, the SPEC's defaults when there is none.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::county_policies as cp;
use crate::workflow::Policy;

type Row = (i32, i32, i32, i32, i32, i32, i32, i32, i32);

fn from_row(r: Row) -> Policy {
    Policy {
        acceptance_days_village: r.0,
        acceptance_days_township: r.1,
        acceptance_days_county: r.2,
        response_days: r.3,
        mediation_days: r.4,
        extension_days: r.5,
        signature_days: r.6,
        confirmation_days: r.7,
        follow_up_days: r.8,
    }
}

/// The nine deadlines as one array, in the order of `Row`: reads that bring a county's policy
/// along in a subselect (a case's view, a filing's road) take it so and turn it into a
/// `Policy` with `from_days`.
pub(super) const DAYS: &str = "ARRAY[acceptance_days_village, acceptance_days_township, \
    acceptance_days_county, response_days, mediation_days, extension_days, signature_days, \
    confirmation_days, follow_up_days]";

/// The nine deadlines in the order of `Row`, as read through `DAYS`.
pub(super) fn from_days(days: &[i32]) -> Policy {
    let day = |i: usize| days.get(i).copied().unwrap_or_default();
    from_row((
        day(0),
        day(1),
        day(2),
        day(3),
        day(4),
        day(5),
        day(6),
        day(7),
        day(8),
    ))
}

pub async fn of_county(conn: &mut AsyncPgConnection, county_id: Uuid) -> QueryResult<Policy> {
    let row: Option<Row> = cp::table
        .find(county_id)
        .select((
            cp::acceptance_days_village,
            cp::acceptance_days_township,
            cp::acceptance_days_county,
            cp::response_days,
            cp::mediation_days,
            cp::extension_days,
            cp::signature_days,
            cp::confirmation_days,
            cp::follow_up_days,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(from_row).unwrap_or_default())
}

pub async fn save(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    p: &Policy,
    by: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let values = (
        cp::acceptance_days_village.eq(p.acceptance_days_village),
        cp::acceptance_days_township.eq(p.acceptance_days_township),
        cp::acceptance_days_county.eq(p.acceptance_days_county),
        cp::response_days.eq(p.response_days),
        cp::mediation_days.eq(p.mediation_days),
        cp::extension_days.eq(p.extension_days),
        cp::signature_days.eq(p.signature_days),
        cp::confirmation_days.eq(p.confirmation_days),
        cp::follow_up_days.eq(p.follow_up_days),
        cp::updated_at.eq(now),
        cp::updated_by.eq(by),
    );
    diesel::insert_into(cp::table)
        .values((cp::county_id.eq(county_id), values))
        .on_conflict(cp::county_id)
        .do_update()
        .set(values)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Years the personal data of an ended case is kept (retention); the default without a row.
pub async fn retention_years(conn: &mut AsyncPgConnection, county_id: Uuid) -> QueryResult<i32> {
    Ok(cp::table
        .find(county_id)
        .select(cp::retention_years)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(super::retention::DEFAULT_YEARS))
}

/// Sets the retention period, keeping the deadlines (their defaults if the county has none yet).
pub async fn save_retention_years(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    years: i32,
    by: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let p = of_county(conn, county_id).await?;
    diesel::insert_into(cp::table)
        .values((
            cp::county_id.eq(county_id),
            cp::acceptance_days_village.eq(p.acceptance_days_village),
            cp::acceptance_days_township.eq(p.acceptance_days_township),
            cp::acceptance_days_county.eq(p.acceptance_days_county),
            cp::response_days.eq(p.response_days),
            cp::mediation_days.eq(p.mediation_days),
            cp::extension_days.eq(p.extension_days),
            cp::signature_days.eq(p.signature_days),
            cp::confirmation_days.eq(p.confirmation_days),
            cp::follow_up_days.eq(p.follow_up_days),
            cp::retention_years.eq(years),
            cp::updated_at.eq(now),
            cp::updated_by.eq(by),
        ))
        .on_conflict(cp::county_id)
        .do_update()
        .set((
            cp::retention_years.eq(years),
            cp::updated_at.eq(now),
            cp::updated_by.eq(by),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
