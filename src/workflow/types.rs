//! The vocabulary of the engine: levels, statuses, parties, actors and the state of one case.
//! Nothing here knows about HTTP or SQL; the database layer converts rows to and from these.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where in the county's tree a case is handled. Escalation only ever moves up.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Village,
    Township,
    County,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Village, Level::Township, Level::County];

    /// The next level up, or `None` at county level (a case never leaves its county).
    pub fn next(self) -> Option<Level> {
        match self {
            Level::Village => Some(Level::Township),
            Level::Township => Some(Level::County),
            Level::County => None,
        }
    }

    pub fn index(self) -> usize {
        match self {
            Level::Village => 0,
            Level::Township => 1,
            Level::County => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Village => "village",
            Level::Township => "township",
            Level::County => "county",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    AwaitingRespondent,
    InMediation,
    AgreementPending,
    Resolved,
    Closed,
    Declined,
    Unmediable,
    Referred,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::AwaitingRespondent,
        Status::InMediation,
        Status::AgreementPending,
        Status::Resolved,
        Status::Closed,
        Status::Declined,
        Status::Unmediable,
        Status::Referred,
        Status::Withdrawn,
    ];

    /// Final statuses never change again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Closed | Status::Declined | Status::Referred | Status::Withdrawn
        )
    }

    /// Statuses in which the applicant may still withdraw (mediation not yet concluded).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted
                | Status::AwaitingRespondent
                | Status::InMediation
                | Status::AgreementPending
                | Status::Unmediable
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::AwaitingRespondent => "awaiting_respondent",
            Status::InMediation => "in_mediation",
            Status::AgreementPending => "agreement_pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Declined => "declined",
            Status::Unmediable => "unmediable",
            Status::Referred => "referred",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Which clock a case's `deadline_at` is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Acceptance,
    Response,
    Mediation,
    Signature,
    Confirmation,
    FollowUp,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 6] = [
        DeadlineKind::Acceptance,
        DeadlineKind::Response,
        DeadlineKind::Mediation,
        DeadlineKind::Signature,
        DeadlineKind::Confirmation,
        DeadlineKind::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Acceptance => "acceptance",
            DeadlineKind::Response => "response",
            DeadlineKind::Mediation => "mediation",
            DeadlineKind::Signature => "signature",
            DeadlineKind::Confirmation => "confirmation",
            DeadlineKind::FollowUp => "follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineKind> {
        DeadlineKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How a person who cannot use the web gave their consent, as the mediator records it (an
/// assisted filing's applicant, or a respondent reached by phone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    InPerson,
    Phone,
    Paper,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::InPerson,
        ConsentMethod::Phone,
        ConsentMethod::Paper,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::InPerson => "in_person",
            ConsentMethod::Phone => "phone",
            ConsentMethod::Paper => "paper",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The sentence that refuses anything else, naming every accepted value.
    pub fn refusal(field: &str) -> String {
        let names: Vec<&str> = ConsentMethod::ALL.iter().map(|m| m.as_str()).collect();
        format!("{field} must be one of {}.", names.join(", "))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Applicant,
    Respondent,
    Agent,
    ThirdParty,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Applicant => "applicant",
            Side::Respondent => "respondent",
            Side::Agent => "agent",
            Side::ThirdParty => "third_party",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        [
            Side::Applicant,
            Side::Respondent,
            Side::Agent,
            Side::ThirdParty,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Applicants and respondents are the disputing parties: they consent, sign and rate.
    pub fn is_principal(self) -> bool {
        matches!(self, Side::Applicant | Side::Respondent)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: Uuid,
    pub side: Side,
    pub user_id: Option<Uuid>,
    /// Respondents: agreed to mediation (carried up when the case escalates).
    pub consented: bool,
    /// Signed the agreement currently pending; cleared when a draft lapses or is rejected.
    pub signed_at: Option<DateTime<Utc>>,
    /// A party may ask for a different mediator once (回避).
    pub recusal_used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    Online,
    InPerson,
}

impl SessionMode {
    pub const ALL: [SessionMode; 2] = [SessionMode::Online, SessionMode::InPerson];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionMode::Online => "online",
            SessionMode::InPerson => "in_person",
        }
    }

    pub fn parse(s: &str) -> Option<SessionMode> {
        SessionMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: SessionMode,
    pub location: String,
    pub record: Option<String>,
}

/// The statutory contents of a mediation agreement (People's Mediation Law art. 29), as the
/// mediator drafts them. Drafts from before these fields existed read as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementContents {
    /// The main facts of the dispute.
    #[serde(default)]
    pub facts: String,
    /// The disputed matters.
    #[serde(default)]
    pub issues: String,
    /// Each side's responsibility.
    #[serde(default)]
    pub responsibilities: String,
    /// What each party will do, one by one.
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    /// Anything else agreed, in the mediator's words (may be empty).
    #[serde(default)]
    pub terms: String,
}

/// One thing one party undertakes to do: who, what, how much, how, where and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Obligation {
    pub party_id: Uuid,
    pub what: String,
    /// In fen (1/100 yuan), when money is owed.
    pub amount_fen: Option<i64>,
    pub how: String,
    #[serde(rename = "where")]
    pub place: Option<String>,
    /// The last day to perform.
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    #[serde(flatten)]
    pub contents: AgreementContents,
    pub performance_due: Option<DateTime<Utc>>,
    pub proposed_at: DateTime<Utc>,
    pub proposed_by: Uuid,
    /// The mediator signs last, after every party: the agreement then takes effect.
    #[serde(default)]
    pub mediator_signed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub mediator_signed_by: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationStatus {
    Requested,
    Confirmed,
    Rejected,
}

impl ConfirmationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmationStatus::Requested => "requested",
            ConfirmationStatus::Confirmed => "confirmed",
            ConfirmationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ConfirmationStatus> {
        [
            ConfirmationStatus::Requested,
            ConfirmationStatus::Confirmed,
            ConfirmationStatus::Rejected,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Performance {
    Full,
    Partial,
    None,
}

impl Performance {
    pub fn as_str(self) -> &'static str {
        match self {
            Performance::Full => "full",
            Performance::Partial => "partial",
            Performance::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Performance> {
        [Performance::Full, Performance::Partial, Performance::None]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The committees that hold the case at each level, fixed at filing from the village's place in
/// the division tree. Escalation moves `CaseState::committee_id` along this route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub village: Uuid,
    pub township: Uuid,
    pub county: Uuid,
}

impl Route {
    pub fn committee_at(&self, level: Level) -> Uuid {
        match level {
            Level::Village => self.village,
            Level::Township => self.township,
            Level::County => self.county,
        }
    }
}

/// Everything the engine needs to know about one case to decide what an action does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub id: Uuid,
    pub county_id: Uuid,
    pub route: Route,
    pub level: Level,
    /// The committee that holds the case now: always `route.committee_at(level)`.
    pub committee_id: Uuid,
    pub status: Status,
    pub version: i32,
    pub mediator_id: Option<Uuid>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub deadline_kind: Option<DeadlineKind>,
    /// The mediation clock, kept while an agreement awaits signatures so that a lapsed or
    /// rejected draft returns the case to mediation without resetting the clock.
    pub mediation_due_at: Option<DateTime<Utc>>,
    /// The mediation clock was extended (allowed once per case).
    pub extended: bool,
    /// Past its deadline at county level, where nothing higher can take it: shown to the judge.
    pub overdue: bool,
    pub parties: Vec<Party>,
    pub sessions: Vec<Session>,
    pub agreement: Option<Agreement>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub confirmation: Option<ConfirmationStatus>,
    pub performance: Option<Performance>,
    pub followed_up: bool,
    pub filed_at: DateTime<Utc>,
}
