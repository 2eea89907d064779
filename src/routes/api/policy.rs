//! `GET /api/v1/policy` (staff of the county) and `PUT /api/v1/policy` (the county admin): the
//! county's deadlines in days.

use actix_web::web;
use chrono::Utc;

use super::answers;
use crate::auth::Principal;
use crate::casework::policy;
use crate::error::AppResult;
use crate::routes::AppState;
use crate::workflow::Policy;

#[utoipa::path(
    get,
    path = "/api/v1/policy",
    operation_id = "policy_show",
    tag = "staff",
    summary = "The county's deadlines (county admin)",
    responses((status = 200, description = "The policy", body = crate::workflow::Policy), answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn show(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Policy>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(policy::current(&mut conn, &principal).await?))
}

#[utoipa::path(
    put,
    path = "/api/v1/policy",
    operation_id = "policy_update",
    tag = "staff",
    summary = "Change the county's deadlines (county admin)",
    request_body = crate::workflow::Policy,
    responses((status = 200, description = "The policy as saved", body = crate::workflow::Policy), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn update(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Policy>,
) -> AppResult<web::Json<Policy>> {
    let mut conn = state.pool.get().await?;
    let saved = policy::change(&mut conn, &principal, body.into_inner(), Utc::now()).await?;
    Ok(web::Json(saved))
}
