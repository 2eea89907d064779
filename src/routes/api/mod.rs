//! JSON handlers under `/api/v1`, one file per resource.

pub mod account;
pub mod answers;
pub mod auth;
pub mod bundle;
pub mod cases;
pub mod committee;
pub mod divisions;
pub mod documents;
pub mod evidence;
pub mod export;
pub mod filings;
pub mod integrations;
pub mod me;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod parties;
pub mod policy;
pub mod queue;
pub mod second_factor;
pub mod sign_in;
pub mod similar;
pub mod staff;
pub mod stats;

/// The language of an API answer: the request's `Accept-Language`, else the caller's account.
pub fn request_lang(
    req: &actix_web::HttpRequest,
    caller: Option<&crate::auth::Principal>,
) -> crate::workflow::Lang {
    crate::workflow::Lang::choose(
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        caller.map(|p| p.language.as_str()),
    )
}

/// The request's `Idempotency-Key` (filings and uploads): plain text of 1 to 200 characters.
pub fn idempotency_key(
    req: &actix_web::HttpRequest,
) -> Result<Option<String>, crate::error::AppError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| {
        crate::error::AppError::BadRequest("Idempotency-Key must be plain text.".into())
    })?;
    if key.is_empty() || key.len() > 200 {
        return Err(crate::error::AppError::BadRequest(
            "Idempotency-Key must be 1 to 200 characters.".into(),
        ));
    }
    Ok(Some(key.to_owned()))
}
