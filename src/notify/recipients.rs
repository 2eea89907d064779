//! Who the engine's `Recipient`s are: people with an address, an account, or neither.
//! The engine names roles ("all parties", "the committee"); this turns them into rows.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{case_parties, users};
use crate::workflow::{CaseState, Recipient};

/// One person to tell. A party filed for by a mediator may have neither an address nor an
/// account; the outbox then asks the case's mediator to call them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub party_id: Option<Uuid>,
    /// "zh" or "en".
    pub language: &'static str,
}

impl Person {
    /// What makes two resolutions the same person (a party with an account is also that user).
    pub fn key(&self) -> String {
        match (self.user_id, self.party_id, &self.email) {
            (Some(u), _, _) => format!("u:{u}"),
            (None, Some(p), _) => format!("p:{p}"),
            (None, None, Some(e)) => format!("e:{e}"),
            (None, None, None) => String::new(),
        }
    }
}

/// Only the two languages the service writes in; anything else reads Chinese, the default.
pub fn language(code: Option<&str>) -> &'static str {
    match code {
        Some(l) if l.starts_with("en") => "en",
        _ => "zh",
    }
}

/// A party row with the account it belongs to, if any.
#[derive(Debug, Clone, Queryable)]
pub struct PartyContact {
    pub id: Uuid,
    pub side: String,
    pub email: Option<String>,
    pub user_id: Option<Uuid>,
    pub user_email: Option<String>,
    pub user_language: Option<String>,
}

/// The parties of a case and where they can be reached, read once per change.
pub struct Directory {
    parties: Vec<PartyContact>,
    /// Parties without an account read mail in the applicant's language (zh when unknown).
    fallback: &'static str,
}

impl Directory {
    pub async fn load(conn: &mut AsyncPgConnection, case: &CaseState) -> QueryResult<Directory> {
        let parties: Vec<PartyContact> = case_parties::table
            .left_join(users::table.on(users::id.nullable().eq(case_parties::user_id)))
            .filter(case_parties::county_id.eq(case.county_id))
            .filter(case_parties::case_id.eq(case.id))
            .order(case_parties::position)
            .select((
                case_parties::id,
                case_parties::side,
                case_parties::email,
                case_parties::user_id,
                users::email.nullable(),
                users::language.nullable(),
            ))
            .load(conn)
            .await?;
        let fallback = parties
            .iter()
            .find(|p| p.side == "applicant" && p.user_language.is_some())
            .map_or("zh", |p| language(p.user_language.as_deref()));
        Ok(Directory { parties, fallback })
    }

    fn party(&self, p: &PartyContact) -> Person {
        Person {
            user_id: p.user_id,
            // The account's address wins: it is the one the person keeps up to date.
            email: p.user_email.clone().or_else(|| p.email.clone()),
            party_id: Some(p.id),
            language: match &p.user_language {
                Some(l) => language(Some(l)),
                None => self.fallback,
            },
        }
    }

    /// The people a recipient stands for, in a stable order.
    pub async fn resolve(
        &self,
        conn: &mut AsyncPgConnection,
        case: &CaseState,
        to: Recipient,
    ) -> QueryResult<Vec<Person>> {
        Ok(match to {
            Recipient::Party { party_id } => self
                .parties
                .iter()
                .filter(|p| p.id == party_id)
                .map(|p| self.party(p))
                .collect(),
            Recipient::AllParties => self.parties.iter().map(|p| self.party(p)).collect(),
            Recipient::Mediator { user_id } => {
                staff(
                    conn,
                    users::table.filter(users::id.eq(user_id)).into_boxed(),
                )
                .await?
            }
            Recipient::Committee { committee_id } => committee(conn, committee_id).await?,
            Recipient::Judges => {
                staff(
                    conn,
                    users::table
                        .filter(users::role.eq("judge"))
                        .filter(users::county_id.eq(case.county_id))
                        .into_boxed(),
                )
                .await?
            }
        })
    }
}

/// Every mediator and the head of a committee.
pub async fn committee(
    conn: &mut AsyncPgConnection,
    committee_id: Uuid,
) -> QueryResult<Vec<Person>> {
    staff(
        conn,
        users::table
            .filter(users::committee_id.eq(committee_id))
            .filter(users::role.eq_any(["mediator", "committee_head"]))
            .into_boxed(),
    )
    .await
}

async fn staff(
    conn: &mut AsyncPgConnection,
    query: users::BoxedQuery<'_, diesel::pg::Pg>,
) -> QueryResult<Vec<Person>> {
    let rows: Vec<(Uuid, String, String)> = query
        .order(users::email)
        .select((users::id, users::email, users::language))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, email, lang)| Person {
            user_id: Some(id),
            email: Some(email),
            party_id: None,
            language: language(Some(&lang)),
        })
        .collect())
}
