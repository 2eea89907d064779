//! The county administrator's deadlines page (the county policy of SPEC §2).

use std::collections::HashMap;

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;

use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::db;
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::workflow::Policy;

#[derive(Template)]
#[template(path = "pages/policy.html")]
struct PolicyPage<'a> {
    ctx: &'a Ctx,
    fields: Vec<(&'static str, &'static str, i32)>,
    saved: bool,
}

fn fields(ctx: &Ctx, p: &Policy) -> Vec<(&'static str, &'static str, i32)> {
    vec![
        (
            "acceptance_days_village",
            ctx.t("村级受理期限", "Village: days to accept"),
            p.acceptance_days_village,
        ),
        (
            "acceptance_days_township",
            ctx.t("镇级受理期限", "Township: days to accept"),
            p.acceptance_days_township,
        ),
        (
            "acceptance_days_county",
            ctx.t("县级受理期限", "County: days to accept"),
            p.acceptance_days_county,
        ),
        (
            "response_days",
            ctx.t("对方答复期限", "Days for the respondent to answer"),
            p.response_days,
        ),
        (
            "mediation_days",
            ctx.t("调解期限", "Days of mediation"),
            p.mediation_days,
        ),
        (
            "extension_days",
            ctx.t("延长天数（一次）", "Extension (once), days"),
            p.extension_days,
        ),
        (
            "signature_days",
            ctx.t("签字期限", "Days to sign"),
            p.signature_days,
        ),
        (
            "confirmation_days",
            ctx.t("司法确认申请期", "Days to apply for confirmation"),
            p.confirmation_days,
        ),
        (
            "follow_up_days",
            ctx.t(
                "履行期满后回访期限",
                "Follow-up visit after performance, days",
            ),
            p.follow_up_days,
        ),
    ]
}

fn county(ctx: &Ctx) -> Result<uuid::Uuid, PageError> {
    let user = ctx.user()?;
    match (user.role, user.county_id) {
        (Role::CountyAdmin, Some(c)) => Ok(c),
        _ => Err(PageError::new(AppError::NotFound, ctx.lang)),
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let county = county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let p = db::policy::of_county(&mut conn, county)
        .await
        .or_page(&ctx)?;
    page(
        &ctx,
        &PolicyPage {
            ctx: &ctx,
            fields: fields(&ctx, &p),
            saved: q.contains_key("saved"),
        },
    )
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let county = county(&ctx)?;
    ctx.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let mut values = serde_json::Map::new();
    for (k, v) in form.iter().filter(|(k, _)| k.as_str() != "csrf") {
        let n: i32 = v.trim().parse().map_err(|_| {
            PageError::new(
                AppError::Unprocessable(format!("{k}: a whole number of days")),
                ctx.lang,
            )
            .back_to("/admin/policy".into())
        })?;
        if !(1..=365).contains(&n) {
            return Err(PageError::new(
                AppError::Unprocessable(format!("{k}: 1 to 365 days")),
                ctx.lang,
            )
            .back_to("/admin/policy".into()));
        }
        values.insert(k.clone(), n.into());
    }
    let p: Policy = serde_json::from_value(values.into())
        .map_err(|e| PageError::new(AppError::BadRequest(e.to_string()), ctx.lang))?;
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    db::policy::save(&mut conn, county, &p, user.id, Utc::now())
        .await
        .or_page(&ctx)?;
    Ok(see_other("/admin/policy?saved=1"))
}
