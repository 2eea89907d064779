//! Cases as rows, and their conversion to and from the engine's `CaseState`.

pub mod batch;
mod filed;
mod lists;
mod parties;
pub mod ways_in;
mod whole;
mod write;

pub use filed::{Filing, FilingKey, NewCase, NewParty, file, number_year, record_of_filed};
pub use lists::{Cursor, ListFilter, list, queue};
pub use parties::{AddedParty, insert_party, link_party, set_particulars};
pub use whole::{Opener, Whole, find_whole};
pub use write::apply;
use write::opt_str;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::access::{Scope, visible};

/// "The case is open", written out in the SQL rather than bound as a parameter: the partial
/// indexes on open cases (`cases_queue`) can then be used by a prepared statement's generic
/// plan too. With the list bound, PostgreSQL cannot prove the index's predicate once it
/// switches to the generic plan (after five executions) and reads the committee's whole
/// history instead: 26 ms instead of 0.3 ms for a committee with 2 000 cases. The list is the
/// engine's own (`Status::is_final`), so the two cannot drift apart.
pub fn open() -> crate::db::fixed_sql::Fixed<diesel::sql_types::Bool> {
    // Written once per process: a `Fixed` keeps its statements prepared.
    static OPEN: std::sync::LazyLock<&'static str> = std::sync::LazyLock::new(|| {
        let finals: Vec<String> = Status::ALL
            .iter()
            .filter(|s| s.is_final())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        String::leak(format!(
            "\"cases\".\"status\" NOT IN ({})",
            finals.join(", ")
        ))
    });
    crate::db::fixed_sql::fixed(*OPEN)
}
use super::schema::{case_parties, case_sessions, cases};
use crate::workflow::{
    Agreement, CaseState, ConfirmationStatus, DeadlineKind, Level, Party, Performance, Route,
    Session, SessionMode, Side, Status,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub county_id: Uuid,
    pub id: Uuid,
    pub number: String,
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub amount_fen: Option<i64>,
    pub village_id: Uuid,
    pub village_committee_id: Uuid,
    pub township_committee_id: Uuid,
    pub county_committee_id: Uuid,
    pub level: String,
    pub committee_id: Uuid,
    pub status: String,
    pub version: i32,
    pub mediator_id: Option<Uuid>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub deadline_kind: Option<String>,
    pub mediation_due_at: Option<DateTime<Utc>>,
    pub extended: bool,
    pub overdue: bool,
    pub agreement: Option<serde_json::Value>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub confirmation: Option<String>,
    pub performance: Option<String>,
    pub followed_up: bool,
    pub filed_by: Option<Uuid>,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_parties)]
pub struct PartyRow {
    pub id: Uuid,
    pub side: String,
    pub name: String,
    pub email: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    pub id_number_enc: Option<Vec<u8>>,
    pub user_id: Option<Uuid>,
    pub consented: bool,
    pub signed_at: Option<DateTime<Utc>>,
    pub recusal_used: bool,
    /// `domain::Particulars` as sealed JSON.
    pub particulars_enc: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_sessions)]
pub struct SessionRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: String,
    pub location: String,
    pub record: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A case with its parties and sessions, as read for one request.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub row: CaseRow,
    pub parties: Vec<PartyRow>,
    pub sessions: Vec<SessionRow>,
}

#[derive(Debug, thiserror::Error)]
#[error("case {0} holds a value the engine does not know: {1}")]
pub struct Corrupt(Uuid, String);

fn parse<T>(
    case: Uuid,
    what: &str,
    value: &str,
    f: impl Fn(&str) -> Option<T>,
) -> Result<T, Corrupt> {
    f(value).ok_or_else(|| Corrupt(case, format!("{what} {value:?}")))
}

