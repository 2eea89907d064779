//! Demo cases in every status and level, made by running the real engine over a short story for
//! each (filed some days ago, then acted on), so the demo county looks alive and every row is
//! one the engine could have produced.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::casework::filing::hash_access_code;
use crate::crypto::Sealer;
use crate::db;
use crate::db::schema::{cases, users};
use crate::workflow::{self, Action, Actor, Filing, Performance, SessionMode, Side};

/// Who acts in a story step.
#[derive(Clone, Copy)]
enum Who {
    Applicant,
    Respondent,
    Village,
    Township,
    County,
    Judge,
}

struct Story {
    category: &'static str,
    narrative: &'static str,
    request: &'static str,
    days_ago: i64,
    steps: &'static [(Who, Step)],
}

#[derive(Clone, Copy)]
enum Step {
    Accept,
    Decline,
    Consent,
    Refuse,
    Session,
    Propose,
    Sign,
    Escalate,
    Refer,
    Withdraw,
    Apply,
    Confirm,
    Perform,
    FollowUp,
}

use Step::*;
use Who::*;

const MEDIATE: [(Who, Step); 3] = [(Village, Accept), (Respondent, Consent), (Village, Session)];

const STORIES: &[Story] = &[
    Story {
        category: "neighbour",
        narrative: "邻居在两家之间的过道上堆放柴草，老人进出很不方便。",
        request: "请邻居把柴草挪走，留出过道。",
        days_ago: 1,
        steps: &[],
    },
    Story {
        category: "debt",
        narrative: "去年借给同村人两万元，约定年底还，到现在没还。",
        request: "请对方按约定还钱。",
        days_ago: 2,
        steps: &[(Village, Accept)],
    },
    Story {
        category: "land",
        narrative: "两家承包地的界桩被挪动，对方多种了半垄地。",
        request: "恢复原来的地界。",
        days_ago: 6,
        steps: &MEDIATE,
    },
    Story {
        category: "family",
        narrative: "兄弟三人对母亲的赡养费分担有争议。",
        request: "商定每人每月的赡养费。",
        days_ago: 8,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Session),
            (Village, Propose),
        ],
    },
    Story {
        category: "property",
        narrative: "楼上装修漏水，把我家天花板泡坏了。",
        request: "赔偿修缮费用三千元。",
        days_ago: 12,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Session),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
        ],
    },
    Story {
        category: "labour",
        narrative: "在村里的加工厂干了三个月，工资少发了一个月。",
        request: "补发一个月工资。",
        days_ago: 20,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Village, Perform),
            (Village, FollowUp),
        ],
    },
    Story {
        category: "consumer",
        narrative: "在网上买的电动车电池有问题，商家不肯退。",
        request: "退货退款。",
        days_ago: 3,
        steps: &[(Village, Decline)],
    },
    Story {
        category: "neighbour",
        narrative: "隔壁养的狗晚上一直叫，影响休息。",
        request: "请邻居管好狗。",
        days_ago: 4,
        steps: &[(Village, Accept), (Respondent, Refuse)],
    },
    Story {
        category: "traffic",
        narrative: "电动三轮车在村道上刮倒了我家的院墙。",
        request: "赔偿修墙费用。",
        days_ago: 5,
        steps: &[(Applicant, Withdraw)],
    },
    Story {
        category: "land",
        narrative: "宅基地边界有争议，村里调过一次没有结果。",
        request: "请镇里协调划定边界。",
        days_ago: 9,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Escalate),
            (Township, Accept),
        ],
    },
    Story {
        category: "debt",
        narrative: "合伙养殖散伙后，对方一直不结账。",
        request: "结清合伙账目。",
        days_ago: 14,
        steps: &[
            (Village, Accept),
            (Respondent, Refuse),
            (Village, Escalate),
            (Township, Accept),
            (Respondent, Refuse),
            (Township, Escalate),
        ],
    },
    Story {
        category: "family",
        narrative: "离婚后孩子探视安排有纠纷，多次调解未成。",
        request: "明确探视时间。",
        days_ago: 25,
        steps: &[
            (Village, Accept),
            (Respondent, Refuse),
            (Village, Escalate),
            (Township, Accept),
            (Respondent, Refuse),
            (Township, Escalate),
            (County, Accept),
            (Respondent, Refuse),
            (County, Refer),
        ],
    },
    Story {
        category: "property",
        narrative: "物业公司收费和服务不对等，业主拒交物业费。",
        request: "双方协商收费标准。",
        days_ago: 18,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Applicant, Apply),
        ],
    },
    Story {
        category: "labour",
        narrative: "装修队拖欠工人工钱。",
        request: "结清工钱八千元。",
        days_ago: 22,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Applicant, Apply),
            (Judge, Confirm),
        ],
    },
];

struct Cast {
    applicant: Uuid,
    respondent: Uuid,
    village: Uuid,
    township: Uuid,
    county: Uuid,
    judge: Uuid,
    county_id: Uuid,
}

async fn user(conn: &mut AsyncPgConnection, email: &str) -> anyhow::Result<Uuid> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(conn)
        .await?)
}

