//! The one route table of the service, and how malformed requests are answered.

pub mod api;
mod health;
pub mod pages;
mod static_files;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;

/// Largest JSON body accepted; evidence goes through multipart with its own limits.
pub const JSON_LIMIT: usize = 64 * 1024;

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let app = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            AppError::PayloadTooLarge(format!(
                "The request body is larger than {} KiB.",
                JSON_LIMIT / 1024
            ))
        }
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType(
            "Send the body as JSON with the header Content-Type: application/json.".to_owned(),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => AppError::BadRequest(format!(
            "The request body has a wrong or missing field: {e}."
        )),
        JsonPayloadError::Deserialize(e) => {
            AppError::BadRequest(format!("The request body is not valid JSON: {e}."))
        }
        other => AppError::BadRequest(format!("The request body could not be read: {other}.")),
    };
    app.into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("The query string is not valid: {err}.")).into()
}

fn path_error(err: PathError, _: &HttpRequest) -> actix_web::Error {
    let _ = err;
    AppError::NotFound.into()
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        actix_web::ResponseError::error_response(&AppError::NotFound)
    } else {
        pages::error_page(&req, &AppError::NotFound)
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(json_error),
    )
    .app_data(web::QueryConfig::default().error_handler(query_error))
    .app_data(web::PathConfig::default().error_handler(path_error))
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .route("/metrics", web::get().to(health::metrics))
    .service(
        web::scope("/api/v1")
            .route("/auth/login", web::post().to(api::auth::login))
            .route("/auth/logout", web::post().to(api::auth::logout))
            .route("/me", web::get().to(api::me::me))
            .route("/divisions", web::get().to(api::divisions::tree))
            .route("/cases", web::post().to(api::cases::create))
            .route("/cases", web::get().to(api::cases::list))
            .route("/cases/{id}", web::get().to(api::cases::show))
            .route("/cases/{id}/actions", web::post().to(api::cases::action))
            .route("/cases/{id}/events", web::get().to(api::cases::events))
            .route("/queue", web::get().to(api::queue::queue))
            .route("/notifications", web::get().to(api::notifications::list))
            .route(
                "/notifications/read",
                web::post().to(api::notifications::mark_read),
            )
            .route("/outbox/failed", web::get().to(api::outbox::list_failed))
            .route("/policy", web::get().to(api::policy::show))
            .route("/policy", web::put().to(api::policy::update)),
    )
    .route("/static/{name}", web::get().to(static_files::serve))
    .route("/", web::get().to(pages::home::home))
    .default_service(web::to(not_found));
}
