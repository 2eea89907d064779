//! The forms of the case page: actions, messages, evidence, people and ratings. Each goes
//! through the same case work as the API and comes back to the case page.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::web;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::submitted::{Submitted, SubmittedWithQueryToken, csrf_form};
use super::{OrPage, PageError, PageResult, see_other};
use crate::casework::acting::{ActionBody, act};
use crate::casework::attach;
use crate::casework::filing::RespondentInput;
use crate::casework::messages::{self, NewMessage};
use crate::casework::parties::{NewPartyInput, add_party};
use crate::domain::china_time;
use crate::error::AppError;
use crate::evidence::upload::{Limits, receive};
use crate::routes::AppState;

/// A `datetime-local` value, read as China time.
fn local_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    china_time()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A `date` value: the end of that day, China time.
fn local_day_end(s: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    china_time()
        .from_local_datetime(&day.and_hms_opt(23, 59, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The form of an action as the API's JSON body, so that both go through the same parsing.
fn action_body(form: &HashMap<String, String>) -> Result<ActionBody, AppError> {
    let mut body = Map::new();
    for (k, v) in form {
        let v = v.trim();
        if k == "csrf" || v.is_empty() {
            continue;
        }
        let value = match k.as_str() {
            "version" | "satisfaction" => v
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| AppError::BadRequest(format!("{k} must be a number")))?,
            "at" => json!(
                local_time(v)
                    .ok_or_else(|| AppError::BadRequest("Choose a date and time.".into()))?
            ),
            "performance_due" => json!(
                local_day_end(v).ok_or_else(|| AppError::BadRequest("Choose a date.".into()))?
            ),
            _ => Value::from(v),
        };
        body.insert(k.clone(), value);
    }
    serde_json::from_value(Value::Object(body))
        .map_err(|e| AppError::BadRequest(format!("The form is incomplete: {e}.")))
}

pub async fn act_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<HashMap<String, String>>,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}", *id);
    let body = action_body(&form).map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    act(
        &mut conn,
        user,
        *id,
        body,
        ctx.lang,
        &state.sealer,
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct MessageForm {
    csrf: String,
    body: String,
    audience: Option<String>,
}

pub async fn message_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<MessageForm>,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}#messages", *id);
    let form = form.into_inner();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    messages::post(
        &mut conn,
        user,
        *id,
        NewMessage {
            body: form.body,
            audience: form.audience,
        },
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    Ok(see_other(&back))
}

/// A multipart form cannot carry the token before the file, so it travels in the query string.
pub async fn evidence_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    SubmittedWithQueryToken { ctx }: SubmittedWithQueryToken,
    payload: Multipart,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}#evidence", *id);
    let config = &state.config;
    let (case_state, actor, remaining) = {
        let mut conn = state.pool.get().await.or_page(&ctx)?;
        attach::prepare_upload(&mut conn, user, *id, config.evidence_case_bytes)
            .await
            .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?
    };
    let limits = Limits {
        file_bytes: remaining.min(config.evidence_file_bytes),
        file_limit_reason: format!(
            "{} {} MB",
            ctx.t("文件太大。每个文件最多", "The file is too large. At most"),
            config.evidence_file_bytes / (1024 * 1024)
        ),
        max_parts: config.evidence_max_parts,
    };
    let received = receive(payload, &state.store, &limits)
        .await
        .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    attach::record(
        &mut conn,
        &state.store,
        &case_state,
        &actor,
        received,
        Utc::now(),
    )
    .await
    .or_page(&ctx)?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct PersonForm {
    csrf: String,
    side: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

pub async fn person_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<PersonForm>,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}", *id);
    let form = form.into_inner();
    let input = NewPartyInput {
        side: form.side,
        person: RespondentInput {
            name: form.name,
            email: form.email.filter(|e| !e.trim().is_empty()),
            phone: form.phone.filter(|p| !p.trim().is_empty()),
        },
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    add_party(
        &mut conn,
        user,
        *id,
        input,
        ctx.lang,
        &state.sealer,
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct RatingForm {
    csrf: String,
    score: i64,
    comment: Option<String>,
}

pub async fn rating_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<RatingForm>,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}", *id);
    let form = form.into_inner();
    let input = crate::casework::rating::RatingInput {
        score: form.score,
        comment: form.comment,
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::casework::rating::rate(&mut conn, user, *id, input, Utc::now())
        .await
        .map_err(|e| PageError::new(e, ctx.lang).back_to(back.clone()))?;
    Ok(see_other(&back))
}

csrf_form!(MessageForm, PersonForm, RatingForm);
