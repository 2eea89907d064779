//! A party rates the service once the case has ended (1–5 and a comment), once.

use chrono::{DateTime, Utc};
use diesel::result::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{actor_for, refused};
use crate::auth::Principal;
use crate::db;
use crate::error::AppError;
use crate::workflow::may_rate;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub score: i64,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rated {
    pub score: i16,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn rate(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    input: RatingInput,
    now: DateTime<Utc>,
) -> Result<Rated, AppError> {
    let score = i16::try_from(input.score)
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| AppError::Unprocessable("score must be 1 to 5".into()))?;
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(AppError::Unprocessable(
            "The comment is too long (at most 2000 characters).".into(),
        ));
    }
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("Only the parties rate the service.".into()))?;
    let party_id = may_rate(&state, &actor).map_err(|e| refused(e, None))?;
    // The history says that (not what) the party rated: the indicators' job counts from it.
    conn.transaction::<Rated, AppError, _>(async |conn| {
        let inserted = db::ratings::insert(
            conn,
            &db::ratings::Rating {
                county_id: state.county_id,
                case_id: state.id,
                party_id,
                score,
                comment: comment.as_deref(),
                level: state.level.as_str(),
                mediator_id: state.mediator_id,
                at: now,
            },
        )
        .await?;
        if inserted == 0 {
            return Err(AppError::conflict(
                "You have already rated this case. Thank you.",
            ));
        }
        db::events::note(
            conn,
            (state.county_id, state.id),
            "rated",
            serde_json::json!({}),
            &actor,
            now,
        )
        .await?;
        Ok(Rated {
            score,
            comment: comment.clone(),
            created_at: now,
        })
    })
    .await
}

/// The caller's own rating of a case, if given.
pub async fn mine(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
    party_id: Uuid,
) -> QueryResult<Option<i16>> {
    db::ratings::of_party(conn, county_id, case_id, party_id).await
}
