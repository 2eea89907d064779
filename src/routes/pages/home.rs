//! The public home page: what this is and how it works.

use actix_web::{HttpRequest, web};
use askama::Template;

use super::{Ctx, PageResult, page};
use crate::routes::AppState;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home<'a> {
    ctx: &'a Ctx,
}

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(&ctx, &Home { ctx: &ctx })
}
