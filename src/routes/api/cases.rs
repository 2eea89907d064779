//! `/api/v1/cases`: file, list, read, act, history. Handlers translate HTTP into `casework`
//! calls; the rules live in the engine and the gate.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework;
use crate::casework::acting::{ActionBody, act};
use crate::casework::filing::{FilingInput, file};
use crate::casework::lists::{self, CaseRow, Cursor, ListFilter};
use crate::casework::view::{CaseView, load_view};
use crate::error::{AppError, AppResult};
use crate::routes::AppState;
use crate::workflow::Status;

#[derive(Serialize)]
struct FiledView {
    #[serde(flatten)]
    case: CaseView,
    /// Shown once, at filing: with the case number it opens the case without an account.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_code: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases",
    operation_id = "cases_create",
    tag = "cases",
    summary = "File a dispute (resident)",
    params(("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key returns the same case; another body with the same key is 422.")),
    request_body = crate::casework::filing::FilingInput,
    responses((status = 201, description = "The new case, with its access code (shown once)", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::TooLarge, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn create(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<FilingInput>,
) -> AppResult<HttpResponse> {
    let key = super::idempotency_key(&req)?;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let filed = file(
        &mut conn,
        &principal,
        body.into_inner(),
        key,
        &state.sealer,
        now,
    )
    .await?;
    filed_response(&req, &mut conn, &principal, &state, filed, now).await
}

/// The answer to a filing (by a resident or for one): 201, the case as the caller sees it, and
/// the access code, which is shown this once.
pub async fn filed_response(
    req: &HttpRequest,
    conn: &mut diesel_async::AsyncPgConnection,
    principal: &Principal,
    state: &AppState,
    filed: crate::casework::filing::Filed,
    now: chrono::DateTime<Utc>,
) -> AppResult<HttpResponse> {
    let lang = super::request_lang(req, Some(principal));
    let case = match &filed.written {
        Some(written) => {
            crate::casework::view::filed_view(principal, written, lang, &state.sealer, now)?
        }
        // A repeat: the first request's case, read.
        None => {
            let record = casework::open(conn, principal, filed.case_id).await?;
            load_view(conn, principal, record, lang, &state.sealer, now).await?
        }
    };
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/cases/{}", case.id)));
    if filed.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(FiledView {
        case,
        access_code: filed.access_code,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Summary {
    id: Uuid,
    number: String,
    category: String,
    #[schema(value_type = crate::workflow::Level)]
    level: String,
    #[schema(value_type = crate::workflow::Status)]
    status: String,
    version: i32,
    deadline_at: Option<chrono::DateTime<Utc>>,
    deadline_kind: Option<String>,
    overdue: bool,
    mediator_id: Option<Uuid>,
    filed_at: chrono::DateTime<Utc>,
}

impl From<CaseRow> for Summary {
    fn from(r: CaseRow) -> Summary {
        Summary {
            id: r.id,
            number: r.number,
            category: r.category,
            level: r.level,
            status: r.status,
            version: r.version,
            deadline_at: r.deadline_at,
            deadline_kind: r.deadline_kind,
            overdue: r.overdue,
            mediator_id: r.mediator_id,
            filed_at: r.filed_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Page {
    pub items: Vec<Summary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

pub fn page_limit(limit: Option<i64>) -> AppResult<i64> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(AppError::BadRequest(
            "limit must be between 1 and 200.".into(),
        )),
    }
}

pub fn parse_status(s: Option<&str>) -> AppResult<Option<&'static str>> {
    s.map(|s| {
        Status::parse(s).map(Status::as_str).ok_or_else(|| {
            AppError::BadRequest(format!(
                "status {s:?} is not known; use one of: {}",
                Status::ALL.map(Status::as_str).join(", ")
            ))
        })
    })
    .transpose()
}

pub fn parse_cursor(s: Option<&str>) -> AppResult<Option<Cursor>> {
    s.map(|s| {
        Cursor::decode(s).ok_or_else(|| {
            AppError::BadRequest("after is not a cursor this service gave out.".into())
        })
    })
    .transpose()
}

pub fn page(rows: Vec<CaseRow>, limit: i64, key: impl Fn(&CaseRow) -> Cursor) -> Page {
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| key(r).encode()))
        .flatten();
    Page {
        items: rows.into_iter().map(Summary::from).collect(),
        next,
    }
}

/// The caller's cases, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    operation_id = "cases_list",
    tag = "cases",
    summary = "The caller's cases, newest first",
    params(ListQuery),
    responses((status = 200, description = "A page of cases", body = Page), answers::BadRequest, answers::Unauthorized, answers::Unavailable),
)]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<web::Json<Page>> {
    let limit = page_limit(query.limit)?;
    let filter = ListFilter {
        status: parse_status(query.status.as_deref())?,
        ..ListFilter::default()
    };
    let after = parse_cursor(query.after.as_deref())?;
    let mut conn = state.pool.get().await?;
    let rows = lists::mine(&mut conn, &principal, &filter, after, limit).await?;
    Ok(web::Json(page(rows, limit, |r| Cursor {
        at: Some(r.filed_at),
        id: r.id,
    })))
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    operation_id = "cases_show",
    tag = "cases",
    summary = "One case, with next_step and allowed_actions for the caller",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The case", body = crate::casework::view::CaseView), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn show(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CaseView>> {
    let mut conn = state.pool.get().await?;
    let (_, _, view) = crate::casework::view::open_view(
        &mut conn,
        &principal,
        *id,
        super::request_lang(&req, Some(&principal)),
        &state.sealer,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/actions",
    operation_id = "cases_action",
    tag = "cases",
    summary = "Act on a case (the engine decides); `version` is the case version the caller saw",
    params(("id" = Uuid, Path, description = "The case")),
    request_body = crate::casework::acting::ActionBody,
    responses((status = 200, description = "The case after the action", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::TooLarge, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn action(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<ActionBody>,
) -> AppResult<web::Json<CaseView>> {
    let mut conn = state.pool.get().await?;
    let lang = super::request_lang(&req, Some(&principal));
    let view = act(
        &mut conn,
        &principal,
        *id,
        body.into_inner(),
        lang,
        &state.sealer,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(view))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventView {
    seq: i32,
    kind: String,
    actor_role: String,
    data: serde_json::Value,
    at: chrono::DateTime<Utc>,
    hash: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/events",
    operation_id = "cases_events",
    tag = "cases",
    summary = "The case history (append-only, hash-chained)",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "Events, oldest first", body = [EventView]), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn events(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<EventView>>> {
    let mut conn = state.pool.get().await?;
    let record = casework::open(&mut conn, &principal, *id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let rows = crate::casework::history::visible_events(&mut conn, &principal, &state).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|e| EventView {
                seq: e.seq,
                kind: e.kind,
                actor_role: e.actor_role,
                data: e.data,
                at: e.at,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// `GET /api/v1/cases/{id}/access-log`: who of the staff and the court opened the case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/access-log",
    operation_id = "cases_access_log",
    tag = "cases",
    summary = "Who of the staff and the court opened the case record, its documents or its evidence, newest first",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "Openings", body = [crate::casework::access_log::Entry]), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn access_log(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<casework::access_log::Entry>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(
        crate::casework::access_log::of_case(&mut conn, &principal, *id).await?,
    ))
}

/// `POST /api/v1/cases/{id}/rating`: a party rates the service once the case has ended.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/rating",
    operation_id = "cases_rate",
    tag = "cases",
    summary = "A party rates the service once the case has ended (once)",
    params(("id" = Uuid, Path, description = "The case")),
    request_body = crate::casework::rating::RatingInput,
    responses((status = 201, description = "The rating", body = crate::casework::rating::Rated), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::Unprocessable, answers::Unavailable),
)]
pub async fn rate(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<crate::casework::rating::RatingInput>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let rated =
        crate::casework::rating::rate(&mut conn, &principal, *id, body.into_inner(), Utc::now())
            .await?;
    Ok(HttpResponse::Created().json(rated))
}
