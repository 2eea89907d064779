//! The middleware that times every response for `/metrics` (`telemetry::Metrics`).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::routes::AppState;

/// Counts every response and its duration.
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await?;
    if let Some(state) = state {
        state
            .metrics
            .observe(response.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(response)
}
