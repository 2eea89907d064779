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
