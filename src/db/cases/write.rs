//! Writing what the engine decided about an existing case: a transition under the version
//! check. A new case is written by `filed`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::events;
use crate::db::schema::{case_parties, case_sessions, cases};
use crate::workflow::{Actor, CaseState, Transition};

pub(super) fn opt_str<T: Copy>(v: Option<T>, f: fn(T) -> &'static str) -> Option<&'static str> {
    v.map(f)
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
