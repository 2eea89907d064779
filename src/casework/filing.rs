//! Filing a dispute: validate what the applicant gave, route it to the village's committees,
//! let the engine open the case, and store it with its number and access code — once, even when
//! the same request arrives twice (Idempotency-Key).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::domain::{Category, DivisionCode, Email, Phone, Role};
use crate::error::AppError;
use crate::workflow::{self, ConsentMethod};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondentInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingInput {
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub village_code: String,
    pub respondents: Vec<RespondentInput>,
    /// Yuan, at most two decimals.
    pub amount: Option<f64>,
    /// The privacy notice the applicant read and accepted (default: the current one).
    pub privacy_notice_version: Option<String>,
}

/// A mediator or grid worker filing for a resident who cannot use the web.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistedFilingInput {
    pub applicant: RespondentInput,
    /// How the resident consented: in_person, phone or paper.
    pub consent_method: String,
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub village_code: String,
    pub respondents: Vec<RespondentInput>,
    pub amount: Option<f64>,
}

/// The version of the privacy notice shown before filing (who sees the data, how long it is kept).
pub const PRIVACY_NOTICE_VERSION: &str = "2026-11";

/// Who files, and how the applicant consented.
pub(super) enum Filer<'a> {
    Resident(&'a Principal),
    Assisted {
        mediator: &'a Principal,
        applicant: (String, Option<Email>, Option<Phone>),
        method: ConsentMethod,
    },
    /// A line of another system's records, loaded by a county admin or sent with a `file` key
    /// made by one: that system holds the applicant's consent, given as `method`.
    Imported {
        county_id: Uuid,
        by: Uuid,
        applicant: (String, Option<Email>, Option<Phone>),
        method: ConsentMethod,
    },
}

/// A new case as the applicant sees it right after filing: the access code is shown once.
pub struct Filed {
    pub case_id: Uuid,
    pub access_code: Option<String>,
    pub replayed: bool,
    /// What was written, when this request wrote it (not for a repeat): the answer is made
    /// from it without reading the case back.
    pub written: Option<Written>,
}

/// A case as its filing wrote it.
pub struct Written {
    pub record: db::cases::CaseRecord,
    pub labels: db::cases::Labels,
    pub policy: workflow::Policy,
}

pub(super) struct Checked {
    pub(super) category: Category,
    pub(super) village: DivisionCode,
    pub(super) respondents: Vec<(String, Option<Email>, Option<Phone>)>,
    pub(super) amount_fen: Option<i64>,
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

/// Checks a filing without storing it: the page of a resident who is not signed in yet checks
/// the answers before asking for the number and code, so nothing is lost after signing in.
pub fn validate(input: &FilingInput) -> Result<(), AppError> {
    check(input).map(|_| ())
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
    let respondents = check_people(&input.respondents, "respondent")?;
    let amount_fen = match input.amount {
        None => None,
        Some(a) => Some(crate::domain::fen_of_yuan(a).ok_or_else(|| {
            AppError::Unprocessable(
                "amount must be a number of yuan, not negative, with at most two decimals.".into(),
            )
        })?),
    };
    Ok(Checked {
        category,
        village,
        respondents,
        amount_fen,
    })
}

type Person = (String, Option<Email>, Option<Phone>);

fn check_people(people: &[RespondentInput], what: &str) -> Result<Vec<Person>, AppError> {
    let mut out = Vec::new();
    for (i, r) in people.iter().enumerate() {
        let who = if people.len() == 1 && what != "respondent" {
            what.to_owned()
        } else {
            format!("{what} {}", i + 1)
        };
        text(&format!("the name of {who}"), &r.name, 100)?;
        let bad = |m| AppError::Unprocessable(format!("{who}: {m}"));
        let email = Email::parse_optional(r.email.as_deref()).map_err(bad)?;
        let phone = Phone::parse_optional(r.phone.as_deref()).map_err(bad)?;
        out.push((r.name.trim().to_owned(), email, phone));
    }
    Ok(out)
}

pub use crate::crypto::hash_access_code;

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
    let key = idempotency_key.as_deref().map(|key| db::cases::FilingKey {
        user_id: principal.id,
        key,
        request_hash: &fingerprint,
    });
    let created = super::new_case::create(
        conn,
        Filer::Resident(principal),
        &input,
        &checked,
        sealer,
        key,
        now,
    )
    .await?;
    if let Some(filed) = created {
        return Ok(filed);
    }
    // The key was claimed by an earlier request (waited for, when it was still being
    // written): answer with its case.
    let key = idempotency_key.as_deref().unwrap_or_default();
    let earlier = db::idempotency::earlier(conn, principal.id, key)
        .await?
        .ok_or_else(|| {
            AppError::conflict("The first filing with this key was undone; send it again.")
        })?;
    if earlier.request_hash != fingerprint {
        return Err(AppError::Unprocessable(
            "This Idempotency-Key was already used for a different filing.".into(),
        ));
    }
    let case_id = earlier.case_id.ok_or_else(|| {
        AppError::conflict("This Idempotency-Key was already used for another request.")
    })?;
    Ok(Filed {
        case_id,
        access_code: None,
        replayed: true,
        written: None,
    })
}

