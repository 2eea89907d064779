//! CSS and the little JavaScript there is, compiled into the binary: nothing to deploy beside
//! it, and nothing fetched from another origin.

use actix_web::{HttpResponse, http::header, web};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_str!("../../static/site.css"),
    ),
    (
        "upload.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/upload.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../static/icon.svg"),
    ),
    (
        "document.css",
        "text/css; charset=utf-8",
        include_str!("../../static/document.css"),
    ),
];

pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, content_type, body) = FILES
        .iter()
        .find(|(n, _, _)| *n == name.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(*body))
}

/// `/favicon.ico`: browsers ask for it on every site; the service's icon (SVG) answers, so the
/// request does not end as a page of its own.
pub async fn favicon() -> Result<HttpResponse, AppError> {
    serve(web::Path::from("icon.svg".to_owned())).await
}
