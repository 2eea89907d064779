//! Many cases in few round trips, for the deadline sweeper: one batch of due cases is claimed
//! and read in three statements, and what the engine decided for all of them is written in
//! three more (instead of about ten per case). The engine still decides every change; only the
//! reading and writing is done in sets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::write::opt_str;
use super::{CaseRecord, CaseRow, PartyRow, SessionRow};
use crate::db::events;
use crate::db::schema::cases;
use crate::workflow::{Actor, CaseState, Transition};

#[derive(QueryableByName)]
struct PartyOf {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    side: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    email: Option<String>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Bytea>)]
    phone_enc: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Bytea>)]
    id_number_enc: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Bool)]
    consented: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    signed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    recusal_used: bool,
    #[diesel(sql_type = Nullable<diesel::sql_types::Bytea>)]
    particulars_enc: Option<Vec<u8>>,
}

#[derive(QueryableByName)]
struct SessionOf {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    mode: String,
    #[diesel(sql_type = Text)]
    location: String,
    #[diesel(sql_type = Nullable<Text>)]
    record: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    recorded_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct LastLink {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = Int4)]
    seq: i32,
    #[diesel(sql_type = Text)]
    hash: String,
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

const PARTIES: &str = "
SELECT p.case_id, p.id, p.side, p.name, p.email, p.phone_enc, p.id_number_enc, p.user_id,
       p.consented, p.signed_at, p.recusal_used, p.particulars_enc
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN case_parties p ON p.county_id = k.county_id AND p.case_id = k.case_id
ORDER BY p.case_id, p.position";

const SESSIONS: &str = "
SELECT s.case_id, s.id, s.at, s.mode, s.location, s.record, s.recorded_at
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN case_sessions s ON s.county_id = k.county_id AND s.case_id = k.case_id
ORDER BY s.case_id, s.at, s.id";

/// The newest link of each case's history, as the database keeps it (`case_history_heads`,
/// advanced by a trigger on every insert into `case_events`): one key lookup per case, on the
/// rows the history insert is about to update anyway.
const LAST_LINKS: &str = "
SELECT h.case_id, h.seq, h.hash
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN case_history_heads h ON h.county_id = k.county_id AND h.case_id = k.case_id";

/// The engine-owned columns of many cases, each under its version check; returns the ids that
/// were written (a case whose version moved on is left alone).
const UPDATE: &str = "
UPDATE cases c SET
    level = u.level, committee_id = u.committee_id, status = u.status, version = u.version,
    mediator_id = u.mediator_id, deadline_at = u.deadline_at, deadline_kind = u.deadline_kind,
    mediation_due_at = u.mediation_due_at, extended = u.extended, overdue = u.overdue,
    agreement = u.agreement, resolved_at = u.resolved_at, confirmation = u.confirmation,
    performance = u.performance, followed_up = u.followed_up, updated_at = $18
FROM unnest($1::uuid[], $2::uuid[], $3::int4[], $4::text[], $5::uuid[], $6::text[],
            $7::int4[], $8::uuid[], $9::timestamptz[], $10::text[], $11::timestamptz[],
            $12::bool[], $13::bool[], $14::jsonb[], $15::timestamptz[], $16::text[],
            $17::text[], $19::bool[])
     AS u(county_id, id, seen, level, committee_id, status, version, mediator_id, deadline_at,
          deadline_kind, mediation_due_at, extended, overdue, agreement, resolved_at,
          confirmation, performance, followed_up)
WHERE c.county_id = u.county_id AND c.id = u.id AND c.version = u.seen
RETURNING c.id";

fn keys(records: &[(Uuid, Uuid)]) -> (Vec<Uuid>, Vec<Uuid>) {
    records.iter().copied().unzip()
}

