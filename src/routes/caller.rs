//! The `Principal` extractor: a handler that names a `Principal` gets the logged-in caller or
//! answers 401 (403 for a cookie-carried write from another site).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::Principal;
use crate::auth::principal;
use crate::error::AppError;
use crate::routes::AppState;

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Principal, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if principal::cookie_write_from_elsewhere(req) {
            return Box::pin(async {
                Err(AppError::Forbidden(
                    "A change made with the session cookie must come from this site's own pages (Origin header); other clients send the token as Authorization: Bearer.".into(),
                ))
            });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = principal::token_from_request(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            principal::load(&state.pool, &state.keys, &state.sealer, token).await
        })
    }
}
