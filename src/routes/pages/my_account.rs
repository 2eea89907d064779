//! `/account`: the caller's own account — the number and address notices go to (a resident
//! adds or changes them, proved by a code), the password (staff), and the sessions with
//! "log out everywhere".

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::sign_in::problem;
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::accounts::session;
use crate::accounts::{contact, sign_in, staff};
use crate::auth::login::Client;
use crate::domain::{Phone, mask_email};
use crate::error::AppError;
use crate::routes::AppState;

pub struct SessionLine {
    pub when: String,
    pub how: &'static str,
    pub device: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "pages/account.html")]
struct AccountPage<'a> {
    ctx: &'a Ctx,
    phone: Option<String>,
    email: Option<String>,
    has_password: bool,
    sessions: Vec<SessionLine>,
    /// The number or address a code was just sent to (the contact form shows the code field).
    sent_to: Option<String>,
    to: String,
    error: Option<String>,
    /// Staff: whether the second factor is on, and an enrolment in progress.
    staff: bool,
    second_factor_on: bool,
    enrolment: Option<crate::accounts::second_factor::Enrolment>,
    recovery_codes: Vec<String>,
    /// An enrolment or its recovery codes are on show: that section comes first.
    enrolling: bool,
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    sent_to: Option<String>,
    to: String,
    error: Option<String>,
) -> PageResult {
    render_with(state, ctx, sent_to, to, error, None, Vec::new()).await
}

