//! Filing for a resident, claiming, public lookup, invitations and adding people to a case.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use uuid::Uuid;

use super::request_lang;
use crate::auth::Principal;
use crate::casework::filing::{AssistedFilingInput, file_assisted};
use crate::casework::invitation::{self, Answer, InvitationView};
use crate::casework::parties::{self, CaseKey, NewPartyInput, PublicStatus};
use crate::casework::view::CaseView;
use crate::error::AppResult;
use crate::routes::AppState;

/// `POST /api/v1/cases/assisted`: a mediator files for a resident.
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
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<CaseKey>,
) -> AppResult<web::Json<PublicStatus>> {
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
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
