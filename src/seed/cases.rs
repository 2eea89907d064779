//! Demo cases in every status and level, made by running the real engine over a short story for
//! each (filed some days ago, then acted on), so the demo county looks alive and every row is
//! one the engine could have produced.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::stories::Step::*;
use super::stories::Who::*;
use super::stories::{STORIES, Step, Story, Who};
use crate::crypto::Sealer;
use crate::db;
use crate::db::schema::{cases, users};
use crate::evidence::Store;
use crate::workflow::{self, Action, Actor, Filing, Performance, SessionMode, Side};

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

fn action(step: Step, at: DateTime<Utc>, case: &workflow::CaseState) -> Action {
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
            contents: super::agreement::contents(case, at, 20),
            performance_due: None,
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
pub async fn demo_cases(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    store: &Store,
) -> anyhow::Result<usize> {
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
    // Each story is told three times: once for the demo accounts, twice for villagers without
    // an account whom the village mediator filed for (assisted filing).
    for round in 0..ROUNDS {
        for (n, story) in STORIES.iter().enumerate() {
            conn.transaction::<(), anyhow::Error, _>(async |conn| {
                tell(
                    conn,
                    &Tale {
                        village: &village,
                        route,
                        cast: &cast,
                        policy: &policy,
                        sealer,
                        store,
                    },
                    story,
                    round,
                    n,
                )
                .await
            })
            .await?;
        }
    }
    Ok(STORIES.len() * ROUNDS)
}

const ROUNDS: usize = 3;

/// Villagers without an account: (applicant, respondent) per round after the first.
const VILLAGERS: [(&str, &str); 2] = [("张大爷", "刘二婶"), ("孙阿姨", "周老板")];

struct Tale<'a> {
    village: &'a db::divisions::DivisionRow,
    route: workflow::Route,
    cast: &'a Cast,
    policy: &'a workflow::Policy,
    sealer: &'a Sealer,
    store: &'a Store,
}

/// A small PDF, so that the demo has evidence to open.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn tell(
    conn: &mut AsyncPgConnection,
    tale: &Tale<'_>,
    story: &Story,
    round: usize,
    n: usize,
) -> anyhow::Result<()> {
    let (village, cast) = (tale.village, tale.cast);
    let mut at = Utc::now() - Duration::days(story.days_ago) + Duration::minutes(round as i64 * 37);
    let with_accounts = round == 0;
    let (applicant_user, respondent_user) = if with_accounts {
        (Some(cast.applicant), Some(cast.respondent))
    } else {
        (None, None)
    };
    let filing = Filing {
        case_id: Uuid::now_v7(),
        county_id: village.county_id,
        route: tale.route,
        parties: vec![
            (Uuid::now_v7(), Side::Applicant, applicant_user),
            (Uuid::now_v7(), Side::Respondent, respondent_user),
        ],
        filed_by: (!with_accounts).then_some(cast.village),
    };
    let mut t = workflow::file(&filing, at, tale.policy).map_err(|r| anyhow::anyhow!("{r}"))?;
    let details = if with_accounts {
        [
            db::cases::NewParty {
                name: "王秀英".into(),
                email: Some("resident@demo.test".into()),
                phone_enc: Some(tale.sealer.seal("13900001111")),
                phone_key: None,
            },
            db::cases::NewParty {
                name: "李建国".into(),
                email: Some("respondent@demo.test".into()),
                phone_enc: Some(tale.sealer.seal("13812345678")),
                phone_key: None,
            },
        ]
    } else {
        let (a, r) = VILLAGERS[round - 1];
        [
            db::cases::NewParty {
                name: a.into(),
                email: None,
                phone_enc: Some(tale.sealer.seal(&format!("1370000{:04}", n * 10 + round))),
                phone_key: None,
            },
            db::cases::NewParty {
                name: r.into(),
                email: None,
                phone_enc: None,
                phone_key: None,
            },
        ]
    };
    let filer = if with_accounts {
        Actor::Party {
            user_id: Some(cast.applicant),
            party_id: filing.parties[0].0,
        }
    } else {
        Actor::Mediator {
            user_id: cast.village,
            committee_id: tale.route.village,
            is_head: false,
        }
    };
    let new = db::cases::NewCase {
        access_code: DEMO_ACCESS_CODE,
        category: story.category,
        narrative: story.narrative,
        request: story.request,
        amount_fen: None,
        village_id: village.id,
        parties: &details,
    };
    let method = (!with_accounts).then_some(crate::workflow::ConsentMethod::InPerson.as_str());
    let number = file_quietly(
        conn,
        &new,
        &t,
        (filing.filed_by, &filer),
        &village.code,
        method,
        at,
    )
    .await?;
    for (who, step) in story.steps {
        at += Duration::hours(7);
        let who_acts = actor(*who, cast, &t.case);
        let next = workflow::decide(
            &t.case,
            &action(*step, at, &t.case),
            &who_acts,
            at,
            tale.policy,
        )
        .map_err(|r| anyhow::anyhow!("demo story {number}: {r}"))?;
        crate::casework::change::write(conn, &t.case, &next, &who_acts, at).await?;
        t = next;
    }
    if !story.steps.is_empty() {
        talk(conn, tale, &t.case, at).await?;
    }
    if with_accounts && n.is_multiple_of(3) {
        attach_pdf(conn, tale, &t.case, at).await?;
    }
    Ok(())
}

