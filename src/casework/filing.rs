//! Filing a dispute: validate what the applicant gave, route it to the village's committees,
//! let the engine open the case, and store it with its number and access code — once, even when
//! the same request arrives twice (Idempotency-Key).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::db::schema::idempotency_keys as ik;
use crate::domain::{Category, DivisionCode, Email, Phone, Role};
use crate::error::AppError;
use crate::workflow::{self, Actor, Filing, Side};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RespondentInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FilingInput {
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub village_code: String,
    pub respondents: Vec<RespondentInput>,
    /// Yuan, at most two decimals.
    pub amount: Option<f64>,
}

/// A new case as the applicant sees it right after filing: the access code is shown once.
pub struct Filed {
    pub case_id: Uuid,
    pub access_code: Option<String>,
    pub replayed: bool,
}

struct Checked {
    category: Category,
    village: DivisionCode,
    respondents: Vec<(String, Option<Email>, Option<Phone>)>,
    amount_fen: Option<i64>,
}

fn text(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(AppError::Unprocessable(format!("Please fill in {field}.")));
    }
    if n > max {
        return Err(AppError::Unprocessable(format!(
            "{field} is too long (at most {max} characters)."
        )));
    }
    Ok(())
}

fn check(input: &FilingInput) -> Result<Checked, AppError> {
    let category = Category::parse(&input.category).ok_or_else(|| {
        AppError::Unprocessable(format!(
            "category {:?} is not known; use one of: {}",
            input.category,
            Category::ALL.map(|c| c.as_str()).join(", ")
        ))
    })?;
    text("narrative (what happened)", &input.narrative, 5000)?;
    text("request (what you ask for)", &input.request, 2000)?;
    let village = DivisionCode::parse(&input.village_code).map_err(AppError::Unprocessable)?;
    if input.respondents.is_empty() {
        return Err(AppError::Unprocessable(
            "Name at least one respondent (the other side).".into(),
        ));
    }
    if input.respondents.len() > 20 {
        return Err(AppError::Unprocessable(
            "At most 20 respondents can be named.".into(),
        ));
    }
    let mut respondents = Vec::new();
    for (i, r) in input.respondents.iter().enumerate() {
        text(&format!("the name of respondent {}", i + 1), &r.name, 100)?;
        let email = r
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| {
                Email::parse(e)
                    .map_err(|m| AppError::Unprocessable(format!("respondent {}: {m}", i + 1)))
            })
            .transpose()?;
        let phone = r
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                Phone::parse(p)
                    .map_err(|m| AppError::Unprocessable(format!("respondent {}: {m}", i + 1)))
            })
            .transpose()?;
        respondents.push((r.name.trim().to_owned(), email, phone));
    }
    let amount_fen = match input.amount {
        None => None,
        Some(a)
            if a.is_finite()
                && (0.0..=1e11).contains(&a)
                && ((a * 100.0).round() - a * 100.0).abs() < 1e-6 =>
        {
            Some((a * 100.0).round() as i64)
        }
        Some(_) => {
            return Err(AppError::Unprocessable(
                "amount must be a number of yuan, not negative, with at most two decimals.".into(),
            ));
        }
    };
    Ok(Checked {
        category,
        village,
        respondents,
        amount_fen,
    })
}

/// Eight characters a person can read out on the phone (no 0/O, 1/I/L).
fn access_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

pub fn hash_access_code(case_number: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "{case_number}:{}",
        code.trim().to_uppercase()
    )))
}

fn request_hash(input: &FilingInput) -> String {
    let canonical = serde_json::to_value(input)
        .map(|v| v.to_string())
        .unwrap_or_default();
    hex::encode(Sha256::digest(canonical))
}

