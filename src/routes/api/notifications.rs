//! `GET /api/v1/notifications` (the caller's bell: newest first, with the unread count) and
//! `POST /api/v1/notifications/read` (`{"ids": [...]}` or `{"all": true}`).

use actix_web::{HttpRequest, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::request_lang;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::notify::inbox::{self, Mark, View};
use crate::routes::AppState;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;
/// Ids marked in one request; a client with more sends `all` or several requests.
const MAX_IDS: usize = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<i64>,
    /// Only the unread ones.
    #[serde(default)]
    unread: bool,
}

#[derive(Serialize)]
pub struct Inbox {
    unread: i64,
    items: Vec<View>,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    ids: Option<Vec<Uuid>>,
    all: Option<bool>,
}

#[derive(Serialize)]
pub struct Marked {
    marked: usize,
    unread: i64,
}

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