fn action(step: Step, at: DateTime<Utc>) -> Action {
    match step {
        Accept => Action::Accept,
        Decline => Action::Decline {
            reason: "已向法院起诉，不属于调解范围".into(),
        },
        Consent => Action::RespondentConsents,
        Refuse => Action::RespondentRefuses {
            reason: Some("不同意调解".into()),
        },
        Session => Action::ScheduleSession {
            session_id: Uuid::now_v7(),
            at: at + Duration::days(3),
            mode: SessionMode::Online,
            location: "线上调解室".into(),
        },
        Propose => Action::ProposeAgreement {
            terms: "双方自愿达成如下协议：……".into(),
            performance_due: Some(at + Duration::days(20)),
        },
        Sign => Action::Sign,
        Escalate => Action::Escalate {
            reason: "村里调解不成，上报处理".into(),
        },
        Refer => Action::ReferToCourt {
            reason: "调解不成，引导当事人起诉".into(),
        },
        Withdraw => Action::Withdraw {
            reason: Some("已自行和解".into()),
        },
        Apply => Action::ApplyConfirmation,
        Confirm => Action::Confirm,
        Perform => Action::RecordPerformance {
            performed: Performance::Full,
            note: None,
        },
        FollowUp => Action::RecordFollowUp {
            satisfaction: 5,
            note: Some("双方满意".into()),
        },
    }
}

fn actor(who: Who, cast: &Cast, state: &workflow::CaseState) -> Actor {
    let party = |side: Side| {
        state
            .parties
            .iter()
            .find(|p| p.side == side)
            .map(|p| (p.id, p.user_id))
    };
    match who {
        Applicant | Respondent => {
            let side = if matches!(who, Applicant) {
                Side::Applicant
            } else {
                Side::Respondent
            };
            let (party_id, user_id) = party(side).unwrap_or((Uuid::nil(), None));
            Actor::Party { user_id, party_id }
        }
        Village => Actor::Mediator {
            user_id: cast.village,
            committee_id: state.route.village,
            is_head: false,
        },
        Township => Actor::Mediator {
            user_id: cast.township,
            committee_id: state.route.township,
            is_head: false,
        },
        County => Actor::Mediator {
            user_id: cast.county,
            committee_id: state.route.county,
            is_head: false,
        },
        Judge => Actor::Judge {
            user_id: cast.judge,
            county_id: cast.county_id,
        },
    }
}

/// Creates the demo cases unless the demo county already has some. Returns how many were made.
pub async fn demo_cases(conn: &mut AsyncPgConnection, sealer: &Sealer) -> anyhow::Result<usize> {
    let Some((village, route)) = db::divisions::route_of_village(conn, super::DEMO_VILLAGE).await?
    else {
        anyhow::bail!("the demo village is missing");
    };
    let existing: i64 = cases::table
        .filter(cases::county_id.eq(village.county_id))
        .count()
        .get_result(conn)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let cast = Cast {
        applicant: user(conn, "resident@demo.test").await?,
        respondent: user(conn, "respondent@demo.test").await?,
        village: user(conn, "village.mediator@demo.test").await?,
        township: user(conn, "township.mediator@demo.test").await?,
        county: user(conn, "county.mediator@demo.test").await?,
        judge: user(conn, "judge@demo.test").await?,
        county_id: village.county_id,
    };
    let policy = db::policy::of_county(conn, village.county_id).await?;
    for story in STORIES {
        conn.transaction::<(), anyhow::Error, _>(async |conn| {
            let mut at = Utc::now() - Duration::days(story.days_ago);
            let filing = Filing {
                case_id: Uuid::now_v7(),
                county_id: village.county_id,
                route,
                parties: vec![
                    (Uuid::now_v7(), Side::Applicant, Some(cast.applicant)),
                    (Uuid::now_v7(), Side::Respondent, Some(cast.respondent)),
                ],
                filed_by: None,
            };
            let mut t = workflow::file(&filing, at, &policy).map_err(|r| anyhow::anyhow!("{r}"))?;
            let number =
                db::cases::next_number(conn, village.county_id, &village.code[..6], at).await?;
            let details = [
                db::cases::NewParty {
                    name: "王秀英".into(),
                    email: Some("resident@demo.test".into()),
                    phone_enc: Some(sealer.seal("13900001111")),
                },
                db::cases::NewParty {
                    name: "李建国".into(),
                    email: Some("respondent@demo.test".into()),
                    phone_enc: Some(sealer.seal("13812345678")),
                },
            ];
            let filer = Actor::Party {
                user_id: Some(cast.applicant),
                party_id: filing.parties[0].0,
            };
            let new = db::cases::NewCase {
                number: &number,
                access_code_hash: &hash_access_code(&number, "DEMO2026"),
                category: story.category,
                narrative: story.narrative,
                request: story.request,
                amount_fen: None,
                village_id: village.id,
                parties: &details,
            };
            db::cases::insert_filed(conn, &new, &t, None, &filer, at).await?;
            for (who, step) in story.steps {
                at += Duration::hours(7);
                let who_acts = actor(*who, &cast, &t.case);
                let next = workflow::decide(&t.case, &action(*step, at), &who_acts, at, &policy)
                    .map_err(|r| anyhow::anyhow!("demo story {number}: {r}"))?;
                db::cases::apply(conn, &t.case, &next, &who_acts, at).await?;
                t = next;
            }
            Ok(())
        })
        .await?;
    }
    Ok(STORIES.len())
}
