//! The statutory documents of a case (SPEC §7 *Documents*): the list, each one as PDF (or its
//! printable page with `Accept: text/html`), and what a verify code says.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::documents::{self, Listed, Verified};
use crate::documents::Kind;
use crate::error::{AppError, AppResult};
use crate::routes::AppState;
use crate::workflow::Lang;

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents",
    operation_id = "documents_list",
    tag = "cases",
    summary = "The statutory documents the case's record yields now (application, acceptance, one record per session, agreement, follow-up, case file), with the verify code of each version already issued",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The documents", body = Vec<Listed>), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let listed = documents::list(&mut conn, &principal, *id, &state.sealer, Utc::now()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(listed))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Which {
    /// The session of a `session_record`.
    pub session_id: Option<Uuid>,
    /// `pdf` or `html`; without it the `Accept` header decides (PDF unless it asks for HTML).
    pub format: Option<String>,
}

/// Whether the caller asked for the printable page rather than the PDF.
pub fn wants_html(req: &HttpRequest, format: Option<&str>) -> Result<bool, AppError> {
    match format {
        Some("pdf") => Ok(false),
        Some("html") => Ok(true),
        Some(other) => Err(AppError::BadRequest(format!(
            "format must be pdf or html, not {other:?}."
        ))),
        None => Ok(req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| {
                let html = a.find("text/html");
                let pdf = a.find("application/pdf");
                matches!((html, pdf), (Some(_), None))
                    || matches!((html, pdf), (Some(h), Some(p)) if h < p)
            })),
    }
}

pub fn parse_kind(kind: &str) -> Result<Kind, AppError> {
    Kind::parse(kind).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Unknown document kind {kind:?}: one of application, acceptance, session_record, agreement, follow_up, case_file."
        ))
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents/{kind}",
    operation_id = "documents_fetch",
    tag = "cases",
    summary = "One document made from the record now: an A4 PDF with embedded CJK font, its verify code and QR code (or the printable page with Accept: text/html); 404 with the reason when the record does not yield it yet",
    params(
        ("id" = Uuid, Path, description = "The case"),
        ("kind" = Kind, Path, description = "application, acceptance, session_record, agreement, follow_up or case_file"),
        Which,
    ),
    responses(
        (status = 200, description = "The PDF (or the page)", content_type = "application/pdf", body = Vec<u8>),
        answers::BadRequest, answers::Unauthorized, answers::NotFound, answers::Unavailable,
    ),
)]
pub async fn fetch(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    which: web::Query<Which>,
) -> AppResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    let kind = parse_kind(&kind)?;
    let html = wants_html(&req, which.format.as_deref())?;
    let fetched = {
        let mut conn = state.pool.get().await?;
        documents::fetch(
            &mut conn,
            &state.press(),
            &principal,
            (id, kind, which.session_id),
            Utc::now(),
        )
        .await?
    };
    if html {
        return crate::routes::pages::documents::page_for_api(&req, &state, &fetched).await;
    }
    Ok(pdf_answer(fetched))
}

/// The PDF, to keep or print: named by case number and kind, never cached by others.
pub fn pdf_answer(fetched: documents::Fetched) -> HttpResponse {
    let name = format!(
        "{}-{}.pdf",
        fetched.document.number,
        fetched.document.kind.as_str()
    );
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .insert_header(("X-Verify-Code", fetched.code.clone()))
        .insert_header(("X-Content-SHA256", fetched.sha256.clone()))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(fetched.pdf)
}

#[utoipa::path(
    get,
    path = "/api/v1/verify/{code}",
    operation_id = "documents_verify",
    tag = "public",
    summary = "What a document's verify code says (no login, no personal data): which document, its date, the committee, the SHA-256 of the PDF as issued and whether it still stands",
    params(("code" = String, Path, description = "The verify code printed on the document (dashes optional)")),
    responses((status = 200, description = "The document", body = Verified), answers::NotFound, answers::Unavailable),
)]
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let lang = Lang::choose(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        None,
    );
    let mut conn = state.pool.get().await?;
    let found = documents::verify(&mut conn, &code, &state.sealer, Utc::now(), lang)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(found))
}
