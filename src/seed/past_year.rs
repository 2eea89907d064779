//! The demo county's past year: ended cases in every village of the demo divisions, filed over
//! the twelve months before this one, each driven through the real engine like the demo
//! stories — resolved in the village, resolved in the township, passed up to the county and
//! referred to court, declined, withdrawn — so that the dashboard and the public figures have
//! something true to show right after `scripts/run`. Every case ends, so no clock of the past
//! year is left running.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::crypto::Sealer;
use crate::db;
use crate::db::schema::{divisions, users};
use crate::workflow::local_zone;
use crate::workflow::{
    self, Action, Actor, CaseState, Filing, Performance, Policy, SessionMode, Side, Transition,
};

/// Villagers of the past year (none has an account; the village mediator filed for them).
const NAMES: [(&str, &str); 6] = [
    ("陈阿婆", "何师傅"),
    ("楼大伯", "宣老板"),
    ("赵婶", "骆家媳妇"),
    ("蒋老伯", "石料厂"),
    ("俞大姐", "邻居徐某"),
    ("郦大爷", "承包户黄某"),
];

const STORIES: [(&str, &str, &str); 4] = [
    (
        "neighbour",
        "两家之间的排水沟堵了，雨天积水漫进院子。",
        "请对方一起清理排水沟。",
    ),
    (
        "land",
        "承包地的界桩被移动，双方对边界有争议。",
        "请村里按原界桩重新确认边界。",
    ),
    (
        "debt",
        "帮对方做工两个月，工钱一直没有结清。",
        "请对方结清工钱。",
    ),
    (
        "family",
        "老人赡养费用兄弟之间分摊不均。",
        "请兄弟按约定分担赡养费。",
    ),
];

/// How a past case ends, by its number in the village's month.
#[derive(Clone, Copy)]
enum End {
    Village,
    Township,
    Court,
    Declined,
    Withdrawn,
}

fn end_of(i: usize) -> End {
    match i % 20 {
        0..=11 => End::Village,
        12..=14 => End::Township,
        15 => End::Court,
        16 | 17 => End::Declined,
        _ => End::Withdrawn,
    }
}

struct Staff {
    village: Uuid,
    township: Uuid,
    county: Uuid,
    judge: Uuid,
}

/// A mediator account of a committee, made when missing (`mediator.<code>@demo.test`).
async fn mediator(
    conn: &mut AsyncPgConnection,
    division: &db::divisions::DivisionRow,
    password_hash: &str,
) -> anyhow::Result<Uuid> {
    let email = format!("mediator.{}@demo.test", division.code);
    let committee_id = db::divisions::committee_of(conn, division.id).await?;
    let name = format!("{}调解员", division.name);
    diesel::insert_into(users::table)
        .values((
            users::id.eq(Uuid::now_v7()),
            users::email.eq(&email),
            users::name.eq(&name),
            users::password_hash.eq(password_hash),
            users::role.eq("mediator"),
            users::committee_id.eq(committee_id),
            users::county_id.eq(division.county_id),
        ))
        .on_conflict(users::email)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(users::table
        .filter(users::email.eq(&email))
        .select(users::id)
        .first(conn)
        .await?)
}

/// Makes the past year unless the demo county already has cases older than a month. Returns
/// how many cases were made.
pub async fn past_year(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    county: &db::divisions::DivisionRow,
    password_hash: &str,
) -> anyhow::Result<usize> {
    let now = Utc::now();
    let older: i64 = db::schema::cases::table
        .filter(db::schema::cases::county_id.eq(county.id))
        .filter(db::schema::cases::filed_at.lt(now - Duration::days(40)))
        .count()
        .get_result(conn)
        .await?;
    if older > 0 {
        return Ok(0);
    }
    let villages: Vec<db::divisions::DivisionRow> = divisions::table
        .filter(divisions::county_id.eq(county.id))
        .filter(divisions::level.eq("village"))
        .order(divisions::code)
        .select(db::divisions::DivisionRow::as_select())
        .load(conn)
        .await?;
    let policy = db::policy::of_county(conn, county.id).await?;
    let county_mediator = users::table
        .filter(users::email.eq("county.mediator@demo.test"))
        .select(users::id)
        .first(conn)
        .await?;
    let judge = users::table
        .filter(users::email.eq("judge@demo.test"))
        .select(users::id)
        .first(conn)
        .await?;
    let this_month = now.with_timezone(&local_zone());
    let mut made = 0;
    for (v, village) in villages.iter().enumerate() {
        let Some((_, route)) = db::divisions::route_of_village(conn, &village.code).await? else {
            continue;
        };
        let township = divisions::table
            .filter(divisions::id.eq(village.parent_id.unwrap_or_default()))
            .select(db::divisions::DivisionRow::as_select())
            .first(conn)
            .await?;
        let staff = Staff {
            village: mediator(conn, village, password_hash).await?,
            township: mediator(conn, &township, password_hash).await?,
            county: county_mediator,
            judge,
        };
        for back in 1..=12u32 {
            let (y, m) = months_before(this_month.year(), this_month.month(), back);
            // Busier villages and busier months, deterministically.
            let count = 1 + (v * 7 + back as usize * 3) % 3;
            for k in 0..count {
                let i = v * 31 + back as usize * 5 + k;
                let day = 1 + (i * 7) % 26;
                let filed = local_zone()
                    .with_ymd_and_hms(y, m, day as u32, 9 + (k as u32 % 8), 0, 0)
                    .single()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(now - Duration::days(i64::from(back) * 30));
                // Its whole story (a month at most) lies in the past.
                if filed > now - Duration::days(35) {
                    continue;
                }
                let case = Past {
                    village,
                    route,
                    staff: &staff,
                    policy: &policy,
                    sealer,
                    filed,
                    i,
                };
                conn.transaction::<(), anyhow::Error, _>(async |conn| case.tell(conn).await)
                    .await?;
                made += 1;
            }
        }
    }
    Ok(made)
}

