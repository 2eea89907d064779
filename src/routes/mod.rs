//! The one route table of the service, and how malformed requests are answered.

pub mod api;
mod caller;
pub mod compression;
mod health;
pub mod input_guard;
pub mod openapi;
pub mod pages;
pub mod privacy_headers;
pub mod request_limits;
pub mod request_metrics;
pub mod state;
mod static_files;

pub use state::AppState;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;

/// Largest JSON body accepted; evidence goes through multipart with its own limits.
pub const JSON_LIMIT: usize = 64 * 1024;

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let app = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            AppError::PayloadTooLarge(format!(
                "The request body is larger than {} KiB.",
                JSON_LIMIT / 1024
            ))
        }
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType(
            "Send the body as JSON with the header Content-Type: application/json.".to_owned(),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => AppError::BadRequest(format!(
            "The request body has a wrong or missing field: {e}."
        )),
        JsonPayloadError::Deserialize(e) => {
            AppError::BadRequest(format!("The request body is not valid JSON: {e}."))
        }
        other => AppError::BadRequest(format!("The request body could not be read: {other}.")),
    };
    app.into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("The query string is not valid: {err}.")).into()
}

fn form_error(err: actix_web::error::UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let app = AppError::BadRequest(format!("The form could not be read: {err}."));
    let response = pages::error_page(req, &app);
    actix_web::error::InternalError::from_response(err, response).into()
}

