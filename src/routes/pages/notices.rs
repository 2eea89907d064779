//! The bell: in-app notifications, newest first, and marking them read.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageResult, labels, page, see_other};
use crate::notify::inbox::{self, Mark};
use crate::routes::AppState;

pub struct Notice {
    pub title: String,
    pub text: String,
    pub number: String,
    pub link: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "pages/notifications.html")]
struct Notices<'a> {
    ctx: &'a Ctx,
    items: Vec<Notice>,
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let rows = inbox::list(&mut conn, user.id, false, 50)
        .await
        .or_page(&ctx)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let v = r.view(ctx.lang);
            Notice {
                unread: v.read_at.is_none(),
                when: labels::date(ctx.lang, &v.created_at),
                title: v.title,
                text: v.text,
                number: v.case_number,
                link: v.link,
            }
        })
        .collect();
    page(&ctx, &Notices { ctx: &ctx, items })
}

#[derive(Deserialize)]
pub struct ReadForm {
    csrf: String,
}

pub async fn read_all(
    state: web::Data<AppState>,
    Submitted { ctx, .. }: Submitted<ReadForm>,
) -> PageResult {
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    inbox::mark_read(&mut conn, user.id, &Mark::All, Utc::now())
        .await
        .or_page(&ctx)?;
    Ok(see_other("/notifications"))
}

csrf_form!(ReadForm);
