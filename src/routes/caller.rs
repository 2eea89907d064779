//! The `Principal` extractor: a handler that names a `Principal` gets the logged-in caller or
//! answers 401 (403 for a cookie-carried write from another site).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::Principal;
use crate::auth::principal;
use crate::error::AppError;
use crate::interop::keys::{self, SystemCaller};
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
        if token.as_deref().is_some_and(keys::is_key) {
            return Box::pin(async {
                Err(AppError::Forbidden(
                    "An API key reads the county's cases (GET /api/v1/export) and, with the scope file, files for residents (POST /api/v1/filings); everything else is for people signed in.".into(),
                ))
            });
        }
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            principal::load(
                &state.pool,
                &state.keys,
                &state.sealer,
                &state.principals,
                token,
            )
            .await
        })
    }
}

/// The `SystemCaller` extractor: a handler that names one is called by another system with its
/// API key (`Authorization: Bearer fq_…`), or answers 401.
impl FromRequest for SystemCaller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<SystemCaller, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned());
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let token = bearer.ok_or(AppError::Unauthorized)?;
            let mut conn = state.pool.get().await?;
            keys::authenticate(&mut conn, &token).await
        })
    }
}
