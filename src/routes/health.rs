//! Liveness, readiness and metrics for the operator.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::routes::AppState;
use crate::services::Readiness;

/// The process is alive; says nothing about the database.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready to serve: the database answers and has every migration this binary expects.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.readiness().await {
        Readiness::Ready => HttpResponse::Ok().json(json!({"status": "ready"})),
        Readiness::NotReady(reason) => HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(json!({"status": "not_ready", "reason": reason})),
    }
}

pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let kept = state.principals.figures();
    let callers = crate::telemetry::CallerFigures {
        kept: kept.hits,
        read: kept.misses,
        listening: kept.listening,
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&state.pool, callers).await)
}
