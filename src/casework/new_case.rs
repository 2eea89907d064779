//! Opening a new case once its input is checked (`filing`): two round trips to the database. The
//! first reads what the case needs, sent together: the village's road of committees with its
//! county's deadlines, the staff of the village's committee (told of the new case), and where
//! the filing resident can be reached. The engine then opens the case, the notices are planned
//! for the people read, and the second round trip writes it all (`db::cases::file`). The answer
//! is built from what was written, without reading the case back.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use rand::RngExt;
use serde_json::json;
use uuid::Uuid;

use super::filing::{Checked, Filed, Filer, PRIVACY_NOTICE_VERSION, Written};
use crate::crypto::Sealer;
use crate::db;
use crate::db::cases::{FilingKey, Labels, NewCase, NewParty};
use crate::db::recipients::StaffRow;
use crate::domain::{Email, Phone, Role};
use crate::error::AppError;
use crate::notify::recipients::{Book, PartyContact};
use crate::workflow::{self, Actor, Filing, Side};

/// Eight characters a person can read out on the phone (no 0/O, 1/I/L).
fn access_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Opens the case. `None` when `key` was already claimed by an earlier request: nothing was
/// written, and the caller answers with that request's case.
pub(super) async fn create(
    conn: &mut AsyncPgConnection,
    filer: Filer<'_>,
    input: &super::filing::FilingInput,
    checked: &Checked,
    sealer: &Sealer,
    key: Option<FilingKey<'_>>,
    now: DateTime<Utc>,
) -> Result<Option<Filed>, AppError> {
    // PostgreSQL keeps microseconds: the answer built below equals what a later read returns.
    let now = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let filing_resident = match &filer {
        Filer::Resident(p) => vec![p.id],
        _ => Vec::new(),
    };
    let village = checked.village.as_str();
    // Three handles on one connection: their statements leave together (pipelined).
    let shared: &AsyncPgConnection = conn;
    let (mut a, mut b, mut c) = (shared, shared, shared);
    let (road, committee_staff, mut accounts) = futures_util::try_join!(
        db::divisions::road_of_village(&mut a, village),
        db::recipients::village_committee_staff(&mut b, village),
        db::recipients::staff_by_id(&mut c, &filing_resident),
    )?;
    let road = road.ok_or_else(|| {
        AppError::Unprocessable(format!(
            "{} is not a village or community we serve.",
            checked.village
        ))
    })?;
    let own_county = match &filer {
        Filer::Resident(_) => None,
        Filer::Assisted { mediator, .. } => Some(mediator.committee.as_ref().map(|c| c.county_id)),
        Filer::Imported { county_id, .. } => Some(Some(*county_id)),
    };
    if own_county.is_some_and(|c| c != Some(road.village.county_id)) {
        return Err(AppError::Unprocessable(
            "You can file only for villages of your own county.".into(),
        ));
    }
    let case_id = Uuid::now_v7();
    let applicant_party = Uuid::now_v7();
    let (applicant_user, applicant_details, filed_by, assisted) = match &filer {
        Filer::Resident(p) => (
            Some(p.id),
            NewParty {
                name: p.name.clone(),
                email: p.email.clone(),
                phone_enc: None,
                phone_key: None,
            },
            None,
            None,
        ),
        Filer::Assisted {
            mediator,
            applicant: (name, email, phone),
            method,
        } => (
            account_of(conn, sealer, email.as_ref(), phone.as_ref()).await?,
            party_details(sealer, name, email.as_ref(), phone.as_ref()),
            Some(mediator.id),
            Some(method.as_str()),
        ),
        Filer::Imported {
            by,
            applicant: (name, email, phone),
            method,
            ..
        } => (
            account_of(conn, sealer, email.as_ref(), phone.as_ref()).await?,
            party_details(sealer, name, email.as_ref(), phone.as_ref()),
            Some(*by),
            Some(method.as_str()),
        ),
    };
    let mut parties = vec![(applicant_party, Side::Applicant, applicant_user)];
    let mut details = vec![applicant_details];
    for (name, email, phone) in &checked.respondents {
        let user_id = account_of(conn, sealer, email.as_ref(), phone.as_ref()).await?;
        parties.push((Uuid::now_v7(), Side::Respondent, user_id));
        details.push(party_details(sealer, name, email.as_ref(), phone.as_ref()));
    }
    let filing = Filing {
        case_id,
        county_id: road.village.county_id,
        route: road.route,
        parties,
        filed_by,
    };
    let transition = workflow::file(&filing, now, &road.policy)
        .map_err(|r| AppError::Unprocessable(r.to_string()))?;
    // Where the other people of the case can be reached, when they have accounts.
    let linked: Vec<Uuid> = transition
        .case
        .parties
        .iter()
        .filter_map(|p| p.user_id)
        .filter(|u| !filing_resident.contains(u))
        .collect();
    if !linked.is_empty() {
        accounts.extend(db::recipients::staff_by_id(conn, &linked).await?);
    }
    let code = access_code();
    // The receipt is the one mail that carries the access code; keyed by kind so that the
    // committee's "new case" mail does not.
    let receipt = json!({ "filing_receipt": { "access_code": code } });
    let book = Book::of_new_case(
        &transition.case,
        contacts(&transition.case, &details, &accounts),
        &committee_staff,
    );
    let planned = crate::notify::outbox::plan(
        &book,
        &[(&transition.case, &transition.notices, &receipt)],
        now,
    );
    let actor = match &filer {
        Filer::Resident(p) => Actor::Party {
            user_id: Some(p.id),
            party_id: applicant_party,
        },
        Filer::Assisted { mediator, .. } => Actor::Mediator {
            user_id: mediator.id,
            committee_id: mediator
                .committee
                .as_ref()
                .map(|c| c.committee_id)
                .unwrap_or_default(),
            is_head: mediator.role == Role::CommitteeHead,
        },
        Filer::Imported { .. } => Actor::System,
    };
    let new = NewCase {
        access_code: &code,
        category: checked.category.as_str(),
        narrative: input.narrative.trim(),
        request: input.request.trim(),
        amount_fen: checked.amount_fen,
        village_id: road.village.id,
        parties: &details,
    };
    let write = db::cases::Filing {
        new: &new,
        transition: &transition,
        filed_by,
        actor: &actor,
        now,
        county_prefix: &road.village.code[..6],
        notice_version: PRIVACY_NOTICE_VERSION,
        assisted,
        key,
        mails: &planned.mails,
        bells: &planned.bells,
    };
    let Some(number) = db::cases::file(conn, &write).await.map_err(duplicate)? else {
        return Ok(None);
    };
    tracing::info!(case_id = %case_id, number = %number, assisted = filed_by.is_some(), "case filed");
    let labels = Labels {
        committee_name: road.committee_name.clone(),
        committee_phone: road.committee_phone.clone(),
        committee_address: road.committee_address.clone(),
        village_code: road.village.code.clone(),
        village_name: road.village.name.clone(),
        mediator_name: None,
    };
    let record = db::cases::record_of_filed(&write, number);
    Ok(Some(Filed {
        case_id,
        access_code: Some(code),
        replayed: false,
        written: Some(Written {
            record,
            labels,
            policy: road.policy,
        }),
    }))
}

