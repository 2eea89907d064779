//! Storage of the indicators: which cases' facts are behind their history, what the job reads
//! of them, the facts it writes, and the sums per county × month × township × village ×
//! committee × mediator that the dashboard and the public figures read.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{case_facts, stat_days, stat_rollups, stat_stale};
use crate::stats::Figures;

/// A case whose history is ahead of its facts: its key and the seq its head has reached.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = SqlUuid)]
    pub county_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Int4)]
    pub seq: i32,
}

/// Up to `limit` cases whose history moved on since their facts were computed, after `after`
/// in key order. The heads are read along their primary key from where the last batch ended,
/// so a run reads each head once however many are due; there is no index on `seq`, which every
/// history insert would have to update (the heads' update stays a cheap in-place one).
pub async fn due(
    conn: &mut AsyncPgConnection,
    after: Option<(Uuid, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Due>> {
    // A row comparison, so that PostgreSQL starts the primary key's range right after `after`
    // (the nil uuids sort first).
    let (county, case) = after.unwrap_or((Uuid::nil(), Uuid::nil()));
    diesel::sql_query(
        "SELECT county_id, case_id, seq FROM case_history_heads
          WHERE (county_id, case_id) > ($1, $2) AND seq > rolled_seq
          ORDER BY county_id, case_id LIMIT $3",
    )
    .bind::<SqlUuid, _>(county)
    .bind::<SqlUuid, _>(case)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await
}

/// What the facts of one case are computed from, besides its history.
#[derive(Debug, Clone, QueryableByName)]
pub struct CaseRow {
    #[diesel(sql_type = SqlUuid)]
    pub county_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub performance: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub filed_at: DateTime<Utc>,
    #[diesel(sql_type = SqlUuid)]
    pub village_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub township_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub committee_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub mediator_id: Option<Uuid>,
    #[diesel(sql_type = Int4)]
    pub parties: i32,
    #[diesel(sql_type = Array<diesel::sql_types::Int2>)]
    pub ratings: Vec<i16>,
}

const CASES: &str = "
SELECT c.county_id, c.id, c.status, c.performance, c.filed_at, c.village_id,
       v.parent_id AS township_id, c.committee_id, c.mediator_id,
       (SELECT count(*)::int4 FROM case_parties p
         WHERE p.county_id = c.county_id AND p.case_id = c.id AND p.side <> 'agent') AS parties,
       ARRAY(SELECT r.score FROM case_ratings r
              WHERE r.county_id = c.county_id AND r.case_id = c.id ORDER BY r.party_id) AS ratings
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN cases c ON c.county_id = k.county_id AND c.id = k.case_id
JOIN divisions v ON v.id = c.village_id";

pub async fn cases(
    conn: &mut AsyncPgConnection,
    keys: &[(Uuid, Uuid)],
) -> QueryResult<Vec<CaseRow>> {
    let (counties, ids): (Vec<Uuid>, Vec<Uuid>) = keys.iter().copied().unzip();
    diesel::sql_query(CASES)
        .bind::<Array<SqlUuid>, _>(&counties)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load(conn)
        .await
}

#[derive(Debug, Clone, QueryableByName)]
pub struct EventOf {
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub actor_role: String,
    #[diesel(sql_type = Jsonb)]
    pub data: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
}

const EVENTS: &str = "
SELECT e.case_id, e.kind, e.actor_role, e.data, e.at
FROM unnest($1::uuid[], $2::uuid[]) AS k(county_id, case_id)
JOIN case_events e ON e.county_id = k.county_id AND e.case_id = k.case_id
ORDER BY e.county_id, e.case_id, e.seq";

/// The histories of many cases, each in order.
pub async fn histories(
    conn: &mut AsyncPgConnection,
    keys: &[(Uuid, Uuid)],
) -> QueryResult<HashMap<Uuid, Vec<EventOf>>> {
    let (counties, ids): (Vec<Uuid>, Vec<Uuid>) = keys.iter().copied().unzip();
    let rows: Vec<EventOf> = diesel::sql_query(EVENTS)
        .bind::<Array<SqlUuid>, _>(&counties)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load(conn)
        .await?;
    let mut by_case: HashMap<Uuid, Vec<EventOf>> = HashMap::new();
    for e in rows {
        by_case.entry(e.case_id).or_default().push(e);
    }
    Ok(by_case)
}

/// One case's facts as stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_facts)]
pub struct FactRow {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub seq: i32,
    pub month: NaiveDate,
    pub township_id: Uuid,
    pub village_id: Uuid,
    pub committee_id: Uuid,
    pub mediator_id: Option<Uuid>,
    pub days: Option<i32>,
    pub figures: Vec<i64>,
}

/// Writes the facts of a batch, marks their months stale and their heads rolled up to the seq
/// the facts were computed at (a head that moved on meanwhile stays due). The caller holds a
/// transaction.
pub async fn write_facts(conn: &mut AsyncPgConnection, rows: &[FactRow]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    if rows.is_empty() {
        return Ok(());
    }
    // A case's month is that of its filing and never changes: the months to sum again are
    // those of the batch.
    let (counties, ids): (Vec<Uuid>, Vec<Uuid>) =
        rows.iter().map(|r| (r.county_id, r.case_id)).unzip();
    let mut stale: Vec<(Uuid, NaiveDate)> = rows.iter().map(|r| (r.county_id, r.month)).collect();
    stale.sort_unstable();
    stale.dedup();
    for chunk in rows.chunks(1000) {
        diesel::insert_into(case_facts::table)
            .values(chunk)
            .on_conflict((case_facts::county_id, case_facts::case_id))
            .do_update()
            .set((
                case_facts::seq.eq(excluded(case_facts::seq)),
                case_facts::month.eq(excluded(case_facts::month)),
                case_facts::township_id.eq(excluded(case_facts::township_id)),
                case_facts::village_id.eq(excluded(case_facts::village_id)),
                case_facts::committee_id.eq(excluded(case_facts::committee_id)),
                case_facts::mediator_id.eq(excluded(case_facts::mediator_id)),
                case_facts::days.eq(excluded(case_facts::days)),
                case_facts::figures.eq(excluded(case_facts::figures)),
            ))
            .execute(conn)
            .await?;
    }
    let values: Vec<_> = stale
        .iter()
        .map(|(c, m)| (stat_stale::county_id.eq(*c), stat_stale::month.eq(*m)))
        .collect();
    diesel::insert_into(stat_stale::table)
        .values(&values)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let seqs: Vec<i32> = rows.iter().map(|r| r.seq).collect();
    diesel::sql_query(
        "UPDATE case_history_heads h SET rolled_seq = k.seq
         FROM unnest($1::uuid[], $2::uuid[], $3::int4[]) AS k(county_id, case_id, seq)
         WHERE h.county_id = k.county_id AND h.case_id = k.case_id AND h.rolled_seq < k.seq",
    )
    .bind::<Array<SqlUuid>, _>(&counties)
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Int4>, _>(&seqs)
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` months whose sums are behind.
pub async fn stale(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<(Uuid, NaiveDate)>> {
    stat_stale::table
        .select((stat_stale::county_id, stat_stale::month))
        .order((stat_stale::county_id, stat_stale::month))
        .limit(limit)
        .load(conn)
        .await
}

/// Sums one county's month again from its cases' facts and clears its stale mark. The caller
/// holds a transaction.
pub async fn resum(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    month: NaiveDate,
) -> QueryResult<()> {
    type Fact = (Uuid, Uuid, Uuid, Option<Uuid>, Option<i32>, Vec<i64>);
    let facts: Vec<Fact> = case_facts::table
        .filter(case_facts::county_id.eq(county_id))
        .filter(case_facts::month.eq(month))
        .select((
            case_facts::township_id,
            case_facts::village_id,
            case_facts::committee_id,
            case_facts::mediator_id,
            case_facts::days,
            case_facts::figures,
        ))
        .load(conn)
        .await?;
    let mut sums: BTreeMap<Group, Figures> = BTreeMap::new();
    let mut days: BTreeMap<(Group, i32), i32> = BTreeMap::new();
    for (township, village, committee, mediator, d, figures) in facts {
        let group = Group {
            month,
            township_id: township,
            village_id: village,
            committee_id: committee,
            mediator_id: mediator.unwrap_or(Uuid::nil()),
        };
        sums.entry(group)
            .or_default()
            .merge(&Figures::from_stored(&figures));
        if let Some(d) = d {
            *days.entry((group, d)).or_default() += 1;
        }
    }
    diesel::delete(stat_rollups::table)
        .filter(stat_rollups::county_id.eq(county_id))
        .filter(stat_rollups::month.eq(month))
        .execute(conn)
        .await?;
    diesel::delete(stat_days::table)
        .filter(stat_days::county_id.eq(county_id))
        .filter(stat_days::month.eq(month))
        .execute(conn)
        .await?;
    let rows: Vec<_> = sums
        .iter()
        .map(|(g, f)| {
            (
                stat_rollups::county_id.eq(county_id),
                stat_rollups::month.eq(month),
                stat_rollups::township_id.eq(g.township_id),
                stat_rollups::village_id.eq(g.village_id),
                stat_rollups::committee_id.eq(g.committee_id),
                stat_rollups::mediator_id.eq(g.mediator_id),
                stat_rollups::figures.eq(f.to_stored()),
            )
        })
        .collect();
    for chunk in rows.chunks(2000) {
        diesel::insert_into(stat_rollups::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    let rows: Vec<_> = days
        .iter()
        .map(|((g, d), n)| {
            (
                stat_days::county_id.eq(county_id),
                stat_days::month.eq(month),
                stat_days::township_id.eq(g.township_id),
                stat_days::village_id.eq(g.village_id),
                stat_days::committee_id.eq(g.committee_id),
                stat_days::mediator_id.eq(g.mediator_id),
                stat_days::days.eq(*d),
                stat_days::cases.eq(*n),
            )
        })
        .collect();
    for chunk in rows.chunks(2000) {
        diesel::insert_into(stat_days::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    diesel::delete(stat_stale::table.find((county_id, month)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets every fact and sum, so the job computes them all again from the histories.
pub async fn forget_all(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::delete(stat_stale::table).execute(conn).await?;
    diesel::delete(stat_days::table).execute(conn).await?;
    diesel::delete(stat_rollups::table).execute(conn).await?;
    diesel::delete(case_facts::table).execute(conn).await?;
    diesel::sql_query("UPDATE case_history_heads SET rolled_seq = 0 WHERE rolled_seq <> 0")
        .execute(conn)
        .await?;
    Ok(())
}

/// Every sum, in key order, as text: for comparing the kept sums with a rebuild.
pub async fn snapshot(conn: &mut AsyncPgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let lines: Vec<Line> = diesel::sql_query(
        "SELECT concat_ws(' ', county_id, month, township_id, village_id, committee_id,
                          mediator_id, figures::text) AS line
           FROM stat_rollups
         UNION ALL
         SELECT concat_ws(' ', county_id, month, township_id, village_id, committee_id,
                          mediator_id, 'days', days, cases) AS line
           FROM stat_days
         ORDER BY line",
    )
    .load(conn)
    .await?;
    Ok(lines.into_iter().map(|l| l.line).collect())
}

/// The key of a rollup: a county's month, township, village, committee and mediator (nil while
/// no mediator holds the case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Group {
    pub month: NaiveDate,
    pub township_id: Uuid,
    pub village_id: Uuid,
    pub committee_id: Uuid,
    pub mediator_id: Uuid,
}

/// One rollup as the reports read it: its figures and its cases' days to resolution.
#[derive(Debug, Clone)]
pub struct Sum {
    pub group: Group,
    pub figures: Figures,
    pub days: BTreeMap<i32, i64>,
}

/// Which rows of a county a reader may sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Within {
    County,
    Township(Uuid),
    Village(Uuid),
}

/// Narrows a boxed query of `stat_rollups` or `stat_days` to `within`.
macro_rules! narrowed {
    ($query:expr, $table:ident, $within:expr) => {
        match $within {
            Within::County => $query,
            Within::Township(t) => $query.filter($table::township_id.eq(t)),
            Within::Village(v) => $query.filter($table::village_id.eq(v)),
        }
    };
}

/// The county's rollups of months `from..=to` within `within`, with their days.
pub async fn sums(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    within: Within,
) -> QueryResult<Vec<Sum>> {
    let rows = stat_rollups::table
        .filter(stat_rollups::county_id.eq(county_id))
        .filter(stat_rollups::month.between(from, to))
        .into_boxed();
    let rows: Vec<(NaiveDate, Uuid, Uuid, Uuid, Uuid, Vec<i64>)> =
        narrowed!(rows, stat_rollups, within)
            .select((
                stat_rollups::month,
                stat_rollups::township_id,
                stat_rollups::village_id,
                stat_rollups::committee_id,
                stat_rollups::mediator_id,
                stat_rollups::figures,
            ))
            .load(conn)
            .await?;
    let days = stat_days::table
        .filter(stat_days::county_id.eq(county_id))
        .filter(stat_days::month.between(from, to))
        .into_boxed();
    let days: Vec<(NaiveDate, Uuid, Uuid, Uuid, Uuid, i32, i32)> =
        narrowed!(days, stat_days, within)
            .select((
                stat_days::month,
                stat_days::township_id,
                stat_days::village_id,
                stat_days::committee_id,
                stat_days::mediator_id,
                stat_days::days,
                stat_days::cases,
            ))
            .load(conn)
            .await?;
    let mut sums: BTreeMap<Group, Sum> = BTreeMap::new();
    for (month, township_id, village_id, committee_id, mediator_id, f) in rows {
        let group = Group {
            month,
            township_id,
            village_id,
            committee_id,
            mediator_id,
        };
        sums.insert(
            group,
            Sum {
                group,
                figures: Figures::from_stored(&f),
                days: BTreeMap::new(),
            },
        );
    }
    for (month, township_id, village_id, committee_id, mediator_id, d, n) in days {
        let group = Group {
            month,
            township_id,
            village_id,
            committee_id,
            mediator_id,
        };
        // Written in one transaction with their rollup, so the rollup is there.
        if let Some(sum) = sums.get_mut(&group) {
            sum.days.insert(d, i64::from(n));
        }
    }
    Ok(sums.into_values().collect())
}

/// A division of the county as the reports name it.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub level: String,
}

/// The names a county's reports need: its divisions, committees and mediators.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub county_code: String,
    pub county_name: String,
    pub places: HashMap<Uuid, Place>,
    pub by_code: HashMap<String, Place>,
    /// Committee id → (name, its division's code).
    pub committees: HashMap<Uuid, (String, String)>,
    pub mediators: HashMap<Uuid, String>,
}

impl Names {
    pub fn parent_of(&self, id: Uuid) -> Option<Uuid> {
        self.places.get(&id).and_then(|p| p.parent_id)
    }
}

pub async fn names(conn: &mut AsyncPgConnection, county_id: Uuid) -> QueryResult<Names> {
    use super::schema::{committees, divisions, users};
    let places: Vec<(Uuid, Option<Uuid>, String, String, String)> = divisions::table
        .filter(divisions::county_id.eq(county_id))
        .select((
            divisions::id,
            divisions::parent_id,
            divisions::code,
            divisions::name,
            divisions::level,
        ))
        .load(conn)
        .await?;
    let mut names = Names::default();
    for (id, parent_id, code, name, level) in places {
        let place = Place {
            id,
            parent_id,
            code,
            name,
            level,
        };
        if id == county_id {
            names.county_code = place.code.clone();
            names.county_name = place.name.clone();
        }
        names.by_code.insert(place.code.clone(), place.clone());
        names.places.insert(id, place);
    }
    let committees: Vec<(Uuid, String, Uuid)> = committees::table
        .filter(committees::county_id.eq(county_id))
        .select((committees::id, committees::name, committees::division_id))
        .load(conn)
        .await?;
    for (id, name, division) in committees {
        let code = names
            .places
            .get(&division)
            .map(|p| p.code.clone())
            .unwrap_or_default();
        names.committees.insert(id, (name, code));
    }
    let ids: Vec<Uuid> = names.committees.keys().copied().collect();
    let staff: Vec<(Uuid, String)> = users::table
        .filter(users::committee_id.eq_any(&ids))
        .select((users::id, users::name))
        .load(conn)
        .await?;
    names.mediators.extend(staff);
    Ok(names)
}

/// The division and level of a committee.
pub async fn committee_division(
    conn: &mut AsyncPgConnection,
    committee_id: Uuid,
) -> QueryResult<Option<(Uuid, String)>> {
    use super::schema::committees;
    committees::table
        .find(committee_id)
        .select((committees::division_id, committees::level))
        .first(conn)
        .await
        .optional()
}

/// The county with this 12-digit division code, or whose code begins with these 6 digits.
pub async fn county_by_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<Uuid>> {
    use super::schema::divisions;
    let full = if code.len() == 6 {
        format!("{code}000000")
    } else {
        code.to_owned()
    };
    divisions::table
        .filter(divisions::code.eq(full))
        .filter(divisions::level.eq("county"))
        .select(divisions::id)
        .first(conn)
        .await
        .optional()
}

/// Every county: (code, name), by code.
pub async fn counties(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(String, String)>> {
    use super::schema::divisions;
    divisions::table
        .filter(divisions::level.eq("county"))
        .order(divisions::code)
        .select((divisions::code, divisions::name))
        .limit(1000)
        .load(conn)
        .await
}
