//! `GET /api/v1/export`: another system pages through its county's cases in the record format
//! (`docs/record-format.md`) with an API key. Every call is audited under the key.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::casework::record::{self, Cursor, FORMAT, Record};
use crate::error::{AppError, AppResult};
use crate::interop::keys::SystemCaller;
use crate::routes::AppState;

/// Records a page may hold: by default, and at most.
const PAGE: i64 = 100;
const MAX_PAGE: i64 = 500;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only cases changed at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Where the previous page ended (its `next`).
    pub cursor: Option<String>,
    /// Records per page, 1 to 500 (100).
    pub limit: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ExportPage {
    /// `fengqiao-record/1`.
    pub format: &'static str,
    /// One record per case, with its history.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Record>,
    /// The cursor of the next page; none when this was the last.
    pub next: Option<String>,
}

// `since` (microseconds) and the last case's id, with a dot: a cursor of the earlier format
// (change time and id, with an underscore) is refused rather than read with another meaning.
fn cursor_text((since, id): Cursor) -> String {
    format!("{}.{id}", since.timestamp_micros())
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (micros, id) = text.split_once('.')?;
    let since = DateTime::<Utc>::from_timestamp_micros(micros.parse().ok()?)?;
    Some((since, id.parse().ok()?))
}

fn start_of(q: &ExportQuery) -> Result<(Cursor, i64), AppError> {
    let limit = q.limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit must be from 1 to {MAX_PAGE}."
        )));
    }
    if let Some(c) = &q.cursor {
        let cursor = parse_cursor(c).ok_or_else(|| {
            AppError::BadRequest(
                "cursor is not one this service gave (use the page's next).".into(),
            )
        })?;
        return Ok((cursor, limit));
    }
    let since = match &q.since {
        None => DateTime::<Utc>::UNIX_EPOCH,
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                AppError::BadRequest(
                    "since must be an RFC 3339 time, e.g. 2026-11-01T00:00:00+08:00.".into(),
                )
            })?
            .with_timezone(&Utc),
    };
    Ok(((since, Uuid::nil()), limit))
}

async fn page(req: &HttpRequest, state: &AppState, caller: &SystemCaller) -> AppResult<ExportPage> {
    let q = web::Query::<ExportQuery>::from_query(req.query_string())
        .map_err(|e| AppError::BadRequest(format!("The query is not understood: {e}.")))?;
    let (after, limit) = start_of(&q)?;
    let mut conn = state.pool.get().await?;
    let (items, next) =
        record::export_page(&mut conn, caller.key.county_id, after, limit, &state.sealer).await?;
    Ok(ExportPage {
        format: FORMAT,
        items,
        next: next.map(cursor_text),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/export",
    operation_id = "export",
    tag = "integrations",
    summary = "The county's cases in the record format, in filing order, changed since a time (API key)",
    params(ExportQuery),
    responses((status = 200, description = "A page of records", body = ExportPage), answers::BadRequest, answers::Unauthorized, answers::TooMany, answers::Unavailable),
    security(("api_key" = [])),
)]
pub async fn export(
    req: HttpRequest,
    caller: SystemCaller,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let result = page(&req, &state, &caller).await;
    let status = match &result {
        Ok(_) => 200,
        Err(e) => i32::from(e.status_code().as_u16()),
    };
    let mut conn = state.pool.get().await?;
    crate::interop::keys::audit(&mut conn, &caller, "GET", req.path(), status, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(result?))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_nonsense_does_not() {
        let c = (
            DateTime::<Utc>::from_timestamp_micros(1_796_000_000_123_456).unwrap(),
            Uuid::now_v7(),
        );
        assert_eq!(parse_cursor(&cursor_text(c)), Some(c));
        assert_eq!(parse_cursor("x.y"), None);
        assert_eq!(parse_cursor("12"), None);
        // The earlier format (change time _ id) is refused, not read with another meaning.
        assert_eq!(
            parse_cursor(&format!("1796000000123456_{}", Uuid::now_v7())),
            None
        );
    }
}