impl CaseRecord {
    /// The engine's view of this case.
    pub fn state(&self) -> Result<CaseState, Corrupt> {
        let r = &self.row;
        let id = r.id;
        let parties = self
            .parties
            .iter()
            .map(|p| {
                Ok(Party {
                    id: p.id,
                    side: parse(id, "side", &p.side, Side::parse)?,
                    user_id: p.user_id,
                    consented: p.consented,
                    signed_at: p.signed_at,
                    recusal_used: p.recusal_used,
                })
            })
            .collect::<Result<Vec<_>, Corrupt>>()?;
        let sessions = self
            .sessions
            .iter()
            .map(|s| {
                Ok(Session {
                    id: s.id,
                    at: s.at,
                    mode: parse(id, "mode", &s.mode, SessionMode::parse)?,
                    location: s.location.clone(),
                    record: s.record.clone(),
                })
            })
            .collect::<Result<Vec<_>, Corrupt>>()?;
        let agreement: Option<Agreement> = match &r.agreement {
            None => None,
            Some(v) => {
                Some(serde_json::from_value(v.clone()).map_err(|e| Corrupt(id, e.to_string()))?)
            }
        };
        Ok(CaseState {
            id,
            county_id: r.county_id,
            route: Route {
                village: r.village_committee_id,
                township: r.township_committee_id,
                county: r.county_committee_id,
            },
            level: parse(id, "level", &r.level, Level::parse)?,
            committee_id: r.committee_id,
            status: parse(id, "status", &r.status, Status::parse)?,
            version: r.version,
            mediator_id: r.mediator_id,
            deadline_at: r.deadline_at,
            deadline_kind: r
                .deadline_kind
                .as_deref()
                .map(|k| parse(id, "deadline kind", k, DeadlineKind::parse))
                .transpose()?,
            mediation_due_at: r.mediation_due_at,
            extended: r.extended,
            overdue: r.overdue,
            parties,
            sessions,
            agreement,
            resolved_at: r.resolved_at,
            confirmation: r
                .confirmation
                .as_deref()
                .map(|c| parse(id, "confirmation", c, ConfirmationStatus::parse))
                .transpose()?,
            performance: r
                .performance
                .as_deref()
                .map(|p| parse(id, "performance", p, Performance::parse))
                .transpose()?,
            followed_up: r.followed_up,
            filed_at: r.filed_at,
        })
    }
}

/// The whole record of a case row found (with its parties and sessions), or `None`.
async fn record_of(
    conn: &mut AsyncPgConnection,
    row: Option<CaseRow>,
) -> QueryResult<Option<CaseRecord>> {
    let Some(row) = row else {
        return Ok(None);
    };
    let (parties, sessions) = children(conn, row.county_id, row.id).await?;
    Ok(Some(CaseRecord {
        row,
        parties,
        sessions,
    }))
}

/// Parties and sessions of a case, in their order.
async fn children(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
) -> QueryResult<(Vec<PartyRow>, Vec<SessionRow>)> {
    let parties = case_parties::table
        .filter(case_parties::county_id.eq(county_id))
        .filter(case_parties::case_id.eq(case_id))
        .order(case_parties::position)
        .select(PartyRow::as_select())
        .load(conn)
        .await?;
    let sessions = case_sessions::table
        .filter(case_sessions::county_id.eq(county_id))
        .filter(case_sessions::case_id.eq(case_id))
        .order((case_sessions::at, case_sessions::id))
        .select(SessionRow::as_select())
        .load(conn)
        .await?;
    Ok((parties, sessions))
}

/// THE gate: a case the scope may see, or `None` (which callers answer as 404).
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    scope: Scope,
    id: Uuid,
) -> QueryResult<Option<CaseRecord>> {
    let row = cases::table
        .filter(cases::id.eq(id))
        .filter(visible(scope))
        .select(CaseRow::as_select())
        .first(conn)
        .await
        .optional()?;
    record_of(conn, row).await
}

/// The keys of a county's cases changed since `since` (all with `None`), oldest filing first.
pub async fn keys_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    since: Option<DateTime<Utc>>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut q = cases::table
        .filter(cases::county_id.eq(county_id))
        .into_boxed();
    if let Some(t) = since {
        q = q.filter(cases::updated_at.ge(t));
    }
    q.order((cases::filed_at, cases::id))
        .select((cases::county_id, cases::id))
        .load(conn)
        .await
}