/// The keys of open cases whose clock ran out by `now`, after `after`, in key order (county,
/// then id), at most `limit` of them. The sweeper works through them in this order so that
/// one batch's writes land on neighbouring pages of the indexes that begin with the county
/// (the keys, the case numbers, the committee queues, the history): each page is then
/// touched, and copied into the write-ahead log, once per sweep rather than once per batch.
pub async fn due_keys(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    after: Option<(Uuid, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut query = cases::table
        .filter(cases::deadline_at.le(now))
        .filter(super::open())
        .order((cases::county_id, cases::id))
        .limit(limit)
        .select((cases::county_id, cases::id))
        .into_boxed();
    if let Some((county, id)) = after {
        query = query.filter(
            cases::county_id
                .gt(county)
                .or(cases::county_id.eq(county).and(cases::id.gt(id))),
        );
    }
    query.load(conn).await
}

/// Claims those of `keys` whose clock has still run out by `now` (`FOR UPDATE SKIP LOCKED`:
/// a case another sweeper holds, or one changed since it was listed, is left out) and reads
/// them with their parties and sessions.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    keys: &[(Uuid, Uuid)],
) -> QueryResult<Vec<CaseRecord>> {
    let (mut counties, ids) = self::keys(keys);
    counties.sort_unstable();
    counties.dedup();
    let rows: Vec<CaseRow> = cases::table
        .filter(cases::county_id.eq_any(&counties))
        .filter(cases::id.eq_any(&ids))
        .filter(cases::deadline_at.le(now))
        .filter(super::open())
        .order((cases::county_id, cases::id))
        .select(CaseRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
        .await?;
    with_children(conn, only(rows, keys)).await
}

/// Reads many cases by key (without locking them), with their parties and sessions.
pub async fn read_many(
    conn: &mut AsyncPgConnection,
    keys: &[(Uuid, Uuid)],
) -> QueryResult<Vec<CaseRecord>> {
    let ids: Vec<Uuid> = keys.iter().map(|(_, id)| *id).collect();
    // By id alone (the `cases_id` index); the county is checked on the rows.
    let rows: Vec<CaseRow> = cases::table
        .filter(cases::id.eq_any(&ids))
        .select(CaseRow::as_select())
        .load(conn)
        .await?;
    with_children(conn, only(rows, keys)).await
}

/// The rows whose (county, id) pair is one of `keys`: the queries above match counties and
/// ids separately, so a pair that was not asked for is dropped here.
fn only(rows: Vec<CaseRow>, keys: &[(Uuid, Uuid)]) -> Vec<CaseRow> {
    let wanted: std::collections::HashSet<&(Uuid, Uuid)> = keys.iter().collect();
    rows.into_iter()
        .filter(|r| wanted.contains(&(r.county_id, r.id)))
        .collect()
}

/// Three statements for any number of cases: the rows are given, parties and sessions are
/// read for all of them at once.
async fn with_children(
    conn: &mut AsyncPgConnection,
    rows: Vec<CaseRow>,
) -> QueryResult<Vec<CaseRecord>> {
    let (counties, ids) = keys(&rows.iter().map(|r| (r.county_id, r.id)).collect::<Vec<_>>());
    let mut parties: HashMap<Uuid, Vec<PartyRow>> = HashMap::new();
    for p in diesel::sql_query(PARTIES)
        .bind::<Array<SqlUuid>, _>(&counties)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load::<PartyOf>(conn)
        .await?
    {
        parties.entry(p.case_id).or_default().push(PartyRow {
            id: p.id,
            side: p.side,
            name: p.name,
            email: p.email,
            phone_enc: p.phone_enc,
            id_number_enc: p.id_number_enc,
            user_id: p.user_id,
            consented: p.consented,
            signed_at: p.signed_at,
            recusal_used: p.recusal_used,
            particulars_enc: p.particulars_enc,
        });
    }
    let mut sessions: HashMap<Uuid, Vec<SessionRow>> = HashMap::new();
    for s in diesel::sql_query(SESSIONS)
        .bind::<Array<SqlUuid>, _>(&counties)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load::<SessionOf>(conn)
        .await?
    {
        sessions.entry(s.case_id).or_default().push(SessionRow {
            id: s.id,
            at: s.at,
            mode: s.mode,
            location: s.location,
            record: s.record,
            recorded_at: s.recorded_at,
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| CaseRecord {
            parties: parties.remove(&row.id).unwrap_or_default(),
            sessions: sessions.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// Which of the decisions given to `apply_many` were written (indexes into them), and how.
#[derive(Debug, Default)]
pub struct Written {
    /// Written one by one through `apply` (they changed parties or sessions).
    pub one_by_one: Vec<usize>,
    /// Written in sets.
    pub in_sets: Vec<usize>,
}

impl Written {
    pub fn count(&self) -> usize {
        self.one_by_one.len() + self.in_sets.len()
    }
}

/// Writes the engine's decisions for many cases held by the caller. Transitions that touch only
/// the case's own columns and its history are written in sets; one that also changes parties
/// or sessions goes through `apply`, case by case. A decision whose case moved on meanwhile is
/// left out. The notices are the caller's to record, in the same transaction.
pub async fn apply_many(
    conn: &mut AsyncPgConnection,
    decided: &[(CaseState, Transition)],
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<Written> {
    let mut written = Written::default();
    let mut simple = Vec::new();
    for (i, (before, t)) in decided.iter().enumerate() {
        if before.parties == t.case.parties && before.sessions == t.case.sessions {
            simple.push((i, before, t));
        } else if super::apply(conn, before, t, actor, now).await? {
            written.one_by_one.push(i);
        }
    }
    if simple.is_empty() {
        return Ok(written);
    }
    let pairs: Vec<_> = simple.iter().map(|(_, b, t)| (*b, *t)).collect();
    let claimed = update_cases(conn, &pairs, now).await?;
    let done: Vec<_> = simple
        .into_iter()
        .filter(|(_, b, _)| claimed.contains(&b.id))
        .collect();
    let (counties, ids) = keys(
        &done
            .iter()
            .map(|(_, b, _)| (b.county_id, b.id))
            .collect::<Vec<_>>(),
    );
    let mut last: HashMap<Uuid, (i32, String)> = diesel::sql_query(LAST_LINKS)
        .bind::<Array<SqlUuid>, _>(&counties)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load::<LastLink>(conn)
        .await?
        .into_iter()
        .map(|l| (l.case_id, (l.seq, l.hash)))
        .collect();
    let rows: Vec<_> = done
        .iter()
        .flat_map(|(_, b, t)| {
            events::chain(b.county_id, b.id, last.remove(&b.id), &t.events, actor, now)
        })
        .collect();
    events::insert_rows(conn, &rows).await?;
    written.in_sets = done.into_iter().map(|(i, _, _)| i).collect();
    Ok(written)
}

async fn update_cases(
    conn: &mut AsyncPgConnection,
    items: &[(&CaseState, &Transition)],
    now: DateTime<Utc>,
) -> QueryResult<std::collections::HashSet<Uuid>> {
    let col = |f: &dyn Fn(&CaseState, &CaseState) -> Uuid| -> Vec<Uuid> {
        items.iter().map(|(b, t)| f(b, &t.case)).collect()
    };
    let cs = || items.iter().map(|(_, t)| &t.case);
    let agreements = cs()
        .map(|c| c.agreement.as_ref().map(serde_json::to_value).transpose())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let ids: Vec<Uuid> = diesel::sql_query(UPDATE)
        .bind::<Array<SqlUuid>, _>(col(&|b, _| b.county_id))
        .bind::<Array<SqlUuid>, _>(col(&|b, _| b.id))
        .bind::<Array<Int4>, _>(items.iter().map(|(b, _)| b.version).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(cs().map(|c| c.level.as_str()).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(col(&|_, c| c.committee_id))
        .bind::<Array<Text>, _>(cs().map(|c| c.status.as_str()).collect::<Vec<_>>())
        .bind::<Array<Int4>, _>(cs().map(|c| c.version).collect::<Vec<_>>())
        .bind::<Array<Nullable<SqlUuid>>, _>(cs().map(|c| c.mediator_id).collect::<Vec<_>>())
        .bind::<Array<Nullable<Timestamptz>>, _>(cs().map(|c| c.deadline_at).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(
            cs().map(|c| opt_str(c.deadline_kind, |k| k.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Timestamptz>>, _>(
            cs().map(|c| c.mediation_due_at).collect::<Vec<_>>(),
        )
        .bind::<Array<Bool>, _>(cs().map(|c| c.extended).collect::<Vec<_>>())
        .bind::<Array<Bool>, _>(cs().map(|c| c.overdue).collect::<Vec<_>>())
        .bind::<Array<Nullable<Jsonb>>, _>(agreements)
        .bind::<Array<Nullable<Timestamptz>>, _>(cs().map(|c| c.resolved_at).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(
            cs().map(|c| opt_str(c.confirmation, |x| x.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Text>>, _>(
            cs().map(|c| opt_str(c.performance, |x| x.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind::<Timestamptz, _>(now)
        .bind::<Array<Bool>, _>(cs().map(|c| c.followed_up).collect::<Vec<_>>())
        .load::<Claimed>(conn)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(ids.into_iter().collect())
}
