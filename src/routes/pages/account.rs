//! Login and logout, the language and text-size switches, public lookup, the privacy notice and
//! help, and the invitation page for respondents without an account.

use actix_web::cookie::Cookie;
use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::sign_in::{Login, safe_next};
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::accounts::session;
use crate::auth::login;
use crate::casework::filing::PRIVACY_NOTICE_VERSION;
use crate::casework::invitation::{self, Answer, InvitationView};
use crate::casework::parties::{self, CaseKey, PublicStatus};
use crate::error::AppError;
use crate::routes::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<LoginForm>,
) -> PageResult {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    match session::attempt(
        &mut conn,
        &state,
        &form.email,
        form.password,
        &login::Client::of(&req),
        now,
    )
    .await
    {
        Ok(session::Outcome::Session(token, claims)) => {
            let mut response = see_other(&next);
            let _ = response.add_cookie(&session::cookie(
                &state,
                token,
                claims.exp - now.timestamp(),
            ));
            Ok(response)
        }
        Ok(session::Outcome::SecondFactor { ticket, enrol }) => {
            super::second_factor::step(&ctx, &state, &mut conn, ticket, enrol, next, None).await
        }
        Err(
            e @ (AppError::BadCredentials | AppError::TooManyRequests { .. } | AppError::Locked),
        ) => {
            let error = match e {
                AppError::TooManyRequests { .. } => ctx.t(
                    "尝试次数太多，请 15 分钟后再试。",
                    "Too many attempts. Please try again in 15 minutes.",
                ),
                AppError::Locked => ctx.t(
                    "这个账号因多处多次密码错误已被临时锁定。如果账号存在，解锁链接已发到它的邮箱。",
                    "This account is locked after many wrong passwords from many places. If it exists, an unlock link went to its email address.",
                ),
                _ => ctx.t(
                    "邮箱或密码不对，请再试一次。",
                    "The email or the password is wrong. Please try again.",
                ),
            };
            let body = Login {
                ctx: &ctx,
                by: "password",
                next,
                to: form.email,
                name: String::new(),
                sent: false,
                sent_to: String::new(),
                error: Some(error.to_owned()),
            };
            let mut response = page(&ctx, &body)?;
            *response.status_mut() = actix_web::ResponseError::status_code(&e);
            Ok(response)
        }
        Err(e) => Err(PageError::of(e, &ctx)),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    state: web::Data<AppState>,
    Submitted { ctx, .. }: Submitted<CsrfForm>,
) -> PageResult {
    if let Some(user) = &ctx.user {
        let mut conn = state.pool.get().await.or_page(&ctx)?;
        login::logout(&mut conn, &state.principals, &user.token)
            .await
            .or_page(&ctx)?;
    }
    let mut response = see_other("/");
    let _ = response.add_cookie(&session::removal(&state));
    Ok(response)
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

fn remember(
    name: &'static str,
    value: &'static str,
    back: Option<&str>,
) -> actix_web::HttpResponse {
    let target = super::local_path(back).unwrap_or("/");
    let mut response = see_other(target);
    let cookie = Cookie::build(name, value)
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let _ = response.add_cookie(&cookie);
    response
}

pub async fn language(choice: web::Path<String>, q: web::Query<Back>) -> actix_web::HttpResponse {
    let value = if choice.as_str() == "en" { "en" } else { "zh" };
    remember(super::ctx::LANG_COOKIE, value, q.back.as_deref())
}

pub async fn text_size(choice: web::Path<String>, q: web::Query<Back>) -> actix_web::HttpResponse {
    let value = if choice.as_str() == "big" { "1" } else { "0" };
    remember(super::ctx::BIG_COOKIE, value, q.back.as_deref())
}

#[derive(Template)]
#[template(path = "pages/lookup.html")]
struct Lookup<'a> {
    ctx: &'a Ctx,
    status: Option<PublicStatus>,
    not_found: bool,
    number: String,
}

pub async fn lookup_form(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(
        &ctx,
        &Lookup {
            ctx: &ctx,
            status: None,
            not_found: false,
            number: String::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct LookupForm {
    csrf: String,
    number: String,
    access_code: String,
}

pub async fn lookup_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<LookupForm>,
) -> PageResult {
    let key = CaseKey {
        number: form.number.clone(),
        access_code: form.access_code.clone(),
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    match parties::lookup(
        &mut conn,
        &key,
        &login::client_address(&req),
        ctx.lang,
        Utc::now(),
    )
    .await
    {
        Ok(status) => page(
            &ctx,
            &Lookup {
                ctx: &ctx,
                status: Some(status),
                not_found: false,
                number: form.number.clone(),
            },
        ),
        Err(AppError::NotFound) => {
            let mut r = page(
                &ctx,
                &Lookup {
                    ctx: &ctx,
                    status: None,
                    not_found: true,
                    number: form.number.clone(),
                },
            )?;
            *r.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
            Ok(r)
        }
        Err(e) => Err(PageError::of(e, &ctx)),
    }
}

#[derive(Template)]
#[template(path = "pages/info.html")]
struct Info<'a> {
    ctx: &'a Ctx,
    privacy: bool,
    version: &'a str,
}

pub async fn privacy(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(
        &ctx,
        &Info {
            ctx: &ctx,
            privacy: true,
            version: PRIVACY_NOTICE_VERSION,
        },
    )
}

pub async fn help(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    page(
        &ctx,
        &Info {
            ctx: &ctx,
            privacy: false,
            version: PRIVACY_NOTICE_VERSION,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/invitation.html")]
struct Invitation<'a> {
    ctx: &'a Ctx,
    inv: InvitationView,
    token: &'a str,
}

pub async fn invitation_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let inv = invitation::show(&mut conn, &state.keys, &token, ctx.lang)
        .await
        .or_page(&ctx)?;
    page(
        &ctx,
        &Invitation {
            ctx: &ctx,
            inv,
            token: &token,
        },
    )
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    answer: String,
    reason: Option<String>,
    password: Option<String>,
}

pub async fn invitation_answer(
    state: web::Data<AppState>,
    token: web::Path<String>,
    Submitted { ctx, form }: Submitted<AnswerForm>,
) -> PageResult {
    let form = form.into_inner();
    let answer = Answer {
        answer: form.answer,
        reason: form.reason.filter(|r| !r.trim().is_empty()),
        password: form.password.filter(|p| !p.is_empty()),
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let inv = invitation::answer(&mut conn, &state.keys, &token, answer, Utc::now())
        .await
        .or_page(&ctx)?;
    page(
        &ctx,
        &Invitation {
            ctx: &ctx,
            inv,
            token: &token,
        },
    )
}

csrf_form!(AnswerForm, CsrfForm, LoginForm, LookupForm);
