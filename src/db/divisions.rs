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

/// Every county: (id, name), by code.
pub async fn counties(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(Uuid, String)>> {
    divisions::table
        .filter(divisions::level.eq("county"))
        .order(divisions::code)
        .select((divisions::id, divisions::name))
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
pub async fn route_of_village(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<(DivisionRow, crate::workflow::Route)>> {
    Ok(road_of_village(conn, code)
        .await?
        .map(|road| (road.village, road.route)))
}

/// What filing needs of the village a dispute arose in: the village, the road of committees,
/// how the village's committee is reached and the county's deadlines.
pub struct Road {
    pub village: DivisionRow,
    pub route: crate::workflow::Route,
    pub committee_name: String,
    pub committee_phone: Option<String>,
    pub committee_address: Option<String>,
    pub policy: crate::workflow::Policy,
}

static ROAD_POLICY: std::sync::LazyLock<&'static str> = std::sync::LazyLock::new(|| {
    String::leak(format!(
        "(SELECT {} FROM county_policies p WHERE p.county_id = divisions.county_id)",
        super::policy::DAYS
    ))
});

/// The road of a village, in one statement; generic over the connection so that filing sends
/// it with its other reads in one round trip.
pub async fn road_of_village<C>(conn: &mut C, code: &str) -> QueryResult<Option<Road>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    use diesel::sql_types::{Array, Int4, Nullable};
    let (vc, tc, cc) = diesel::alias!(
        committees as village_committee,
        committees as township_committee,
        committees as county_committee
    );
    type Found = (
        DivisionRow,
        (Uuid, Uuid, Uuid),
        (String, Option<String>, Option<String>),
        Option<Vec<i32>>,
    );
    let found: Option<Found> = divisions::table
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
            (
                vc.field(committees::name),
                vc.field(committees::phone),
                vc.field(committees::address),
            ),
            super::fixed_sql::fixed::<Nullable<Array<Int4>>>(*ROAD_POLICY),
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        found.map(|(village, (v, t, c), (name, phone, address), days)| Road {
            village,
            route: crate::workflow::Route {
                village: v,
                township: t,
                county: c,
            },
            committee_name: name,
            committee_phone: phone,
            committee_address: address,
            policy: days.map_or_else(Default::default, |d| super::policy::from_days(&d)),
        }),
    )
}
