//! Filing for a resident, claiming, public lookup, invitations and adding people to a case.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use super::answers;
use super::request_lang;
use crate::auth::Principal;
use crate::casework::filing::{AssistedFilingInput, file_assisted};
use crate::casework::invitation::{self, Answer, InvitationView};
use crate::casework::parties::{self, CaseKey, NewPartyInput, PublicStatus};
use crate::casework::view::CaseView;
use crate::error::AppResult;
use crate::routes::AppState;

/// `POST /api/v1/cases/assisted`: a mediator files for a resident.
#[utoipa::path(
    post,
    path = "/api/v1/cases/assisted",
    operation_id = "parties_assisted",
    tag = "cases",
    summary = "A mediator files for a resident who cannot use the web",
    request_body = crate::casework::filing::AssistedFilingInput,
    responses((status = 201, description = "The new case, with its access code", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::TooLarge, answers::NotJson, answers::Unprocessable, answers::Unavailable),
)]
pub async fn assisted(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<AssistedFilingInput>,
) -> AppResult<HttpResponse> {
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let filed = file_assisted(&mut conn, &principal, body.into_inner(), &state.sealer, now).await?;
    super::cases::filed_response(&req, &mut conn, &principal, &state, filed, now).await
}

/// `POST /api/v1/cases/claim`: a resident takes over a case filed for them.
#[utoipa::path(
    post,
    path = "/api/v1/cases/claim",
    operation_id = "parties_claim",
    tag = "cases",
    summary = "A resident takes over a case filed for them",
    request_body = crate::casework::parties::CaseKey,
    responses((status = 200, description = "The case", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::TooMany, answers::Unavailable),
)]
pub async fn claim(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<CaseKey>,
) -> AppResult<web::Json<CaseView>> {
    let mut conn = state.pool.get().await?;
    let lang = request_lang(&req, Some(&principal));
    Ok(web::Json(
        parties::claim(
            &mut conn,
            &principal,
            &body,
            lang,
            &state.sealer,
            Utc::now(),
        )
        .await?,
    ))
}

/// `POST /api/v1/lookup`: where a case stands, by number and access code, without an account.
#[utoipa::path(
    post,
    path = "/api/v1/lookup",
    operation_id = "parties_lookup",
    tag = "cases",
    summary = "Where a case stands, by number and access code (no account)",
    request_body = crate::casework::parties::CaseKey,
    responses((status = 200, description = "Status and the next step", body = crate::casework::parties::PublicStatus), answers::BadRequest, answers::NotFound, answers::TooMany, answers::Unavailable),
    security(()),
)]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<CaseKey>,
) -> AppResult<web::Json<PublicStatus>> {
    let address = crate::auth::login::client_address(&req);
    let mut conn = state.pool.get().await?;
    Ok(web::Json(
        parties::lookup(
            &mut conn,
            &body,
            &address,
            request_lang(&req, None),
            Utc::now(),
        )
        .await?,
    ))
}

/// `GET /api/v1/invitations/{token}`: the case in brief for an invited respondent.
#[utoipa::path(
    get,
    path = "/api/v1/invitations/{token}",
    operation_id = "parties_invitation",
    tag = "invitations",
    summary = "The case in brief for an invited respondent",
    params(("token" = String, Path, description = "The invitation token from the link")),
    responses((status = 200, description = "Summary", body = crate::casework::invitation::InvitationView), answers::NotFound, answers::Conflict, answers::Unavailable),
    security(()),
)]
pub async fn invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<web::Json<InvitationView>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(
        invitation::show(&mut conn, &state.keys, &token, request_lang(&req, None)).await?,
    ))
}

/// `POST /api/v1/invitations/{token}`: consent or refuse, once.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{token}",
    operation_id = "parties_answer",
    tag = "invitations",
    summary = "Consent or refuse through the link (once); optionally set a password",
    params(("token" = String, Path, description = "The invitation token from the link")),
    request_body = crate::casework::invitation::Answer,
    responses((status = 200, description = "Summary after the answer", body = crate::casework::invitation::InvitationView), answers::BadRequest, answers::Forbidden, answers::NotFound, answers::Conflict, answers::Unprocessable, answers::Unavailable),
    security(()),
)]
pub async fn answer(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Json<Answer>,
) -> AppResult<web::Json<InvitationView>> {
    let mut conn = state.pool.get().await?;
    Ok(web::Json(
        invitation::answer(
            &mut conn,
            &state.keys,
            &token,
            body.into_inner(),
            Utc::now(),
        )
        .await?,
    ))
}

/// `POST /api/v1/cases/{id}/parties`: the mediator adds an agent or a third party.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/parties",
    operation_id = "parties_add",
    tag = "cases",
    summary = "The mediator adds an agent or a third party",
    params(("id" = Uuid, Path, description = "The case")),
    request_body = crate::casework::parties::NewPartyInput,
    responses((status = 201, description = "The case", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::Unprocessable, answers::Unavailable),
)]
pub async fn add(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: web::Json<NewPartyInput>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let lang = request_lang(&req, Some(&principal));
    let case = parties::add_party(
        &mut conn,
        &principal,
        *id,
        body.into_inner(),
        lang,
        &state.sealer,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(case))
}

/// `PUT /api/v1/cases/{id}/parties/{party_id}/particulars`: a party's particulars for the
/// documents.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/parties/{party_id}/particulars",
    operation_id = "parties_particulars",
    tag = "cases",
    summary = "Records a party's particulars for the statutory documents (sex, year of birth, ethnicity, occupation or employer, address); the case's mediator for any party, or a party for themself; an empty body clears them",
    params(
        ("id" = Uuid, Path, description = "The case"),
        ("party_id" = Uuid, Path, description = "The party"),
    ),
    request_body = crate::domain::Particulars,
    responses((status = 200, description = "The case", body = crate::casework::view::CaseView), answers::BadRequest, answers::Unauthorized, answers::Forbidden, answers::NotFound, answers::Conflict, answers::Unprocessable, answers::Unavailable),
)]
pub async fn particulars(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<crate::domain::Particulars>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let lang = request_lang(&req, Some(&principal));
    let case = crate::casework::particulars::record(
        &mut conn,
        &principal,
        path.into_inner(),
        body.into_inner(),
        (lang, &state.sealer),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(case))
}
