//! Who may act and in which state. Every action checks the actor first, then the state, then
//! its parameters, so that someone who may not act on a case never learns where it stands.

use uuid::Uuid;

use super::contract::{Actor, Refusal};
use super::types::{CaseState, Party, Side, Status};

/// Staff who may work this case: a mediator of the committee that holds it, when the case is
/// theirs or nobody's yet, or the committee head, who can do everything a mediator can.
pub fn may_mediate(case: &CaseState, actor: &Actor) -> bool {
    match *actor {
        Actor::Mediator {
            user_id,
            committee_id,
            is_head,
        } => {
            committee_id == case.committee_id
                && (is_head || case.mediator_id.is_none() || case.mediator_id == Some(user_id))
        }
        _ => false,
    }
}

/// The acting mediator's user id, or a refusal that says nothing about the case's state.
pub(super) fn mediator(case: &CaseState, actor: &Actor) -> Result<Uuid, Refusal> {
    match *actor {
        Actor::Mediator { user_id, .. } if may_mediate(case, actor) => Ok(user_id),
        Actor::Mediator { committee_id, .. } if committee_id == case.committee_id => Err(
            Refusal::WrongActor("this case is assigned to another mediator".into()),
        ),
        _ => Err(Refusal::WrongActor(
            "only a mediator of the committee handling this case may do this".into(),
        )),
    }
}

pub(super) fn head(case: &CaseState, actor: &Actor) -> Result<Uuid, Refusal> {
    match *actor {
        Actor::Mediator {
            user_id,
            committee_id,
            is_head: true,
        } if committee_id == case.committee_id => Ok(user_id),
        _ => Err(Refusal::WrongActor(
            "only the head of the committee handling this case may do this".into(),
        )),
    }
}

pub(super) fn judge(case: &CaseState, actor: &Actor) -> Result<Uuid, Refusal> {
    match *actor {
        Actor::Judge { user_id, county_id } if county_id == case.county_id => Ok(user_id),
        _ => Err(Refusal::WrongActor(
            "only a judge of this county's court may do this".into(),
        )),
    }
}

pub(super) fn system(actor: &Actor) -> Result<(), Refusal> {
    match actor {
        Actor::System => Ok(()),
        _ => Err(Refusal::WrongActor(
            "only the deadline sweeper may do this".into(),
        )),
    }
}

/// The acting party's row, when it is a party of this case on one of the `sides`.
pub(super) fn party<'a>(
    case: &'a CaseState,
    actor: &Actor,
    sides: &[Side],
    who: &str,
) -> Result<&'a Party, Refusal> {
    let refuse = || Refusal::WrongActor(format!("only {who} of this case may do this"));
    let Actor::Party { user_id, party_id } = *actor else {
        return Err(refuse());
    };
    let party = case
        .parties
        .iter()
        .find(|p| p.id == party_id)
        .ok_or_else(refuse)?;
    // A mismatch means the caller resolved the wrong person: never act on their behalf.
    if let (Some(acting), Some(owner)) = (user_id, party.user_id)
        && acting != owner
    {
        return Err(refuse());
    }
    if sides.contains(&party.side) {
        Ok(party)
    } else {
        Err(refuse())
    }
}

pub(super) const PRINCIPALS: &[Side] = &[Side::Applicant, Side::Respondent];
pub(super) const PRINCIPAL: &str = "the applicant or the respondent";

/// Refuses unless the case is in one of `allowed`; a final case is refused with a message of
/// its own because nothing can be done with it any more.
pub(super) fn status(case: &CaseState, allowed: &[Status], why: &str) -> Result<(), Refusal> {
    if case.status.is_final() {
        return Err(Refusal::WrongState(format!(
            "this case has ended ({}): nothing more can be done with it",
            case.status.as_str()
        )));
    }
    if allowed.contains(&case.status) {
        Ok(())
    } else {
        Err(Refusal::WrongState(format!(
            "{why} (the case is {})",
            case.status.as_str()
        )))
    }
}

pub(super) fn text(value: &str, what: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        Err(Refusal::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(())
    }
}

/// An optional free text is kept only when it says something.
pub(super) fn optional_text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// How far ahead a date given by a person may lie: a session or a performance date years away is
/// a typing error, and a date near the end of the calendar would overflow the clocks computed
/// from it.
pub const MAX_YEARS_AHEAD: i64 = 5;

/// A date in the future, but within `MAX_YEARS_AHEAD` years.
pub(super) fn future_date(
    at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    what: &str,
) -> Result<(), Refusal> {
    if at <= now {
        return Err(Refusal::Invalid(format!("{what} must be in the future")));
    }
    if at > now + chrono::Duration::days(366 * MAX_YEARS_AHEAD) {
        return Err(Refusal::Invalid(format!(
            "{what} must be within {MAX_YEARS_AHEAD} years"
        )));
    }
    Ok(())
}
