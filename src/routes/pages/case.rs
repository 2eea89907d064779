//! The case page: where it is and what happens next, the forms of the actions the engine allows
//! this caller now, people, sessions, history, evidence and messages. Its forms post to
//! `case_forms` and go through the same case work as the API.

use std::collections::HashMap;

use actix_web::{HttpRequest, web};
use askama::Template;
use chrono::Utc;
use uuid::Uuid;

use super::{Ctx, OrPage, PageError, PageResult, labels, page};
use crate::casework::actor_for;
use crate::casework::attach::EvidenceView;
use crate::casework::case_page::{self, CasePageRead};
use crate::casework::messages::MessageView;
use crate::casework::view::CaseView;
use crate::error::AppError;
use crate::routes::AppState;
use crate::workflow::{Actor, Audience, may_attach, may_post};

pub struct Entry {
    pub when: String,
    pub what: String,
    pub who: String,
}

#[derive(Template)]
#[template(path = "pages/case.html")]
struct CasePage<'a> {
    ctx: &'a Ctx,
    c: CaseView,
    status: &'static str,
    level: &'static str,
    category: &'static str,
    due: Option<(String, &'static str, String)>,
    /// The actions the engine allows this caller now: (name, label, whether it is one to think
    /// twice about), the one the banner asks for first.
    actions: Vec<(&'static str, &'static str, bool)>,
    timeline: Vec<Entry>,
    evidence: Vec<EvidenceView>,
    messages: Vec<MessageView>,
    can_attach: bool,
    can_write: bool,
    /// The county's judges and the mediators holding the case take the court bundle.
    can_bundle: bool,
    audiences: Vec<(String, String)>,
    mediators: Vec<(Uuid, String)>,
    respondents: Vec<(Uuid, String)>,
    sessions: Vec<(Uuid, String)>,
    staff: bool,
    /// The party may rate the service now (and has not yet).
    can_rate: bool,
    rated: Option<i16>,
    /// For a party: who of the staff and the court opened the case, newest first.
    viewers: Option<Vec<Entry>>,
    /// The agreement's obligations, one sentence each, as the document words them.
    obligations: Vec<String>,
    /// The documents the record yields now.
    documents: Vec<DocLink>,
    /// The road village → township → county: each level's name, where the case stands on it
    /// (`done`, `here`, `ahead`) and that in words.
    road: Vec<super::road::Step>,
    /// For a case referred to court: the county's court, as the county admin named it.
    court: Option<crate::accounts::committees::Court>,
    /// The 解纷码's QR code (SVG) and its address, for the parties and the case's mediator.
    card: Option<String>,
    card_link: String,
    /// Who may take on an obligation of the agreement (not agents), and the form's rows.
    obligation_parties: Vec<(Uuid, String)>,
    obligation_rows: Vec<usize>,
    /// For the case's mediator while it is open: how the county settled the like of it.
    similar: Vec<SimilarCase>,
}

pub struct SimilarCase {
    pub heading: String,
    pub summary: String,
    pub obligations: Vec<String>,
}

