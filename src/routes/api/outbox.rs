//! `GET /api/v1/outbox/failed`: mail of the county that could not be delivered after every
//! retry, for the county admin to follow up (a wrong address, a refusing server).

use actix_web::web;
use serde::{Deserialize, Serialize};

use super::answers;
use crate::auth::Principal;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::notify::outbox::{FailedMail, failed};
use crate::routes::AppState;

const MAX_LIMIT: i64 = 500;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FailedQuery {
    limit: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Failed {
    items: Vec<FailedMail>,
}

#[utoipa::path(
    get,
    path = "/api/v1/outbox/failed",
    operation_id = "outbox_list_failed",
    tag = "staff",
    summary = "Mail and texts that could not be delivered (county admin)",
    params(FailedQuery),
    responses((status = 200, description = "Failed messages", body = Failed), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn list_failed(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<FailedQuery>,
) -> AppResult<web::Json<Failed>> {
    let county = match (principal.role, principal.county_id) {
        (Role::CountyAdmin, Some(county)) => county,
        _ => {
            return Err(AppError::Forbidden(
                "Only the county administrator sees undelivered mail.".into(),
            ));
        }
    };
    let limit = match query.limit {
        None => 100,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(n) => {
            return Err(AppError::BadRequest(format!(
                "limit is {n}: it must be between 1 and {MAX_LIMIT}."
            )));
        }
    };
    let mut conn = state.pool.get().await?;
    Ok(web::Json(Failed {
        items: failed(&mut conn, county, limit).await?,
    }))
}
