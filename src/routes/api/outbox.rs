//! `GET /api/v1/outbox/failed`: mail of the county that could not be delivered after every
//! retry, for the county admin to follow up (a wrong address, a refusing server).

use actix_web::web;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::notify::outbox::{FailedMail, failed};
use crate::routes::AppState;

const MAX_LIMIT: i64 = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailedQuery {
    limit: Option<i64>,
}

#[derive(Serialize)]
pub struct Failed {
    items: Vec<FailedMail>,
}

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
