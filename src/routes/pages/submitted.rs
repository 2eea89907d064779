//! What a page's POST handler receives: the page context and the form, the form's CSRF token
//! already checked against the cookie. A handler that names `Submitted<F>` cannot forget the
//! check, and a test (`pages_take_forms_only_through_submitted`) refuses a handler that takes a
//! bare `web::Form`. A multipart form carries its token in the query string
//! (`SubmittedWithQueryToken`), because the file comes first.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Ctx;
use crate::error::AppError;
use crate::routes::AppState;

/// A form that carries the CSRF token of the double-submit cookie.
pub trait CsrfForm {
    fn csrf(&self) -> &str;
}

/// The forms of the case page's action are open-ended: the token is one of the fields.
impl CsrfForm for HashMap<String, String> {
    fn csrf(&self) -> &str {
        self.get("csrf").map(String::as_str).unwrap_or("")
    }
}

/// `impl CsrfForm` for form structs with a `csrf: String` field.
macro_rules! csrf_form {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::routes::pages::submitted::CsrfForm for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use csrf_form;

pub struct Submitted<F> {
    pub ctx: Ctx,
    pub form: web::Form<F>,
}

async fn context(req: &HttpRequest) -> Result<Ctx, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
    Ok(Ctx::load(req, &state).await?)
}

impl<F: DeserializeOwned + CsrfForm + 'static> FromRequest for Submitted<F> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let form = web::Form::<F>::from_request(&req, payload);
        Box::pin(async move {
            let ctx = context(&req).await?;
            let form = form.await?;
            ctx.check_csrf(form.csrf())?;
            Ok(Submitted { ctx, form })
        })
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    csrf: String,
}

/// The context of a multipart POST whose token travels in the query string; the body is left
/// for the handler to stream.
pub struct SubmittedWithQueryToken {
    pub ctx: Ctx,
}

impl FromRequest for SubmittedWithQueryToken {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let ctx = context(&req).await?;
            let token = web::Query::<TokenQuery>::from_query(req.query_string())
                .map(|q| q.into_inner().csrf)
                .unwrap_or_default();
            ctx.check_csrf(&token)?;
            Ok(SubmittedWithQueryToken { ctx })
        })
    }
}
