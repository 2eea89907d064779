//! `GET /api/v1/stats` (JSON, or CSV with `Accept: text/csv`), `/api/v1/stats.csv`,
//! `/api/v1/stats.xlsx` and the anonymised `GET /api/v1/public/stats`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::answers;
use crate::auth::Principal;
use crate::casework::public_stats::{self, PublicQuery};
use crate::casework::stats::{self, Report, StatsQuery};
use crate::error::{AppError, AppResult};
use crate::routes::AppState;
use crate::stats::indicators::{COLUMNS, Cell, cells};

async fn load(
    state: &AppState,
    principal: &Principal,
    query: &StatsQuery,
) -> Result<std::sync::Arc<Report>, AppError> {
    let mut conn = state.pool.get().await?;
    stats::report(&mut conn, &state.stats, principal, query).await
}

#[utoipa::path(
    get,
    path = "/api/v1/stats",
    operation_id = "stats_json",
    tag = "statistics",
    summary = "The Fengqiao indicators of the caller's reach (judges and county admins: the county; committee heads: their committee's area); CSV with Accept: text/csv",
    params(StatsQuery),
    responses((status = 200, description = "The indicators per unit, with the whole and the previous period", body = Object), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn json(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    let report = load(&state, &principal, &query).await?;
    let wants_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if wants_csv {
        return Ok(csv_response(&report));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, max-age=30"))
        .json(&*report))
}

#[utoipa::path(
    get,
    path = "/api/v1/stats.csv",
    operation_id = "stats_csv",
    tag = "statistics",
    summary = "The same as CSV (UTF-8 with a byte-order mark; the first row is the whole)",
    params(StatsQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn csv(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    let report = load(&state, &principal, &query).await?;
    Ok(csv_response(&report))
}

#[utoipa::path(
    get,
    path = "/api/v1/stats.xlsx",
    operation_id = "stats_xlsx",
    tag = "statistics",
    summary = "The same as an Excel workbook (sheets: indicators, definitions)",
    params(StatsQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn xlsx(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    let report = load(&state, &principal, &query).await?;
    let bytes = workbook(&report).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file_name(&report, "xlsx")),
        ))
        .body(bytes))
}

#[utoipa::path(
    get,
    path = "/api/v1/public/stats",
    operation_id = "stats_public",
    tag = "statistics",
    summary = "A county's public figures: county and townships, counts under 5 shown as \"<5\" with complementary suppression; ETag and Cache-Control",
    params(PublicQuery),
    responses((status = 200, description = "The anonymised figures", body = Object), (status = 304, description = "Not modified since the ETag given"), answers::BadRequest, answers::NotFound, answers::Unavailable),
    security(()),
)]
pub async fn public(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PublicQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let figures = public_stats::figures(&mut conn, &state.stats, &query).await?;
    let etag = format!("\"{}\"", figures.etag);
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut answer = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    Ok(if fresh {
        answer.finish()
    } else {
        answer.json(&*figures)
    })
}

fn file_name(r: &Report, ext: &str) -> String {
    format!(
        "fengqiao-{}-{}-{}-{}.{ext}",
        r.county.code,
        r.period.from,
        r.period.to,
        r.unit.as_str()
    )
    .to_lowercase()
}

/// Rows as text: code, name, then every indicator; the first row is the whole scope.
fn table(r: &Report) -> Vec<Vec<(String, Option<Cell>)>> {
    let mut out = Vec::new();
    let line = |code: &str, name: &str, i| {
        let mut row = vec![(code.to_owned(), None), (name.to_owned(), None)];
        row.extend(cells(i).into_iter().map(|c| (c.text(), Some(c))));
        row
    };
    let whole = r.within.as_ref().unwrap_or(&r.county);
    out.push(line(&whole.code, &whole.name, &r.total));
    for row in &r.rows {
        out.push(line(&row.code, &row.name, &row.indicators));
    }
    out
}

fn csv_text(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn csv_response(r: &Report) -> HttpResponse {
    // A byte-order mark first, so that Excel reads the Chinese names as UTF-8.
    let mut body = String::from("\u{feff}code,name,");
    body.push_str(&COLUMNS.join(","));
    body.push_str("\r\n");
    for row in table(r) {
        let line: Vec<String> = row.iter().map(|(t, _)| csv_text(t)).collect();
        body.push_str(&line.join(","));
        body.push_str("\r\n");
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file_name(r, "csv")),
        ))
        .body(body)
}

fn workbook(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("indicators")?;
    sheet.write_string(0, 0, "code")?;
    sheet.write_string(0, 1, "name")?;
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, col(c + 2), *name)?;
    }
    for (r_i, row) in table(r).into_iter().enumerate() {
        let at = u32::try_from(r_i + 1).unwrap_or(u32::MAX);
        for (c, (text, cell)) in row.into_iter().enumerate() {
            match cell {
                Some(Cell::Count(n)) => {
                    sheet.write_number(at, col(c), n as f64)?;
                }
                Some(Cell::Share(v)) => {
                    sheet.write_number(at, col(c), v)?;
                }
                Some(Cell::Empty) => {}
                None => {
                    sheet.write_string(at, col(c), text)?;
                }
            }
        }
    }
    let defs = book.add_worksheet();
    defs.set_name("definitions")?;
    for (i, (key, en, zh)) in crate::stats::indicators::DEFINITIONS.iter().enumerate() {
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        defs.write_string(at, 0, *key)?;
        defs.write_string(at, 1, *zh)?;
        defs.write_string(at, 2, *en)?;
    }
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}