/// The next `limit` cases of a county after the case `after`, in the order of their ids (filing
/// order: ids are time-ordered), changed at or after `since` (the export's pages). It walks the
/// primary key and checks `updated_at` on the way: no index on `updated_at`, because every case
/// update would have to write it (the sweep paid a fifth more for one), while a sync pass reads
/// each case of its county at most once.
pub async fn export_keys(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    since: DateTime<Utc>,
    after: Uuid,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    cases::table
        .filter(cases::county_id.eq(county_id))
        .filter(cases::id.gt(after))
        .filter(cases::updated_at.ge(since))
        .order(cases::id.asc())
        .limit(limit)
        .select(cases::id)
        .load(conn)
        .await
}

/// Names a case page shows next to the ids.
#[derive(Debug, Clone)]
pub struct Labels {
    pub committee_name: String,
    /// How to reach the committee, as the county admin keeps it.
    pub committee_phone: Option<String>,
    pub committee_address: Option<String>,
    pub village_code: String,
    pub village_name: String,
    pub mediator_name: Option<String>,
}

pub async fn labels(conn: &mut AsyncPgConnection, row: &CaseRow) -> QueryResult<Labels> {
    use super::schema::{committees, divisions, users};
    let ((committee_name, committee_phone, committee_address), (village_code, village_name)) =
        committees::table
            .inner_join(divisions::table.on(divisions::id.eq(row.village_id)))
            .filter(committees::id.eq(row.committee_id))
            .select((
                (committees::name, committees::phone, committees::address),
                (divisions::code, divisions::name),
            ))
            .first::<((String, Option<String>, Option<String>), (String, String))>(conn)
            .await?;
    let mediator_name = match row.mediator_id {
        Some(id) => users::table
            .find(id)
            .select(users::name)
            .first(conn)
            .await
            .optional()?,
        None => None,
    };
    Ok(Labels {
        committee_name,
        committee_phone,
        committee_address,
        village_code,
        village_name,
        mediator_name,
    })
}

/// When the applicant consented to the privacy notice, and how, when a mediator filed for them.
pub async fn consent_to_notice(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    case_id: Uuid,
) -> QueryResult<Option<(DateTime<Utc>, Option<String>)>> {
    use super::schema::case_filings as f;
    f::table
        .filter(f::county_id.eq(county_id))
        .filter(f::case_id.eq(case_id))
        .select((f::privacy_consented_at, f::assisted_consent))
        .first(conn)
        .await
        .optional()
}

/// Stores a party's (encrypted) ID number, given when applying for judicial confirmation.
pub async fn set_id_number(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    party_id: Uuid,
    sealed: &[u8],
) -> QueryResult<()> {
    diesel::update(case_parties::table.find((county_id, party_id)))
        .set(case_parties::id_number_enc.eq(sealed))
        .execute(conn)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod open_tests {
    use diesel::pg::Pg;

    /// The literal must read exactly as the partial indexes on open cases are declared
    /// (`cases_queue`, `cases_due`), or the planner cannot use them.
    #[test]
    fn open_lists_the_engines_final_statuses_as_the_partial_indexes_do() {
        let sql = diesel::debug_query::<Pg, _>(&super::open()).to_string();
        let list = "NOT IN ('closed', 'declined', 'referred', 'withdrawn')";
        assert!(
            sql.starts_with(&format!("\"cases\".\"status\" {list}")),
            "{sql}"
        );
        for (index, migration) in [
            (
                "cases_queue",
                include_str!("../../../migrations/2026-11-26-000002_cases/up.sql"),
            ),
            (
                "cases_due",
                include_str!("../../../migrations/2026-11-26-000012_due_index_only/up.sql"),
            ),
        ] {
            assert!(
                migration.contains(&format!("status {list}")),
                "{index} is declared with another list"
            );
        }
    }
}
