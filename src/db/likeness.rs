//! Ended cases as a mediator may learn from them (`case_likeness`), and the search over them.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::schema::{case_likeness, case_parties, cases};

/// What an ended case's entry is made from.
#[derive(Debug, Clone)]
pub struct Source {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub category: String,
    pub level: String,
    pub status: String,
    pub narrative: String,
    pub agreement: Option<Value>,
    pub names: Vec<String>,
}

/// county, id, category, level, status, narrative, agreement.
type CaseText = (Uuid, Uuid, String, String, String, String, Option<Value>);

pub async fn sources(
    conn: &mut AsyncPgConnection,
    keys: &[(Uuid, Uuid)],
) -> QueryResult<Vec<Source>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = keys.iter().map(|(_, id)| *id).collect();
    let rows: Vec<CaseText> = cases::table
        .filter(cases::id.eq_any(&ids))
        .select((
            cases::county_id,
            cases::id,
            cases::category,
            cases::level,
            cases::status,
            cases::narrative,
            cases::agreement,
        ))
        .load(conn)
        .await?;
    let names: Vec<(Uuid, String)> = case_parties::table
        .filter(case_parties::case_id.eq_any(&ids))
        .order((case_parties::case_id, case_parties::position))
        .select((case_parties::case_id, case_parties::name))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| keys.contains(&(r.0, r.1)))
        .map(
            |(county_id, case_id, category, level, status, narrative, agreement)| Source {
                county_id,
                case_id,
                category,
                level,
                status,
                narrative,
                agreement,
                names: names
                    .iter()
                    .filter(|(c, _)| *c == case_id)
                    .map(|(_, n)| n.clone())
                    .collect(),
            },
        )
        .collect())
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = case_likeness)]
pub struct Entry {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub category: String,
    pub level: String,
    pub outcome: String,
    pub summary: String,
    pub obligations: Value,
    pub words: Vec<String>,
}

pub async fn upsert(conn: &mut AsyncPgConnection, entries: &[Entry]) -> QueryResult<()> {
    for e in entries {
        diesel::insert_into(case_likeness::table)
            .values(e)
            .on_conflict((case_likeness::county_id, case_likeness::case_id))
            .do_update()
            .set(e)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A past case found like the one asked about.
#[derive(Debug, Clone, QueryableByName)]
pub struct Found {
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub level: String,
    #[diesel(sql_type = Text)]
    pub outcome: String,
    #[diesel(sql_type = Text)]
    pub summary: String,
    #[diesel(sql_type = Jsonb)]
    pub obligations: Value,
    #[diesel(sql_type = diesel::sql_types::Float4)]
    pub score: f32,
}

/// The county's ended cases matching `query` (a `tsquery`), best first: the full-text rank,
/// raised for the same category. At most `candidates` matches are ranked, so a query of common
/// words costs no more than a rare one (the GIN index finds them; none is read twice).
pub async fn search(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    not: Uuid,
    query: &str,
    category: &str,
    candidates: i64,
    limit: i64,
) -> QueryResult<Vec<Found>> {
    diesel::sql_query(
        "SELECT case_id, category, level, outcome, summary, obligations,
                (ts_rank(array_to_tsvector(words), q) + CASE WHEN category = $4 THEN 0.1 ELSE 0 END)::real AS score
         FROM (SELECT l.*, $3::tsquery AS q
               FROM case_likeness l
               WHERE array_to_tsvector(l.words) @@ $3::tsquery
                 AND l.county_id = $1 AND l.case_id <> $2
               LIMIT $5) c
         ORDER BY score DESC, case_id
         LIMIT $6",
    )
    .bind::<SqlUuid, _>(county_id)
    .bind::<SqlUuid, _>(not)
    .bind::<Text, _>(query)
    .bind::<Text, _>(category)
    .bind::<BigInt, _>(candidates)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