async fn render_with(
    state: &AppState,
    ctx: &Ctx,
    sent_to: Option<String>,
    to: String,
    error: Option<String>,
    enrolment: Option<crate::accounts::second_factor::Enrolment>,
    recovery_codes: Vec<String>,
) -> PageResult {
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(ctx)?;
    let row = crate::accounts::account_of(&mut conn, user)
        .await
        .map_err(|e| match e {
            AppError::Unauthorized => PageError::login(&ctx.here, ctx.lang),
            other => PageError::of(other, ctx),
        })?;
    let sessions = session::live(&mut conn, user.id, Utc::now())
        .await
        .or_page(ctx)?
        .into_iter()
        .map(|s| SessionLine {
            when: s
                .created_at
                .with_timezone(&crate::workflow::local_zone())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            how: match s.method.as_str() {
                "sms_code" => ctx.t("短信验证码", "Code by SMS"),
                "email_code" => ctx.t("邮箱验证码", "Code by email"),
                _ => ctx.t("密码", "Password"),
            },
            device: s.user_agent.chars().take(60).collect(),
            current: s.jti == user.token.jti,
        })
        .collect();
    let phone = row
        .phone_enc
        .as_deref()
        .and_then(|p| state.sealer.open(p).ok())
        .and_then(|p| Phone::parse(&p).ok())
        .map(|p| p.masked());
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    let mut response = page(
        ctx,
        &AccountPage {
            ctx,
            phone,
            email: row.email.as_deref().map(mask_email),
            has_password: row.password_hash.is_some(),
            sessions,
            sent_to,
            to,
            error,
            staff: row.role != crate::domain::Role::Resident.as_str(),
            second_factor_on: row.totp_enabled_at.is_some(),
            enrolling: enrolment.is_some() || !recovery_codes.is_empty(),
            enrolment,
            recovery_codes,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    render(&state, &ctx, None, String::new(), None).await
}

#[derive(Deserialize)]
pub struct ContactForm {
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    code: String,
    /// `send` or `verify`.
    #[serde(default)]
    act: String,
}

/// `POST /account/contact`: a code to the new number (or address), then the code.
pub async fn change_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<ContactForm>,
) -> PageResult {
    let user = ctx.user()?;
    let raw = form.to.trim();
    let to = if raw.contains('@') {
        sign_in::destination(None, Some(raw))
    } else {
        sign_in::destination(Some(raw), None)
    };
    let to = match to {
        Ok(to) => to,
        Err(e) => {
            let msg = problem(&ctx, &e);
            return render(&state, &ctx, None, raw.to_owned(), Some(msg)).await;
        }
    };
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let result = if form.act == "verify" {
        contact::change(&mut conn, &state, user, &to, &form.code, now).await
    } else {
        sign_in::send_code(&mut conn, &state, &to, &Client::of(&req), ctx.lang, now).await
    };
    drop(conn);
    match (result, form.act.as_str()) {
        (Ok(()), "verify") => Ok(see_other("/account?saved=contact")),
        (Ok(()), _) => render(&state, &ctx, Some(to.masked()), raw.to_owned(), None).await,
        (Err(e @ AppError::Unavailable), _) => Err(PageError::of(e, &ctx)),
        (Err(AppError::Conflict { .. }), _) => {
            let msg = ctx.t(
                "这个号码（或邮箱）已经属于另一个账号。",
                "This number (or address) belongs to another account.",
            );
            render(&state, &ctx, None, raw.to_owned(), Some(msg.to_owned())).await
        }
        (Err(e), act) => {
            let sent = (act == "verify").then(|| to.masked());
            let msg = problem(&ctx, &e);
            render(&state, &ctx, sent, raw.to_owned(), Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
}

pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<PasswordForm>,
) -> PageResult {
    let user = ctx.user()?;
    let form = form.into_inner();
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let changed = staff::change_password(
        &mut conn,
        &state,
        user,
        form.current,
        form.new,
        &Client::of(&req),
        now,
    )
    .await;
    drop(conn);
    match changed {
        Ok((token, claims)) => {
            let mut response = see_other("/account?saved=password");
            let _ = response.add_cookie(&session::cookie(
                &state,
                token,
                claims.exp - now.timestamp(),
            ));
            Ok(response)
        }
        Err(AppError::BadCredentials) => {
            let msg = ctx.t("现在的密码不对。", "The current password is wrong.");
            render(&state, &ctx, None, String::new(), Some(msg.to_owned())).await
        }
        Err(AppError::Unprocessable(_)) => {
            let msg = ctx.t(
                "新密码至少要 10 个字符。",
                "The new password needs at least 10 characters.",
            );
            render(&state, &ctx, None, String::new(), Some(msg.to_owned())).await
        }
        Err(e) => Err(PageError::of(e, &ctx)),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /account/sessions/end`: log out everywhere.
pub async fn end_sessions(
    state: web::Data<AppState>,
    Submitted { ctx, .. }: Submitted<CsrfOnly>,
) -> PageResult {
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    staff::end_all_sessions(&mut conn, &state.principals, user)
        .await
        .or_page(&ctx)?;
    let mut response = see_other("/login");
    let _ = response.add_cookie(&session::removal(&state));
    Ok(response)
}

/// `GET /account/data`: the same document as `/api/v1/me/data`, as a file to keep.
pub async fn download_data(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let data = crate::accounts::my_data::export(&mut conn, &state.sealer, user, Utc::now())
        .await
        .or_page(&ctx)?;
    let body = serde_json::to_string_pretty(&data)
        .map_err(|e| PageError::of(AppError::internal(e), &ctx))?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"fengqiao-my-data.json\"",
        ))
        .body(body))
}

#[derive(Deserialize)]
pub struct SecondFactorForm {
    csrf: String,
    /// `begin`, `confirm` or `off`.
    act: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/second-factor`: staff turn the authenticator app on (QR code, first code,
/// recovery codes) or off.
pub async fn second_factor(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<SecondFactorForm>,
) -> PageResult {
    use crate::accounts::second_factor as sf;
    let user = ctx.user()?;
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let row = crate::accounts::account_of(&mut conn, user)
        .await
        .map_err(|e| match e {
            AppError::Unauthorized => PageError::login(&ctx.here, ctx.lang),
            other => PageError::of(other, &ctx),
        })?;
    let wrong = || {
        ctx.t(
            "验证码不对，请输入验证器应用上最新的 6 位数字。",
            "That code is wrong: enter the newest 6 digits of the app.",
        )
        .to_owned()
    };
    match form.act.as_str() {
        "begin" => {
            let enrolment = sf::begin(&mut conn, &state, &row).await.or_page(&ctx)?;
            drop(conn);
            render_with(
                &state,
                &ctx,
                None,
                String::new(),
                None,
                Some(enrolment),
                Vec::new(),
            )
            .await
        }
        "confirm" => match sf::confirm(&mut conn, &state, &row, &form.code, now).await {
            Ok(codes) => {
                drop(conn);
                render_with(&state, &ctx, None, String::new(), None, None, codes).await
            }
            Err(AppError::InvalidCode) => {
                let enrolment = sf::begin(&mut conn, &state, &row).await.or_page(&ctx)?;
                drop(conn);
                render_with(
                    &state,
                    &ctx,
                    None,
                    String::new(),
                    Some(wrong()),
                    Some(enrolment),
                    Vec::new(),
                )
                .await
            }
            Err(e) => Err(PageError::of(e, &ctx)),
        },
        _ => match sf::turn_off(&mut conn, &state, &row, &form.code, now).await {
            Ok(()) => Ok(see_other("/account")),
            Err(AppError::InvalidCode) => {
                drop(conn);
                render(&state, &ctx, None, String::new(), Some(wrong())).await
            }
            Err(e) => Err(PageError::of(e, &ctx)),
        },
    }
}

#[derive(Deserialize)]
pub struct DeletionForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "pages/deletion_requested.html")]
struct DeletionRequested<'a> {
    ctx: &'a Ctx,
    deleted: bool,
    holds: Vec<String>,
}

/// `POST /account/deletion`: a resident asks for the account to be deleted.
pub async fn request_deletion(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<DeletionForm>,
) -> PageResult {
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let done = crate::accounts::deletion::request(
        &mut conn,
        &state.principals,
        user,
        Some(&form.reason),
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/account".into()))?;
    let mut response = page(
        &ctx,
        &DeletionRequested {
            ctx: &ctx,
            deleted: done.deleted,
            holds: done.holds,
        },
    )?;
    if done.deleted {
        let _ = response.add_cookie(&session::removal(&state));
    }
    Ok(response)
}

csrf_form!(
    ContactForm,
    CsrfOnly,
    DeletionForm,
    PasswordForm,
    SecondFactorForm
);
