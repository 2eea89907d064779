//! Everything stored about one account, read for its owner (PIPL art. 45): the party rows that
//! are theirs with their cases, what they wrote, uploaded and rated, and what they were told.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::schema::{case_messages, case_parties, case_ratings, cases, evidence, notifications};

/// A party row of the person, with its case; numbers still sealed.
#[derive(Debug, Queryable)]
pub struct PartyOfMine {
    pub county_id: Uuid,
    pub party_id: Uuid,
    pub side: String,
    pub name: String,
    pub email: Option<String>,
    pub phone_enc: Option<Vec<u8>>,
    pub id_number_enc: Option<Vec<u8>>,
    pub particulars_enc: Option<Vec<u8>>,
    pub case_id: Uuid,
    pub number: String,
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub status: String,
    pub level: String,
    pub filed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Queryable)]
pub struct Written {
    pub case_id: Uuid,
    pub audience: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Queryable)]
pub struct Uploaded {
    pub case_id: Uuid,
    pub filename: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Queryable)]
pub struct Rated {
    pub case_id: Uuid,
    pub score: i16,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Queryable)]
pub struct Told {
    pub case_id: Uuid,
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub struct Holdings {
    pub parties: Vec<PartyOfMine>,
    pub messages: Vec<Written>,
    pub evidence: Vec<Uploaded>,
    pub ratings: Vec<Rated>,
    pub notifications: Vec<Told>,
}

pub async fn of_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Holdings> {
    let parties: Vec<PartyOfMine> = case_parties::table
        .inner_join(
            cases::table.on(cases::county_id
                .eq(case_parties::county_id)
                .and(cases::id.eq(case_parties::case_id))),
        )
        .filter(case_parties::user_id.eq(user_id))
        .order(cases::filed_at.desc())
        .select((
            case_parties::county_id,
            case_parties::id,
            case_parties::side,
            case_parties::name,
            case_parties::email,
            case_parties::phone_enc,
            case_parties::id_number_enc,
            case_parties::particulars_enc,
            cases::id,
            cases::number,
            cases::category,
            cases::narrative,
            cases::request,
            cases::status,
            cases::level,
            cases::filed_at,
        ))
        .load(conn)
        .await?;
    let party_ids: Vec<Uuid> = parties.iter().map(|p| p.party_id).collect();
    let messages = case_messages::table
        .filter(case_messages::author_id.eq(user_id))
        .order(case_messages::created_at)
        .select((
            case_messages::case_id,
            case_messages::audience,
            case_messages::body,
            case_messages::created_at,
        ))
        .load(conn)
        .await?;
    let evidence = evidence::table
        .filter(evidence::uploaded_by.eq(user_id))
        .order(evidence::created_at)
        .select((
            evidence::case_id,
            evidence::filename,
            evidence::sha256,
            evidence::size,
            evidence::content_type,
            evidence::created_at,
        ))
        .load(conn)
        .await?;
    let ratings = case_ratings::table
        .filter(case_ratings::party_id.eq_any(&party_ids))
        .select((
            case_ratings::case_id,
            case_ratings::score,
            case_ratings::comment,
            case_ratings::created_at,
        ))
        .load(conn)
        .await?;
    let notifications = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order(notifications::created_at.desc())
        .limit(1000)
        .select((
            notifications::case_id,
            notifications::kind,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)
        .await?;
    Ok(Holdings {
        parties,
        messages,
        evidence,
        ratings,
        notifications,
    })
}