fn path_error(err: PathError, _: &HttpRequest) -> actix_web::Error {
    let _ = err;
    AppError::NotFound.into()
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        actix_web::ResponseError::error_response(&AppError::NotFound)
    } else {
        pages::not_found_page(&req).await
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(json_error),
    )
    .app_data(web::QueryConfig::default().error_handler(query_error))
    .app_data(
        web::FormConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(form_error),
    )
    .app_data(web::PathConfig::default().error_handler(path_error))
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .route("/metrics", web::get().to(health::metrics))
    .service(
        web::scope("/api/v1")
            .route("/auth/login", web::post().to(api::auth::login))
            .route("/auth/logout", web::post().to(api::auth::logout))
            .route("/auth/code", web::post().to(api::sign_in::send))
            .route("/auth/code/verify", web::post().to(api::sign_in::verify))
            .route(
                "/auth/password",
                web::post().to(api::account::change_password),
            )
            .route("/auth/reset", web::post().to(api::account::reset))
            .route("/auth/link", web::post().to(api::account::use_link))
            .route(
                "/auth/second-factor",
                web::post().to(api::second_factor::verify),
            )
            .route(
                "/auth/second-factor/enrol",
                web::post().to(api::second_factor::enrol_with_ticket),
            )
            .route(
                "/auth/second-factor/confirm",
                web::post().to(api::second_factor::confirm_with_ticket),
            )
            .route(
                "/me/second-factor",
                web::post().to(api::second_factor::enrol),
            )
            .route(
                "/me/second-factor/confirm",
                web::post().to(api::second_factor::confirm),
            )
            .route(
                "/me/second-factor",
                web::delete().to(api::second_factor::turn_off),
            )
            .route("/me", web::get().to(api::me::me))
            .route("/me/sessions", web::get().to(api::account::sessions))
            .route("/me/data", web::get().to(api::account::my_data))
            .route(
                "/me/deletion",
                web::post().to(api::account::request_deletion),
            )
            .route(
                "/deletion-requests",
                web::get().to(api::account::deletion_requests),
            )
            .route(
                "/deletion-requests/{id}",
                web::post().to(api::account::decide_deletion),
            )
            .route("/me/sessions", web::delete().to(api::account::end_sessions))
            .route(
                "/me/contact/code",
                web::post().to(api::account::contact_code),
            )
            .route("/me/contact", web::post().to(api::account::change_contact))
            .route("/me/channel", web::put().to(api::account::choose_channel))
            .route("/staff", web::post().to(api::staff::invite))
            .route(
                "/staff/{id}/deactivate",
                web::post().to(api::staff::deactivate),
            )
            .route(
                "/staff/{id}/reactivate",
                web::post().to(api::staff::reactivate),
            )
            .route("/divisions", web::get().to(api::divisions::tree))
            .route("/cases", web::post().to(api::cases::create))
            .route("/cases/assisted", web::post().to(api::parties::assisted))
            .route("/cases/claim", web::post().to(api::parties::claim))
            .route("/lookup", web::post().to(api::parties::lookup))
            .route(
                "/invitations/{token}",
                web::get().to(api::parties::invitation),
            )
            .route("/invitations/{token}", web::post().to(api::parties::answer))
            .route("/cases", web::get().to(api::cases::list))
            .route("/cases/{id}", web::get().to(api::cases::show))
            .route("/cases/{id}/actions", web::post().to(api::cases::action))
            .route("/cases/{id}/events", web::get().to(api::cases::events))
            .route(
                "/cases/{id}/access-log",
                web::get().to(api::cases::access_log),
            )
            .route("/cases/{id}/bundle", web::get().to(api::bundle::download))
            .route("/cases/{id}/documents", web::get().to(api::documents::list))
            .route(
                "/cases/{id}/documents/{kind}",
                web::get().to(api::documents::fetch),
            )
            .route("/verify/{code}", web::get().to(api::documents::verify))
            .route(
                "/cases/{id}/evidence",
                web::post().to(api::evidence::upload),
            )
            .route("/cases/{id}/evidence", web::get().to(api::evidence::list))
            .route("/evidence/{id}", web::get().to(api::evidence::download))
            .route("/cases/{id}/messages", web::post().to(api::messages::post))
            .route("/cases/{id}/messages", web::get().to(api::messages::list))
            .route("/cases/{id}/parties", web::post().to(api::parties::add))
            .route(
                "/cases/{id}/parties/{party_id}/particulars",
                web::put().to(api::parties::particulars),
            )
            .route("/cases/{id}/rating", web::post().to(api::cases::rate))
            .route(
                "/committee/mediators",
                web::get().to(api::committee::mediators),
            )
            .route("/calendar", web::get().to(api::committee::calendar))
            .route("/queue", web::get().to(api::queue::queue))
            .route("/notifications", web::get().to(api::notifications::list))
            .route(
                "/notifications/read",
                web::post().to(api::notifications::mark_read),
            )
            .route("/outbox/failed", web::get().to(api::outbox::list_failed))
            .route("/export", web::get().to(api::export::export))
            .route("/filings", web::post().to(api::filings::create))
            .route("/cases/{id}/similar", web::get().to(api::similar::similar))
            .route("/api-keys", web::post().to(api::integrations::create_key))
            .route("/api-keys", web::get().to(api::integrations::list_keys))
            .route(
                "/api-keys/{id}",
                web::delete().to(api::integrations::revoke_key),
            )
            .route(
                "/webhooks",
                web::post().to(api::integrations::create_webhook),
            )
            .route("/webhooks", web::get().to(api::integrations::list_webhooks))
            .route(
                "/webhooks/{id}",
                web::delete().to(api::integrations::delete_webhook),
            )
            .route(
                "/webhooks/{id}/paused",
                web::put().to(api::integrations::pause_webhook),
            )
            .route(
                "/webhooks/{id}/deliveries",
                web::get().to(api::integrations::deliveries),
            )
            .route(
                "/webhooks/{id}/deliveries/{delivery_id}/replay",
                web::post().to(api::integrations::replay),
            )
            .route("/policy", web::get().to(api::policy::show))
            .route("/policy", web::put().to(api::policy::update))
            .route("/stats", web::get().to(api::stats::json))
            .route("/stats.csv", web::get().to(api::stats::csv))
            .route("/stats.xlsx", web::get().to(api::stats::xlsx))
            .route("/public/stats", web::get().to(api::stats::public)),
    )
    .route("/api/openapi.json", web::get().to(openapi::json_document))
    .route("/api/docs", web::get().to(openapi::docs_page))
    .route("/static/{name}", web::get().to(static_files::serve))
    .route("/favicon.ico", web::get().to(static_files::favicon))
    .route("/", web::get().to(pages::home::home))
    .route("/dashboard", web::get().to(pages::dashboard::dashboard))
    .route("/stats", web::get().to(pages::dashboard::counties))
    .route("/stats/{code}", web::get().to(pages::dashboard::public))
    .route("/login", web::get().to(pages::sign_in::login_form))
    .route("/login", web::post().to(pages::account::login_submit))
    .route("/login/code", web::post().to(pages::sign_in::code_submit))
    .route(
        "/login/second-factor",
        web::post().to(pages::second_factor::submit),
    )
    .route("/login/reset", web::get().to(pages::sign_in::reset_form))
    .route(
        "/login/unlock/{token}",
        web::get().to(pages::sign_in::unlock_link),
    )
    .route("/login/reset", web::post().to(pages::sign_in::reset_submit))
    .route(
        "/account/link/{token}",
        web::get().to(pages::sign_in::link_form),
    )
    .route(
        "/account/link/{token}",
        web::post().to(pages::sign_in::link_submit),
    )
    .route("/i/{code}", web::get().to(pages::sign_in::short_link))
    .route("/account", web::get().to(pages::my_account::show))
    .route(
        "/account/data",
        web::get().to(pages::my_account::download_data),
    )
    .route(
        "/account/contact",
        web::post().to(pages::my_account::change_contact),
    )
    .route(
        "/account/password",
        web::post().to(pages::my_account::change_password),
    )
    .route(
        "/account/second-factor",
        web::post().to(pages::my_account::second_factor),
    )
    .route(
        "/account/deletion",
        web::post().to(pages::my_account::request_deletion),
    )
    .route(
        "/account/sessions/end",
        web::post().to(pages::my_account::end_sessions),
    )
    .route("/logout", web::post().to(pages::account::logout))
    .route("/lang/{choice}", web::get().to(pages::account::language))
    .route("/text/{choice}", web::get().to(pages::account::text_size))
    .route(
        "/cases/{id}/documents/{kind}",
        web::get().to(pages::documents::show),
    )
    .route(
        "/cases/{id}/card",
        web::post().to(pages::case_forms::card_form),
    )
    .route("/c/{code}", web::get().to(pages::case::card_page))
    .route(
        "/cases/{id}/people/{party_id}/particulars",
        web::post().to(pages::case_forms::particulars_form),
    )
    .route("/verify/{code}", web::get().to(pages::documents::verify))
    .route(
        "/verify/{code}/qr.svg",
        web::get().to(pages::documents::qr_svg),
    )
    .route("/lookup", web::get().to(pages::account::lookup_form))
    .route("/lookup", web::post().to(pages::account::lookup_submit))
    .route("/privacy", web::get().to(pages::account::privacy))
    .route("/help", web::get().to(pages::account::help))
    .route(
        "/invitations/{token}",
        web::get().to(pages::account::invitation_page),
    )
    .route(
        "/invitations/{token}",
        web::post().to(pages::account::invitation_answer),
    )
    .route("/my", web::get().to(pages::lists::my_cases))
    .route("/queue", web::get().to(pages::lists::queue))
    .route("/calendar", web::get().to(pages::lists::calendar))
    .route("/file", web::get().to(pages::filing::start))
    .route("/file", web::post().to(pages::filing::next))
    .route("/file/voice", web::post().to(pages::filing::voice))
    .route("/file-for", web::get().to(pages::filing::assisted_form))
    .route("/file-for", web::post().to(pages::filing::assisted_submit))
    .route("/cases/{id}", web::get().to(pages::case::show))
    .route(
        "/cases/{id}/act",
        web::post().to(pages::case_forms::act_form),
    )
    .route(
        "/cases/{id}/message",
        web::post().to(pages::case_forms::message_form),
    )
    .route(
        "/cases/{id}/evidence",
        web::post().to(pages::case_forms::evidence_form),
    )
    .route(
        "/cases/{id}/people",
        web::post().to(pages::case_forms::person_form),
    )
    .route(
        "/cases/{id}/rating",
        web::post().to(pages::case_forms::rating_form),
    )
    .route("/notifications", web::get().to(pages::notices::list))
    .route(
        "/notifications/read",
        web::post().to(pages::notices::read_all),
    )
    .route(
        "/admin/staff",
        web::get().to(pages::admin_staff::staff_page),
    )
    .route("/admin/staff", web::post().to(pages::admin_staff::invite))
    .route(
        "/admin/committees/{id}/contact",
        web::post().to(pages::admin_staff::committee_contact),
    )
    .route(
        "/admin/staff/{id}",
        web::post().to(pages::admin_staff::member),
    )
    .route(
        "/admin/deletions",
        web::get().to(pages::admin_deletions::list),
    )
    .route(
        "/admin/deletions/{id}",
        web::post().to(pages::admin_deletions::decide),
    )
    .route("/admin/policy", web::get().to(pages::admin::show))
    .route("/admin/policy", web::post().to(pages::admin::save))
    .route("/admin/court", web::post().to(pages::admin::save_court))
    .route(
        "/admin/integrations",
        web::get().to(pages::admin_integrations::show),
    )
    .route(
        "/admin/integrations/import",
        web::post().to(pages::admin_integrations::import),
    )
    .route(
        "/admin/integrations/keys",
        web::post().to(pages::admin_integrations::create_key),
    )
    .route(
        "/admin/integrations/webhooks",
        web::post().to(pages::admin_integrations::create_endpoint),
    )
    .route(
        "/admin/integrations/{id}",
        web::post().to(pages::admin_integrations::change),
    )
    .route(
        "/admin/retention",
        web::post().to(pages::admin::save_retention),
    )
    .default_service(web::to(not_found));
}
