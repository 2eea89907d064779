//! Who the engine's `Recipient`s are: people with an address, an account, or neither.
//! The engine names roles ("all parties", "the committee"); this turns them into rows.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use std::collections::HashMap;

use diesel::sql_types::{Array, Nullable, Text, Uuid as SqlUuid};

use crate::db::schema::users;
use crate::workflow::{CaseState, Notice, Recipient};

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
#[derive(Debug, Clone)]
pub struct PartyContact {
    pub id: Uuid,
    pub side: String,
    pub email: Option<String>,
    pub user_id: Option<Uuid>,
    pub user_email: Option<String>,
    pub user_language: Option<String>,
}

/// Everything needed to turn a batch of notices into people, read in a few set-based queries
/// (one batch may be a single change, or every case a sweep escalated).
#[derive(Default)]
pub struct Book {
    numbers: HashMap<Uuid, String>,
    parties: HashMap<Uuid, Vec<PartyContact>>,
    committees: HashMap<Uuid, Vec<Person>>,
    mediators: HashMap<Uuid, Person>,
    judges: HashMap<Uuid, Vec<Person>>,
}

/// The batch's case numbers and parties with their accounts, joined on the (county, case) pairs
/// themselves: `county_id = ANY(…) AND case_id = ANY(…)` was planned as a scan of whole
/// counties and cost more than the rest of a sweep batch together.
const PARTIES: &str = "
SELECT c.id AS case_id, c.number, p.id, p.side, p.email, p.user_id,
       u.email AS user_email, u.language AS user_language
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN cases c ON c.county_id = k.county_id AND c.id = k.case_id
LEFT JOIN case_parties p ON p.county_id = k.county_id AND p.case_id = k.case_id
LEFT JOIN users u ON u.id = p.user_id
ORDER BY c.id, p.position";

#[derive(QueryableByName)]
struct PartyOf {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    side: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    email: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    user_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_language: Option<String>,
}

type StaffRow = (Uuid, String, String, Option<Uuid>, Option<Uuid>, String);

fn staff_person(row: &StaffRow) -> Person {
    Person {
        user_id: Some(row.0),
        email: Some(row.1.clone()),
        party_id: None,
        language: language(Some(&row.2)),
    }
}

impl Book {
    pub async fn load(
        conn: &mut AsyncPgConnection,
        cases: &[(&CaseState, &[Notice])],
    ) -> QueryResult<Book> {
        let mut book = Book::default();
        if cases.is_empty() {
            return Ok(book);
        }
        let ids: Vec<Uuid> = cases.iter().map(|(c, _)| c.id).collect();
        let counties: Vec<Uuid> = cases.iter().map(|(c, _)| c.county_id).collect();
        let mut committee_ids: Vec<Uuid> = cases.iter().map(|(c, _)| c.committee_id).collect();
        let mut mediator_ids: Vec<Uuid> = cases.iter().filter_map(|(c, _)| c.mediator_id).collect();
        for (_, notices) in cases {
            for n in notices.iter() {
                match n.to {
                    Recipient::Committee { committee_id } => committee_ids.push(committee_id),
                    Recipient::Mediator { user_id } => mediator_ids.push(user_id),
                    _ => {}
                }
            }
        }
        for row in diesel::sql_query(PARTIES)
            .bind::<Array<SqlUuid>, _>(&counties)
            .bind::<Array<SqlUuid>, _>(&ids)
            .load::<PartyOf>(conn)
            .await?
        {
            book.numbers.entry(row.case_id).or_insert(row.number);
            let (Some(id), Some(side)) = (row.id, row.side) else {
                continue;
            };
            book.parties
                .entry(row.case_id)
                .or_default()
                .push(PartyContact {
                    id,
                    side,
                    email: row.email,
                    user_id: row.user_id,
                    user_email: row.user_email,
                    user_language: row.user_language,
                });
        }
        // Three narrow queries, each on an index, and only those the notices need: a filing
        // must not scan every account of the province.
        let wants_judges = cases
            .iter()
            .any(|(_, n)| n.iter().any(|x| matches!(x.to, Recipient::Judges)));
        let columns = (
            users::id,
            users::email,
            users::language,
            users::committee_id,
            users::county_id,
            users::role,
        );
        let committee_staff: Vec<StaffRow> = users::table
            .filter(users::committee_id.eq_any(&committee_ids))
            .filter(users::role.eq_any(["mediator", "committee_head"]))
            .order(users::email)
            .select(columns)
            .load(conn)
            .await?;
        for row in &committee_staff {
            if let Some(c) = row.3 {
                book.committees
                    .entry(c)
                    .or_default()
                    .push(staff_person(row));
            }
            if mediator_ids.contains(&row.0) {
                book.mediators.insert(row.0, staff_person(row));
            }
        }
        let missing: Vec<Uuid> = mediator_ids
            .iter()
            .copied()
            .filter(|m| !book.mediators.contains_key(m))
            .collect();
        if !missing.is_empty() {
            let rows: Vec<StaffRow> = users::table
                .filter(users::id.eq_any(&missing))
                .select(columns)
                .load(conn)
                .await?;
            for row in &rows {
                book.mediators.insert(row.0, staff_person(row));
            }
        }
        if wants_judges {
            let judges: Vec<StaffRow> = users::table
                .filter(users::role.eq("judge"))
                .filter(users::county_id.eq_any(&counties))
                .order(users::email)
                .select(columns)
                .load(conn)
                .await?;
            for row in &judges {
                if let Some(county) = row.4 {
                    book.judges
                        .entry(county)
                        .or_default()
                        .push(staff_person(row));
                }
            }
        }
        Ok(book)
    }

    pub fn number(&self, case: &CaseState) -> String {
        self.numbers.get(&case.id).cloned().unwrap_or_default()
    }

    pub fn directory(&self, case: &CaseState) -> Directory {
        let parties = self.parties.get(&case.id).cloned().unwrap_or_default();
        let fallback = parties
            .iter()
            .find(|p| p.side == "applicant" && p.user_language.is_some())
            .map_or("zh", |p| language(p.user_language.as_deref()));
        Directory { parties, fallback }
    }

    /// The people a recipient stands for, in a stable order.
    pub fn resolve(&self, directory: &Directory, case: &CaseState, to: Recipient) -> Vec<Person> {
        match to {
            Recipient::Party { party_id } => directory
                .parties
                .iter()
                .filter(|p| p.id == party_id)
                .map(|p| directory.party(p))
                .collect(),
            Recipient::AllParties => directory
                .parties
                .iter()
                .map(|p| directory.party(p))
                .collect(),
            Recipient::Mediator { user_id } => {
                self.mediators.get(&user_id).cloned().into_iter().collect()
            }
            Recipient::Committee { committee_id } => self
                .committees
                .get(&committee_id)
                .cloned()
                .unwrap_or_default(),
            Recipient::Judges => self
                .judges
                .get(&case.county_id)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// Who handles the case now: its mediator, or the committee while nobody is assigned.
    pub fn handlers(&self, case: &CaseState) -> Vec<Person> {
        match case.mediator_id {
            Some(user_id) => self.mediators.get(&user_id).cloned().into_iter().collect(),
            None => self
                .committees
                .get(&case.committee_id)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// The parties of a case and where they can be reached.
pub struct Directory {
    parties: Vec<PartyContact>,
    /// Parties without an account read mail in the applicant's language (zh when unknown).
    fallback: &'static str,
}

impl Directory {
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
}
