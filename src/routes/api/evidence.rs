//! `POST /api/v1/cases/{id}/evidence` (multipart), `GET /api/v1/cases/{id}/evidence`,
//! `GET /api/v1/evidence/{id}` (the bytes, as an attachment).

use actix_multipart::Multipart;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use crate::auth::Principal;
use crate::casework::attach::{self, EvidenceView};
use crate::error::{AppError, AppResult};
use crate::evidence::sniff::extension;
use crate::evidence::upload::{Limits, receive};
use crate::routes::AppState;

pub async fn upload(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
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
    let view = attach::record(&mut conn, &state.store, &case, &actor, received, Utc::now()).await?;
    Ok(HttpResponse::Created().json(view))
}

pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<EvidenceView>>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(attach::list(&mut conn, &principal, *id).await?))
}

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