pub struct DocLink {
    pub title: String,
    pub page: String,
    pub pdf: String,
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let now = Utc::now();
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let CasePageRead {
        state: case_state,
        view: c,
        events,
        evidence,
        messages,
        ..
    } = case_page::read(&mut conn, user, *id, ctx.lang, &state.sealer, now)
        .await
        .or_page(&ctx)?;
    let actor = actor_for(user, &case_state);
    let staff = matches!(actor, Some(Actor::Mediator { .. }));
    let can_attach = actor
        .as_ref()
        .is_some_and(|a| may_attach(&case_state, a).is_ok());
    let can_write = actor
        .as_ref()
        .is_some_and(|a| may_post(&case_state, a, Audience::All).is_ok());
    let rating_party = actor
        .as_ref()
        .and_then(|a| crate::workflow::may_rate(&case_state, a).ok());
    let rated = match rating_party {
        Some(p) => crate::casework::rating::mine(&mut conn, case_state.county_id, case_state.id, p)
            .await
            .or_page(&ctx)?,
        None => None,
    };
    let name_of = |id: uuid::Uuid| {
        c.parties
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    // Whom this caller may write to is the engine's rule; the page only names each choice.
    let audiences: Vec<(String, String)> = actor
        .as_ref()
        .map(|a| crate::workflow::audiences(&case_state, a))
        .unwrap_or_default()
        .into_iter()
        .map(|a| match a {
            Audience::All => (
                "all".to_owned(),
                ctx.t(
                    "所有人（双方和调解员）",
                    "Everyone (both sides and the mediator)",
                )
                .to_owned(),
            ),
            Audience::Mediators => (
                "mediators".to_owned(),
                ctx.t("仅调解员（内部记录）", "Mediators only (internal note)")
                    .to_owned(),
            ),
            Audience::Party(id) if staff => (
                format!("party:{id}"),
                format!("{} {}", ctx.t("私下告诉", "Privately to"), name_of(id)),
            ),
            Audience::Party(id) => (
                format!("party:{id}"),
                ctx.t("只给调解员看", "Only to the mediator").to_owned(),
            ),
        })
        .collect();
    let mediators = match (&user.committee, user.is_head()) {
        (Some(cm), true) => crate::casework::lists::mediators(&mut conn, cm)
            .await
            .or_page(&ctx)?
            .into_iter()
            .map(|m| {
                let line = format!("{}（{} {}）", m.name, ctx.t("在办", "open"), m.open_cases);
                (m.id, line)
            })
            .collect(),
        _ => Vec::new(),
    };
    let viewers = match user.role {
        crate::domain::Role::Resident => Some(
            crate::casework::access_log::recent(&mut conn, &case_state, 20)
                .await
                .or_page(&ctx)?
                .into_iter()
                .map(|v| Entry {
                    when: labels::date(ctx.lang, &v.at),
                    what: match v.what.as_str() {
                        "evidence" => ctx.t("查看了证据", "opened evidence"),
                        "document" => ctx.t("查看了文书", "opened a document"),
                        _ => ctx.t("查看了案件", "opened the case"),
                    }
                    .to_owned(),
                    who: format!("{}（{}）", v.name, labels::role(ctx.lang, &v.role)),
                })
                .collect(),
        ),
        _ => None,
    };
    let names: HashMap<Uuid, String> = c.parties.iter().map(|p| (p.id, p.name.clone())).collect();
    let timeline = events
        .iter()
        .map(|e| Entry {
            when: labels::date(ctx.lang, &e.at),
            // A move up names the level it went to: the road village → township → county.
            what: match (e.kind.as_str(), e.data.get("to").and_then(|v| v.as_str())) {
                ("escalated", Some(to)) => format!(
                    "{}{}",
                    ctx.t("交到上一级：", "Passed up to the "),
                    labels::level(ctx.lang, to)
                ),
                (kind, _) => labels::event(ctx.lang, kind).to_owned(),
            },
            who: match e.actor_role.as_str() {
                "system" => ctx.t("系统（期限到）", "System (deadline)").to_owned(),
                "party" => e
                    .data
                    .get("party_id")
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_else(|| ctx.t("当事人", "A party").to_owned()),
                "judge" => ctx.t("法官", "Judge").to_owned(),
                _ => ctx.t("调解员", "Mediator").to_owned(),
            },
        })
        .collect();
    let obligations = c
        .agreement
        .as_ref()
        .map(|a| {
            a.contents
                .obligations
                .iter()
                .map(|o| crate::documents::obligation_line(o, &name_of(o.party_id)))
                .collect()
        })
        .unwrap_or_default();
    let sessions_recorded: Vec<(Uuid, bool)> = c
        .sessions
        .iter()
        .map(|s| (s.id, s.record.is_some()))
        .collect();
    let documents = crate::documents::available(
        |kind| events.iter().any(|e| e.kind == kind),
        &sessions_recorded,
        c.agreement.is_some(),
    )
    .into_iter()
    .map(|(kind, session)| {
        let query = session.map_or(String::new(), |s| format!("session_id={s}"));
        let title = match session.and_then(|s| c.sessions.iter().find(|x| x.id == s)) {
            Some(s) => format!("{}（{}）", kind.title(), labels::date(ctx.lang, &s.at)),
            None => kind.title().to_owned(),
        };
        DocLink {
            title,
            page: format!("/cases/{}/documents/{}?{query}", c.id, kind.as_str()),
            pdf: format!(
                "/api/v1/cases/{}/documents/{}?format=pdf&{query}",
                c.id,
                kind.as_str()
            ),
        }
    })
    .collect();
    let road = super::road::steps(&ctx, &c.level, &c.status);
    let court = if c.status == "referred" {
        crate::accounts::committees::court(&mut conn, case_state.county_id)
            .await
            .or_page(&ctx)?
    } else {
        None
    };
    let card_link = crate::casework::card::of_state(&mut conn, user, &case_state, now)
        .await
        .or_page(&ctx)?
        .map(|code| card_url(&state, &code))
        .unwrap_or_default();
    let card = Some(&card_link)
        .filter(|l| !l.is_empty())
        .and_then(|l| crate::documents::qr::svg(l));
    let similar = if staff && case_state.status.is_open() {
        crate::casework::similar::similar(&mut conn, user, *id)
            .await
            .or_page(&ctx)?
            .into_iter()
            .map(|s| SimilarCase {
                heading: format!(
                    "{} · {} · {}",
                    labels::category(ctx.lang, &s.category),
                    labels::level(ctx.lang, &s.level),
                    labels::status(ctx.lang, &s.outcome)
                ),
                summary: s.summary,
                obligations: s
                    .obligations
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .map(|o| {
                                let text = |k: &str| o[k].as_str().unwrap_or_default().to_owned();
                                let amount = o["amount_fen"]
                                    .as_i64()
                                    .map(|f| {
                                        format!(
                                            " {}.{:02} {}",
                                            f / 100,
                                            f % 100,
                                            ctx.t("元", "yuan")
                                        )
                                    })
                                    .unwrap_or_default();
                                format!("{}{amount}（{}）", text("what"), text("how"))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let page_data = CasePage {
        similar,
        court,
        card,
        card_link,
        road,
        // Respondents first: they most often undertake what the agreement says.
        obligation_parties: ["respondent", "applicant", "third_party"]
            .iter()
            .flat_map(|side| c.parties.iter().filter(move |p| p.side == *side))
            .map(|p| {
                let side = labels::side(ctx.lang, &p.side);
                (p.id, format!("{}（{side}）", p.name))
            })
            .collect(),
        obligation_rows: (1..=super::case_forms::OBLIGATION_ROWS).collect(),
        obligations,
        documents,
        ctx: &ctx,
        status: labels::status(ctx.lang, &c.status),
        level: labels::level(ctx.lang, &c.level),
        category: labels::category(ctx.lang, &c.category),
        due: c.deadline_at.map(|d| {
            let (w, class) = labels::due(ctx.lang, &d, now);
            (w, class, labels::date(ctx.lang, &d))
        }),
        actions: in_order(&c.allowed_actions)
            .into_iter()
            .map(|a| (a, labels::action(ctx.lang, a), DANGEROUS.contains(&a)))
            .collect(),
        respondents: c
            .parties
            .iter()
            .filter(|p| p.side == "respondent" && !p.consented)
            .map(|p| (p.id, p.name.clone()))
            .collect(),
        sessions: c
            .sessions
            .iter()
            .filter(|s| s.record.is_none())
            .map(|s| (s.id, labels::date(ctx.lang, &s.at)))
            .collect(),
        timeline,
        evidence,
        messages,
        can_attach,
        can_write,
        can_bundle: actor
            .as_ref()
            .is_some_and(|a| crate::workflow::may_export_bundle(&case_state, a).is_ok()),
        audiences,
        mediators,
        staff,
        can_rate: rating_party.is_some() && rated.is_none(),
        rated,
        viewers,
        c,
    };
    page(&ctx, &page_data)
}

/// Actions that end or turn back what the person came for: closed, and drawn as secondary.
const DANGEROUS: &[&str] = &[
    "withdraw",
    "recuse",
    "respondent_refuses",
    "reject_agreement",
    "decline",
    "reject_confirmation",
];

/// What the banner most often asks for, in the order it asks: shown first and open.
const FIRST: &[&str] = &[
    "sign",
    "respondent_consents",
    "accept",
    "confirm",
    "apply_confirmation",
    "record_session",
    "propose_agreement",
    "record_performance",
    "record_follow_up",
];

/// The allowed actions with the banner's own first, the dangerous ones last.
fn in_order(allowed: &[&'static str]) -> Vec<&'static str> {
    let rank = |a: &str| {
        if DANGEROUS.contains(&a) {
            2 * FIRST.len() + 1
        } else {
            FIRST.iter().position(|f| *f == a).unwrap_or(FIRST.len())
        }
    };
    let mut v = allowed.to_vec();
    v.sort_by_key(|a| rank(a));
    v
}

/// Where a 解纷码 leads.
pub fn card_url(state: &AppState, code: &str) -> String {
    format!("{}/c/{code}", state.config.public_url.trim_end_matches('/'))
}

/// `GET /c/{code}`: where the case of a 解纷码 stands (public, what the lookup shows).
pub async fn card_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let s = crate::casework::card::status(&mut conn, &code, ctx.lang)
        .await
        .or_page(&ctx)?
        .ok_or_else(|| PageError::of(AppError::NotFound, &ctx))?;
    let road = super::road::steps(&ctx, &s.level, &s.status);
    page(&ctx, &CardPage { ctx: &ctx, s, road })
}

#[derive(Template)]
#[template(path = "pages/card.html")]
struct CardPage<'a> {
    ctx: &'a Ctx,
    s: crate::casework::parties::PublicStatus,
    road: Vec<super::road::Step>,
}