/// A unique key broken by a concurrent filing is that filing's to answer, not a fault.
fn duplicate(e: diesel::result::Error) -> AppError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::conflict(
            "The same filing arrived twice at once; send it again to get its case.",
        ),
        other => other.into(),
    }
}

/// The parties of the new case as the notices reach them: their own details, and those of
/// their accounts where they have one (`accounts` holds where each account is reached).
fn contacts(
    case: &workflow::CaseState,
    details: &[NewParty],
    accounts: &[StaffRow],
) -> Vec<PartyContact> {
    case.parties
        .iter()
        .zip(details)
        .map(|(p, d)| {
            let account = p
                .user_id
                .and_then(|u| accounts.iter().find(|row| row.0 == u));
            PartyContact {
                id: p.id,
                side: p.side.as_str().to_owned(),
                email: d.email.clone(),
                phone_enc: d.phone_enc.clone(),
                user_id: p.user_id,
                user_email: account.and_then(|a| a.1.clone()),
                user_phone_enc: account.and_then(|a| a.6.clone()),
                user_channel: account.and_then(|a| a.7.clone()),
                user_language: account.map(|a| a.2.clone()),
            }
        })
        .collect()
}

/// The account of a person named by address or number, if they have one: a respondent who
/// already signed in sees the case from that account at once.
async fn account_of(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    email: Option<&Email>,
    phone: Option<&Phone>,
) -> Result<Option<Uuid>, AppError> {
    if let Some(e) = email
        && let Some(user) = db::users::by_email(conn, e.as_str()).await?
    {
        return Ok(Some(user.id));
    }
    match phone {
        Some(p) => Ok(db::users::by_phone_key(conn, &sealer.phone(p).1)
            .await?
            .map(|u| u.id)),
        None => Ok(None),
    }
}

/// A party's row details: the number sealed and findable by its keyed hash.
fn party_details(
    sealer: &Sealer,
    name: &str,
    email: Option<&Email>,
    phone: Option<&Phone>,
) -> NewParty {
    let (phone_enc, phone_key) = phone.map(|p| sealer.phone(p)).unzip();
    NewParty {
        name: name.to_owned(),
        email: email.map(|e| e.to_string()),
        phone_enc,
        phone_key,
    }
}
