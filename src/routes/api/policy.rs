//! `GET /api/v1/policy` (staff of the county) and `PUT /api/v1/policy` (the county admin): the
//! county's deadlines in days.

use actix_web::web;
use chrono::Utc;

use crate::auth::Principal;
use crate::casework::policy;
use crate::error::AppResult;
use crate::routes::AppState;
use crate::workflow::Policy;

pub async fn show(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Policy>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(policy::current(&mut conn, &principal).await?))
}

pub async fn update(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Policy>,
) -> AppResult<web::Json<Policy>> {
    let mut conn = state.pool.get().await?;
    let saved = policy::change(&mut conn, &principal, body.into_inner(), Utc::now()).await?;
    Ok(web::Json(saved))
}
