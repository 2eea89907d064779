//! What the documents of a case are made from: the case as the caller may see it, its history
//! with who acted, its evidence and its filing consent (`crate::documents::Source`); and the
//! substance of a document, alike for every reader, that says whether an issued one stands.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::Principal;
use crate::casework::view::CaseView;
use crate::crypto::Sealer;
use crate::db;
use crate::db::events::EventRow;
use crate::documents::{self, EventLine, EvidenceLine, Kind, PartyLine, SessionLine, Source};
use crate::error::AppError;
use crate::workflow::{CaseState, Lang, SessionMode, Side};

fn who(e: &EventRow, names: &HashMap<Uuid, String>, parties: &[PartyLine]) -> String {
    match e.actor_role.as_str() {
        "system" => "系统（期限届满）".to_owned(),
        "party" => e
            .data
            .get("party_id")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .and_then(|id| parties.iter().find(|p| p.id == id))
            .map_or_else(|| "当事人".to_owned(), |p| p.name.clone()),
        role => e
            .actor_id
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| {
                if role == "judge" {
                    "法官"
                } else {
                    "调解员"
                }
                .to_owned()
            }),
    }
}

/// The documents' source from a case view and what goes with it.
pub(super) async fn source_of(
    conn: &mut AsyncPgConnection,
    view: &CaseView,
    state: &CaseState,
    events: &[EventRow],
    evidence: Vec<EvidenceLine>,
) -> Result<Source, AppError> {
    let consent = db::cases::consent_to_notice(conn, state.county_id, state.id).await?;
    let mut staff_ids: Vec<Uuid> = events.iter().filter_map(|e| e.actor_id).collect();
    staff_ids.extend(state.mediator_id);
    if let Some(a) = &state.agreement {
        staff_ids.extend(a.mediator_signed_by);
    }
    staff_ids.sort();
    staff_ids.dedup();
    let staff = db::users::names(conn, &staff_ids).await?;
    let names: HashMap<Uuid, String> = staff.iter().cloned().collect();
    let parties: Vec<PartyLine> = view
        .parties
        .iter()
        .map(|p| PartyLine {
            id: p.id,
            side: Side::parse(&p.side).unwrap_or(Side::ThirdParty),
            name: p.name.clone(),
            phone: p.phone.clone(),
            id_number: p.id_number.clone(),
            particulars: p.particulars.clone(),
            signed_at: p.signed_at,
        })
        .collect();
    let events = events
        .iter()
        .map(|e| EventLine {
            seq: e.seq,
            kind: e.kind.clone(),
            at: e.at,
            who: who(e, &names, &parties),
            data: e.data.clone(),
            hash: e.hash.clone(),
        })
        .collect();
    Ok(Source {
        number: view.number.clone(),
        category: crate::domain::Category::parse(&view.category)
            .map_or_else(|| view.category.clone(), |c| c.label_zh().to_owned()),
        narrative: view.narrative.clone(),
        request: view.request.clone(),
        amount_fen: view.amount.and_then(crate::domain::fen_of_yuan),
        village: view.village.name.clone(),
        committee: view.committee.name.clone(),
        level: state.level,
        status: state.status,
        mediator: view.mediator.as_ref().map(|m| m.name.clone()),
        parties,
        sessions: view
            .sessions
            .iter()
            .map(|s| SessionLine {
                id: s.id,
                at: s.at,
                mode: SessionMode::parse(&s.mode).unwrap_or(SessionMode::InPerson),
                location: s.location.clone(),
                record: s.record.clone(),
            })
            .collect(),
        agreement: state.agreement.clone(),
        confirmation: state.confirmation,
        performance: state.performance,
        filed_at: state.filed_at,
        events,
        evidence,
        consented_at: consent.as_ref().map(|c| c.0),
        assisted: consent.and_then(|c| c.1),
        staff,
    })
}

/// What every reader's copy of a document says alike: no contact details or particulars, no
/// evidence (each side may see differently). Its digest tells whether an issued document still
/// stands.
pub(super) fn substance(kind: Kind, session: Option<Uuid>, source: &Source) -> Option<String> {
    let neutral = Source {
        parties: source
            .parties
            .iter()
            .map(|p| PartyLine {
                phone: None,
                id_number: None,
                particulars: None,
                ..p.clone()
            })
            .collect(),
        evidence: Vec::new(),
        events: source
            .events
            .iter()
            .filter(|e| e.kind != "evidence_added" && e.kind != "document_fetched")
            .cloned()
            .collect(),
        ..source.clone()
    };
    documents::build(kind, session, &neutral)
        .ok()
        .map(|d| d.digest())
}

pub(super) struct Gathered {
    pub state: CaseState,
    pub source: Source,
}

pub(super) async fn gather(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Gathered, AppError> {
    let record = crate::casework::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let events = crate::casework::history::visible_events(conn, principal, &state).await?;
    let evidence = crate::casework::attach::list(conn, principal, case_id)
        .await?
        .into_iter()
        .map(|e| EvidenceLine {
            filename: e.filename,
            size: e.size,
            sha256: e.sha256,
            at: e.created_at,
        })
        .collect();
    let view =
        crate::casework::view::load_view(conn, principal, record, Lang::Zh, sealer, now).await?;
    let source = source_of(conn, &view, &state, &events, evidence).await?;
    Ok(Gathered { state, source })
}
