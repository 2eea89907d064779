//! The one authorization gate for case data. Every lookup of a case (and through it of its
//! parties, sessions, events, evidence and messages) is filtered by the caller's `Scope`; a case
//! outside it simply does not exist for that caller (404).

use diesel::dsl::exists;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use uuid::Uuid;

use super::schema::{case_parties, cases};

/// What part of the case data a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Cases where the user is a party.
    Party { user_id: Uuid },
    /// Cases the committee holds, and (read-only) those it escalated up.
    Committee { county_id: Uuid, committee_id: Uuid },
    /// A county judge: county-level cases, referrals and confirmation requests of the county.
    Judge { county_id: Uuid },
    /// Accounts with no access to case files (e.g. the county administrator).
    Nothing,
}

pub type CaseFilter = Box<dyn BoxableExpression<cases::table, Pg, SqlType = Bool>>;

/// A fixed condition written into the SQL, not bound: it matches the predicate of a partial
/// index (`cases_by_village_committee`, `cases_by_township_committee`, `cases_for_judges`), and
/// only a literal lets a prepared statement's generic plan prove it (see `cases::open`). A
/// `Fixed`, so the gate's statements stay prepared.
fn literal(condition: &'static str) -> super::fixed_sql::Fixed<Bool> {
    super::fixed_sql::fixed(condition)
}

/// The SQL condition that keeps only the cases `scope` may see.
pub fn visible(scope: Scope) -> CaseFilter {
    match scope {
        Scope::Party { user_id } => Box::new(exists(
            case_parties::table
                .filter(case_parties::county_id.eq(cases::county_id))
                .filter(case_parties::case_id.eq(cases::id))
                .filter(case_parties::user_id.eq(user_id)),
        )),
        Scope::Committee {
            county_id,
            committee_id,
        } => Box::new(
            cases::county_id.eq(county_id).and(
                cases::committee_id
                    .eq(committee_id)
                    .or(cases::village_committee_id
                        .eq(committee_id)
                        .and(literal("\"cases\".\"level\" <> 'village'")))
                    .or(cases::township_committee_id
                        .eq(committee_id)
                        .and(literal("\"cases\".\"level\" = 'county'"))),
            ),
        ),
        Scope::Judge { county_id } => Box::new(cases::county_id.eq(county_id).and(literal(
            "(\"cases\".\"level\" = 'county' OR \"cases\".\"status\" = 'referred' \
             OR \"cases\".\"confirmation\" IS NOT NULL)",
        ))),
        Scope::Nothing => Box::new(cases::id.ne(cases::id)),
    }
}
