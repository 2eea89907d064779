//! Pages, styles, scripts and drawings go compressed (brotli or gzip, as the browser accepts);
//! everything else (PDFs, bundles, evidence, recordings, JSON, metrics) as it is: already
//! compressed, streamed from disk, or small. actix-web's `Compress` compresses whatever it is
//! not told to leave, and it leaves a response marked `Content-Encoding: identity`; `mark` sets
//! that mark inside it and `unmark` takes it off outside it, so no response carries it.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Whether a response of this type is worth compressing.
fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(kind) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let kind = kind.split(';').next().unwrap_or("").trim();
    matches!(
        kind,
        "text/html" | "text/css" | "text/javascript" | "application/javascript" | "image/svg+xml"
    )
}

pub async fn mark(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if !compressible(headers.get(header::CONTENT_TYPE))
        && !headers.contains_key(header::CONTENT_ENCODING)
    {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        );
    }
    Ok(res)
}

pub async fn unmark(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "identity")
    {
        headers.remove(header::CONTENT_ENCODING);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_for_people_is_compressed() {
        let of = |s: &'static str| compressible(Some(&HeaderValue::from_static(s)));
        assert!(of("text/html; charset=utf-8") && of("text/css") && of("image/svg+xml"));
        assert!(of("application/javascript"));
        for kept in [
            "application/pdf",
            "application/zip",
            "audio/mp4",
            "application/json",
            "text/plain; version=0.0.4",
        ] {
            assert!(!of(kept), "{kept}");
        }
        assert!(!compressible(None));
    }
}