/// A mediator files for a resident, recording how the resident consented. The resident can
/// later claim the case with its number and access code.
pub async fn file_assisted(
    conn: &mut AsyncPgConnection,
    mediator: &Principal,
    input: AssistedFilingInput,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Filed, AppError> {
    if !matches!(mediator.role, Role::Mediator | Role::CommitteeHead) {
        return Err(AppError::Forbidden(
            "Only mediators and committee heads file for a resident.".into(),
        ));
    }
    let method = ConsentMethod::parse(&input.consent_method)
        .ok_or_else(|| AppError::Unprocessable(ConsentMethod::refusal("consent_method")))?;
    let AssistedFilingInput {
        applicant,
        consent_method: _,
        category,
        narrative,
        request,
        village_code,
        respondents,
        amount,
    } = input;
    let case_input = FilingInput {
        category,
        narrative,
        request,
        village_code,
        respondents,
        amount,
        privacy_notice_version: None,
    };
    let checked = check(&case_input)?;
    let mut people = check_people(std::slice::from_ref(&applicant), "the applicant")?;
    let applicant = people
        .pop()
        .ok_or_else(|| AppError::Unprocessable("Name the applicant.".into()))?;
    super::new_case::create(
        conn,
        Filer::Assisted {
            mediator,
            applicant,
            method,
        },
        &case_input,
        &checked,
        sealer,
        None,
        now,
    )
    .await?
    .ok_or_else(|| AppError::internal(anyhow::anyhow!("a filing without a key was not written")))
}

/// One line of another system's records, as `casework::import` read it.
pub struct ImportedLine {
    /// The line's id in the other system.
    pub external_id: String,
    /// When the other system recorded the dispute.
    pub recorded_on: Option<chrono::NaiveDate>,
    pub applicant: RespondentInput,
    pub input: FilingInput,
    /// How the applicant consented (a grid office's spreadsheet: on paper).
    pub consent: ConsentMethod,
}

/// Files one line of another system's records (`casework::import`) in its own transaction,
/// with the line's external id: the same line never makes a second case (the id's row is the
/// proof, written with the case).
pub async fn file_imported(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    by: Uuid,
    line: ImportedLine,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Filed, AppError> {
    let ImportedLine {
        external_id,
        recorded_on,
        applicant,
        input,
        consent,
    } = line;
    let checked = check(&input)?;
    let mut people = check_people(std::slice::from_ref(&applicant), "the applicant")?;
    let applicant = people
        .pop()
        .ok_or_else(|| AppError::Unprocessable("Name the applicant.".into()))?;
    conn.transaction::<Filed, AppError, _>(async |conn| {
        let filed = super::new_case::create(
            conn,
            Filer::Imported {
                county_id,
                by,
                applicant,
                method: consent,
            },
            &input,
            &checked,
            sealer,
            None,
            now,
        )
        .await?
        .ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("a filing without a key was not written"))
        })?;
        db::imports::record(
            conn,
            county_id,
            &external_id,
            filed.case_id,
            recorded_on,
            by,
            now,
        )
        .await
        .map_err(|e| match e {
            // Another call filed the same id at the same moment: this one made nothing.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AppError::conflict(
                "This external id was filed by another call at the same moment; send it again to get its case.",
            ),
            other => other.into(),
        })?;
        Ok(filed)
    })
    .await
}
