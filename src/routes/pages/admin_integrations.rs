//! The county administrator's integrations page: API keys of the county's other systems (made,
//! shown once, revoked) and webhook endpoints with their delivery log, pause and replay.

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::admin::county;
use super::submitted::{Submitted, csrf_form};
use super::{Ctx, OrPage, PageError, PageResult, page, see_other};
use crate::interop::{keys, webhooks};
use crate::routes::AppState;

pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub scope: &'static str,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub calls: i64,
    pub revoked: bool,
}

pub struct DeliveryRow {
    pub id: i64,
    pub event: String,
    pub case_id: String,
    pub seq: i32,
    pub status: &'static str,
    pub attempts: i32,
    pub answer: String,
    pub ms: String,
}

pub struct EndpointRow {
    pub id: String,
    pub url: String,
    pub events: String,
    pub paused: bool,
    pub failing_since: String,
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Template)]
#[template(path = "pages/integrations.html")]
struct IntegrationsPage<'a> {
    ctx: &'a Ctx,
    keys: Vec<KeyRow>,
    endpoints: Vec<EndpointRow>,
    /// A key or secret just made: shown on this one page.
    shown: Option<(String, String)>,
    /// What a load of records came to: the counts and the refused lines.
    loaded: Option<Loaded>,
    columns: Vec<(&'static str, &'static str)>,
}

pub struct Loaded {
    pub filed: usize,
    pub already: usize,
    pub refused: usize,
    /// The first refused lines: line, id, reason.
    pub lines: Vec<(u64, String, String)>,
}

/// The largest file of records the page takes (a county's year of grid records is well under).
const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

fn status_label(ctx: &Ctx, status: &str) -> &'static str {
    match status {
        "delivered" => ctx.t("已送达", "Delivered"),
        "failed" => ctx.t("已放弃", "Given up"),
        _ => ctx.t("等待重试", "Waiting to retry"),
    }
}

async fn render(state: &AppState, ctx: &Ctx, shown: Option<(String, String)>) -> PageResult {
    render_with(state, ctx, shown, None).await
}

async fn render_with(
    state: &AppState,
    ctx: &Ctx,
    shown: Option<(String, String)>,
    loaded: Option<Loaded>,
) -> PageResult {
    let admin = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(ctx)?;
    let keys = keys::list(&mut conn, admin)
        .await
        .or_page(ctx)?
        .into_iter()
        .map(|(k, calls)| KeyRow {
            id: k.id.to_string(),
            name: k.name,
            scope: if k.scope == "file" {
                ctx.t("读取并代为申请", "Read and file")
            } else {
                ctx.t("只读", "Read only")
            },
            prefix: k.prefix,
            created: ctx.when(&k.created_at),
            last_used: k.last_used_at.map(|t| ctx.when(&t)).unwrap_or_default(),
            calls,
            revoked: k.revoked_at.is_some(),
        })
        .collect();
    let mut endpoints = Vec::new();
    for e in webhooks::list(&mut conn, admin).await.or_page(ctx)? {
        let (_, log) = webhooks::log(&mut conn, admin, e.id).await.or_page(ctx)?;
        endpoints.push(EndpointRow {
            id: e.id.to_string(),
            url: e.url,
            events: e.events.join(", "),
            paused: e.paused_at.is_some(),
            failing_since: e.failing_since.map(|t| ctx.when(&t)).unwrap_or_default(),
            deliveries: log
                .into_iter()
                .take(20)
                .map(|d| DeliveryRow {
                    id: d.id,
                    event: d.kind,
                    case_id: d.case_id.to_string(),
                    seq: d.seq,
                    status: status_label(ctx, &d.status),
                    attempts: d.attempts,
                    answer: match (d.last_status, d.last_error) {
                        (_, Some(e)) => e,
                        (Some(s), None) => s.to_string(),
                        (None, None) => String::new(),
                    },
                    ms: d.last_ms.map(|m| format!("{m} ms")).unwrap_or_default(),
                })
                .collect(),
        });
    }
    page(
        ctx,
        &IntegrationsPage {
            ctx,
            keys,
            endpoints,
            shown,
            loaded,
            columns: crate::casework::import::COLUMNS.to_vec(),
        },
    )
}

/// Reads the uploaded file, refusing it once it passes the limit (it is never read further).
async fn read_upload(
    mut payload: actix_multipart::Multipart,
    ctx: &Ctx,
) -> Result<Vec<u8>, PageError> {
    use futures_util::TryStreamExt;
    let refuse =
        |e: crate::error::AppError| PageError::of(e, ctx).back_to("/admin/integrations".into());
    let unreadable = |e: actix_multipart::MultipartError| {
        refuse(crate::error::AppError::BadRequest(format!(
            "The upload could not be read: {e}."
        )))
    };
    let mut bytes = Vec::new();
    while let Some(mut field) = payload.try_next().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Err(refuse(crate::error::AppError::PayloadTooLarge(format!(
                    "A file of records may be at most {} MB; split it and load each part.",
                    MAX_IMPORT_BYTES / (1024 * 1024)
                ))));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(refuse(crate::error::AppError::BadRequest(
        "Choose the file to load.".into(),
    )))
}