fn months_before(year: i32, month: u32, back: u32) -> (i32, u32) {
    let m = year * 12 + month as i32 - 1 - back as i32;
    (m.div_euclid(12), m.rem_euclid(12) as u32 + 1)
}

struct Past<'a> {
    village: &'a db::divisions::DivisionRow,
    route: workflow::Route,
    staff: &'a Staff,
    policy: &'a Policy,
    sealer: &'a Sealer,
    filed: DateTime<Utc>,
    i: usize,
}

impl Past<'_> {
    async fn tell(&self, conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
        let (applicant, respondent) = (Uuid::now_v7(), Uuid::now_v7());
        let filing = Filing {
            case_id: Uuid::now_v7(),
            county_id: self.village.county_id,
            route: self.route,
            parties: vec![
                (applicant, Side::Applicant, None),
                (respondent, Side::Respondent, None),
            ],
            filed_by: Some(self.staff.village),
        };
        let mut at = self.filed;
        let mut t = workflow::file(&filing, at, self.policy).map_err(|r| anyhow::anyhow!("{r}"))?;
        let (a, r) = NAMES[self.i % NAMES.len()];
        let (category, narrative, request) = STORIES[self.i % STORIES.len()];
        let parties = [
            db::cases::NewParty {
                name: a.into(),
                email: None,
                phone_enc: Some(self.sealer.seal(&format!("1390000{:04}", self.i % 10_000))),
                phone_key: None,
            },
            db::cases::NewParty {
                name: r.into(),
                email: None,
                phone_enc: None,
                phone_key: None,
            },
        ];
        let new = db::cases::NewCase {
            access_code: super::cases::DEMO_ACCESS_CODE,
            category,
            narrative,
            request,
            amount_fen: None,
            village_id: self.village.id,
            parties: &parties,
        };
        let filer = self.village_mediator(&t.case);
        let number = super::cases::file_quietly(
            conn,
            &new,
            &t,
            (filing.filed_by, &filer),
            &self.village.code,
            Some(crate::workflow::ConsentMethod::InPerson.as_str()),
            at,
        )
        .await?;
        for (who, action) in self.steps(&t.case) {
            at += Duration::hours(if matches!(action, Action::DeadlinePassed) {
                24 * 8
            } else {
                20 + (self.i % 5) as i64 * 9
            });
            let action = self.fill(action, &t.case, at);
            let actor = self.actor(who, &t.case);
            let next = workflow::decide(&t.case, &action, &actor, at, self.policy)
                .map_err(|r| anyhow::anyhow!("past case {number}: {r}"))?;
            crate::casework::change::write(conn, &t.case, &next, &actor, at).await?;
            t = next;
        }
        self.rate(conn, &t, at).await
    }

    fn village_mediator(&self, case: &CaseState) -> Actor {
        Actor::Mediator {
            user_id: self.staff.village,
            committee_id: case.route.village,
            is_head: false,
        }
    }

    fn actor(&self, who: Who, case: &CaseState) -> Actor {
        let party = |side: Side| {
            let p = case.parties.iter().find(|p| p.side == side);
            Actor::Party {
                user_id: None,
                party_id: p.map(|p| p.id).unwrap_or_default(),
            }
        };
        match who {
            Who::Applicant => party(Side::Applicant),
            Who::Respondent => party(Side::Respondent),
            Who::Village => self.village_mediator(case),
            Who::Township => Actor::Mediator {
                user_id: self.staff.township,
                committee_id: case.route.township,
                is_head: false,
            },
            Who::County => Actor::Mediator {
                user_id: self.staff.county,
                committee_id: case.route.county,
                is_head: false,
            },
            Who::Judge => Actor::Judge {
                user_id: self.staff.judge,
                county_id: case.county_id,
            },
            Who::Sweeper => Actor::System,
        }
    }

    /// Who does what, for this case's ending.
    fn steps(&self, _case: &CaseState) -> Vec<(Who, Action)> {
        use Who::*;
        let mediate = |by: Who| {
            vec![
                (by, session(self.i)),
                (by, record()),
                (by, propose()),
                (Applicant, Action::Sign),
                (Respondent, Action::Sign),
                (by, Action::Sign),
            ]
        };
        let aftercare = |by: Who| {
            let mut v = Vec::new();
            if self.i.is_multiple_of(4) {
                v.push((Applicant, Action::ApplyConfirmation));
                v.push((Judge, Action::Confirm));
            }
            v.push((
                by,
                Action::RecordPerformance {
                    performed: if self.i.is_multiple_of(9) {
                        Performance::Partial
                    } else {
                        Performance::Full
                    },
                    note: None,
                },
            ));
            v.push((
                by,
                Action::RecordFollowUp {
                    satisfaction: 4 + (self.i % 2) as u8,
                    note: None,
                },
            ));
            v
        };
        let accept = |by: Who| {
            vec![
                (by, Action::Accept),
                (Respondent, Action::RespondentConsents),
            ]
        };
        let up = |by: Who| {
            (
                by,
                Action::Escalate {
                    reason: "涉及相邻两村，村里调解不成".into(),
                },
            )
        };
        match end_of(self.i) {
            End::Village => [accept(Village), mediate(Village), aftercare(Village)].concat(),
            End::Township => [
                accept(Village),
                vec![up(Village), (Township, Action::Accept)],
                mediate(Township),
                aftercare(Township),
            ]
            .concat(),
            End::Court => vec![
                // The village let its acceptance clock run out; the sweeper passed it up.
                (Sweeper, Action::DeadlinePassed),
                (Township, Action::Accept),
                (Respondent, Action::RespondentConsents),
                up(Township),
                (County, Action::Accept),
                (
                    County,
                    Action::ReferToCourt {
                        reason: "双方分歧较大，引导起诉".into(),
                    },
                ),
            ],
            End::Declined => vec![(
                Village,
                Action::Decline {
                    reason: "已向法院起诉，不属于调解范围".into(),
                },
            )],
            End::Withdrawn => vec![
                (Village, Action::Accept),
                (
                    Applicant,
                    Action::Withdraw {
                        reason: Some("双方已自行和解".into()),
                    },
                ),
            ],
        }
    }

    /// Steps that name a session take the one the case has.
    fn fill(&self, action: Action, case: &CaseState, at: DateTime<Utc>) -> Action {
        match action {
            Action::ScheduleSession {
                session_id,
                mode,
                location,
                ..
            } => Action::ScheduleSession {
                session_id,
                at: at + Duration::days(2),
                mode,
                location,
            },
            Action::RecordSession { record, .. } => {
                let session = case.sessions.last();
                let online = session.is_some_and(|s| s.mode == SessionMode::Online);
                Action::RecordSession {
                    session_id: session.map(|s| s.id).unwrap_or_default(),
                    record,
                    attended: if online {
                        case.parties.iter().map(|p| p.id).collect()
                    } else {
                        Vec::new()
                    },
                }
            }
            Action::ProposeAgreement { .. } => Action::ProposeAgreement {
                contents: super::agreement::contents(case, at, 15),
                performance_due: None,
            },
            other => other,
        }
    }

    /// Most parties of a case that ended with an agreement rate the service.
    async fn rate(
        &self,
        conn: &mut AsyncPgConnection,
        t: &Transition,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let case = &t.case;
        if case.status != workflow::Status::Closed || self.i % 3 == 2 {
            return Ok(());
        }
        for (n, p) in case.parties.iter().enumerate() {
            let score = [5, 4, 5, 3, 4, 5, 2][(self.i + n) % 7];
            let at = at + Duration::days(1 + n as i64);
            db::ratings::insert(
                conn,
                &db::ratings::Rating {
                    county_id: case.county_id,
                    case_id: case.id,
                    party_id: p.id,
                    score,
                    comment: None,
                    level: case.level.as_str(),
                    mediator_id: case.mediator_id,
                    at,
                },
            )
            .await?;
            let actor = Actor::Party {
                user_id: None,
                party_id: p.id,
            };
            db::events::note(
                conn,
                (case.county_id, case.id),
                "rated",
                serde_json::json!({}),
                &actor,
                at,
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Who {
    Applicant,
    Respondent,
    Village,
    Township,
    County,
    Judge,
    Sweeper,
}

fn session(i: usize) -> Action {
    let online = i % 3 != 1;
    Action::ScheduleSession {
        session_id: Uuid::now_v7(),
        at: Utc::now(),
        mode: if online {
            SessionMode::Online
        } else {
            SessionMode::InPerson
        },
        location: if online {
            "线上调解室"
        } else {
            "村调委会调解室"
        }
        .into(),
    }
}

fn record() -> Action {
    Action::RecordSession {
        session_id: Uuid::nil(),
        record: "双方陈述了各自意见，经调解员释法说理，达成一致。".into(),
        attended: Vec::new(),
    }
}

/// A placeholder: `fill` writes the contents once the case's parties are known.
fn propose() -> Action {
    Action::ProposeAgreement {
        contents: Default::default(),
        performance_due: None,
    }
}
