//! The case as a caller sees it: the same shape for the API and the pages, with personal details
//! masked for everyone but the person and the mediators of the case.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{actor_for, viewer_for};
use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db::cases::{CaseRecord, Labels};
use crate::domain::{IdNumber, Phone};
use crate::workflow::{
    Actor, Agreement, CaseState, Lang, Policy, Viewer, allowed_actions, may_mediate, next_step,
};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Place {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommitteeView {
    pub id: Uuid,
    pub name: String,
    pub level: String,
    /// How to reach the committee (kept by the county admin), when known.
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    pub id: Uuid,
    pub side: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub is_you: bool,
    pub consented: bool,
    pub signed_at: Option<DateTime<Utc>>,
    /// Sex, year of birth, ethnicity, occupation, address, as recorded: in full for the case's
    /// parties and mediators, masked for anyone else.
    pub particulars: Option<crate::domain::Particulars>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: String,
    pub location: String,
    pub record: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub number: String,
    pub category: String,
    pub narrative: String,
    pub request: String,
    /// Yuan.
    pub amount: Option<f64>,
    pub village: Place,
    #[schema(value_type = crate::workflow::Level)]
    pub level: String,
    #[schema(value_type = crate::workflow::Status)]
    pub status: String,
    pub version: i32,
    pub deadline_at: Option<DateTime<Utc>>,
    pub deadline_kind: Option<String>,
    pub overdue: bool,
    pub committee: CommitteeView,
    pub mediator: Option<Named>,
    pub parties: Vec<PartyView>,
    pub sessions: Vec<SessionView>,
    pub agreement: Option<Agreement>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub confirmation: Option<String>,
    pub performance: Option<String>,
    pub followed_up: bool,
    pub filed_at: DateTime<Utc>,
    /// One plain sentence: where the case is, what happens next, by when.
    pub next_step: String,
    /// The actions this caller may take now (the engine decides).
    pub allowed_actions: Vec<&'static str>,
}

fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Mediators of the case (the holding committee) see personal details in full.
fn sees_details(actor: Option<&Actor>, state: &CaseState) -> bool {
    actor.is_some_and(|a| {
        matches!(a, Actor::Mediator { committee_id, .. } if *committee_id == state.committee_id)
            && may_mediate(state, a)
    })
}

pub struct ViewInput<'a> {
    pub record: &'a CaseRecord,
    pub state: &'a CaseState,
    pub labels: Labels,
    /// The caller; `None` for the service's own record (an export), which masks every
    /// personal detail and offers no action.
    pub principal: Option<&'a Principal>,
    pub lang: Lang,
    pub policy: &'a Policy,
    pub sealer: &'a Sealer,
    pub now: DateTime<Utc>,
}

