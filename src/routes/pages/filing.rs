//! Filing a dispute in three short screens on a phone (what happened / who with / where and what
//! you ask), and filing for a resident (one screen, for trained staff). Earlier answers travel as
//! hidden fields, so nothing needs JavaScript; a key made on the first screen is the filing's
//! Idempotency-Key, so a double tap on "send" files once.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, labels, page};
use crate::auth::Principal;
use crate::casework::filing::{
    AssistedFilingInput, FilingInput, PRIVACY_NOTICE_VERSION, RespondentInput, file, file_assisted,
};
use crate::domain::Category;
use crate::error::AppError;
use crate::routes::AppState;

#[derive(Deserialize, Default, Clone)]
pub struct Draft {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub step: u8,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub respondent_name: String,
    #[serde(default)]
    pub respondent_email: String,
    #[serde(default)]
    pub respondent_phone: String,
    #[serde(default)]
    pub village_code: String,
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub privacy: String,
    // Assisted filing only.
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub applicant_phone: String,
    #[serde(default)]
    pub applicant_email: String,
    #[serde(default)]
    pub consent_method: String,
    // Signing in on the last screen (residents not signed in yet).
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// `send` a code, or `verify` it and file.
    #[serde(default)]
    pub act: String,
}

pub struct Township {
    pub name: String,
    pub villages: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "pages/file_step.html")]
struct Step<'a> {
    ctx: &'a Ctx,
    step: u8,
    d: Draft,
    categories: Vec<(&'static str, &'static str)>,
    townships: Vec<Township>,
    error: Option<String>,
    privacy_version: &'a str,
    /// On the sign-in screen: the code went out to this (masked) number.
    sent_to: Option<String>,
    /// The size in KB of the recording made on the first screen, if one was.
    recording: Option<i64>,
}

#[derive(Template)]
#[template(path = "pages/filed.html")]
struct Filed<'a> {
    ctx: &'a Ctx,
    id: String,
    number: String,
    code: String,
    next_step: String,
    /// The 解纷码 as a QR code (SVG), to screenshot or print.
    card: Option<String>,
}

fn categories(ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
    Category::ALL
        .iter()
        .map(|c| (c.as_str(), labels::category(ctx.lang, c.as_str())))
        .collect()
}

async fn townships(state: &AppState, ctx: &Ctx) -> Result<Vec<Township>, PageError> {
    let mut conn = state.pool.get().await.or_page(ctx)?;
    let rows = crate::casework::lists::divisions(&mut conn)
        .await
        .or_page(ctx)?;
    let mut out: Vec<Township> = Vec::new();
    for t in rows.iter().filter(|r| r.level == "township") {
        let villages: Vec<(String, String)> = rows
            .iter()
            .filter(|v| v.level == "village" && v.parent_id == Some(t.id))
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect();
        if !villages.is_empty() {
            out.push(Township {
                name: t.name.clone(),
                villages,
            });
        }
    }
    Ok(out)
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    step: u8,
    d: Draft,
    error: Option<String>,
) -> PageResult {
    show_with(state, ctx, step, d, error, None).await
}

/// A filing screen; on the sign-in screen, `sent_to` says where the code went.
pub(super) async fn show_with(
    state: &AppState,
    ctx: &Ctx,
    step: u8,
    d: Draft,
    error: Option<String>,
    sent_to: Option<String>,
) -> PageResult {
    let townships = if step == 3 || step == 0 {
        townships(state, ctx).await?
    } else {
        Vec::new()
    };
    let recording = match state.pool.get().await {
        Ok(mut conn) => crate::casework::voice::recorded(&mut conn, &d.key)
            .await
            .or_page(ctx)?
            .map(|bytes| (bytes + 1023) / 1024),
        Err(e) => return Err(PageError::of(e.into(), ctx)),
    };
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    let mut r = page(
        ctx,
        &Step {
            ctx,
            step,
            d,
            categories: categories(ctx),
            townships,
            error,
            privacy_version: PRIVACY_NOTICE_VERSION,
            sent_to,
            recording,
        },
    )?;
    *r.status_mut() = status;
    Ok(r)
}

/// `GET /file`: open to everyone. A resident who is not signed in answers the three screens
/// first and proves their number on a fourth, so the first visit ends with a filed case.
pub async fn start(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let d = Draft {
        key: hex::encode(rand::random::<[u8; 12]>()),
        ..Draft::default()
    };
    show(&state, &ctx, 1, d, None).await
}

fn required(ctx: &Ctx, value: &str, zh: &str, en: &str) -> Option<String> {
    value
        .trim()
        .is_empty()
        .then(|| format!("{} {}", ctx.t("请填写：", "Please fill in:"), ctx.t(zh, en)))
}

fn amount(raw: &str) -> Result<Option<f64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<f64>()
        .map(Some)
        .map_err(|_| AppError::Unprocessable("The amount must be a number of yuan.".into()))
}

