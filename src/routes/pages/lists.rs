//! Lists of cases: "my cases" (residents, judges, staff) and the committee queue with its
//! filters, soonest deadline first; and the mediator's calendar.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::labels;
use super::{Ctx, OrPage, PageError, PageResult, page};
use crate::casework::lists::{self, CaseRow, ListFilter};
use crate::error::AppError;
use crate::routes::AppState;

pub struct Item {
    pub id: String,
    pub number: String,
    pub category: &'static str,
    pub status: &'static str,
    pub level: &'static str,
    pub due: Option<(String, &'static str, String)>,
    pub overdue: bool,
}

fn items(ctx: &Ctx, rows: Vec<CaseRow>, now: DateTime<Utc>) -> Vec<Item> {
    rows.into_iter()
        .map(|r| Item {
            id: r.id.to_string(),
            number: r.number,
            category: labels::category(ctx.lang, &r.category),
            status: labels::status(ctx.lang, &r.status),
            level: labels::level(ctx.lang, &r.level),
            due: r.deadline_at.map(|d| {
                let (words, class) = labels::due(ctx.lang, &d, now);
                (words, class, labels::date(ctx.lang, &d))
            }),
            overdue: r.overdue,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pages/my_cases.html")]
struct MyCases<'a> {
    ctx: &'a Ctx,
    items: Vec<Item>,
}

pub async fn my_cases(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let rows = lists::mine(&mut conn, user, &ListFilter::default(), None, 200)
        .await
        .or_page(&ctx)?;
    let items = items(&ctx, rows, Utc::now());
    page(&ctx, &MyCases { ctx: &ctx, items })
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    show: String,
}

#[derive(Template)]
#[template(path = "pages/queue.html")]
struct Queue<'a> {
    ctx: &'a Ctx,
    items: Vec<Item>,
    show: String,
}

pub async fn queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<QueueQuery>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let committee = user.committee.clone().ok_or_else(|| {
        PageError::new(
            AppError::Forbidden(
                ctx.t("只有调解员有待办案件。", "Only mediators have a queue.")
                    .into(),
            ),
            ctx.lang,
        )
    })?;
    let now = Utc::now();
    let filter = match q.show.as_str() {
        "mine" => ListFilter {
            mediator: Some(user.id),
            ..ListFilter::default()
        },
        "unassigned" => ListFilter {
            unassigned: true,
            ..ListFilter::default()
        },
        "soon" => ListFilter {
            due_before: Some(now + Duration::days(2)),
            ..ListFilter::default()
        },
        _ => ListFilter::default(),
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let rows = lists::queue(&mut conn, &committee, &filter, None, 200)
        .await
        .or_page(&ctx)?;
    let items = items(&ctx, rows, now);
    page(
        &ctx,
        &Queue {
            ctx: &ctx,
            items,
            show: q.show.clone(),
        },
    )
}

pub struct Slot {
    pub when: String,
    pub mode: &'static str,
    pub location: String,
    pub case_id: String,
    pub number: String,
    pub recorded: bool,
}

#[derive(Template)]
#[template(path = "pages/calendar.html")]
struct Calendar<'a> {
    ctx: &'a Ctx,
    slots: Vec<Slot>,
}

pub async fn calendar(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let committee = user
        .committee
        .clone()
        .ok_or_else(|| PageError::new(AppError::Forbidden("—".into()), ctx.lang))?;
    let from = Utc::now() - Duration::days(1);
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let rows = lists::calendar(&mut conn, user, &committee, from, from + Duration::days(60))
        .await
        .or_page(&ctx)?;
    let slots = rows
        .into_iter()
        .map(|e| Slot {
            when: labels::date(ctx.lang, &e.at),
            mode: ctx.session_mode(&e.mode),
            location: e.location,
            case_id: e.case_id.to_string(),
            number: e.number,
            recorded: e.recorded,
        })
        .collect();
    page(&ctx, &Calendar { ctx: &ctx, slots })
}
