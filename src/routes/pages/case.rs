//! The case page: where it is and what happens next, the forms of the actions the engine allows
//! this caller now, people, sessions, history, evidence and messages. Its forms post here and go
//! through the same case work as the API.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Ctx, OrPage, PageError, PageResult, labels, page, see_other};
use crate::casework::acting::{ActionBody, act};
use crate::casework::attach::{self, EvidenceView};
use crate::casework::filing::RespondentInput;
use crate::casework::messages::{self, MessageView, NewMessage};
use crate::casework::parties::{NewPartyInput, add_party};
use crate::casework::view::{CaseView, load_view};
use crate::casework::{actor_for, scope_of};
use crate::db;
use crate::domain::china_time;
use crate::error::AppError;
use crate::evidence::upload::{Limits, receive};
use crate::state::AppState;
use crate::workflow::{Actor, Audience, may_attach, may_post};

pub struct Entry {
    pub when: String,
    pub what: &'static str,
    pub who: String,
}

#[derive(Template)]
#[template(path = "pages/case.html")]
struct CasePage<'a> {
    ctx: &'a Ctx,
    c: CaseView,
    status: &'static str,
    level: &'static str,
    category: &'static str,
    due: Option<(String, &'static str, String)>,
    actions: Vec<(&'static str, &'static str)>,
    timeline: Vec<Entry>,
    evidence: Vec<EvidenceView>,
    messages: Vec<MessageView>,
    can_attach: bool,
    can_write: bool,
    audiences: Vec<(String, String)>,
    mediators: Vec<(Uuid, String)>,
    respondents: Vec<(Uuid, String)>,
    sessions: Vec<(Uuid, String)>,
    staff: bool,
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let record = db::cases::find_visible(&mut conn, scope_of(user), *id)
        .await
        .or_page(&ctx)?
        .ok_or_else(|| PageError::new(AppError::NotFound, ctx.lang))?;
    let case_state = record
        .state()
        .map_err(|e| PageError::new(AppError::internal(e), ctx.lang))?;
    let events = db::events::of_case(&mut conn, record.row.county_id, record.row.id)
        .await
        .or_page(&ctx)?;
    let c = load_view(
        &mut conn,
        user,
        record.clone(),
        ctx.lang,
        &state.sealer,
        now,
    )
    .await
    .or_page(&ctx)?;
    let evidence = attach::list(&mut conn, user, *id).await.or_page(&ctx)?;
    let messages = messages::list(&mut conn, user, *id).await.or_page(&ctx)?;
    let actor = actor_for(user, &case_state);
    let staff = matches!(actor, Some(Actor::Mediator { .. }));
    let can_attach = actor
        .as_ref()
        .is_some_and(|a| may_attach(&case_state, a).is_ok());
    let can_write = actor
        .as_ref()
        .is_some_and(|a| may_post(&case_state, a, Audience::All).is_ok());
    let principal_parties: Vec<&crate::casework::view::PartyView> = c
        .parties
        .iter()
        .filter(|p| p.side == "applicant" || p.side == "respondent")
        .collect();
    let mut audiences = vec![(
        "all".to_owned(),
        ctx.t(
            "所有人（双方和调解员）",
            "Everyone (both sides and the mediator)",
        )
        .to_owned(),
    )];
    if staff {
        audiences.push((
            "mediators".into(),
            ctx.t("仅调解员（内部记录）", "Mediators only (internal note)")
                .into(),
        ));
        for p in &principal_parties {
            audiences.push((
                format!("party:{}", p.id),
                format!("{} {}", ctx.t("私下告诉", "Privately to"), p.name),
            ));
        }
    } else if let Some(me) = c.parties.iter().find(|p| p.is_you) {
        audiences.push((
            format!("party:{}", me.id),
            ctx.t("只给调解员看", "Only to the mediator").into(),
        ));
    }
    let mediators = match (&user.committee, user.is_head()) {
        (Some(cm), true) => {
            db::staff::mediators_with_load(&mut conn, cm.county_id, cm.committee_id)
                .await
                .or_page(&ctx)?
                .into_iter()
                .map(|(id, name, _, load)| {
                    (id, format!("{name}（{} {load}）", ctx.t("在办", "open")))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let names: HashMap<Uuid, String> = c.parties.iter().map(|p| (p.id, p.name.clone())).collect();
    let timeline = events
        .iter()
        .map(|e| Entry {
            when: labels::date(ctx.lang, &e.at),
            what: labels::event(ctx.lang, &e.kind),
            who: match e.actor_role.as_str() {
                "system" => ctx.t("系统（期限到）", "System (deadline)").to_owned(),
                "party" => e
                    .data
                    .get("party_id")
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_else(|| ctx.t("当事人", "A party").to_owned()),
                "judge" => ctx.t("法官", "Judge").to_owned(),
                _ => ctx.t("调解员", "Mediator").to_owned(),
            },
        })
        .collect();
    let page_data = CasePage {
        ctx: &ctx,
        status: labels::status(ctx.lang, &c.status),
        level: labels::level(ctx.lang, &c.level),
        category: labels::category(ctx.lang, &c.category),
        due: c.deadline_at.map(|d| {
            let (w, class) = labels::due(ctx.lang, &d, now);
            (w, class, labels::date(ctx.lang, &d))
        }),
        actions: c
            .allowed_actions
            .iter()
            .map(|a| (*a, labels::action(ctx.lang, a)))
            .collect(),
        respondents: c
            .parties
            .iter()
            .filter(|p| p.side == "respondent" && !p.consented)
            .map(|p| (p.id, p.name.clone()))
            .collect(),
        sessions: c
            .sessions
            .iter()
            .filter(|s| s.record.is_none())
            .map(|s| (s.id, labels::date(ctx.lang, &s.at)))
            .collect(),
        timeline,
        evidence,
        messages,
        can_attach,
        can_write,
        audiences,
        mediators,
        staff,
        c,
    };
    page(&ctx, &page_data)
}

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

fn csrf_of(form: &HashMap<String, String>) -> &str {
    form.get("csrf").map(String::as_str).unwrap_or("")
}

pub async fn act_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    form: web::Form<HashMap<String, String>>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    ctx.check_csrf(csrf_of(&form))?;
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
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    form: web::Form<MessageForm>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    ctx.check_csrf(&form.csrf)?;
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

#[derive(Deserialize)]
pub struct CsrfQuery {
    csrf: String,
}

/// A multipart form cannot carry the token before the file, so it travels in the query string.
pub async fn evidence_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    q: web::Query<CsrfQuery>,
    payload: Multipart,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    ctx.check_csrf(&q.csrf)?;
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
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    form: web::Form<PersonForm>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    ctx.check_csrf(&form.csrf)?;
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
