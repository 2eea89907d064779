use serde::{Deserialize, Serialize};

/// What an account may do (SPEC §1). Stored as text; these names are part of the API contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Mediator,
    CommitteeHead,
    Judge,
    CountyAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Resident,
        Role::Mediator,
        Role::CommitteeHead,
        Role::Judge,
        Role::CountyAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Mediator => "mediator",
            Role::CommitteeHead => "committee_head",
            Role::Judge => "judge",
            Role::CountyAdmin => "county_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Mediators and heads belong to one committee.
    pub fn needs_committee(self) -> bool {
        matches!(self, Role::Mediator | Role::CommitteeHead)
    }

    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }
}
