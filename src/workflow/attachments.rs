//! Who may write to a case's thread and attach evidence, and who may read what. These change no
//! status, so they are plain rules rather than transitions; they live here so that the API and
//! the pages ask the same question.

use uuid::Uuid;

use super::contract::{Actor, Refusal};
use super::guards::may_mediate;
use super::types::{CaseState, Side, Status};

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The case thread: every party and the mediator.
    All,
    /// Internal notes between mediators; never shown to parties.
    Mediators,
    /// A private caucus between the mediator and one party.
    Party(Uuid),
}

impl Audience {
    /// `"all"`, `"mediators"` or `"party:<party id>"`.
    pub fn parse(s: &str) -> Option<Audience> {
        match s {
            "all" => Some(Audience::All),
            "mediators" => Some(Audience::Mediators),
            other => other
                .strip_prefix("party:")
                .and_then(|id| Uuid::parse_str(id).ok())
                .map(Audience::Party),
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Mediators => "mediators",
            Audience::Party(_) => "party",
        }
    }
}

/// Statuses in which people still talk and add material. After a case is closed, declined,
/// referred or withdrawn the file is frozen.
fn still_open(case: &CaseState) -> Result<(), Refusal> {
    if case.status.is_final() {
        return Err(Refusal::WrongState(format!(
            "the case is {} and its file is closed",
            case.status.as_str()
        )));
    }
    Ok(())
}

fn principal_party(case: &CaseState, party_id: Uuid) -> bool {
    case.parties.iter().any(|p| p.id == party_id)
}

/// May this actor post a message to this audience now?
pub fn may_post(case: &CaseState, actor: &Actor, audience: Audience) -> Result<(), Refusal> {
    match *actor {
        Actor::Party { party_id, .. } if principal_party(case, party_id) => {
            match audience {
                Audience::All => {}
                // A party's private word with the mediator.
                Audience::Party(p) if p == party_id => {}
                _ => {
                    return Err(Refusal::WrongActor(
                        "a party writes to everyone or privately to the mediator".into(),
                    ));
                }
            }
        }
        Actor::Mediator { .. } if may_mediate(case, actor) => match audience {
            Audience::Party(p) if !principal_party(case, p) => {
                return Err(Refusal::Invalid("no such party in this case".into()));
            }
            _ => {}
        },
        _ => {
            return Err(Refusal::WrongActor(
                "only the parties and the mediator of this case write here".into(),
            ));
        }
    }
    still_open(case)
}

/// The audiences this actor may write to now, in the order a form offers them: everyone, the
/// mediators' internal notes, then each applicant and respondent privately. Empty when the
/// actor may not write at all.
pub fn audiences(case: &CaseState, actor: &Actor) -> Vec<Audience> {
    let mut candidates = vec![Audience::All, Audience::Mediators];
    candidates.extend(
        case.parties
            .iter()
            .filter(|p| matches!(p.side, Side::Applicant | Side::Respondent))
            .map(|p| Audience::Party(p.id)),
    );
    // An agent or third party may also speak privately with the mediator.
    if let Actor::Party { party_id, .. } = *actor
        && !candidates.contains(&Audience::Party(party_id))
    {
        candidates.push(Audience::Party(party_id));
    }
    candidates
        .into_iter()
        .filter(|a| may_post(case, actor, *a).is_ok())
        .collect()
}

/// May this actor take the court bundle away? The county's judges, and the mediators of the
/// committee holding the case (SPEC §7).
pub fn may_export_bundle(case: &CaseState, actor: &Actor) -> Result<(), Refusal> {
    match *actor {
        Actor::Judge { .. } => Ok(()),
        Actor::Mediator { committee_id, .. } if committee_id == case.committee_id => Ok(()),
        _ => Err(Refusal::WrongActor(
            "only the county's judges and the mediators holding the case export its bundle".into(),
        )),
    }
}

/// Who is reading, for message visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Party(Uuid),
    /// Mediators of a committee that holds or held the case.
    Staff,
    Judge,
}

pub fn may_read(reader: Reader, audience: Audience) -> bool {
    match (reader, audience) {
        (_, Audience::All) => true,
        (Reader::Staff, _) => true,
        (Reader::Party(me), Audience::Party(p)) => me == p,
        _ => false,
    }
}

