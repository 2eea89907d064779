//! `GET /api/v1/cases/{id}/similar`: the ended cases of the county most like this one, for the
//! mediators and judges working on it, without names, numbers or evidence.

use actix_web::web;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::similar::{self, Similar};
use crate::error::AppResult;
use crate::routes::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/similar",
    operation_id = "cases_similar",
    tag = "cases",
    summary = "Five ended cases of the county most like this one (mediators and judges)",
    params(("id" = Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The past cases, most alike first", body = Vec<Similar>), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn similar(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<Similar>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(
        similar::similar(&mut conn, &principal, id.into_inner()).await?,
    ))
}
