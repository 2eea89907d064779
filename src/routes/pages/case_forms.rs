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
use crate::error::AppError;
use crate::evidence::upload::{Limits, receive};
use crate::routes::AppState;
use crate::workflow::local_zone;

/// A `datetime-local` value, read as China time.
fn local_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    local_zone()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A `date` value: the end of that day, China time.
fn local_day_end(s: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    local_zone()
        .from_local_datetime(&day.and_hms_opt(23, 59, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Rows of the agreement form without JavaScript: a fixed number of obligation rows.
pub const OBLIGATION_ROWS: usize = 3;

/// The obligation rows of the agreement form (`o1_what`, `o1_party`, …) as the API's
/// `obligations`; a row whose `what` is empty is left out.
fn obligations(form: &HashMap<String, String>) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for n in 1..=OBLIGATION_ROWS {
        let field = |name: &str| {
            form.get(&format!("o{n}_{name}"))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        let Some(what) = field("what") else {
            continue;
        };
        let mut row = Map::new();
        row.insert("what".into(), Value::from(what));
        row.insert("party_id".into(), Value::from(field("party").unwrap_or("")));
        row.insert("how".into(), Value::from(field("how").unwrap_or("")));
        row.insert("due".into(), Value::from(field("due").unwrap_or("")));
        if let Some(place) = field("where") {
            row.insert("where".into(), Value::from(place));
        }
        if let Some(amount) = field("amount") {
            let yuan = amount.parse::<f64>().map_err(|_| {
                AppError::Unprocessable(format!(
                    "obligation {n}: the amount must be a number of yuan."
                ))
            })?;
            row.insert("amount".into(), json!(yuan));
        }
        out.push(Value::Object(row));
    }
    Ok(out)
}

/// The form of an action as the API's JSON body, so that both go through the same parsing.
fn action_body(form: &HashMap<String, String>) -> Result<ActionBody, AppError> {
    let mut body = Map::new();
    if form.get("action").map(String::as_str) == Some("propose_agreement") {
        body.insert("obligations".into(), Value::Array(obligations(form)?));
    }
    for (k, v) in form {
        let v = v.trim();
        let row_field = k.starts_with('o')
            && k.get(1..2)
                .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()));
        if k == "csrf" || v.is_empty() || row_field {
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
    let body = action_body(&form).map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
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
    .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
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
    .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
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
            .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?
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
        .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    attach::record(
        &mut conn,
        &state.store,
        (&case_state, &actor),
        received,
        None,
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
    .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
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
        .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct CardForm {
    csrf: String,
}

/// A new 解纷码 for a lost card.
pub async fn card_form(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    Submitted { ctx, form: _ }: Submitted<CardForm>,
) -> PageResult {
    let user = ctx.user()?;
    let back = format!("/cases/{}#card", *id);
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::casework::card::renew(&mut conn, user, *id, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to(back.clone()))?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct ParticularsForm {
    csrf: String,
    sex: Option<String>,
    birth_year: Option<String>,
    ethnicity: Option<String>,
    occupation: Option<String>,
    address: Option<String>,
}

/// The mediator records a party's particulars for the documents.
pub async fn particulars_form(
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    Submitted { ctx, form }: Submitted<ParticularsForm>,
) -> PageResult {
    let user = ctx.user()?;
    let (case_id, party_id) = path.into_inner();
    let back = format!("/cases/{case_id}#people");
    let form = form.into_inner();
    let refuse = |e: AppError| PageError::of(e, &ctx).back_to(back.clone());
    let sex = match form.sex.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("female") => Some(crate::domain::Sex::Female),
        Some("male") => Some(crate::domain::Sex::Male),
        Some(_) => return Err(refuse(AppError::BadRequest("Choose 男 or 女.".into()))),
    };
    let birth_year = match form.birth_year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(y.parse::<i32>().map_err(|_| {
            refuse(AppError::Unprocessable(
                "birth_year must be a year, like 1962.".into(),
            ))
        })?),
    };
    let input = crate::domain::Particulars {
        sex,
        birth_year,
        ethnicity: form.ethnicity,
        occupation: form.occupation,
        address: form.address,
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    crate::casework::particulars::record(
        &mut conn,
        user,
        (case_id, party_id),
        input,
        (ctx.lang, &state.sealer),
        Utc::now(),
    )
    .await
    .map_err(refuse)?;
    Ok(see_other(&back))
}

csrf_form!(
    MessageForm,
    PersonForm,
    RatingForm,
    ParticularsForm,
    CardForm
);
