//! One check for every request, so no field can forget it: text may not carry control
//! characters (a NUL byte in any field made PostgreSQL refuse the statement, a 500). The query
//! string and the path, JSON bodies (`\u0000` escapes) and form bodies (`%00`) are read before
//! any handler; line breaks and tabs stay allowed in bodies, where narratives are written.
//! Multipart bodies are streamed and not buffered here: their one text field is checked where it
//! is read (`evidence::upload`).

use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::JSON_LIMIT;
use crate::domain::is_refused_char;
use crate::error::AppError;

/// The refusal, as JSON for the API and as a page elsewhere.
fn refuse<B>(req: ServiceRequest, error: AppError) -> ServiceResponse<EitherBody<B>> {
    let (http, _) = req.into_parts();
    let response = if http.path().starts_with("/api/") {
        actix_web::ResponseError::error_response(&error)
    } else {
        super::pages::error_page(&http, &error)
    };
    ServiceResponse::new(http, response).map_into_right_body()
}

fn control_text() -> AppError {
    AppError::Unprocessable(
        "Text may not contain control characters (such as NUL); remove them and send again.".into(),
    )
}

/// Whether percent-encoded text (a query string or a form body) decodes to a refused character.
fn encoded_has_control(raw: &[u8], lines_allowed: bool) -> bool {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let decoded: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
    String::from_utf8_lossy(&decoded).chars().any(|c| {
        if lines_allowed {
            is_refused_char(c)
        } else {
            c.is_control()
        }
    })
}

/// Whether a JSON text has a `\uXXXX` escape of a refused character. Backslashes occur only
/// inside strings in JSON, so every escape found here is one; raw control bytes inside strings
/// are invalid JSON and refused by the parser anyway.
pub fn json_has_control(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        if body.get(i + 1) == Some(&b'u') {
            let code = body
                .get(i + 2..i + 6)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32);
            if code.is_some_and(is_refused_char) {
                return true;
            }
            i += 6;
        } else {
            i += 2;
        }
    }
    false
}

enum Kind {
    Json,
    Form,
    Other,
}

pub async fn refuse_control_characters<B: MessageBody>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let path = percent_encoding::percent_decode_str(req.path()).decode_utf8_lossy();
    if path.chars().any(char::is_control)
        || encoded_has_control(req.query_string().as_bytes(), false)
    {
        return Ok(refuse(req, control_text()));
    }
    let kind = match req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(t) if t.starts_with("application/json") => Kind::Json,
        Some(t) if t.starts_with("application/x-www-form-urlencoded") => Kind::Form,
        _ => Kind::Other,
    };
    if matches!(kind, Kind::Other) {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    // JSON and form bodies are small (JSON_LIMIT); read them whole, check, and hand them on.
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return Ok(refuse(
                req,
                AppError::BadRequest("The request body could not be read.".into()),
            ));
        };
        body.extend_from_slice(&chunk);
        if body.len() > JSON_LIMIT {
            return Ok(refuse(
                req,
                AppError::PayloadTooLarge(format!(
                    "The request body is larger than {} KiB.",
                    JSON_LIMIT / 1024
                )),
            ));
        }
    }
    let bad = match kind {
        Kind::Json => json_has_control(&body),
        _ => encoded_has_control(&body, true),
    };
    if bad {
        return Ok(refuse(req, control_text()));
    }
    req.set_payload(Payload::from(Bytes::from(body)));
    next.call(req).await.map(|r| r.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_of_control_characters_are_found_and_others_are_not() {
        assert!(json_has_control(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_control(br#"{"a":"\u001b[31m"}"#));
        assert!(json_has_control(br#"{"a":"\u007F"}"#));
        assert!(!json_has_control(br#"{"a":"line\nline\ttab\u000a\u4e2d"}"#));
        // An escaped backslash followed by the letters u0000 is text, not an escape.
        assert!(!json_has_control(br#"{"a":"\\u0000"}"#));
        assert!(encoded_has_control(b"narrative=a%00b", true));
        assert!(!encoded_has_control(b"narrative=a%0Ab+c", true));
        assert!(encoded_has_control(b"back=%2F%0A%2Fx", false));
        assert!(!encoded_has_control(b"next=%2Fmy%3Fa%3D1", false));
    }
}
