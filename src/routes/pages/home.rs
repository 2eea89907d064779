//! The public home page: what this is and how it works.

use actix_web::HttpResponse;
use askama::Template;

use crate::error::AppError;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home<'a> {
    lang: &'a str,
}

pub async fn home() -> Result<HttpResponse, AppError> {
    super::html(&Home { lang: "zh-CN" })
}
