//! `GET /api/v1/cases/{id}/bundle`: the signed court bundle of a case, streamed from the file
//! it was written to (removed as soon as it is open, so nothing is left behind).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::casework::bundle::{self, Keys};
use crate::error::{AppError, AppResult};
use crate::routes::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/bundle",
    operation_id = "bundle_download",
    tag = "cases",
    summary = "The court bundle (the county's judges and the mediators holding the case): a ZIP of record.json, history.jsonl, the documents as PDF, the evidence files, manifest.json and its Ed25519 signature manifest.sig; check it with `fengqiao verify-bundle`",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The ZIP", content_type = "application/zip", body = Vec<u8>), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn download(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let written = {
        let mut conn = state.pool.get().await?;
        let press = state.press();
        let keys = Keys {
            sealer: &state.sealer,
            store: &state.store,
            key: &state.bundle_key,
            press: &press,
        };
        bundle::export(&mut conn, &principal, *id, keys, Utc::now()).await?
    };
    let file = tokio::fs::File::open(&written.path)
        .await
        .map_err(AppError::internal)?;
    let size = file.metadata().await.map_err(AppError::internal)?.len();
    // The open file keeps its bytes; the name goes now, whatever happens to the download.
    let _ = tokio::fs::remove_file(&written.path).await;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.zip\"", written.case_number),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(size)
        .streaming(tokio_util::io::ReaderStream::new(file)))
}
