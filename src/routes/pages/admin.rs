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
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let p = crate::casework::policy::current(&mut conn, ctx.user()?)
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
    county(&ctx)?;
    ctx.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
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
        .map_err(|e| PageError::new(e, ctx.lang).back_to(back()))?;
    Ok(see_other("/admin/policy?saved=1"))
}

pub struct Committee {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub staff: Vec<(String, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "pages/staff.html")]
struct StaffPage<'a> {
    ctx: &'a Ctx,
    committees: Vec<Committee>,
    others: Vec<(String, String, &'static str)>,
    created: bool,
}

fn role_label(ctx: &Ctx, role: &str) -> &'static str {
    match role {
        "committee_head" => ctx.t("调委会主任", "Committee head"),
        "mediator" => ctx.t("调解员", "Mediator"),
        "judge" => ctx.t("法官", "Judge"),
        _ => ctx.t("管理员", "Administrator"),
    }
}

pub async fn staff(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let county = county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let all = db::staff::committees_of_county(&mut conn, county)
        .await
        .or_page(&ctx)?;
    let people = db::staff::staff_of_county(&mut conn, county)
        .await
        .or_page(&ctx)?;
    let committees = all
        .into_iter()
        .map(|(id, code, name, level)| Committee {
            code,
            name,
            level: super::labels::level(ctx.lang, &level),
            staff: people
                .iter()
                .filter(|p| p.3 == Some(id))
                .map(|p| (p.0.clone(), p.1.clone(), role_label(&ctx, &p.2)))
                .collect(),
        })
        .collect();
    let others = people
        .iter()
        .filter(|p| p.3.is_none())
        .map(|p| (p.0.clone(), p.1.clone(), role_label(&ctx, &p.2)))
        .collect();
    page(
        &ctx,
        &StaffPage {
            ctx: &ctx,
            committees,
            others,
            created: q.contains_key("created"),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct NewStaffForm {
    csrf: String,
    name: String,
    email: String,
    role: String,
    committee: Option<String>,
    password: String,
}

pub async fn add_staff(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NewStaffForm>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    // Only the county administrator gets here; the account goes into their county.
    county(&ctx)?;
    ctx.check_csrf(&form.csrf)?;
    if !["mediator", "committee_head", "judge"].contains(&form.role.as_str()) {
        return Err(PageError::new(
            AppError::Unprocessable("role: mediator, committee_head or judge".into()),
            ctx.lang,
        )
        .back_to("/admin/staff".into()));
    }
    let county_code = ctx.user()?.county_code.clone();
    let form = form.into_inner();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::accounts::create(
        &mut conn,
        crate::accounts::NewAccount {
            email: &form.email,
            name: &form.name,
            role: &form.role,
            password: form.password,
            committee_code: form
                .committee
                .as_deref()
                .filter(|c| !c.is_empty() && form.role != "judge"),
            county_code: county_code.as_deref(),
        },
    )
    .await
    .map_err(|e| PageError::new(e, ctx.lang).back_to("/admin/staff".into()))?;
    Ok(see_other("/admin/staff?created=1"))
}
