//! The county administrator's page of account deletion requests, with the open cases holding
//! each, and the decision.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::admin::county;
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, labels, page, see_other};
use crate::accounts::deletion::{self, PendingView};
use crate::routes::AppState;

#[derive(Template)]
#[template(path = "pages/deletions.html")]
struct Deletions<'a> {
    ctx: &'a Ctx,
    requests: Vec<(PendingView, String)>,
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let requests = deletion::pending(&mut conn, ctx.user()?)
        .await
        .or_page(&ctx)?
        .into_iter()
        .map(|r| {
            let when = labels::date(ctx.lang, &r.requested_at);
            (r, when)
        })
        .collect();
    page(
        &ctx,
        &Deletions {
            ctx: &ctx,
            requests,
        },
    )
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<DecisionForm>,
) -> PageResult {
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    deletion::decide(
        &mut conn,
        &state.principals,
        ctx.user()?,
        *id,
        form.decision == "delete",
        Some(&form.note),
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/admin/deletions".into()))?;
    Ok(see_other("/admin/deletions"))
}

csrf_form!(DecisionForm);
