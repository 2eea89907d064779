//! What keeps private answers private on the way out: `Cache-Control: no-store` on every answer
//! to a request that carried credentials (a shared village computer or a proxy must not keep a
//! case page), `Strict-Transport-Security` in production, and the log line of a request, which
//! never holds a token from a path nor a query string.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

use crate::auth::SESSION_COOKIE;
use crate::routes::AppState;

pub async fn private_by_default(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let credentials =
        req.headers().contains_key(header::AUTHORIZATION) || req.cookie(SESSION_COOKIE).is_some();
    let production = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.is_production());
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if credentials {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if production {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(response)
}

/// Paths whose segments are bearer secrets (invitation and account links, short links).
const SECRET_PATHS: [&str; 4] = [
    "/invitations/",
    "/api/v1/invitations/",
    "/account/link/",
    "/i/",
];

/// What a request's log line says of its target: the path, or for a secret-bearing path its
/// route pattern (`/invitations/{token}`); never the query string (it may carry `csrf`).
pub fn loggable_target(path: &str, route: &str) -> String {
    if SECRET_PATHS.iter().any(|p| path.starts_with(p)) {
        route.to_owned()
    } else {
        path.to_owned()
    }
}

/// The root span of each request, as tracing-actix-web's default but with the target redacted.
pub struct RedactedRootSpan;

impl RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %loggable_target(request.path(), &route),
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_target;

    #[test]
    fn secret_segments_never_reach_the_log() {
        assert_eq!(
            loggable_target("/invitations/eyJhbGciOi.x.y", "/invitations/{token}"),
            "/invitations/{token}"
        );
        assert_eq!(loggable_target("/i/AB12CD34", "/i/{code}"), "/i/{code}");
        assert_eq!(loggable_target("/cases/1", "/cases/{id}"), "/cases/1");
    }
}
