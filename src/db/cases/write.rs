//! Writing what the engine decided: a new case, or a transition under the version check.

use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::events;
use crate::db::schema::{case_counters, case_parties, case_sessions, cases};
use crate::workflow::{Actor, CaseState, Transition};

/// The next human-readable number of a county: `330681-2026-000123`. The counter row stays
/// locked until the filing commits, so numbers have no gaps and no duplicates.
pub async fn next_number(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    county_prefix: &str,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let year = now.with_timezone(&crate::workflow::local_zone()).year();
    let last: i32 = diesel::insert_into(case_counters::table)
        .values((
            case_counters::county_id.eq(county_id),
            case_counters::year.eq(year),
            case_counters::last.eq(1),
        ))
        .on_conflict((case_counters::county_id, case_counters::year))
        .do_update()
        .set(case_counters::last.eq(case_counters::last + excluded(case_counters::last)))
        .returning(case_counters::last)
        .get_result(conn)
        .await?;
    Ok(format!("{county_prefix}-{year}-{last:06}"))
}

/// What the filing adds beyond the engine's state: the narrative and the people's details.
pub struct NewCase<'a> {
    pub number: &'a str,
    pub access_code_hash: &'a str,
    pub category: &'a str,
    pub narrative: &'a str,
    pub request: &'a str,
    pub amount_fen: Option<i64>,
    pub village_id: Uuid,
    pub parties: &'a [NewParty],
}

pub struct NewParty {
    pub name: String,
    pub email: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    /// The keyed hash of the number, so the person can claim the case by signing in with it.
    pub phone_key: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = cases)]
struct CaseInsert<'a> {
    county_id: Uuid,
    id: Uuid,
    number: &'a str,
    access_code_hash: &'a str,
    category: &'a str,
    narrative: &'a str,
    request: &'a str,
    amount_fen: Option<i64>,
    village_id: Uuid,
    village_committee_id: Uuid,
    township_committee_id: Uuid,
    county_committee_id: Uuid,
    level: &'a str,
    committee_id: Uuid,
    status: &'a str,
    version: i32,
    mediator_id: Option<Uuid>,
    deadline_at: Option<DateTime<Utc>>,
    deadline_kind: Option<&'a str>,
    filed_by: Option<Uuid>,
    filed_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(super) fn opt_str<T: Copy>(v: Option<T>, f: fn(T) -> &'static str) -> Option<&'static str> {
    v.map(f)
}

/// Inserts a case the engine has just filed, with its parties and first history events.
pub async fn insert_filed(
    conn: &mut AsyncPgConnection,
    new: &NewCase<'_>,
    t: &Transition,
    filed_by: Option<Uuid>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let c = &t.case;
    diesel::insert_into(cases::table)
        .values(CaseInsert {
            county_id: c.county_id,
            id: c.id,
            number: new.number,
            access_code_hash: new.access_code_hash,
            category: new.category,
            narrative: new.narrative,
            request: new.request,
            amount_fen: new.amount_fen,
            village_id: new.village_id,
            village_committee_id: c.route.village,
            township_committee_id: c.route.township,
            county_committee_id: c.route.county,
            level: c.level.as_str(),
            committee_id: c.committee_id,
            status: c.status.as_str(),
            version: c.version,
            mediator_id: c.mediator_id,
            deadline_at: c.deadline_at,
            deadline_kind: opt_str(c.deadline_kind, |k| k.as_str()),
            filed_by,
            filed_at: c.filed_at,
            updated_at: now,
        })
        .execute(conn)
        .await?;
    let rows: Vec<_> = c
        .parties
        .iter()
        .zip(new.parties)
        .enumerate()
        .map(|(i, (p, details))| {
            (
                case_parties::county_id.eq(c.county_id),
                case_parties::id.eq(p.id),
                case_parties::case_id.eq(c.id),
                case_parties::side.eq(p.side.as_str()),
                case_parties::name.eq(details.name.clone()),
                case_parties::email.eq(details.email.clone()),
                case_parties::phone_enc.eq(details.phone_enc.clone()),
                case_parties::phone_key.eq(details.phone_key.clone()),
                case_parties::user_id.eq(p.user_id),
                case_parties::position.eq(i as i32),
            )
        })
        .collect();
    diesel::insert_into(case_parties::table)
        .values(rows)
        .execute(conn)
        .await?;
    // A case inserted in this transaction has no history yet and nobody else can see it: its
    // chain starts at the genesis hash without reading or locking anything.
    let rows = events::chain(c.county_id, c.id, None, &t.events, actor, now);
    events::insert_rows(conn, &rows).await
}

/// Writes the engine's decision when nobody changed the case since `before` was read. The
/// notices it causes are the caller's to record in the same transaction
/// (`casework::change::write` does both).
/// Returns `false` (and writes nothing) when the version moved on: the caller answers 409.
pub async fn apply(
    conn: &mut AsyncPgConnection,
    before: &CaseState,
    t: &Transition,
    actor: &Actor,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let claimed = diesel::update(cases::table.find((before.county_id, before.id)))
        .filter(cases::version.eq(before.version))
        .set(cases::version.eq(t.case.version))
        .execute(conn)
        .await?;
    if claimed == 0 {
        return Ok(false);
    }
    save_state(conn, &t.case, now).await?;
    for party in &t.case.parties {
        if before.parties.iter().any(|old| old == party) {
            continue;
        }
        diesel::update(case_parties::table.find((t.case.county_id, party.id)))
            .set((
                case_parties::consented.eq(party.consented),
                case_parties::signed_at.eq(party.signed_at),
                case_parties::recusal_used.eq(party.recusal_used),
            ))
            .execute(conn)
            .await?;
    }
    for session in &t.case.sessions {
        match before.sessions.iter().find(|old| old.id == session.id) {
            Some(old) if old == session => {}
            Some(_) => {
                diesel::update(case_sessions::table.find((t.case.county_id, session.id)))
                    .set((
                        case_sessions::record.eq(&session.record),
                        case_sessions::recorded_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
            None => {
                diesel::insert_into(case_sessions::table)
                    .values((
                        case_sessions::county_id.eq(t.case.county_id),
                        case_sessions::id.eq(session.id),
                        case_sessions::case_id.eq(t.case.id),
                        case_sessions::at.eq(session.at),
                        case_sessions::mode.eq(session.mode.as_str()),
                        case_sessions::location.eq(&session.location),
                        case_sessions::record.eq(&session.record),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
    }
    events::append(conn, t.case.county_id, t.case.id, &t.events, actor, now).await?;
    Ok(true)
}

/// The columns of `cases` that the engine owns.
async fn save_state(
    conn: &mut AsyncPgConnection,
    c: &CaseState,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let agreement = c
        .agreement
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::update(cases::table.find((c.county_id, c.id)))
        .set((
            cases::level.eq(c.level.as_str()),
            cases::committee_id.eq(c.committee_id),
            cases::status.eq(c.status.as_str()),
            cases::version.eq(c.version),
            cases::mediator_id.eq(c.mediator_id),
            cases::deadline_at.eq(c.deadline_at),
            cases::deadline_kind.eq(opt_str(c.deadline_kind, |k| k.as_str())),
            cases::mediation_due_at.eq(c.mediation_due_at),
            cases::extended.eq(c.extended),
            cases::overdue.eq(c.overdue),
            cases::agreement.eq(agreement),
            cases::resolved_at.eq(c.resolved_at),
            cases::confirmation.eq(opt_str(c.confirmation, |x| x.as_str())),
            cases::performance.eq(opt_str(c.performance, |x| x.as_str())),
            cases::followed_up.eq(c.followed_up),
            cases::updated_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
