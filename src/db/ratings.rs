//! The parties' ratings of the service: one per party and case, never changed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::case_ratings as r;

pub struct Rating<'a> {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub party_id: Uuid,
    pub score: i16,
    pub comment: Option<&'a str>,
    /// The level and mediator of the case when it was rated.
    pub level: &'a str,
    pub mediator_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// Records a rating; 0 when this party has rated the case already.
pub async fn insert(conn: &mut AsyncPgConnection, rating: &Rating<'_>) -> QueryResult<usize> {
    diesel::insert_into(r::table)
        .values((
            r::county_id.eq(rating.county_id),
            r::case_id.eq(rating.case_id),
            r::party_id.eq(rating.party_id),
            r::score.eq(rating.score),
            r::comment.eq(rating.comment),
            r::level.eq(rating.level),
            r::mediator_id.eq(rating.mediator_id),
            r::created_at.eq(rating.at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
}

pub async fn of_party(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
    party_id: Uuid,
) -> QueryResult<Option<i16>> {
    r::table
        .find((county_id, case_id, party_id))
        .select(r::score)
        .first(conn)
        .await
        .optional()
}