/// A word from the mediator on the thread, and the applicant's answer.
async fn talk(
    conn: &mut AsyncPgConnection,
    tale: &Tale<'_>,
    case: &workflow::CaseState,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let applicant = case.parties.iter().find(|p| p.side == Side::Applicant);
    let lines = [
        (
            Some(tale.cast.village),
            None,
            "mediator",
            "您好，我是枫源村调委会的调解员，已经看到您的申请，会尽快联系双方。",
        ),
        (
            applicant.and_then(|p| p.user_id),
            applicant.map(|p| p.id),
            "party",
            "谢谢，我白天都在家，随时可以联系。",
        ),
    ];
    for (i, (author, party, role, body)) in lines.into_iter().enumerate() {
        db::messages::insert(
            conn,
            &db::messages::MessageRow {
                county_id: case.county_id,
                id: Uuid::now_v7(),
                case_id: case.id,
                author_id: author,
                author_party_id: party,
                author_role: role.into(),
                audience: "all".into(),
                party_id: None,
                body: body.into(),
                created_at: at + Duration::minutes(i as i64 * 30),
            },
        )
        .await?;
    }
    Ok(())
}

/// The applicant's written statement as a PDF in the evidence store.
async fn attach_pdf(
    conn: &mut AsyncPgConnection,
    tale: &Tale<'_>,
    case: &workflow::CaseState,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let sha256 = hex::encode(Sha256::digest(DEMO_PDF));
    let temp = tale.store.temp_path();
    tokio::fs::write(&temp, DEMO_PDF).await?;
    tale.store.commit(&temp, &sha256).await?;
    let applicant = case.parties.iter().find(|p| p.side == Side::Applicant);
    let actor = Actor::Party {
        user_id: applicant.and_then(|p| p.user_id),
        party_id: applicant.map(|p| p.id).unwrap_or_default(),
    };
    let file = crate::casework::attach::Stored {
        sha256,
        size: DEMO_PDF.len() as i64,
        content_type: "application/pdf".into(),
        filename: "情况说明.pdf".into(),
        description: Some("申请人的书面说明".into()),
        visible_to_other_parties: true,
    };
    let row = crate::casework::attach::evidence_row(case, &actor, file, at);
    crate::casework::attach::write_row(conn, case, &actor, &row, at).await?;
    Ok(())
}

/// The demo cases' access code (every demo case is opened with it).
pub(crate) const DEMO_ACCESS_CODE: &str = "DEMO2026";

/// Writes a demo case as a filing writes one (`db::cases::file`), without notices: the demo
/// county's past is told, not mailed.
pub(crate) async fn file_quietly(
    conn: &mut AsyncPgConnection,
    new: &db::cases::NewCase<'_>,
    t: &workflow::Transition,
    (filed_by, filer): (Option<Uuid>, &Actor),
    village_code: &str,
    assisted: Option<&str>,
    at: DateTime<Utc>,
) -> anyhow::Result<String> {
    db::cases::file(
        conn,
        &db::cases::Filing {
            new,
            transition: t,
            filed_by,
            actor: filer,
            now: at,
            county_prefix: &village_code[..6],
            notice_version: crate::casework::filing::PRIVACY_NOTICE_VERSION,
            assisted,
            key: None,
            mails: &[],
            bells: &[],
        },
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("a demo case without a key was not written"))
}
