//! `GET /api/v1/queue`: the mediator's committee queue, soonest deadline first.

use actix_web::web;
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::answers;
use super::cases::{Page, page, page_limit, parse_cursor, parse_status};
use crate::auth::Principal;
use crate::casework::lists::{self, Cursor, ListFilter};
use crate::error::{AppError, AppResult};
use crate::routes::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    status: Option<String>,
    /// Only my cases.
    #[serde(default)]
    mine: bool,
    /// Only cases nobody is assigned to.
    #[serde(default)]
    unassigned: bool,
    /// Only cases whose clock runs out within this many days.
    due_within_days: Option<i64>,
    after: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/queue",
    operation_id = "queue_queue",
    tag = "committee",
    summary = "The committee's queue, soonest deadline first",
    params(QueueQuery),
    responses((status = 200, description = "A page of cases", body = super::cases::Page), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn queue(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> AppResult<web::Json<Page>> {
    let committee = principal.committee.clone().ok_or_else(|| {
        AppError::Forbidden("Only mediators and committee heads have a queue.".into())
    })?;
    let limit = page_limit(query.limit)?;
    let due_before = match query.due_within_days {
        None => None,
        Some(d) if (0..=365).contains(&d) => Some(Utc::now() + Duration::days(d)),
        Some(_) => {
            return Err(AppError::BadRequest(
                "due_within_days must be between 0 and 365.".into(),
            ));
        }
    };
    if query.mine && query.unassigned {
        return Err(AppError::BadRequest(
            "mine and unassigned cannot both be chosen.".into(),
        ));
    }
    let filter = ListFilter {
        status: parse_status(query.status.as_deref())?,
        mediator: query.mine.then_some(principal.id),
        unassigned: query.unassigned,
        due_before,
    };
    let after = parse_cursor(query.after.as_deref())?;
    let mut conn = state.pool.get().await?;
    let rows = lists::queue(&mut conn, &committee, &filter, after, limit).await?;
    Ok(web::Json(page(rows, limit, |r| Cursor {
        at: r.deadline_at,
        id: r.id,
    })))
}