fn respondent(d: &Draft) -> RespondentInput {
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    RespondentInput {
        name: d.respondent_name.trim().to_owned(),
        email: opt(&d.respondent_email),
        phone: opt(&d.respondent_phone),
    }
}

pub async fn next(
    req: HttpRequest,
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<Draft>,
) -> PageResult {
    let d = form.into_inner();
    // 上一步: the screen before, every answer kept (they travel as hidden fields).
    if d.act == "back" {
        let back = d.step.saturating_sub(1).max(1);
        return show(&state, &ctx, back, d, None).await;
    }
    match d.step {
        1 => {
            let spoken = has_recording(&state, &d.key).await;
            match required(&ctx, &d.narrative, "发生了什么", "what happened").filter(|_| !spoken)
            {
                Some(e) => show(&state, &ctx, 1, d, Some(e)).await,
                None => show(&state, &ctx, 2, d, None).await,
            }
        }
        2 => match required(
            &ctx,
            &d.respondent_name,
            "对方姓名",
            "the other person's name",
        ) {
            Some(e) => show(&state, &ctx, 2, d, Some(e)).await,
            // The other side's number and address are checked on the screen that asks them.
            None => match contact_problem(&ctx, &d) {
                Some(e) => show(&state, &ctx, 2, d, Some(e)).await,
                None => show(&state, &ctx, 3, d, None).await,
            },
        },
        _ => {
            let input = match answers(&ctx, &d) {
                Ok(input) => input,
                Err(e) => return show(&state, &ctx, 3, d, Some(e)).await,
            };
            match &ctx.user {
                Some(user) => file_as(&state, &ctx, user, input, d).await,
                None => super::filing_sign_in::step(&req, &state, &ctx, d, input).await,
            }
        }
    }
}

/// Whether the first screen's recording was made (it then says what happened).
async fn has_recording(state: &AppState, key: &str) -> bool {
    match state.pool.get().await {
        Ok(mut conn) => matches!(
            crate::casework::voice::recorded(&mut conn, key).await,
            Ok(Some(_))
        ),
        Err(_) => false,
    }
}

/// What the narrative says when the applicant spoke instead of typing.
const SPOKEN: &str = "（申请人用语音说明了纠纷经过，见证据中的录音。）";

/// What is wrong with the other side's mobile number or email, in the page's language.
fn contact_problem(ctx: &Ctx, d: &Draft) -> Option<String> {
    let said = |e: &str| {
        let e = format!("respondent: {e}");
        match ctx.lang {
            crate::workflow::Lang::Zh => super::zh_errors::zh(&e).unwrap_or(e),
            crate::workflow::Lang::En => e,
        }
    };
    let phone = Some(d.respondent_phone.trim()).filter(|p| !p.is_empty());
    let email = Some(d.respondent_email.trim()).filter(|p| !p.is_empty());
    crate::domain::Phone::parse_optional(phone)
        .err()
        .or_else(|| crate::domain::Email::parse_optional(email).err())
        .map(said)
}

/// The screen that asks what a refusal is about: the other side on 2, what happened on 1.
pub(super) fn step_of(e: &AppError) -> u8 {
    let said = e.to_string();
    if said.starts_with("respondent") || said.contains("respondent (") {
        2
    } else if said.contains("narrative") || said.starts_with("category") {
        1
    } else {
        3
    }
}

/// The answers of the three screens as a filing, or what is missing, in the page's language.
fn answers(ctx: &Ctx, d: &Draft) -> Result<FilingInput, String> {
    if let Some(e) = required(ctx, &d.village_code, "发生地", "where it happened")
        .or_else(|| required(ctx, &d.request, "您的要求", "what you ask for"))
    {
        return Err(e);
    }
    if d.privacy != "yes" {
        return Err(ctx
            .t(
                "请先阅读并同意隐私说明。",
                "Please read and accept the privacy notice first.",
            )
            .to_owned());
    }
    let amount = amount(&d.amount).map_err(|e| super::message_of(&e, ctx.lang))?;
    Ok(FilingInput {
        category: d.category.clone(),
        narrative: if d.narrative.trim().is_empty() {
            SPOKEN.to_owned()
        } else {
            d.narrative.clone()
        },
        request: d.request.clone(),
        village_code: d.village_code.clone(),
        respondents: vec![respondent(d)],
        amount,
        privacy_notice_version: Some(PRIVACY_NOTICE_VERSION.to_owned()),
    })
}

