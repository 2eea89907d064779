//! The division tree and its committees: import, lookup, and the tree for `/api/v1/divisions`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{committees, divisions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = divisions)]
pub struct DivisionRow {
    pub id: Uuid,
    pub county_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub level: String,
}

/// One line of an import: code, name, parent code, level.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: String,
}

pub async fn by_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<DivisionRow>> {
    divisions::table
        .filter(divisions::code.eq(code))
        .select(DivisionRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<DivisionRow>> {
    divisions::table
        .select(DivisionRow::as_select())
        .order(divisions::code)
        .load(conn)
        .await
}

pub async fn committee_of(conn: &mut AsyncPgConnection, division_id: Uuid) -> QueryResult<Uuid> {
    committees::table
        .filter(committees::division_id.eq(division_id))
        .select(committees::id)
        .first(conn)
        .await
}

fn committee_name(level: &str, name: &str) -> String {
    match level {
        "village" => format!("{name}人民调解委员会"),
        "township" => format!("{name}人民调解中心"),
        _ => format!("{name}矛盾纠纷调处化解中心"),
    }
}

/// Inserts divisions (parents before children) and one committee for each; rows whose code
/// already exists are left as they are, so an import can be repeated. Returns how many were new.
pub async fn import(conn: &mut AsyncPgConnection, rows: &[ImportRow]) -> anyhow::Result<usize> {
    use anyhow::{Context, bail};
    let mut created = 0;
    for level in ["county", "township", "village"] {
        for row in rows.iter().filter(|r| r.level == level) {
            if by_code(conn, &row.code).await?.is_some() {
                continue;
            }
            let id = Uuid::now_v7();
            let (county_id, parent_id) = match &row.parent_code {
                None if level == "county" => (id, None),
                None => bail!("{} ({}) has no parent code", row.code, row.name),
                Some(parent_code) => {
                    let parent = by_code(conn, parent_code).await?.with_context(|| {
                        format!("{}: parent {parent_code} is not known", row.code)
                    })?;
                    let expected = if level == "township" {
                        "county"
                    } else {
                        "township"
                    };
                    if parent.level != expected {
                        bail!("{}: a {level}'s parent must be a {expected}", row.code);
                    }
                    (parent.county_id, Some(parent.id))
                }
            };
            diesel::insert_into(divisions::table)
                .values((
                    divisions::id.eq(id),
                    divisions::county_id.eq(county_id),
                    divisions::parent_id.eq(parent_id),
                    divisions::code.eq(&row.code),
                    divisions::name.eq(&row.name),
                    divisions::level.eq(level),
                ))
                .execute(conn)
                .await?;
            diesel::insert_into(committees::table)
                .values((
                    committees::id.eq(Uuid::now_v7()),
                    committees::county_id.eq(county_id),
                    committees::division_id.eq(id),
                    committees::name.eq(committee_name(level, &row.name)),
                    committees::level.eq(level),
                ))
                .execute(conn)
                .await?;
            created += 1;
        }
    }
    Ok(created)
}

/// A village and the committees of its village, township and county: the road a case travels.
/// One statement: filing runs it on every request, and each round trip counts (benchmarks.md).
pub async fn route_of_village(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<(DivisionRow, crate::workflow::Route)>> {
    let (vc, tc, cc) = diesel::alias!(
        committees as village_committee,
        committees as township_committee,
        committees as county_committee
    );
    let found: Option<(DivisionRow, (Uuid, Uuid, Uuid))> = divisions::table
        .inner_join(vc.on(vc.field(committees::division_id).eq(divisions::id)))
        .inner_join(tc.on(divisions::parent_id.eq(tc.field(committees::division_id).nullable())))
        .inner_join(cc.on(cc.field(committees::division_id).eq(divisions::county_id)))
        .filter(divisions::code.eq(code))
        .filter(divisions::level.eq("village"))
        .select((
            DivisionRow::as_select(),
            (
                vc.field(committees::id),
                tc.field(committees::id),
                cc.field(committees::id),
            ),
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(found.map(|(village, (village_c, township, county))| {
        (
            village,
            crate::workflow::Route {
                village: village_c,
                township,
                county,
            },
        )
    }))
}
