//! `POST /api/v1/filings`: another system files a dispute on a resident's behalf with a `file`
//! key, saying how the resident consented. Its own id of the dispute makes the call safe to
//! repeat: the same id files once and answers with the case it became. Every call is audited.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::casework::filing::{FilingInput, ImportedLine, RespondentInput};
use crate::casework::import::{Importer, Once, file_once};
use crate::error::{AppError, AppResult};
use crate::interop::keys::{Scope, SystemCaller};
use crate::routes::AppState;
use crate::workflow::ConsentMethod;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemFiling {
    /// The dispute's id in the calling system (1–100 characters): the same id files once.
    pub external_id: String,
    /// When the calling system recorded it.
    pub recorded_on: Option<NaiveDate>,
    /// How the resident consented to this filing: `in_person`, `phone` or `paper`.
    pub consent_method: String,
    pub applicant: RespondentInput,
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub village_code: String,
    pub respondents: Vec<RespondentInput>,
    /// Yuan, at most two decimals.
    pub amount: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SystemFiled {
    pub case_id: Option<Uuid>,
    pub number: String,
    /// True when this id was filed before and nothing new was made.
    pub replayed: bool,
}

fn parse(req: &HttpRequest, body: &[u8]) -> AppResult<SystemFiling> {
    let json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(AppError::UnsupportedMediaType(
            "Send the filing as JSON (Content-Type: application/json).".into(),
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("The filing is not understood: {e}.")))
}

async fn file(
    state: &AppState,
    caller: &SystemCaller,
    body: SystemFiling,
) -> AppResult<(bool, SystemFiled)> {
    if caller.scope != Scope::File {
        return Err(AppError::Forbidden(
            "This key may only read; the county admin makes a key with the scope file to file for residents.".into(),
        ));
    }
    let external_id = body.external_id.trim().to_owned();
    if external_id.is_empty() || external_id.chars().count() > 100 {
        return Err(AppError::Unprocessable(
            "external_id must be 1 to 100 characters.".into(),
        ));
    }
    let consent = ConsentMethod::parse(&body.consent_method)
        .ok_or_else(|| AppError::Unprocessable(ConsentMethod::refusal("consent_method")))?;
    let importer = Importer {
        county_id: caller.key.county_id,
        user_id: caller.key.created_by,
    };
    let line = ImportedLine {
        external_id,
        recorded_on: body.recorded_on,
        applicant: body.applicant,
        input: FilingInput {
            category: body.category,
            narrative: body.narrative,
            request: body.request,
            village_code: body.village_code,
            respondents: body.respondents,
            amount: body.amount,
            privacy_notice_version: None,
        },
        consent,
    };
    let mut conn = state.pool.get().await?;
    Ok(
        match file_once(&mut conn, &importer, line, &state.sealer, Utc::now()).await? {
            Once::Filed { case_id, number } => (
                true,
                SystemFiled {
                    case_id: Some(case_id),
                    number,
                    replayed: false,
                },
            ),
            Once::Before { number } => (
                false,
                SystemFiled {
                    case_id: None,
                    number,
                    replayed: true,
                },
            ),
        },
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/filings",
    operation_id = "filings_create",
    tag = "integrations",
    summary = "File a dispute on a resident's behalf (API key with the scope file)",
    request_body = SystemFiling,
    responses((status = 201, description = "Filed", body = SystemFiled), (status = 200, description = "This external_id was filed before: the case it became", body = SystemFiled), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotJson, answers::Unprocessable, answers::TooMany, answers::Unavailable),
    security(("api_key" = [])),
)]
pub async fn create(
    req: HttpRequest,
    caller: SystemCaller,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    // The body is read after the key: a caller without one hears 401 whatever it sent.
    let result = match parse(&req, &body) {
        Ok(filing) => file(&state, &caller, filing).await,
        Err(e) => Err(e),
    };
    let status = match &result {
        Ok((true, _)) => 201,
        Ok((false, _)) => 200,
        Err(e) => i32::from(e.status_code().as_u16()),
    };
    let mut conn = state.pool.get().await?;
    crate::interop::keys::audit(&mut conn, &caller, "POST", req.path(), status, Utc::now()).await?;
    let (made, answer) = result?;
    Ok(if made {
        HttpResponse::Created().json(answer)
    } else {
        HttpResponse::Ok().json(answer)
    })
}
