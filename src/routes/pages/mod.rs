//! HTML pages, one file per screen. They call the same engine and authorization functions as
//! the API; no rule is written twice.

pub mod home;

use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    lang: &'a str,
    title: &'a str,
    message: String,
}

/// An error as a page for people (the API answers JSON instead).
pub fn error_page(_req: &HttpRequest, error: &AppError) -> HttpResponse {
    let title = match error {
        AppError::NotFound => "找不到这个页面 / Page not found",
        AppError::Unauthorized => "请先登录 / Please log in",
        AppError::Unavailable => "系统繁忙 / Busy",
        _ => "出了点问题 / Something went wrong",
    };
    let page = ErrorPage {
        lang: "zh-CN",
        title,
        message: error.to_string(),
    };
    let body = page.render().unwrap_or_else(|_| error.to_string());
    HttpResponse::build(error.status_code())
        .content_type("text/html; charset=utf-8")
        .body(body)
}

pub fn html(page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
