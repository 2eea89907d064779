//! The error answers an operation of the API may give, for its `#[utoipa::path]`: each is the
//! one JSON error body (`ErrorBody`) under its status, described once here.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// Every error of the API: a stable code, a sentence for people and, for a 409, the case as it
/// is now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code, e.g. `not_found`, `conflict`, `unprocessable`.
    pub error: String,
    /// What went wrong, in a sentence.
    pub message: String,
    /// With a 409 on a case: the case as the caller may see it now.
    #[schema(value_type = Option<Object>)]
    pub case: Option<serde_json::Value>,
}

fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

macro_rules! answers {
    ($($name:ident $code:literal $text:literal;)+) => {
        $(
            #[doc = $text]
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([($code.to_owned(), error($text))])
                }
            }
        )+
    };
}

answers! {
    BadRequest "400" "The body, query or header could not be understood; the message says what was wrong.";
    Unauthorized "401" "No valid session token.";
    Forbidden "403" "The caller may see this but not do it.";
    NotFound "404" "Not found, or outside the caller's scope.";
    Conflict "409" "Wrong state or stale version; the body carries the current case.";
    TooLarge "413" "The body is too large.";
    NotJson "415" "The body is not JSON.";
    Unprocessable "422" "Well-formed but not acceptable; the message says why.";
    TooMany "429" "Too many attempts; see Retry-After.";
    Unavailable "503" "The database is unreachable; see Retry-After.";
}
