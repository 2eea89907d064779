//! The county admin's integrations (SPEC §7 *One entry, reused*): API keys for other systems
//! (`/api/v1/api-keys`) and webhook endpoints with their delivery logs (`/api/v1/webhooks`).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::interop::keys::ApiKey;
use crate::interop::webhooks::{Delivery, Endpoint};
use crate::interop::{keys, webhooks};
use crate::routes::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewKeyBody {
    /// The system the key is for, e.g. "网格管理平台".
    pub name: String,
    /// `read` (the export) or `file` (also files on a resident's behalf).
    pub scope: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub id: Uuid,
    pub name: String,
    pub scope: String,
    /// The key's first characters, to tell it apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Calls made with it (each is in the audit).
    pub calls: i64,
    /// Only in the answer that made it: the key itself, never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

fn key_view(k: ApiKey, calls: i64, text: Option<String>) -> KeyView {
    KeyView {
        id: k.id,
        name: k.name,
        scope: k.scope,
        prefix: k.prefix,
        created_at: k.created_at,
        revoked_at: k.revoked_at,
        last_used_at: k.last_used_at,
        calls,
        key: text,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    operation_id = "api_keys_create",
    tag = "integrations",
    summary = "Make an API key for another system (county admin); the key is shown this once",
    request_body = NewKeyBody,
    responses((status = 201, description = "The key, with its text", body = KeyView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn create_key(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<NewKeyBody>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let made = keys::create(&mut conn, &principal, &body.name, &body.scope, Utc::now()).await?;
    Ok(HttpResponse::Created().json(key_view(made.key, 0, Some(made.text))))
}

#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    operation_id = "api_keys_list",
    tag = "integrations",
    summary = "The county's API keys (county admin), newest first",
    responses((status = 200, description = "The keys, without their text", body = Vec<KeyView>), answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn list_keys(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Vec<KeyView>>> {
    let mut conn = state.pool.get().await?;
    let keys = keys::list(&mut conn, &principal).await?;
    Ok(web::Json(
        keys.into_iter()
            .map(|(k, calls)| key_view(k, calls, None))
            .collect(),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/api-keys/{id}",
    operation_id = "api_keys_revoke",
    tag = "integrations",
    summary = "Revoke an API key (county admin): it stops working at once",
    params(("id" = Uuid, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked"), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn revoke_key(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    keys::revoke(&mut conn, &principal, path.into_inner(), Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWebhookBody {
    /// Where to post: `https://…` (in production; never a private or local address).
    pub url: String,
    /// Case event kinds to send (e.g. `filed`, `accepted`, `escalated`), or `["*"]` for all.
    pub events: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Since when its deliveries fail (none when the last one arrived).
    pub failing_since: Option<DateTime<Utc>>,
    /// Paused by hand or after a day of failures: nothing is queued for it meanwhile.
    pub paused_at: Option<DateTime<Utc>>,
    /// Only in the answer that made it: the signing secret, never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn webhook_view(e: Endpoint, secret: Option<String>) -> WebhookView {
    WebhookView {
        id: e.id,
        url: e.url,
        events: e.events,
        created_at: e.created_at,
        failing_since: e.failing_since,
        paused_at: e.paused_at,
        secret,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    operation_id = "webhooks_create",
    tag = "integrations",
    summary = "Register a webhook endpoint (county admin); its signing secret is shown this once",
    request_body = NewWebhookBody,
    responses((status = 201, description = "The endpoint, with its secret", body = WebhookView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn create_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<NewWebhookBody>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let made = webhooks::create(
        &mut conn,
        &principal,
        &state.sealer,
        &body.url,
        &body.events,
        state.config.is_production(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(webhook_view(made.endpoint, Some(made.secret))))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    operation_id = "webhooks_list",
    tag = "integrations",
    summary = "The county's webhook endpoints (county admin)",
    responses((status = 200, description = "The endpoints, without their secrets", body = Vec<WebhookView>), answers::Unauthorized, answers::Forbidden, answers::Unavailable),
)]
pub async fn list_webhooks(
    principal: Principal,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Vec<WebhookView>>> {
    let mut conn = state.pool.get().await?;
    let list = webhooks::list(&mut conn, &principal).await?;
    Ok(web::Json(
        list.into_iter().map(|e| webhook_view(e, None)).collect(),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    operation_id = "webhooks_delete",
    tag = "integrations",
    summary = "Delete a webhook endpoint (county admin); what it had still to receive is dropped",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Deleted"), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn delete_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    webhooks::delete(&mut conn, &principal, path.into_inner(), Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PauseBody {
    /// `true` pauses, `false` resumes.
    pub paused: bool,
}

#[utoipa::path(
    put,
    path = "/api/v1/webhooks/{id}/paused",
    operation_id = "webhooks_pause",
    tag = "integrations",
    summary = "Pause or resume a webhook endpoint (county admin)",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    request_body = PauseBody,
    responses((status = 200, description = "The endpoint", body = WebhookView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::NotJson, answers::Unavailable),
)]
pub async fn pause_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<PauseBody>,
) -> AppResult<web::Json<WebhookView>> {
    let mut conn = state.pool.get().await?;
    let e = webhooks::pause(
        &mut conn,
        &principal,
        path.into_inner(),
        body.paused,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(webhook_view(e, None)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub case_id: Uuid,
    pub seq: i32,
    pub event: String,
    pub at: DateTime<Utc>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    /// How long the last attempt took, in milliseconds.
    pub last_ms: Option<i32>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> DeliveryView {
        DeliveryView {
            id: d.id,
            case_id: d.case_id,
            seq: d.seq,
            event: d.kind,
            at: d.at,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            last_ms: d.last_ms,
            delivered_at: d.delivered_at,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    operation_id = "webhooks_deliveries",
    tag = "integrations",
    summary = "The endpoint's delivery log, newest first (the last 200)",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The deliveries", body = Vec<DeliveryView>), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn deliveries(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<DeliveryView>>> {
    let mut conn = state.pool.get().await?;
    let (_, log) = webhooks::log(&mut conn, &principal, path.into_inner()).await?;
    Ok(web::Json(log.into_iter().map(DeliveryView::from).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Replayed {
    /// The new delivery of the same event.
    pub id: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
    operation_id = "webhooks_replay",
    tag = "integrations",
    summary = "Send a delivery's event again (a new delivery, queued now)",
    params(("id" = Uuid, Path, description = "The endpoint's id"), ("delivery_id" = i64, Path, description = "The delivery's id")),
    responses((status = 202, description = "Queued", body = Replayed), answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Unavailable),
)]
pub async fn replay(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i64)>,
) -> AppResult<HttpResponse> {
    let (endpoint, delivery) = path.into_inner();
    let mut conn = state.pool.get().await?;
    let id = webhooks::replay(&mut conn, &principal, endpoint, delivery, Utc::now()).await?;
    Ok(HttpResponse::Accepted().json(Replayed { id }))
}
