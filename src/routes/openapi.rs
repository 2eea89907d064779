//! The OpenAPI 3.1 document of the stable API (`/api/openapi.json`) and a plain docs page
//! rendered from it (`/api/docs`). The document is derived from the handlers' `#[utoipa::path]`
//! and the very structs serde reads and writes, so it cannot drift from them; a snapshot of it
//! (`docs/openapi.json`) shows every change of the contract in review, and a test checks that
//! the route table and the document name the same operations.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use askama::Template;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api;
use crate::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fengqiao mediation API",
        version = "1",
        description = "The stable API of the online people's-mediation service. Names do not change; fields and endpoints may be added."
    ),
    paths(
        api::auth::login,
        api::auth::logout,
        api::sign_in::send,
        api::sign_in::verify,
        api::account::change_password,
        api::account::reset,
        api::account::use_link,
        api::account::sessions,
        api::account::end_sessions,
        api::account::contact_code,
        api::account::change_contact,
        api::account::choose_channel,
        api::account::my_data,
        api::account::request_deletion,
        api::account::deletion_requests,
        api::account::decide_deletion,
        api::second_factor::verify,
        api::second_factor::enrol_with_ticket,
        api::second_factor::confirm_with_ticket,
        api::second_factor::enrol,
        api::second_factor::confirm,
        api::second_factor::turn_off,
        api::me::me,
        api::staff::invite,
        api::staff::deactivate,
        api::staff::reactivate,
        api::divisions::tree,
        api::cases::create,
        api::cases::list,
        api::cases::show,
        api::cases::action,
        api::cases::events,
        api::cases::access_log,
        api::cases::rate,
        api::parties::assisted,
        api::parties::claim,
        api::parties::lookup,
        api::parties::invitation,
        api::parties::answer,
        api::parties::add,
        api::evidence::upload,
        api::evidence::list,
        api::evidence::download,
        api::messages::post,
        api::messages::list,
        api::committee::mediators,
        api::committee::calendar,
        api::queue::queue,
        api::notifications::list,
        api::notifications::mark_read,
        api::outbox::list_failed,
        api::policy::show,
        api::policy::update,
        api::stats::json,
        api::stats::csv,
        api::stats::xlsx,
        api::stats::public,
        api::bundle::download,
        api::documents::list,
        api::documents::fetch,
        api::documents::verify,
        api::parties::particulars,
        api::export::export,
        api::filings::create,
        api::similar::similar,
        api::integrations::create_key,
        api::integrations::list_keys,
        api::integrations::revoke_key,
        api::integrations::create_webhook,
        api::integrations::list_webhooks,
        api::integrations::delete_webhook,
        api::integrations::pause_webhook,
        api::integrations::deliveries,
        api::integrations::replay
    ),
    components(schemas(api::answers::ErrorBody)),
    modifiers(&Credentials),
    security(("bearer" = []), ("cookie" = []))
)]
struct ApiDoc;

/// How a caller proves who they are: the session token as a bearer token, or the session
/// cookie of the pages.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("fq_ API key")
                    .description(Some(
                        "An API key of another system, made by the county admin",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null))
}

pub async fn json_document() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

struct Endpoint {
    method: String,
    path: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "pages/api_docs.html")]
struct Docs<'a> {
    ctx: &'a super::pages::Ctx,
    endpoints: Vec<Endpoint>,
}

pub async fn docs_page() -> Result<HttpResponse, AppError> {
    let mut endpoints = Vec::new();
    if let Some(paths) = document()["paths"].as_object() {
        for (path, methods) in paths {
            for (method, op) in methods.as_object().into_iter().flatten() {
                endpoints.push(Endpoint {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: op["summary"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
    }
    let ctx = super::pages::Ctx::bare(crate::workflow::Lang::En);
    super::pages::html(&Docs {
        ctx: &ctx,
        endpoints,
    })
}
