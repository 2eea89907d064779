//! `POST /api/v1/cases/{id}/evidence` (multipart), `GET /api/v1/cases/{id}/evidence`,
//! `GET /api/v1/evidence/{id}` (the bytes, as an attachment).

use actix_multipart::Multipart;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::attach::{self, EvidenceView};
use crate::error::{AppError, AppResult};
use crate::evidence::sniff::extension;
use crate::evidence::upload::{Limits, receive};
use crate::routes::AppState;

/// The multipart form of an upload as the document shows it; the handler streams the parts
/// itself and never builds this.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    /// The file (25 MB at most); its type is read from its first bytes, whatever its name says.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What it shows, at most 1 000 characters.
    description: Option<String>,
    /// Whether the other side may see it (default true).
    visible_to_other_parties: Option<bool>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/evidence",
    operation_id = "evidence_upload",
    tag = "evidence",
    summary = "Attach evidence (streamed; type from the bytes; 25 MB per file, 200 MB per case)",
    params(("id" = Uuid, Path, description = "The case"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat of the same upload to the same case with the same key returns the first item (header Idempotent-Replayed) and stores nothing; the key with another file is 422.")),
    request_body(content = inline(EvidenceUpload), content_type = "multipart/form-data"),
    responses((status = 201, description = "The recorded item with its SHA-256", body = crate::casework::attach::EvidenceView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::TooLarge, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn upload(
    req: actix_web::HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let key = super::idempotency_key(&req)?;
    let config = &state.config;
    let (case, actor, remaining) = {
        let mut conn = state.pool.get().await?;
        attach::prepare_upload(&mut conn, &principal, *id, config.evidence_case_bytes).await?
    };
    let mb = |b: u64| b / (1024 * 1024);
    let limits = if remaining < config.evidence_file_bytes {
        Limits {
            file_bytes: remaining,
            file_limit_reason: format!(
                "This case may hold at most {} MB of evidence; {} MB are left.",
                mb(config.evidence_case_bytes),
                mb(remaining)
            ),
            max_parts: config.evidence_max_parts,
        }
    } else {
        Limits {
            file_bytes: config.evidence_file_bytes,
            file_limit_reason: format!(
                "A file may be at most {} MB.",
                mb(config.evidence_file_bytes)
            ),
            max_parts: config.evidence_max_parts,
        }
    };
    // No connection is held while the body streams in.
    let received = receive(payload, &state.store, &limits).await?;
    let mut conn = state.pool.get().await?;
    let key = key.as_deref().map(|key| attach::UploadKey {
        user_id: principal.id,
        key,
    });
    let recorded = attach::record(
        &mut conn,
        &state.store,
        (&case, &actor),
        received,
        key,
        Utc::now(),
    )
    .await?;
    let mut response = HttpResponse::Created();
    if recorded.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(recorded.item))
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/evidence",
    operation_id = "evidence_list",
    tag = "evidence",
    summary = "The evidence of a case the caller may see",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "Items, oldest first", body = [crate::casework::attach::EvidenceView]), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<EvidenceView>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(attach::list(&mut conn, &principal, *id).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/evidence/{id}",
    operation_id = "evidence_download",
    tag = "evidence",
    summary = "Download an evidence file (attachment; its hash is checked first; 500 integrity_error when the stored file no longer matches)",
    params(("id" = Uuid, Path, description = "The evidence item")),
    responses((status = 200, description = "The bytes", content_type = "application/octet-stream", body = Vec<u8>), answers::Unauthorized, answers::NotFound, answers::Unavailable),
)]
pub async fn download(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let row = {
        let mut conn = state.pool.get().await?;
        attach::fetch(&mut conn, &state.store, &principal, *id).await?
    };
    let file = tokio::fs::File::open(state.store.path_of(&row.sha256))
        .await
        .map_err(|_| AppError::Integrity)?;
    let mut name = row.filename.clone();
    if !name.contains('.') {
        name = format!("{name}.{}", extension(&row.content_type));
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(row.content_type.as_str())
        .insert_header(disposition)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(u64::try_from(row.size).unwrap_or(0))
        .insert_header(("X-Content-SHA256", row.sha256.clone()))
        .streaming(tokio_util::io::ReaderStream::new(file)))
}
