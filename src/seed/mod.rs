//! `fengqiao seed-demo`: the demo county (诸暨市, home of the Fengqiao experience), its
//! committees, and the demo logins of SPEC §7. Safe to run again: what exists is left alone.

use anyhow::{Context, bail};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

mod agreement;
mod cases;
pub mod load;
mod past_year;
mod stories;

use crate::auth::password;
use crate::crypto::Sealer;
use crate::db;
use crate::db::divisions::ImportRow;
use crate::db::schema::users;

pub const DEMO_PASSWORD: &str = "demo-pass-2026";
pub const DEMO_COUNTY: &str = "330681000000";
/// 枫源村, under 枫桥镇: the demo case travels village → 枫桥镇 → 诸暨市.
pub const DEMO_VILLAGE: &str = "330681109201";
pub const DEMO_TOWNSHIP: &str = "330681109000";
/// 枫溪村, the second village, whose mediator must not see the first village's cases.
pub const OTHER_VILLAGE: &str = "330681109202";

const ZHUJI: &str = include_str!("zhuji-divisions.csv");

/// The demo committees' phone numbers and addresses (invented for the demo).
const DEMO_CONTACTS: &[(&str, &str, &str)] = &[
    (
        DEMO_VILLAGE,
        "0575-87011234",
        "诸暨市枫桥镇枫源村村委会一楼调解室",
    ),
    (
        DEMO_TOWNSHIP,
        "0575-87025678",
        "诸暨市枫桥镇人民政府二楼矛盾纠纷调处中心",
    ),
    (
        DEMO_COUNTY,
        "0575-87039012",
        "诸暨市社会矛盾纠纷调处化解中心",
    ),
];

/// (email, name, role, committee division code)
pub const DEMO_USERS: &[(&str, &str, &str, Option<&str>)] = &[
    ("resident@demo.test", "王秀英", "resident", None),
    ("respondent@demo.test", "李建国", "resident", None),
    ("neighbour@demo.test", "赵小梅", "resident", None),
    (
        "village.mediator@demo.test",
        "陈调解",
        "mediator",
        Some(DEMO_VILLAGE),
    ),
    (
        "village.head@demo.test",
        "周主任",
        "committee_head",
        Some(DEMO_VILLAGE),
    ),
    (
        "other.mediator@demo.test",
        "吴调解",
        "mediator",
        Some(OTHER_VILLAGE),
    ),
    (
        "township.mediator@demo.test",
        "郑调解",
        "mediator",
        Some(DEMO_TOWNSHIP),
    ),
    (
        "county.mediator@demo.test",
        "孙调解",
        "mediator",
        Some(DEMO_COUNTY),
    ),
    ("judge@demo.test", "钱法官", "judge", None),
    ("admin@demo.test", "冯管理员", "county_admin", None),
];

/// Reads `code,name,parent_code,level` rows (with a header line).
pub fn parse_divisions(text: &str) -> anyhow::Result<Vec<ImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("line {}", i + 2))?;
        let field = |n: usize| record.get(n).unwrap_or("").to_owned();
        let code = crate::domain::DivisionCode::parse(&field(0))
            .map_err(|e| anyhow::anyhow!("line {}: {e}", i + 2))?;
        let level = field(3);
        if !["county", "township", "village"].contains(&level.as_str()) {
            bail!(
                "line {}: level {level:?} is not county, township or village",
                i + 2
            );
        }
        let parent = field(2);
        rows.push(ImportRow {
            code: code.to_string(),
            name: field(1),
            parent_code: (!parent.is_empty()).then_some(parent),
            level,
        });
    }
    Ok(rows)
}

/// Divisions, committees and demo logins; given an evidence store, also the demo cases.
pub async fn demo(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    with_cases: Option<&crate::evidence::Store>,
) -> anyhow::Result<String> {
    let created = db::divisions::import(conn, &parse_divisions(ZHUJI)?).await?;
    let county = db::divisions::by_code(conn, DEMO_COUNTY)
        .await?
        .context("the demo county is missing after import")?;
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD)).await??;
    let mut new_users = 0;
    for (email, name, role, committee) in DEMO_USERS {
        let committee_id = match committee {
            Some(code) => {
                let division = db::divisions::by_code(conn, code)
                    .await?
                    .with_context(|| format!("demo division {code} missing"))?;
                Some(db::divisions::committee_of(conn, division.id).await?)
            }
            None => None,
        };
        new_users += diesel::insert_into(users::table)
            .values((
                users::id.eq(Uuid::now_v7()),
                users::email.eq(email),
                users::name.eq(name),
                users::password_hash.eq(&hash),
                users::role.eq(role),
                users::committee_id.eq(committee_id),
                users::county_id.eq(county.id),
            ))
            .on_conflict(users::email)
            .do_nothing()
            .execute(conn)
            .await?;
    }
    // The demo committees answer the phone, so the case page shows tap-to-call.
    for (code, phone, address) in DEMO_CONTACTS {
        if let Some((committee, county_id)) = db::staff::committee_by_code(conn, code).await? {
            db::staff::set_committee_contact(
                conn,
                county_id,
                committee,
                Some(phone),
                Some(address),
            )
            .await?;
        }
    }
    db::courts::set(
        conn,
        county.id,
        &db::courts::Court {
            name: "诸暨市人民法院".into(),
            address: Some("诸暨市暨阳街道艮塔西路 138 号（立案大厅）".into()),
            phone: Some("0575-87200000".into()),
        },
        chrono::Utc::now(),
    )
    .await?;
    let (new_cases, past) = match with_cases {
        Some(store) => (
            cases::demo_cases(conn, sealer, store).await?,
            past_year::past_year(conn, sealer, &county, &hash).await?,
        ),
        None => (0, 0),
    };
    Ok(format!(
        "demo county 诸暨市 ({DEMO_COUNTY}): {created} new divisions, {new_users} new accounts, \
         {new_cases} new cases and {past} ended cases of the past year; every demo login uses the password {DEMO_PASSWORD}"
    ))
}
