//! `POST/GET /api/v1/cases/{id}/messages`.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::messages::{self, MessageView, NewMessage};
use crate::error::AppResult;
use crate::routes::AppState;

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/messages",
    operation_id = "messages_post",
    tag = "messages",
    summary = "Write in the case thread, an internal note, or a caucus message",
    params(("id" = Uuid, Path, description = "The case")),
    request_body = crate::casework::messages::NewMessage,
    responses((status = 201, description = "The message", body = crate::casework::messages::MessageView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::Unprocessable, answers::Unavailable),
)]
pub async fn post(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<NewMessage>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let message = messages::post(&mut conn, &principal, *id, body.into_inner(), Utc::now()).await?;
    Ok(HttpResponse::Created().json(message))
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/messages",
    operation_id = "messages_list",
    tag = "messages",
    summary = "The messages the caller may see",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "Oldest first", body = [crate::casework::messages::MessageView]), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<MessageView>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(messages::list(&mut conn, &principal, *id).await?))
}