/// Files a case for a resident. With an idempotency key, a repeat of the same request returns
/// the first case; the same key with a different request is refused (422).
pub async fn file(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    input: FilingInput,
    idempotency_key: Option<String>,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Filed, AppError> {
    if principal.role != Role::Resident {
        return Err(AppError::Forbidden(
            "Only residents file disputes here; staff file for a resident through assisted filing."
                .into(),
        ));
    }
    let checked = check(&input)?;
    if idempotency_key
        .as_ref()
        .is_some_and(|key| key.is_empty() || key.len() > 200)
    {
        return Err(AppError::BadRequest(
            "Idempotency-Key must be 1 to 200 characters.".into(),
        ));
    }
    let fingerprint = request_hash(&input);
    let principal = principal.clone();
    conn.transaction::<Filed, AppError, _>(async |conn| {
        if let Some(key) = &idempotency_key {
            let claimed = diesel::insert_into(ik::table)
                .values((
                    ik::user_id.eq(principal.id),
                    ik::key.eq(key),
                    ik::request_hash.eq(&fingerprint),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            if claimed == 0 {
                let (hash, case_id): (String, Option<Uuid>) = ik::table
                    .find((principal.id, key))
                    .select((ik::request_hash, ik::case_id))
                    .first(conn)
                    .await?;
                if hash != fingerprint {
                    return Err(AppError::Unprocessable(
                        "This Idempotency-Key was already used for a different filing.".into(),
                    ));
                }
                let case_id = case_id.ok_or_else(|| {
                    AppError::conflict("The first filing with this key is still in progress.")
                })?;
                return Ok(Filed {
                    case_id,
                    access_code: None,
                    replayed: true,
                });
            }
        }
        let filed = create(conn, &principal, &input, &checked, sealer, now).await?;
        if let Some(key) = &idempotency_key {
            diesel::update(ik::table.find((principal.id, key)))
                .set(ik::case_id.eq(filed.case_id))
                .execute(conn)
                .await?;
        }
        Ok(filed)
    })
    .await
}

async fn create(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    input: &FilingInput,
    checked: &Checked,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Filed, AppError> {
    let (village, route) = db::divisions::route_of_village(conn, checked.village.as_str())
        .await?
        .ok_or_else(|| {
            AppError::Unprocessable(format!(
                "{} is not a village or community we serve.",
                checked.village
            ))
        })?;
    let policy = db::policy::of_county(conn, village.county_id).await?;
    let case_id = Uuid::now_v7();
    let applicant_party = Uuid::now_v7();
    let mut parties = vec![(applicant_party, Side::Applicant, Some(principal.id))];
    let mut details = vec![db::cases::NewParty {
        name: principal.name.clone(),
        email: Some(principal.email.clone()),
        phone_enc: None,
    }];
    for (name, email, phone) in &checked.respondents {
        let user_id = match email {
            Some(e) => db::users::by_email(conn, e.as_str()).await?.map(|u| u.id),
            None => None,
        };
        parties.push((Uuid::now_v7(), Side::Respondent, user_id));
        details.push(db::cases::NewParty {
            name: name.clone(),
            email: email.as_ref().map(|e| e.to_string()),
            phone_enc: phone.as_ref().map(|p| sealer.seal(p.as_str())),
        });
    }
    let filing = Filing {
        case_id,
        county_id: village.county_id,
        route,
        parties,
        filed_by: None,
    };
    let transition = workflow::file(&filing, now, &policy)
        .map_err(|r| AppError::Unprocessable(r.to_string()))?;
    let number = db::cases::next_number(conn, village.county_id, &village.code[..6], now).await?;
    let code = access_code();
    let actor = Actor::Party {
        user_id: Some(principal.id),
        party_id: applicant_party,
    };
    db::cases::insert_filed(
        conn,
        &db::cases::NewCase {
            number: &number,
            access_code_hash: &hash_access_code(&number, &code),
            category: checked.category.as_str(),
            narrative: input.narrative.trim(),
            request: input.request.trim(),
            amount_fen: checked.amount_fen,
            village_id: village.id,
            parties: &details,
        },
        &transition,
        None,
        &actor,
        now,
    )
    .await?;
    // The receipt is the one mail that carries the access code; keyed by kind so that the
    // committee's "new case" mail does not.
    let receipt = serde_json::json!({ "filing_receipt": { "access_code": code } });
    crate::notify::enqueue(conn, &transition.case, &transition.notices, &receipt, now).await?;
    tracing::info!(case_id = %case_id, number = %number, "case filed");
    Ok(Filed {
        case_id,
        access_code: Some(code),
        replayed: false,
    })
}
