//! The county admin's staff accounts: invite (a link to set the password is mailed),
//! deactivate (every session ends at once) and reactivate.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::answers;
use super::request_lang;
use crate::accounts::staff::{self, NewStaff};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::routes::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StaffInvitation)]
pub struct Invitation {
    name: String,
    email: String,
    role: String,
    committee_code: Option<String>,
}

/// `POST /api/v1/staff` → `201 {id}`.
#[utoipa::path(
    post,
    path = "/api/v1/staff",
    operation_id = "staff_invite",
    tag = "staff",
    summary = "Invite a mediator, committee head or judge of the county (county admin); a link to set the password is mailed",
    request_body = Invitation,
    responses((status = 201, description = "{id}", body = Object), answers::BadRequest, answers::Unauthorized, answers::NotFound, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn invite(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<Invitation>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let id = staff::invite(
        &mut conn,
        &state,
        &principal,
        NewStaff {
            name: &body.name,
            email: &body.email,
            role: &body.role,
            committee_code: body.committee_code.as_deref(),
        },
        request_lang(&req, None),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

/// `POST /api/v1/staff/{id}/deactivate`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/{id}/deactivate",
    operation_id = "staff_deactivate",
    tag = "staff",
    summary = "Deactivate a staff account (county admin); every session of it ends at once",
    params(("id" = Uuid, Path, description = "The account")),
    responses((status = 204, description = "Deactivated"), answers::Unauthorized, answers::NotFound, answers::Unprocessable, answers::Unavailable),
)]
pub async fn deactivate(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    staff::set_active(
        &mut conn,
        &state.principals,
        &principal,
        path.into_inner(),
        false,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/staff/{id}/reactivate`.
#[utoipa::path(
    post,
    path = "/api/v1/staff/{id}/reactivate",
    operation_id = "staff_reactivate",
    tag = "staff",
    summary = "Reactivate a staff account (county admin)",
    params(("id" = Uuid, Path, description = "The account")),
    responses((status = 204, description = "Active again"), answers::Unauthorized, answers::NotFound, answers::Unprocessable, answers::Unavailable),
)]
pub async fn reactivate(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    staff::set_active(
        &mut conn,
        &state.principals,
        &principal,
        path.into_inner(),
        true,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
