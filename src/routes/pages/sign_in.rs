//! The login page: a mobile number and a code first (most residents have nothing else), an
//! email code and the staff password one tap away; the forgotten-password form; the page of a
//! reset or staff-invitation link; and `/i/{code}`, the short links of texts.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::accounts::session;
use crate::accounts::{sign_in, staff};
use crate::auth::login::Client;
use crate::error::AppError;
use crate::routes::AppState;

/// How the person signs in on this screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Phone,
    Email,
    Password,
}

impl By {
    pub fn parse(s: Option<&str>) -> By {
        match s {
            Some("email") => By::Email,
            Some("password") => By::Password,
            _ => By::Phone,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            By::Phone => "phone",
            By::Email => "email",
            By::Password => "password",
        }
    }
}

#[derive(Template)]
#[template(path = "pages/login.html")]
pub struct Login<'a> {
    pub ctx: &'a Ctx,
    pub by: &'static str,
    pub next: String,
    /// The number or address typed (kept across the code step).
    pub to: String,
    pub name: String,
    /// The code went out: show the code field.
    pub sent: bool,
    pub sent_to: String,
    pub error: Option<String>,
}

/// Only paths on this site are followed after login.
pub fn safe_next(next: Option<&str>) -> String {
    super::local_path(next).unwrap_or("/my").to_owned()
}

