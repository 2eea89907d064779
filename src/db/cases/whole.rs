//! A case with everything its view shows — the row, parties, sessions, the names beside the
//! ids and the county's deadlines — through the gate in one statement, and the opening written
//! to the read audit in the same round trip. A case view used to cost seven statements (the
//! row, parties, sessions, committee and village, mediator, policy, the audit row), each a
//! round trip; PostgreSQL's time went to starting statements, not to reading rows.

use chrono::{DateTime, Utc};
use diesel::pg::sql_types::Record;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Bytea, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::{CaseRecord, CaseRow, Labels, PartyRow, SessionRow};
use crate::db::access::{Scope, visible};
use crate::db::fixed_sql::fixed;
use crate::db::schema::{case_access_log, cases};
use crate::workflow::Policy;

/// A party as the array of the statement carries it, in `PartyRow`'s order.
type PartyFields = (
    Uuid,
    String,
    String,
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Uuid>,
    bool,
    Option<DateTime<Utc>>,
    bool,
    Option<Vec<u8>>,
);
type PartySql = Record<(
    SqlUuid,
    Text,
    Text,
    Nullable<Text>,
    Nullable<Bytea>,
    Nullable<Bytea>,
    Nullable<SqlUuid>,
    Bool,
    Nullable<Timestamptz>,
    Bool,
    Nullable<Bytea>,
)>;
const PARTIES: &str = "(SELECT array_agg(ROW(p.id, p.side, p.name, p.email, p.phone_enc, \
    p.id_number_enc, p.user_id, p.consented, p.signed_at, p.recusal_used, p.particulars_enc) \
    ORDER BY p.position) FROM case_parties p \
    WHERE p.county_id = cases.county_id AND p.case_id = cases.id)";

type SessionFields = (
    Uuid,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
);
type SessionSql = Record<(
    SqlUuid,
    Timestamptz,
    Text,
    Text,
    Nullable<Text>,
    Nullable<Timestamptz>,
)>;
const SESSIONS: &str = "(SELECT array_agg(ROW(s.id, s.at, s.mode, s.location, s.record, \
    s.recorded_at) ORDER BY s.at, s.id) FROM case_sessions s \
    WHERE s.county_id = cases.county_id AND s.case_id = cases.id)";

type LabelSql = Record<(
    Text,
    Nullable<Text>,
    Nullable<Text>,
    Text,
    Text,
    Nullable<Text>,
)>;
type LabelFields = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
);
const LABELS: &str = "(SELECT ROW(c.name, c.phone, c.address, v.code, v.name, \
    (SELECT u.name FROM users u WHERE u.id = cases.mediator_id)) \
    FROM committees c, divisions v WHERE c.id = cases.committee_id AND v.id = cases.village_id)";

static POLICY: std::sync::LazyLock<&'static str> = std::sync::LazyLock::new(|| {
    String::leak(format!(
        "(SELECT {} FROM county_policies WHERE county_id = cases.county_id)",
        crate::db::policy::DAYS
    ))
});

/// The case as its view needs it.
pub struct Whole {
    pub record: CaseRecord,
    pub labels: Labels,
    pub policy: Policy,
}

/// Who opened the case, for the read audit (staff and judges; `None` for the parties).
pub struct Opener<'a> {
    pub user_id: Uuid,
    pub role: &'a str,
    pub at: DateTime<Utc>,
}

/// THE gate, as `find_visible`, with everything the view shows. With `opener`, the opening is
/// recorded by a second statement sent in the same round trip, gated the same way (nothing
/// is recorded for a case the caller may not see).
pub async fn find_whole(
    conn: &mut AsyncPgConnection,
    scope: Scope,
    id: Uuid,
    opener: Option<Opener<'_>>,
) -> QueryResult<Option<Whole>> {
    let read = cases::table
        .filter(cases::id.eq(id))
        .filter(visible(scope))
        .select((
            CaseRow::as_select(),
            fixed::<Nullable<Array<PartySql>>>(PARTIES),
            fixed::<Nullable<Array<SessionSql>>>(SESSIONS),
            fixed::<LabelSql>(LABELS),
            // The county's deadlines; none when the county keeps the defaults.
            fixed::<Nullable<Array<Int4>>>(*POLICY),
        ));
    type Fields = (
        CaseRow,
        Option<Vec<PartyFields>>,
        Option<Vec<SessionFields>>,
        LabelFields,
        Option<Vec<i32>>,
    );
    // Pipelined: both statements leave before the first answer comes back.
    let shared: &AsyncPgConnection = conn;
    let (mut a, mut b) = (shared, shared);
    let found: Option<Fields> = match opener {
        None => read.first::<Fields>(&mut a).await.optional()?,
        Some(o) => {
            let audit = diesel::insert_into(case_access_log::table)
                .values(
                    cases::table
                        .filter(cases::id.eq(id))
                        .filter(visible(scope))
                        .select((
                            cases::county_id,
                            cases::id,
                            o.user_id.into_sql::<SqlUuid>(),
                            o.role.into_sql::<Text>(),
                            "case".into_sql::<Text>(),
                            None::<Uuid>.into_sql::<Nullable<SqlUuid>>(),
                            o.at.into_sql::<Timestamptz>(),
                        )),
                )
                .into_columns((
                    case_access_log::county_id,
                    case_access_log::case_id,
                    case_access_log::user_id,
                    case_access_log::role,
                    case_access_log::what,
                    case_access_log::target_id,
                    case_access_log::at,
                ));
            let (found, _) = futures_util::try_join!(
                async { read.first::<Fields>(&mut a).await.optional() },
                audit.execute(&mut b),
            )?;
            found
        }
    };
    Ok(found.map(|(row, parties, sessions, labels, policy)| Whole {
        record: CaseRecord {
            row,
            parties: parties
                .unwrap_or_default()
                .into_iter()
                .map(party_of)
                .collect(),
            sessions: sessions
                .unwrap_or_default()
                .into_iter()
                .map(session_of)
                .collect(),
        },
        labels: Labels {
            committee_name: labels.0,
            committee_phone: labels.1,
            committee_address: labels.2,
            village_code: labels.3,
            village_name: labels.4,
            mediator_name: labels.5,
        },
        policy: policy.map_or_else(Policy::default, |days| crate::db::policy::from_days(&days)),
    }))
}

fn party_of(f: PartyFields) -> PartyRow {
    PartyRow {
        id: f.0,
        side: f.1,
        name: f.2,
        email: f.3,
        phone_enc: f.4,
        id_number_enc: f.5,
        user_id: f.6,
        consented: f.7,
        signed_at: f.8,
        recusal_used: f.9,
        particulars_enc: f.10,
    }
}

fn session_of(f: SessionFields) -> SessionRow {
    SessionRow {
        id: f.0,
        at: f.1,
        mode: f.2,
        location: f.3,
        record: f.4,
        recorded_at: f.5,
    }
}