/// `POST /admin/integrations/import?csrf=…`: loads a grid office's CSV (multipart) and shows
/// what became of each line.
pub async fn import(
    state: web::Data<AppState>,
    super::submitted::SubmittedWithQueryToken { ctx }: super::submitted::SubmittedWithQueryToken,
    payload: actix_multipart::Multipart,
) -> PageResult {
    county(&ctx)?;
    let importer = crate::casework::import::Importer::admin(ctx.user()?).or_page(&ctx)?;
    let bytes = read_upload(payload, &ctx).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let report = crate::casework::import::import_file(
        &mut conn,
        &importer,
        std::io::Cursor::new(bytes),
        &state.sealer,
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/admin/integrations".into()))?;
    let said = |reason: &str| match ctx.lang {
        crate::workflow::Lang::Zh => {
            super::zh_errors::zh(reason).unwrap_or_else(|| reason.to_owned())
        }
        crate::workflow::Lang::En => reason.to_owned(),
    };
    let loaded = Loaded {
        filed: report.filed,
        already: report.already,
        refused: report.refused.len(),
        lines: report
            .refused
            .iter()
            .take(200)
            .map(|r| (r.line, r.external_id.clone(), said(&r.reason)))
            .collect(),
    };
    render_with(&state, &ctx, None, Some(loaded)).await
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    county(&ctx)?;
    render(&state, &ctx, None).await
}

#[derive(Deserialize)]
pub struct NewKeyForm {
    csrf: String,
    name: String,
    scope: String,
}

pub async fn create_key(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<NewKeyForm>,
) -> PageResult {
    county(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let made = keys::create(&mut conn, ctx.user()?, &form.name, &form.scope, Utc::now())
        .await
        .map_err(|e| PageError::of(e, &ctx).back_to("/admin/integrations".into()))?;
    let label = ctx.t(
        "新的接口密钥（只显示这一次，请立即复制给对方系统）：",
        "The new API key (shown this once; copy it to the other system now):",
    );
    render(&state, &ctx, Some((label.to_owned(), made.text))).await
}

#[derive(Deserialize)]
pub struct NewEndpointForm {
    csrf: String,
    url: String,
    /// Comma-separated kinds, or `*`.
    events: String,
}

pub async fn create_endpoint(
    state: web::Data<AppState>,
    Submitted { ctx, form }: Submitted<NewEndpointForm>,
) -> PageResult {
    county(&ctx)?;
    let events: Vec<String> = form
        .events
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let made = webhooks::create(
        &mut conn,
        ctx.user()?,
        &state.sealer,
        &form.url,
        &events,
        state.config.is_production(),
        Utc::now(),
    )
    .await
    .map_err(|e| PageError::of(e, &ctx).back_to("/admin/integrations".into()))?;
    let label = ctx.t(
        "推送签名密钥（只显示这一次，请交给对方系统用来校验签名）：",
        "The signing secret (shown this once; give it to the other system to check signatures):",
    );
    render(&state, &ctx, Some((label.to_owned(), made.secret))).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    csrf: String,
    /// `revoke` (a key); `pause`, `resume` or `delete` (an endpoint); `replay` (a delivery).
    what: String,
    #[serde(default)]
    delivery: Option<i64>,
}

pub async fn change(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    Submitted { ctx, form }: Submitted<ChangeForm>,
) -> PageResult {
    county(&ctx)?;
    let admin = ctx.user()?;
    let id = path.into_inner();
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let done = match (form.what.as_str(), form.delivery) {
        ("revoke", _) => keys::revoke(&mut conn, admin, id, now).await,
        ("pause", _) => webhooks::pause(&mut conn, admin, id, true, now)
            .await
            .map(|_| ()),
        ("resume", _) => webhooks::pause(&mut conn, admin, id, false, now)
            .await
            .map(|_| ()),
        ("delete", _) => webhooks::delete(&mut conn, admin, id, now).await,
        ("replay", Some(d)) => webhooks::replay(&mut conn, admin, id, d, now)
            .await
            .map(|_| ()),
        _ => Err(crate::error::AppError::BadRequest(
            "The form asked for nothing this page does.".into(),
        )),
    };
    done.map_err(|e| PageError::of(e, &ctx).back_to("/admin/integrations".into()))?;
    Ok(see_other("/admin/integrations"))
}

csrf_form!(NewKeyForm, NewEndpointForm, ChangeForm);