pub fn build(input: ViewInput<'_>) -> CaseView {
    let ViewInput {
        record,
        state,
        labels,
        principal,
        lang,
        policy,
        sealer,
        now,
    } = input;
    let row = &record.row;
    let actor = principal.and_then(|p| actor_for(p, state));
    let full = sees_details(actor.as_ref(), state);
    // The parties of a case read each other's particulars in the documents they sign.
    let a_party =
        principal.is_some_and(|me| record.parties.iter().any(|q| q.user_id == Some(me.id)));
    let parties = record
        .parties
        .iter()
        .map(|p| {
            let is_you = principal.is_some_and(|me| p.user_id == Some(me.id));
            let particulars = p
                .particulars_enc
                .as_deref()
                .and_then(|sealed| sealer.open(sealed).ok())
                .and_then(|json| serde_json::from_str::<crate::domain::Particulars>(&json).ok())
                .map(|x| if full || a_party { x } else { x.masked() });
            let phone = p
                .phone_enc
                .as_deref()
                .and_then(|sealed| sealer.open(sealed).ok())
                .and_then(|plain| Phone::parse(&plain).ok())
                .map(|phone| {
                    if full || is_you {
                        phone.as_str().to_owned()
                    } else {
                        phone.masked()
                    }
                });
            let id_number = p
                .id_number_enc
                .as_deref()
                .and_then(|sealed| sealer.open(sealed).ok())
                .and_then(|plain| IdNumber::parse(&plain).ok())
                .map(|id| {
                    if full || is_you {
                        id.as_str().to_owned()
                    } else {
                        id.masked()
                    }
                });
            PartyView {
                id: p.id,
                id_number,
                side: p.side.clone(),
                name: p.name.clone(),
                email: p.email.as_deref().map(|e| {
                    if full || is_you {
                        e.to_owned()
                    } else {
                        mask_email(e)
                    }
                }),
                phone,
                is_you,
                consented: p.consented,
                signed_at: p.signed_at,
                particulars,
            }
        })
        .collect();
    CaseView {
        id: row.id,
        number: row.number.clone(),
        category: row.category.clone(),
        narrative: row.narrative.clone(),
        request: row.request.clone(),
        amount: row.amount_fen.map(|f| f as f64 / 100.0),
        village: Place {
            code: labels.village_code,
            name: labels.village_name,
        },
        level: row.level.clone(),
        status: row.status.clone(),
        version: row.version,
        deadline_at: row.deadline_at,
        deadline_kind: row.deadline_kind.clone(),
        overdue: row.overdue,
        committee: CommitteeView {
            id: row.committee_id,
            name: labels.committee_name,
            level: row.level.clone(),
            phone: labels.committee_phone,
            address: labels.committee_address,
        },
        mediator: row
            .mediator_id
            .zip(labels.mediator_name)
            .map(|(id, name)| Named { id, name }),
        parties,
        sessions: record
            .sessions
            .iter()
            .map(|s| SessionView {
                id: s.id,
                at: s.at,
                mode: s.mode.clone(),
                location: s.location.clone(),
                record: s.record.clone(),
            })
            .collect(),
        agreement: state.agreement.clone(),
        resolved_at: row.resolved_at,
        confirmation: row.confirmation.clone(),
        performance: row.performance.clone(),
        followed_up: row.followed_up,
        filed_at: row.filed_at,
        next_step: next_step(
            state,
            principal.map_or(Viewer::Public, |p| viewer_for(p, state)),
            lang,
        ),
        allowed_actions: actor
            .map(|a| allowed_actions(state, &a, now, policy))
            .unwrap_or_default(),
    }
}

/// A case as this caller sees it, through the gate (404 outside it), with the record and state
/// it was built from: one statement, and for staff and judges the opening recorded in the same
/// round trip (`db::cases::find_whole`).
pub async fn open_view(
    conn: &mut diesel_async::AsyncPgConnection,
    principal: &Principal,
    case_id: uuid::Uuid,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<(CaseRecord, CaseState, CaseView), crate::error::AppError> {
    use crate::error::AppError;
    let whole = crate::db::cases::find_whole(
        conn,
        super::scope_of(principal),
        case_id,
        super::access_log::opener(principal, now),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let state = whole.record.state().map_err(AppError::internal)?;
    let view = build(ViewInput {
        record: &whole.record,
        state: &state,
        labels: whole.labels,
        principal: Some(principal),
        lang,
        policy: &whole.policy,
        sealer,
        now,
    });
    Ok((whole.record, state, view))
}

/// The view of a case this request has just filed, from what it wrote.
pub fn filed_view(
    principal: &Principal,
    written: &super::filing::Written,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, crate::error::AppError> {
    let state = written
        .record
        .state()
        .map_err(crate::error::AppError::internal)?;
    Ok(build(ViewInput {
        record: &written.record,
        state: &state,
        labels: written.labels.clone(),
        principal: Some(principal),
        lang,
        policy: &written.policy,
        sealer,
        now,
    }))
}

/// Reads what the view needs beyond the record (names, county policy) and builds it.
pub async fn load_view(
    conn: &mut diesel_async::AsyncPgConnection,
    principal: &Principal,
    record: CaseRecord,
    lang: Lang,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, crate::error::AppError> {
    use crate::error::AppError;
    let state = record.state().map_err(AppError::internal)?;
    let labels = crate::db::cases::labels(conn, &record.row).await?;
    let policy = crate::db::policy::of_county(conn, state.county_id).await?;
    Ok(build(ViewInput {
        record: &record,
        state: &state,
        labels,
        principal: Some(principal),
        lang,
        policy: &policy,
        sealer,
        now,
    }))
}

/// The case as the service itself reads it (an export, a verify code): every personal detail
/// masked, no action offered.
pub async fn system_view(
    conn: &mut diesel_async::AsyncPgConnection,
    record: &CaseRecord,
    state: &CaseState,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<CaseView, crate::error::AppError> {
    let labels = crate::db::cases::labels(conn, &record.row).await?;
    let policy = crate::db::policy::of_county(conn, state.county_id).await?;
    Ok(build(ViewInput {
        record,
        state,
        labels,
        principal: None,
        lang: Lang::Zh,
        policy: &policy,
        sealer,
        now,
    }))
}
