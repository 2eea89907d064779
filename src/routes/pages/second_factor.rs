//! The login page's second step for staff with a second factor: the code of the authenticator
//! app (or a recovery code); and, for a judge or administrator who must have one and has not,
//! enrolment right there (QR code, the first code, the recovery codes to keep).

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::sign_in::safe_next;
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::accounts::second_factor::{self, Enrolment};
use crate::accounts::session;
use crate::auth::login::Client;
use crate::error::AppError;
use crate::routes::AppState;

#[derive(Template)]
#[template(path = "pages/second_factor.html")]
struct Step<'a> {
    ctx: &'a Ctx,
    ticket: String,
    next: String,
    enrolment: Option<Enrolment>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/recovery_codes.html")]
struct Codes<'a> {
    ctx: &'a Ctx,
    codes: Vec<String>,
    next: String,
}

/// Shows the second step (starting an enrolment when one is needed).
pub async fn step(
    ctx: &Ctx,
    state: &AppState,
    conn: &mut AsyncPgConnection,
    ticket: String,
    enrol: bool,
    next: String,
    error: Option<String>,
) -> PageResult {
    let enrolment = if enrol {
        let user = second_factor::redeem(conn, state, &ticket)
            .await
            .or_page(ctx)?;
        Some(
            second_factor::begin(conn, state, &user)
                .await
                .or_page(ctx)?,
        )
    } else {
        None
    };
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNAUTHORIZED
    } else {
        actix_web::http::StatusCode::OK
    };
    let mut response = page(
        ctx,
        &Step {
            ctx,
            ticket,
            next,
            enrolment,
            error,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize)]
pub struct StepForm {
    csrf: String,
    ticket: String,
    code: String,
    next: Option<String>,
    #[serde(default)]
    enrol: String,
}

/// `POST /login/second-factor`.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<StepForm>,
) -> PageResult {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let user = second_factor::redeem(&mut conn, &state, &form.ticket)
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/login?by=password".into()))?;
    let enrolling = form.enrol == "1";
    let checked = if enrolling {
        second_factor::confirm(&mut conn, &state, &user, &form.code, now).await
    } else {
        second_factor::verify(&mut conn, &state, &user, &form.code, now)
            .await
            .map(|()| Vec::new())
    };
    let codes = match checked {
        Ok(codes) => codes,
        Err(AppError::InvalidCode) => {
            let msg = ctx
                .t(
                    "验证码不对，或已经用过。请看验证器应用上最新的 6 位数字再输入一次。",
                    "That code is wrong or was used already. Enter the newest 6 digits of your app.",
                )
                .to_owned();
            return step(
                &ctx,
                &state,
                &mut conn,
                form.ticket,
                enrolling,
                next,
                Some(msg),
            )
            .await;
        }
        Err(e) => return Err(PageError::of(e, &ctx)),
    };
    let (token, claims) =
        session::start_session(&mut conn, &state, &user, "password", &Client::of(&req), now)
            .await
            .or_page(&ctx)?;
    let cookie = session::cookie(&state, token, claims.exp - now.timestamp());
    let mut response = if codes.is_empty() {
        see_other(&next)
    } else {
        page(
            &ctx,
            &Codes {
                ctx: &ctx,
                codes,
                next,
            },
        )?
    };
    let _ = response.add_cookie(&cookie);
    Ok(response)
}

csrf_form!(StepForm);
