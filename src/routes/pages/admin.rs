//! The county administrator's deadlines page (the county policy of SPEC §2); the staff page is
//! `admin_staff.rs`.

use std::collections::HashMap;

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;

use super::submitted::Submitted;
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::domain::Role;
use crate::error::AppError;
use crate::routes::AppState;
use crate::workflow::Policy;

#[derive(Template)]
#[template(path = "pages/policy.html")]
struct PolicyPage<'a> {
    ctx: &'a Ctx,
    fields: Vec<(&'static str, &'static str, i32)>,
    saved: bool,
    retention_years: i32,
    /// The county's court: name, address, phone (empty when not named yet).
    court: (String, String, String),
}

fn label(ctx: &Ctx, name: &str) -> &'static str {
    match name {
        "acceptance_days_village" => ctx.t("村级受理期限", "Village: days to accept"),
        "acceptance_days_township" => ctx.t("镇级受理期限", "Township: days to accept"),
        "acceptance_days_county" => ctx.t("县级受理期限", "County: days to accept"),
        "response_days" => ctx.t("对方答复期限", "Days for the respondent to answer"),
        "mediation_days" => ctx.t("调解期限", "Days of mediation"),
        "extension_days" => ctx.t("延长天数（一次）", "Extension (once), days"),
        "signature_days" => ctx.t("签字期限", "Days to sign"),
        "confirmation_days" => ctx.t("司法确认申请期", "Days to apply for confirmation"),
        _ => ctx.t(
            "履行期满后回访期限",
            "Follow-up visit after performance, days",
        ),
    }
}

fn fields(ctx: &Ctx, p: &Policy) -> Vec<(&'static str, &'static str, i32)> {
    p.fields()
        .into_iter()
        .map(|(name, value)| (name, label(ctx, name), value))
        .collect()
}

pub(super) fn county(ctx: &Ctx) -> Result<uuid::Uuid, PageError> {
    let user = ctx.user()?;
    match (user.role, user.county_id) {
        (Role::CountyAdmin, Some(c)) => Ok(c),
        _ => Err(PageError::of(AppError::NotFound, ctx)),
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let p = crate::casework::policy::current(&mut conn, ctx.user()?)
        .await
        .or_page(&ctx)?;
    let retention_years = crate::casework::policy::retention(&mut conn, ctx.user()?)
        .await
        .or_page(&ctx)?;
    let court = crate::accounts::committees::court(&mut conn, county(&ctx)?)
        .await
        .or_page(&ctx)?
        .map(|c| {
            (
                c.name,
                c.address.unwrap_or_default(),
                c.phone.unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    page(
        &ctx,
        &PolicyPage {
            ctx: &ctx,
            fields: fields(&ctx, &p),
            saved: q.contains_key("saved"),
            retention_years,
            court,
        },
    )
}

pub async fn save(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<HashMap<String, String>>,
) -> PageResult {
    county(&ctx)?;
    let back = || "/admin/policy".to_owned();
    let mut values = serde_json::Map::new();
    for (k, v) in form.iter().filter(|(k, _)| k.as_str() != "csrf") {
        let n: i32 = v.trim().parse().map_err(|_| {
            PageError::new(
                AppError::Unprocessable(format!("{k}: a whole number of days")),
                ctx.lang,
            )
            .back_to(back())
        })?;
        values.insert(k.clone(), n.into());
    }
    let p: Policy = serde_json::from_value(values.into()).map_err(|e| {
        PageError::new(AppError::BadRequest(e.to_string()), ctx.lang).back_to(back())
    })?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::casework::policy::change(&mut conn, ctx.user()?, p, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to(back()))?;
    Ok(see_other("/admin/policy?saved=1"))
}

/// `POST /admin/retention`: the years personal data is kept after a case ends.
pub async fn save_retention(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<HashMap<String, String>>,
) -> PageResult {
    county(&ctx)?;
    let back = || "/admin/policy".to_owned();
    let years: i32 = form
        .get("retention_years")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::casework::policy::change_retention(&mut conn, ctx.user()?, years, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to(back()))?;
    Ok(see_other("/admin/policy?saved=1"))
}

/// `POST /admin/court`: the county's court, named on the page of a case referred to it.
pub async fn save_court(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<HashMap<String, String>>,
) -> PageResult {
    county(&ctx)?;
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::accounts::committees::set_court(
        &mut conn,
        ctx.user()?,
        (field("name"), field("address"), field("phone")),
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/admin/policy".to_owned()))?;
    Ok(see_other("/admin/policy?saved=1"))
}