/// What went wrong with a code, in the words of the page's language.
pub fn problem(ctx: &Ctx, e: &AppError) -> String {
    match e {
        AppError::InvalidCode => ctx
            .t(
                "验证码不对，或已经失效。请检查后再输入，或重新获取验证码。",
                "The code is wrong or no longer valid. Check it, or ask for a new one.",
            )
            .to_owned(),
        AppError::TooManyRequests { retry_after_secs } => {
            let wait = super::wait_words(*retry_after_secs, ctx.lang);
            match ctx.lang {
                crate::workflow::Lang::Zh => format!("获取验证码太频繁了，请 {wait}后再试。"),
                crate::workflow::Lang::En => {
                    format!("Too many codes asked for. Please try again in {wait}.")
                }
            }
        }
        AppError::NotSent => ctx
            .t(
                "验证码暂时发不出去，请过一分钟再试。",
                "The code could not be sent just now. Please try again in a minute.",
            )
            .to_owned(),
        AppError::Unprocessable(m) if m.starts_with("phone") => ctx
            .t(
                "手机号不对：应是 11 位数字，以 13 到 19 开头。",
                "That mobile number is not right: 11 digits starting with 13 to 19.",
            )
            .to_owned(),
        AppError::Unprocessable(m) if m.starts_with("email") => ctx
            .t("邮箱地址不对，请检查。", "That email address is not right.")
            .to_owned(),
        AppError::Unprocessable(m) if m.starts_with("code") => ctx
            .t("验证码是 6 位数字。", "The code has 6 digits.")
            .to_owned(),
        AppError::Unprocessable(m) if m.starts_with("name") => ctx
            .t(
                "第一次使用，请填写您的姓名。",
                "This is your first time: please enter your name.",
            )
            .to_owned(),
        AppError::Unprocessable(_) => ctx
            .t(
                "请填写手机号（或邮箱）。",
                "Please enter a mobile number (or an email address).",
            )
            .to_owned(),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    by: Option<String>,
}

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<LoginQuery>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(
        &ctx,
        &Login {
            ctx: &ctx,
            by: By::parse(q.by.as_deref()).as_str(),
            next: safe_next(q.next.as_deref()),
            to: String::new(),
            name: String::new(),
            sent: false,
            sent_to: String::new(),
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    by: Option<String>,
    next: Option<String>,
    #[serde(default)]
    to: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    /// `send` (a new code) or `verify`.
    #[serde(default)]
    act: String,
}

fn destination_of(by: By, to: &str) -> Result<crate::domain::Destination, AppError> {
    match by {
        By::Email => sign_in::destination(None, Some(to)),
        _ => sign_in::destination(Some(to), None),
    }
}

/// `POST /login/code`: sends a code, or checks it and signs in.
pub async fn code_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<CodeForm>,
) -> PageResult {
    let form = form.into_inner();
    let by = match By::parse(form.by.as_deref()) {
        By::Password => By::Phone,
        other => other,
    };
    let next = safe_next(form.next.as_deref());
    let now = Utc::now();
    let client = Client::of(&req);
    let mut screen = Login {
        ctx: &ctx,
        by: by.as_str(),
        next: next.clone(),
        to: form.to.trim().to_owned(),
        name: form.name.trim().to_owned(),
        sent: form.act == "verify",
        sent_to: String::new(),
        error: None,
    };
    let outcome = async {
        let to = destination_of(by, &form.to)?;
        screen.sent_to = to.masked();
        let mut conn = state.pool.get().await?;
        if form.act == "verify" {
            let done = sign_in::verify_code(
                &mut conn,
                &state,
                sign_in::Answer {
                    to: &to,
                    code: &form.code,
                    name: Some(&form.name),
                },
                &client,
                ctx.lang,
                now,
            )
            .await?;
            Ok(Some(done))
        } else {
            sign_in::send_code(&mut conn, &state, &to, &client, ctx.lang, now).await?;
            Ok(None)
        }
    }
    .await;
    match outcome {
        Ok(Some(done)) => {
            let mut response = see_other(&next);
            let _ = response.add_cookie(&session::cookie(
                &state,
                done.token,
                done.claims.exp - now.timestamp(),
            ));
            Ok(response)
        }
        Ok(None) => {
            screen.sent = true;
            page(&ctx, &screen)
        }
        Err(e @ AppError::Unavailable) => Err(PageError::of(e, &ctx)),
        Err(e) => {
            // A bad number goes back to the number field; anything else keeps the code field.
            if matches!(&e, AppError::Unprocessable(m) if m.starts_with("phone") || m.starts_with("email"))
            {
                screen.sent = false;
            }
            screen.error = Some(problem(&ctx, &e));
            let status = actix_web::ResponseError::status_code(&e);
            let mut response = page(&ctx, &screen)?;
            *response.status_mut() = status;
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "pages/account_link.html")]
struct LinkPage<'a> {
    ctx: &'a Ctx,
    token: String,
    name: String,
    first: bool,
    error: Option<String>,
}

/// `GET /account/link/{token}`: the form that sets a password through a mailed link.
pub async fn link_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let view = staff::peek_link(&mut conn, &state, &token)
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/login/reset".into()))?;
    page(
        &ctx,
        &LinkPage {
            ctx: &ctx,
            token: token.into_inner(),
            name: view.name,
            first: view.first_password,
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    password: String,
}

pub async fn link_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    Submitted { ctx, form }: Submitted<LinkForm>,
) -> PageResult {
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let view = staff::peek_link(&mut conn, &state, &token)
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/login/reset".into()))?;
    let form = form.into_inner();
    match staff::use_link(
        &mut conn,
        &state,
        &token,
        form.password,
        &Client::of(&req),
        now,
    )
    .await
    {
        Ok((session, claims)) => {
            let mut response = see_other("/my");
            let _ = response.add_cookie(&session::cookie(
                &state,
                session,
                claims.exp - now.timestamp(),
            ));
            Ok(response)
        }
        Err(AppError::Unprocessable(m)) if m.starts_with("password") => {
            let body = LinkPage {
                ctx: &ctx,
                token: token.into_inner(),
                name: view.name,
                first: view.first_password,
                error: Some(
                    ctx.t(
                        "密码至少要 10 个字符。",
                        "The password needs at least 10 characters.",
                    )
                    .to_owned(),
                ),
            };
            let mut response = page(&ctx, &body)?;
            *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(PageError::of(e, &ctx).back_to("/login/reset".into())),
    }
}

#[derive(Template)]
#[template(path = "pages/reset.html")]
struct ResetPage<'a> {
    ctx: &'a Ctx,
    sent: bool,
    error: Option<String>,
}

pub async fn reset_form(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(
        &ctx,
        &ResetPage {
            ctx: &ctx,
            sent: false,
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    email: String,
}

pub async fn reset_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<ResetForm>,
) -> PageResult {
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let result = staff::request_reset(
        &mut conn,
        &state,
        &form.email,
        &Client::of(&req),
        ctx.lang,
        Utc::now(),
    )
    .await;
    let (sent, error) = match result {
        Ok(()) => (true, None),
        Err(e @ AppError::Unavailable) => return Err(PageError::of(e, &ctx)),
        Err(e) => (false, Some(problem(&ctx, &e))),
    };
    page(
        &ctx,
        &ResetPage {
            ctx: &ctx,
            sent,
            error,
        },
    )
}

/// `GET /i/{code}`: where a text's short link leads.
pub async fn short_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let code = code.into_inner().to_ascii_uppercase();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let target = crate::notify::short_links::target(&mut conn, &code, Utc::now())
        .await
        .or_page(&ctx)?
        .ok_or_else(|| PageError::of(AppError::NotFound, &ctx))?;
    Ok(see_other(&target))
}

#[derive(Template)]
#[template(path = "pages/unlocked.html")]
struct Unlocked<'a> {
    ctx: &'a Ctx,
}

/// `GET /login/unlock/{token}`: the mailed link that unlocks an account.
pub async fn unlock_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    staff::unlock(&mut conn, &state, &token, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/login?by=password".into()))?;
    page(&ctx, &Unlocked { ctx: &ctx })
}

csrf_form!(CodeForm, LinkForm, ResetForm);
