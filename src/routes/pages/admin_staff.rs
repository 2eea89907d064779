//! The county administrator's committees-and-staff page: invite a staff member (they set their
//! own password through the mailed link), send the link again, deactivate and reactivate.

use std::collections::HashMap;

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::admin::county;
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::accounts::staff::{self, NewStaff};
use crate::routes::AppState;

pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub active: bool,
    pub invited: bool,
    pub is_me: bool,
}

pub struct Committee {
    pub id: String,
    pub phone: String,
    pub address: String,
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub staff: Vec<Person>,
}

#[derive(Template)]
#[template(path = "pages/staff.html")]
struct StaffPage<'a> {
    ctx: &'a Ctx,
    committees: Vec<Committee>,
    others: Vec<Person>,
    done: Option<&'static str>,
    /// The roles a county administrator may invite (`accounts::staff::INVITABLE`), named.
    roles: Vec<(&'static str, &'static str)>,
}

fn done_message(ctx: &Ctx, q: &HashMap<String, String>) -> Option<&'static str> {
    let which = q.get("done")?;
    Some(match which.as_str() {
        "invited" => ctx.t(
            "账号已创建，设置密码的链接已发到对方邮箱。",
            "The account is made and the link to set a password was mailed.",
        ),
        "resent" => ctx.t("链接已重新发送。", "The link was sent again."),
        "deactivated" => ctx.t(
            "账号已停用，它的所有登录已立即失效。",
            "The account is deactivated; all its sessions ended at once.",
        ),
        "reactivated" => ctx.t("账号已恢复使用。", "The account is active again."),
        "contact" => ctx.t(
            "联系电话和地址已保存，当事人在案件页面上可以直接拨打。",
            "The phone and address are saved; parties can call from the case page.",
        ),
        _ => return None,
    })
}

pub async fn staff_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let county = county(&ctx)?;
    let me = ctx.user()?.id;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let (all, people) = staff::roster(&mut conn, county).await.or_page(&ctx)?;
    let contacts = crate::accounts::committees::of_county(&mut conn, county)
        .await
        .or_page(&ctx)?;
    let person = |p: &staff::StaffMember| Person {
        id: p.id.to_string(),
        name: p.name.clone(),
        email: p.email.clone().unwrap_or_default(),
        role: super::labels::role(ctx.lang, &p.role),
        active: !p.deactivated,
        invited: !p.has_password,
        is_me: p.id == me,
    };
    let committees = all
        .into_iter()
        .map(|(id, code, name, level)| {
            let contact = contacts.iter().find(|c| c.0 == id);
            Committee {
                id: id.to_string(),
                phone: contact.and_then(|c| c.1.clone()).unwrap_or_default(),
                address: contact.and_then(|c| c.2.clone()).unwrap_or_default(),
                code,
                name,
                level: super::labels::level(ctx.lang, &level),
                staff: people
                    .iter()
                    .filter(|p| p.committee_id == Some(id))
                    .map(person)
                    .collect(),
            }
        })
        .collect();
    let others = people
        .iter()
        .filter(|p| p.committee_id.is_none())
        .map(person)
        .collect();
    page(
        &ctx,
        &StaffPage {
            ctx: &ctx,
            committees,
            others,
            done: done_message(&ctx, &q),
            roles: staff::INVITABLE
                .iter()
                .map(|r| (r.as_str(), super::labels::role(ctx.lang, r.as_str())))
                .collect(),
        },
    )
}

#[derive(Deserialize)]
pub struct NewStaffForm {
    csrf: String,
    name: String,
    email: String,
    role: String,
    committee: Option<String>,
}

pub async fn invite(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<NewStaffForm>,
) -> PageResult {
    county(&ctx)?;
    let back = || "/admin/staff".to_owned();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    staff::invite(
        &mut conn,
        &state,
        ctx.user()?,
        NewStaff {
            name: &form.name,
            email: &form.email,
            role: &form.role,
            committee_code: form.committee.as_deref().filter(|c| !c.is_empty()),
        },
        ctx.lang,
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to(back()))?;
    Ok(see_other("/admin/staff?done=invited"))
}

#[derive(Deserialize)]
pub struct MemberForm {
    csrf: String,
    /// `deactivate`, `reactivate` or `resend`.
    what: String,
}

pub async fn member(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<MemberForm>,
) -> PageResult {
    county(&ctx)?;
    let back = || "/admin/staff".to_owned();
    let admin = ctx.user()?;
    let id = path.into_inner();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let now = Utc::now();
    let done = match form.what.as_str() {
        "deactivate" => staff::set_active(&mut conn, &state.principals, admin, id, false, now)
            .await
            .map(|_| "deactivated"),
        "reactivate" => staff::set_active(&mut conn, &state.principals, admin, id, true, now)
            .await
            .map(|_| "reactivated"),
        _ => staff::resend_invitation(&mut conn, &state, admin, id, ctx.lang, now)
            .await
            .map(|_| "resent"),
    }
    .map_err(|e| PageError::of(e, &ctx).back_to(back()))?;
    Ok(see_other(&format!("/admin/staff?done={done}")))
}

#[derive(Deserialize)]
pub struct ContactForm {
    csrf: String,
    phone: String,
    address: String,
}

/// The county admin sets how a committee is reached.
pub async fn committee_contact(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<ContactForm>,
) -> PageResult {
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::accounts::committees::set_contact(
        &mut conn,
        ctx.user()?,
        path.into_inner(),
        &form.phone,
        &form.address,
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/admin/staff".to_owned()))?;
    Ok(see_other("/admin/staff?done=contact"))
}

csrf_form!(MemberForm, NewStaffForm, ContactForm);
