//! The court of each county: where a referred case goes and where to apply for confirmation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::county_courts;

#[derive(Debug, Clone, Queryable)]
pub struct Court {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
}

pub async fn of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Option<Court>> {
    county_courts::table
        .find(county_id)
        .select((
            county_courts::name,
            county_courts::address,
            county_courts::phone,
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn set(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    court: &Court,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(county_courts::table)
        .values((
            county_courts::county_id.eq(county_id),
            county_courts::name.eq(&court.name),
            county_courts::address.eq(&court.address),
            county_courts::phone.eq(&court.phone),
            county_courts::updated_at.eq(now),
        ))
        .on_conflict(county_courts::county_id)
        .do_update()
        .set((
            county_courts::name.eq(&court.name),
            county_courts::address.eq(&court.address),
            county_courts::phone.eq(&court.phone),
            county_courts::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
