//! The work of mediation itself: who mediates, sessions, and the one extension of the clock.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::contract::{Recipient, Refusal, Transition};
use super::decide::{Cx, after_days, reason_data};
use super::guards;
use super::types::{DeadlineKind, Party, Session, SessionMode, Side, Status};

/// `assign` (nobody mediates yet) and `reassign` (somebody else takes over).
pub(super) fn assign(
    cx: &Cx,
    mediator_id: Uuid,
    mediator_committee_id: Option<Uuid>,
    reassign: bool,
) -> Result<Transition, Refusal> {
    guards::head(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[
            Status::Submitted,
            Status::AwaitingRespondent,
            Status::InMediation,
            Status::AgreementPending,
            Status::Unmediable,
            Status::Resolved,
        ],
        "a mediator cannot be assigned now",
    )?;
    let previous = cx.case.mediator_id;
    match (reassign, previous) {
        (false, Some(_)) => {
            return Err(Refusal::WrongState(
                "this case already has a mediator: reassign it instead".into(),
            ));
        }
        (true, None) => {
            return Err(Refusal::WrongState(
                "this case has no mediator yet: assign one instead".into(),
            ));
        }
        _ => {}
    }
    if mediator_committee_id != Some(cx.case.committee_id) {
        return Err(Refusal::Invalid(
            "that person is not a mediator of this committee".into(),
        ));
    }
    if previous == Some(mediator_id) {
        return Err(Refusal::Invalid(
            "that person already mediates this case".into(),
        ));
    }
    let action = if reassign { "reassign" } else { "assign" };
    let mut d = cx.draft(
        action,
        json!({ "mediator_id": mediator_id, "previous": previous }),
    );
    d.case.mediator_id = Some(mediator_id);
    d.notify("mediator_assigned", Recipient::AllParties);
    d.notify(
        "mediator_assigned",
        Recipient::Mediator {
            user_id: mediator_id,
        },
    );
    d.finish()
}

pub(super) fn recuse(cx: &Cx, reason: &Option<String>) -> Result<Transition, Refusal> {
    let party = guards::party(cx.case, cx.actor, guards::PRINCIPALS, guards::PRINCIPAL)?;
    guards::status(
        cx.case,
        &[
            Status::AwaitingRespondent,
            Status::InMediation,
            Status::AgreementPending,
        ],
        "a different mediator can be asked for only while mediation is under way",
    )?;
    let Some(mediator_id) = cx.case.mediator_id else {
        return Err(Refusal::WrongState(
            "no mediator has been assigned yet".into(),
        ));
    };
    if party.recusal_used {
        return Err(Refusal::WrongState(
            "you have already asked for a different mediator once".into(),
        ));
    }
    let party_id = party.id;
    let mut data = reason_data(guards::optional_text(reason));
    data["party_id"] = json!(party_id);
    data["mediator_id"] = json!(mediator_id);
    let mut d = cx.draft("recuse", data);
    for p in d.case.parties.iter_mut().filter(|p| p.id == party_id) {
        p.recusal_used = true;
    }
    d.notify(
        "recusal_requested",
        Recipient::Committee {
            committee_id: cx.case.committee_id,
        },
    );
    d.finish()
}

pub(super) fn schedule_session(
    cx: &Cx,
    session_id: Uuid,
    at: DateTime<Utc>,
    mode: SessionMode,
    location: &str,
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation],
        "sessions are held during mediation",
    )?;
    guards::future_date(at, cx.now, "a session")?;
    let what = match mode {
        SessionMode::Online => "the link of an online session",
        SessionMode::InPerson => "the place of the session",
    };
    guards::text(location, what)?;
    if cx.case.sessions.iter().any(|s| s.id == session_id) {
        return Err(Refusal::Invalid("that session already exists".into()));
    }
    let location = location.trim().to_owned();
    let mut d = cx.draft(
        "schedule_session",
        json!({ "session_id": session_id, "at": at, "mode": mode, "location": location }),
    );
    d.case.sessions.push(Session {
        id: session_id,
        at,
        mode,
        location,
        record: None,
    });
    d.notify("session_scheduled", Recipient::AllParties);
    d.finish()
}

pub(super) fn record_session(
    cx: &Cx,
    session_id: Uuid,
    record: &str,
    attended: &[Uuid],
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation, Status::AgreementPending],
        "sessions are recorded during mediation",
    )?;
    let Some(session) = cx.case.sessions.iter().find(|s| s.id == session_id) else {
        return Err(Refusal::Invalid(
            "there is no such session in this case".into(),
        ));
    };
    if session.record.is_some() {
        // The record is part of the file the parties and the court rely on.
        return Err(Refusal::WrongState(
            "this session has already been recorded".into(),
        ));
    }
    guards::text(record, "the session record")?;
    if let Some(stranger) = attended
        .iter()
        .find(|id| !cx.case.parties.iter().any(|p| p.id == **id))
    {
        return Err(Refusal::Invalid(format!(
            "{stranger} is not a party of this case: name who attended by their party id"
        )));
    }
    let mut who: Vec<Uuid> = attended.to_vec();
    who.sort_unstable();
    who.dedup();
    let mut d = cx.draft(
        "record_session",
        json!({ "session_id": session_id, "mode": session.mode, "attended": who }),
    );
    for s in d.case.sessions.iter_mut().filter(|s| s.id == session_id) {
        s.record = Some(record.trim().to_owned());
    }
    d.finish()
}

pub(super) fn extend(cx: &Cx) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[Status::InMediation],
        "only mediation can be extended",
    )?;
    if cx.case.extended {
        return Err(Refusal::WrongState(
            "the mediation period has already been extended once".into(),
        ));
    }
    let days = cx.policy.extension_days;
    // An overdue county case has no live deadline but keeps its mediation clock.
    let base = cx
        .case
        .mediation_due_at
        .or(cx.case.deadline_at)
        .unwrap_or(cx.now);
    let due = after_days(base, days);
    let mut d = cx.draft("extend", json!({ "days": days, "due_at": due }));
    d.case.extended = true;
    d.case.mediation_due_at = Some(due);
    d.set_clock(due, DeadlineKind::Mediation);
    d.notify("extended", Recipient::AllParties);
    d.finish()
}

/// Agents (代理人) and third parties (第三人) join a case through its mediator.
pub(super) fn add_party(
    cx: &Cx,
    party_id: Uuid,
    side: Side,
    user_id: Option<Uuid>,
) -> Result<Transition, Refusal> {
    guards::mediator(cx.case, cx.actor)?;
    guards::status(
        cx.case,
        &[
            Status::Submitted,
            Status::AwaitingRespondent,
            Status::InMediation,
            Status::AgreementPending,
            Status::Unmediable,
        ],
        "people can be added only while the case is open",
    )?;
    if side.is_principal() {
        return Err(Refusal::Invalid(
            "only agents and third parties can be added; applicants and respondents are named at filing".into(),
        ));
    }
    if cx.case.parties.iter().any(|p| p.id == party_id) {
        return Err(Refusal::Invalid("this party is already in the case".into()));
    }
    let mut d = cx.draft("add_party", json!({ "party_id": party_id, "side": side }));
    d.case.parties.push(Party {
        id: party_id,
        side,
        user_id,
        consented: false,
        signed_at: None,
        recusal_used: false,
    });
    d.notify("party_added", Recipient::AllParties);
    d.finish()
}