/// May this actor attach evidence now? Parties and the case's mediator may, until the file is
/// closed; judges and other committees only read.
pub fn may_attach(case: &CaseState, actor: &Actor) -> Result<(), Refusal> {
    match *actor {
        Actor::Party { party_id, .. } if principal_party(case, party_id) => {}
        Actor::Mediator { .. } if may_mediate(case, actor) => {}
        _ => {
            return Err(Refusal::WrongActor(
                "only the parties and the mediator of this case add evidence".into(),
            ));
        }
    }
    if matches!(case.status, Status::Closed) {
        return Err(Refusal::WrongState("the case is closed".into()));
    }
    still_open(case)
}

/// May this reader see an evidence item? The uploading party decides whether the other side sees
/// it; mediators and judges see everything in the file.
pub fn may_see_evidence(
    reader: Reader,
    uploader_party: Option<Uuid>,
    visible_to_others: bool,
) -> bool {
    match reader {
        Reader::Staff | Reader::Judge => true,
        Reader::Party(me) => visible_to_others || uploader_party == Some(me),
    }
}

/// May this actor rate the service of this case now? Parties rate once the case has ended
/// (agreement reached, closed, declined, referred or withdrawn); returns the rating party.
pub fn may_rate(case: &CaseState, actor: &Actor) -> Result<Uuid, Refusal> {
    let Actor::Party { party_id, .. } = *actor else {
        return Err(Refusal::WrongActor(
            "only the parties rate the service".into(),
        ));
    };
    let principal = case
        .parties
        .iter()
        .any(|p| p.id == party_id && p.side.is_principal());
    if !principal {
        return Err(Refusal::WrongActor(
            "only the parties rate the service".into(),
        ));
    }
    if !(case.status.is_final() || case.status == Status::Resolved) {
        return Err(Refusal::WrongState(
            "the service can be rated once the case has ended".into(),
        ));
    }
    Ok(party_id)
}

/// The applicant row a resident may claim: filed for them without an account, case still on file.
pub fn claimable(case: &CaseState) -> Option<Uuid> {
    if matches!(case.status, Status::Withdrawn | Status::Declined) {
        return None;
    }
    case.parties
        .iter()
        .find(|p| p.side == super::types::Side::Applicant && p.user_id.is_none())
        .map(|p| p.id)
}

/// May this actor record a party's particulars (for the documents) now? The case's mediator
/// for any party; a party for themself; while the case is open.
pub fn may_record_particulars(case: &CaseState, actor: &Actor, party: Uuid) -> Result<(), Refusal> {
    let known = case.parties.iter().any(|p| p.id == party);
    match *actor {
        Actor::Mediator { .. } if may_mediate(case, actor) => {}
        Actor::Party { party_id, .. } if party_id == party => {}
        _ => {
            return Err(Refusal::WrongActor(
                "only the case's mediator, or the party themself, records a party's particulars"
                    .into(),
            ));
        }
    }
    if !known {
        return Err(Refusal::Invalid(
            "there is no such party in this case".into(),
        ));
    }
    still_open(case)
}

/// May this actor keep the case's 解纷码 (see it, replace it)? Its parties, and the mediator of
/// the case, who prints it for someone filed for in person.
pub fn may_keep_card(case: &CaseState, actor: &Actor) -> bool {
    match *actor {
        Actor::Party { party_id, .. } => case.parties.iter().any(|p| p.id == party_id),
        Actor::Mediator { .. } => may_mediate(case, actor),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_parse() {
        let id = Uuid::new_v4();
        assert_eq!(Audience::parse("all"), Some(Audience::All));
        assert_eq!(Audience::parse("mediators"), Some(Audience::Mediators));
        assert_eq!(
            Audience::parse(&format!("party:{id}")),
            Some(Audience::Party(id))
        );
        assert_eq!(Audience::parse("party:nope"), None);
        assert_eq!(Audience::parse("everyone"), None);
    }

    #[test]
    fn internal_notes_and_caucus_stay_private() {
        let me = Uuid::new_v4();
        let other = Uuid::new_v4();
        assert!(!may_read(Reader::Party(me), Audience::Mediators));
        assert!(!may_read(Reader::Party(me), Audience::Party(other)));
        assert!(may_read(Reader::Party(me), Audience::Party(me)));
        assert!(!may_read(Reader::Judge, Audience::Mediators));
        assert!(may_read(Reader::Staff, Audience::Mediators));
        assert!(!may_see_evidence(Reader::Party(other), Some(me), false));
        assert!(may_see_evidence(Reader::Party(me), Some(me), false));
        assert!(may_see_evidence(Reader::Staff, Some(me), false));
    }
}
