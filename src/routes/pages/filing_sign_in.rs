//! The fourth filing screen, for a resident who is not signed in: the answers of the three
//! screens travel as hidden fields while the person proves their mobile number with a code;
//! the verified code signs them in (making the account on first use) and the case is filed at
//! once, so a first visit from the home page ends with a filed case and nothing typed twice.

use actix_web::{HttpRequest, web};
use chrono::Utc;

use super::filing::{Draft, file_as, show_with};
use super::sign_in::problem;
use super::{Ctx, PageError, PageResult};
use crate::accounts::session;
use crate::accounts::sign_in;
use crate::auth::login::Client;
use crate::casework::filing::{FilingInput, validate};
use crate::error::AppError;
use crate::routes::AppState;

pub const SIGN_IN_STEP: u8 = 4;

pub async fn step(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    ctx: &Ctx,
    d: Draft,
    input: FilingInput,
) -> PageResult {
    if d.step < SIGN_IN_STEP {
        // Refused answers are reported on the screen that asks them, before any code is sent.
        return match validate(&input) {
            Ok(()) => show_with(state, ctx, SIGN_IN_STEP, d, None, None).await,
            Err(e) => {
                let said = super::message_of(&e, ctx.lang);
                let step = super::filing::step_of(&e);
                show_with(state, ctx, step, d, Some(said), None).await
            }
        };
    }
    if d.act == "change" {
        return show_with(state, ctx, SIGN_IN_STEP, d, None, None).await;
    }
    let now = Utc::now();
    let client = Client::of(req);
    let to = match sign_in::destination(Some(&d.phone), None) {
        Ok(to) => to,
        Err(e) => {
            let msg = problem(ctx, &e);
            return show_with(state, ctx, SIGN_IN_STEP, d, Some(msg), None).await;
        }
    };
    let mut conn = state
        .pool
        .get()
        .await
        .map_err(|e| PageError::of(e.into(), ctx))?;
    if d.act != "verify" {
        let sent = sign_in::send_code(&mut conn, state, &to, &client, ctx.lang, now).await;
        return match sent {
            Ok(()) => show_with(state, ctx, SIGN_IN_STEP, d, None, Some(to.masked())).await,
            Err(e @ AppError::Unavailable) => Err(PageError::of(e, ctx)),
            Err(e) => {
                let msg = problem(ctx, &e);
                show_with(state, ctx, SIGN_IN_STEP, d, Some(msg), None).await
            }
        };
    }
    let verified = sign_in::verify_code(
        &mut conn,
        state,
        sign_in::Answer {
            to: &to,
            code: &d.code,
            name: Some(&d.name),
        },
        &client,
        ctx.lang,
        now,
    )
    .await;
    let done = match verified {
        Ok(done) => done,
        Err(e @ AppError::Unavailable) => return Err(PageError::of(e, ctx)),
        Err(e) => {
            let msg = problem(ctx, &e);
            let masked = Some(to.masked());
            return show_with(state, ctx, SIGN_IN_STEP, d, Some(msg), masked).await;
        }
    };
    drop(conn);
    let user = crate::auth::principal::load(
        &state.pool,
        &state.keys,
        &state.sealer,
        &state.principals,
        Some(done.token.clone()),
    )
    .await
    .map_err(|e| PageError::of(e, ctx))?;
    let max_age = done.claims.exp - now.timestamp();
    let ctx = ctx.signed_in_as(user.clone());
    let mut response = file_as(state, &ctx, &user, input, d).await?;
    let _ = response.add_cookie(&session::cookie(state, done.token, max_age));
    Ok(response)
}
