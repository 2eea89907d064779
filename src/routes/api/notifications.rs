//! `GET /api/v1/notifications` (the caller's bell: newest first, with the unread count) and
//! `POST /api/v1/notifications/read` (`{"ids": [...]}` or `{"all": true}`).

use actix_web::{HttpRequest, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use super::request_lang;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::notify::inbox::{self, Mark, View};
use crate::routes::AppState;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;
/// Ids marked in one request; a client with more sends `all` or several requests.
const MAX_IDS: usize = 500;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<i64>,
    /// Only the unread ones.
    #[serde(default)]
    unread: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Inbox {
    unread: i64,
    items: Vec<View>,
}

#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    operation_id = "notifications_list",
    tag = "notifications",
    summary = "The caller's in-app notifications, newest first, with the unread count",
    params(ListQuery),
    responses((status = 200, description = "Notifications", body = Inbox), answers::BadRequest, answers::Unauthorized, answers::Unavailable),
)]
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<web::Json<Inbox>> {
    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(n) => {
            return Err(AppError::BadRequest(format!(
                "limit is {n}: it must be between 1 and {MAX_LIMIT}."
            )));
        }
    };
    let lang = request_lang(&req, Some(&principal));
    let mut conn = state.pool.get().await?;
    let rows = inbox::list(&mut conn, principal.id, query.unread, limit).await?;
    let unread = inbox::unread(&mut conn, principal.id).await?;
    Ok(web::Json(Inbox {
        unread,
        items: rows.into_iter().map(|r| r.view(lang)).collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    ids: Option<Vec<Uuid>>,
    all: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Marked {
    marked: usize,
    unread: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    operation_id = "notifications_mark_read",
    tag = "notifications",
    summary = "Mark notifications read",
    request_body = ReadBody,
    responses((status = 200, description = "The unread count after", body = Marked), answers::BadRequest, answers::Unauthorized, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn mark_read(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<ReadBody>,
) -> AppResult<web::Json<Marked>> {
    let which = match body.into_inner() {
        ReadBody {
            ids: None,
            all: Some(true),
        } => Mark::All,
        ReadBody {
            ids: Some(ids),
            all: None | Some(false),
        } => {
            if ids.is_empty() || ids.len() > MAX_IDS {
                return Err(AppError::Unprocessable(format!(
                    "ids must name 1 to {MAX_IDS} notifications."
                )));
            }
            Mark::Ids(ids)
        }
        _ => {
            return Err(AppError::Unprocessable(
                "Send either {\"ids\": [...]} or {\"all\": true}.".into(),
            ));
        }
    };
    let mut conn = state.pool.get().await?;
    let marked = inbox::mark_read(&mut conn, principal.id, &which, Utc::now()).await?;
    let unread = inbox::unread(&mut conn, principal.id).await?;
    Ok(web::Json(Marked { marked, unread }))
}