/// Files for the signed-in resident and shows the confirmation; a refused filing goes back to
/// the last screen with the reason.
pub(super) async fn file_as(
    state: &AppState,
    ctx: &Ctx,
    user: &Principal,
    input: FilingInput,
    d: Draft,
) -> PageResult {
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(ctx)?;
    let key = Some(format!("page-{}", d.key)).filter(|_| !d.key.is_empty());
    match file(&mut conn, user, input, key, &state.sealer, now).await {
        Ok(filed) => {
            // The first screen's recording becomes the case's first evidence.
            crate::casework::voice::attach_to(
                &mut conn,
                user,
                filed.case_id,
                &d.key,
                state.config.evidence_case_bytes,
                now,
            )
            .await
            .or_page(ctx)?;
            confirmation(
                state,
                ctx,
                user,
                &mut conn,
                filed.case_id,
                filed.access_code,
            )
            .await
        }
        Err(e @ (AppError::Unprocessable(_) | AppError::BadRequest(_))) => {
            show(
                state,
                ctx,
                step_of(&e),
                d,
                Some(super::message_of(&e, ctx.lang)),
            )
            .await
        }
        Err(e) => Err(PageError::of(e, ctx)),
    }
}

async fn confirmation(
    app: &AppState,
    ctx: &Ctx,
    user: &Principal,
    conn: &mut diesel_async::AsyncPgConnection,
    case_id: uuid::Uuid,
    code: Option<String>,
) -> PageResult {
    let record = crate::casework::open(conn, user, case_id)
        .await
        .or_page(ctx)?;
    let state = record
        .state()
        .map_err(|e| PageError::of(AppError::internal(e), ctx))?;
    let viewer = crate::casework::viewer_for(user, &state);
    let card = crate::casework::card::of_case(conn, user, case_id, Utc::now())
        .await
        .or_page(ctx)?
        .and_then(|c| crate::documents::qr::svg(&super::case::card_url(app, &c)));
    page(
        ctx,
        &Filed {
            ctx,
            id: case_id.to_string(),
            number: record.row.number.clone(),
            code: code.unwrap_or_else(|| {
                ctx.t("（已发送，见第一次提交的页面）", "(shown when first filed)")
                    .to_owned()
            }),
            next_step: crate::workflow::next_step(&state, viewer, ctx.lang),
            card,
        },
    )
}

/// `GET /file-for`: a mediator files for a resident.
pub async fn assisted_form(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    ctx.user()?;
    // Staff of a committee file for residents; for anyone else the page does not exist.
    if !ctx.is_staff() {
        return Err(PageError::of(AppError::NotFound, &ctx));
    }
    show(&state, &ctx, 0, Draft::default(), None).await
}

pub async fn assisted_submit(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<Draft>,
) -> PageResult {
    let user = ctx.user()?;
    let d = form.into_inner();
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = match amount(&d.amount) {
        Ok(amount) => AssistedFilingInput {
            applicant: RespondentInput {
                name: d.applicant_name.trim().to_owned(),
                email: opt(&d.applicant_email),
                phone: opt(&d.applicant_phone),
            },
            consent_method: d.consent_method.clone(),
            category: d.category.clone(),
            narrative: d.narrative.clone(),
            request: d.request.clone(),
            village_code: d.village_code.clone(),
            respondents: vec![respondent(&d)],
            amount,
        },
        Err(e) => return show(&state, &ctx, 0, d, Some(super::message_of(&e, ctx.lang))).await,
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    match file_assisted(&mut conn, user, input, &state.sealer, Utc::now()).await {
        Ok(filed) => {
            confirmation(
                &state,
                &ctx,
                user,
                &mut conn,
                filed.case_id,
                filed.access_code,
            )
            .await
        }
        Err(e @ (AppError::Unprocessable(_) | AppError::BadRequest(_))) => {
            show(&state, &ctx, 0, d, Some(super::message_of(&e, ctx.lang))).await
        }
        Err(e) => Err(PageError::of(e, &ctx)),
    }
}

csrf_form!(Draft);

/// `POST /file/voice?csrf=…&key=…`: the first screen's recording (multipart: the token and the
/// filing's key travel in the query string, before the file).
pub async fn voice(
    req: HttpRequest,
    state: web::Data<AppState>,
    super::submitted::SubmittedWithQueryToken { ctx }: super::submitted::SubmittedWithQueryToken,
    q: web::Query<std::collections::HashMap<String, String>>,
    payload: actix_multipart::Multipart,
) -> PageResult {
    let key = q.get("key").cloned().unwrap_or_default();
    let limits = crate::evidence::upload::Limits {
        file_bytes: state.config.evidence_file_bytes,
        file_limit_reason: format!(
            "{} {} MB",
            ctx.t("录音太大。最多", "The recording is too large. At most"),
            state.config.evidence_file_bytes / (1024 * 1024)
        ),
        max_parts: 1,
    };
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let address = crate::auth::login::client_address(&req);
    crate::casework::voice::may_record(&mut conn, &address, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/file".to_owned()))?;
    let received = crate::evidence::upload::receive(payload, &state.store, &limits)
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/file".to_owned()))?;
    crate::casework::voice::keep(&mut conn, &state.store, &key, received, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/file".to_owned()))?;
    let d = Draft {
        key,
        ..Draft::default()
    };
    show(&state, &ctx, 1, d, None).await
}
