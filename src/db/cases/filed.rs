//! A new case and everything that comes with it — its parties, its first history entries, the
//! applicant's consent to the privacy notice, the notices and bells — written by one call of
//! the database function `file_case` (migration 000034): one round trip, one transaction. The
//! function adds only the county's next number (and with it the access code's hash and the
//! number in each notice); everything else is what the engine and the notice planner decided.

use chrono::{DateTime, Datelike, Utc};
use diesel::sql_types::{Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::{CaseRecord, CaseRow, PartyRow, opt_str};
use crate::db::events;
use crate::db::outbox::{NewMail, NewNotification};
use crate::workflow::{Actor, CaseState, Transition};

/// What the filing adds beyond the engine's state: the narrative and the people's details.
pub struct NewCase<'a> {
    /// The access code as the applicant is given it (`file_case` stores only its hash with
    /// the number, as `crypto::hash_access_code` computes it).
    pub access_code: &'a str,
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

/// The claim of a request's `Idempotency-Key`.
pub struct FilingKey<'a> {
    pub user_id: Uuid,
    pub key: &'a str,
    pub request_hash: &'a str,
}

/// Everything one filing writes.
pub struct Filing<'a> {
    pub new: &'a NewCase<'a>,
    pub transition: &'a Transition,
    /// The mediator or grid worker who filed for the resident.
    pub filed_by: Option<Uuid>,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    /// The six digits of the county's division code that start its case numbers.
    pub county_prefix: &'a str,
    /// The privacy notice the applicant accepted, and how a resident filed for consented.
    pub notice_version: &'a str,
    pub assisted: Option<&'a str>,
    pub key: Option<FilingKey<'a>>,
    pub mails: &'a [NewMail],
    pub bells: &'a [NewNotification],
}

/// The columns of the new `cases` row, as the function reads them.
#[derive(Serialize)]
struct CaseJson<'a> {
    county_id: Uuid,
    id: Uuid,
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

#[derive(Serialize)]
struct PartyJson<'a> {
    county_id: Uuid,
    id: Uuid,
    case_id: Uuid,
    side: &'a str,
    name: &'a str,
    email: Option<&'a str>,
    #[serde(serialize_with = "crate::db::hex_bytes")]
    phone_enc: Option<Vec<u8>>,
    phone_key: Option<&'a str>,
    user_id: Option<Uuid>,
    position: i32,
}

#[derive(diesel::QueryableByName)]
struct Numbered {
    #[diesel(sql_type = Nullable<Text>)]
    number: Option<String>,
}

fn json<T: Serialize>(value: &T) -> diesel::QueryResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

/// The year a case number counts in: the year of the filing, China time.
pub fn number_year(now: DateTime<Utc>) -> i32 {
    now.with_timezone(&crate::workflow::local_zone()).year()
}

/// Writes the filing. Returns its number (`330681-2026-000123`), or `None` when its key was
/// already claimed (nothing written; the caller answers with the earlier case).
pub async fn file(
    conn: &mut AsyncPgConnection,
    f: &Filing<'_>,
) -> diesel::QueryResult<Option<String>> {
    let c = &f.transition.case;
    let case = CaseJson {
        county_id: c.county_id,
        id: c.id,
        category: f.new.category,
        narrative: f.new.narrative,
        request: f.new.request,
        amount_fen: f.new.amount_fen,
        village_id: f.new.village_id,
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
        filed_by: f.filed_by,
        filed_at: c.filed_at,
        updated_at: f.now,
    };
    let parties: Vec<PartyJson> = c
        .parties
        .iter()
        .zip(f.new.parties)
        .enumerate()
        .map(|(i, (p, details))| PartyJson {
            county_id: c.county_id,
            id: p.id,
            case_id: c.id,
            side: p.side.as_str(),
            name: &details.name,
            email: details.email.as_deref(),
            phone_enc: details.phone_enc.clone(),
            phone_key: details.phone_key.as_deref(),
            user_id: p.user_id,
            position: i as i32,
        })
        .collect();
    // A new case has no history yet: its chain starts at the genesis hash.
    let events = events::chain(
        c.county_id,
        c.id,
        None,
        &f.transition.events,
        f.actor,
        f.now,
    );
    let numbered: Numbered = diesel::sql_query(
        "SELECT file_case($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         AS number",
    )
    .bind::<SqlUuid, _>(c.county_id)
    .bind::<Nullable<SqlUuid>, _>(f.key.as_ref().map(|k| k.user_id))
    .bind::<Nullable<Text>, _>(f.key.as_ref().map(|k| k.key))
    .bind::<Nullable<Text>, _>(f.key.as_ref().map(|k| k.request_hash))
    .bind::<Jsonb, _>(json(&case)?)
    .bind::<Text, _>(f.county_prefix)
    .bind::<Int4, _>(number_year(f.now))
    .bind::<Text, _>(f.new.access_code.trim().to_uppercase())
    .bind::<Jsonb, _>(json(&parties)?)
    .bind::<Jsonb, _>(json(&events)?)
    .bind::<Text, _>(f.notice_version)
    .bind::<Timestamptz, _>(f.now)
    .bind::<Nullable<Text>, _>(f.assisted)
    .bind::<Jsonb, _>(json(&f.mails)?)
    .bind::<Jsonb, _>(json(&f.bells)?)
    .get_result(conn)
    .await?;
    Ok(numbered.number)
}

/// The record of a case just written by `file`, as a read would return it: the filing's answer
/// is built from it without reading the case back.
pub fn record_of_filed(f: &Filing<'_>, number: String) -> CaseRecord {
    let c: &CaseState = &f.transition.case;
    CaseRecord {
        row: CaseRow {
            county_id: c.county_id,
            id: c.id,
            number,
            category: f.new.category.to_owned(),
            narrative: f.new.narrative.to_owned(),
            request: f.new.request.to_owned(),
            amount_fen: f.new.amount_fen,
            village_id: f.new.village_id,
            village_committee_id: c.route.village,
            township_committee_id: c.route.township,
            county_committee_id: c.route.county,
            level: c.level.as_str().to_owned(),
            committee_id: c.committee_id,
            status: c.status.as_str().to_owned(),
            version: c.version,
            mediator_id: c.mediator_id,
            deadline_at: c.deadline_at,
            deadline_kind: opt_str(c.deadline_kind, |k| k.as_str()).map(str::to_owned),
            mediation_due_at: c.mediation_due_at,
            extended: c.extended,
            overdue: c.overdue,
            agreement: None,
            resolved_at: c.resolved_at,
            confirmation: None,
            performance: None,
            followed_up: c.followed_up,
            filed_by: f.filed_by,
            filed_at: c.filed_at,
            updated_at: f.now,
        },
        parties: c
            .parties
            .iter()
            .zip(f.new.parties)
            .map(|(p, details)| PartyRow {
                id: p.id,
                side: p.side.as_str().to_owned(),
                name: details.name.clone(),
                email: details.email.clone(),
                phone_enc: details.phone_enc.clone(),
                id_number_enc: None,
                user_id: p.user_id,
                consented: p.consented,
                signed_at: p.signed_at,
                recusal_used: p.recusal_used,
                particulars_enc: None,
            })
            .collect(),
        sessions: Vec::new(),
    }
}
