//! `POST/GET /api/v1/cases/{id}/messages`.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use crate::auth::Principal;
use crate::casework::messages::{self, MessageView, NewMessage};
use crate::error::AppResult;
use crate::routes::AppState;

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

pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<MessageView>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(messages::list(&mut conn, &principal, *id).await?))
}
