//! Loading records in the service's own format (`fengqiao-record/1`, `docs/record-format.md`),
//! one JSON object a line, as another system writes them or another installation exports them.
//! Each open dispute is filed like a line of a grid office's CSV (`casework::import`): through
//! the engine as an assisted filing, once by its case number. What the record says happened
//! there (its history, sessions, agreement) stays with the system that wrote it: a case here
//! starts its own history, so a record of a dispute that already ended there is refused.

use std::io::BufRead;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::filing::{FilingInput, ImportedLine, RespondentInput};
use super::import::{Importer, MAX_LINES, Refused, Report, recorded_day};
use crate::crypto::Sealer;
use crate::domain::Category;
use crate::error::AppError;
use crate::workflow::{ConsentMethod, Status};

const FORMAT: &str = super::record::FORMAT;

/// The fields of a record a filing needs; the others are read past.
#[derive(Deserialize)]
struct Line {
    format: String,
    case: Case,
}

#[derive(Deserialize)]
struct Case {
    number: String,
    category: String,
    narrative: String,
    request: String,
    amount: Option<f64>,
    village: Village,
    status: Status,
    filed_at: DateTime<Utc>,
    parties: Vec<Party>,
}

#[derive(Deserialize)]
struct Village {
    code: String,
}

#[derive(Deserialize)]
struct Party {
    side: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

/// A masked number or address (`138****5678`, as an export writes it) is no way to reach anyone.
fn reachable(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty() && !v.contains('*'))
}

fn person(p: Party) -> RespondentInput {
    RespondentInput {
        name: p.name,
        email: reachable(p.email),
        phone: reachable(p.phone),
    }
}

/// What a record asks to file, or why it cannot be.
fn read_line(text: &str, now: DateTime<Utc>) -> Result<ImportedLine, (String, String)> {
    let line: Line = serde_json::from_str(text).map_err(|e| {
        (
            String::new(),
            format!("The line is not a record in the format {FORMAT}: {e}."),
        )
    })?;
    let case = line.case;
    let number = case.number.trim().to_owned();
    let refuse = |reason: String| (number.clone(), reason);
    if line.format != FORMAT {
        return Err(refuse(format!(
            "format {:?} is not {FORMAT}, the one this service reads.",
            line.format
        )));
    }
    if number.is_empty() || number.chars().count() > 100 {
        return Err(refuse("case.number must be 1 to 100 characters.".into()));
    }
    if !case.status.is_open() {
        return Err(refuse(format!(
            "case.status {} says the dispute has ended where it was recorded; only open disputes are filed here.",
            case.status.as_str()
        )));
    }
    let category = Category::parse(case.category.trim()).ok_or_else(|| {
        refuse(format!(
            "case.category {:?} is not known; use a code ({}).",
            case.category,
            Category::ALL.map(|c| c.as_str()).join(", ")
        ))
    })?;
    let recorded_on = recorded_day(
        case.filed_at
            .with_timezone(&crate::workflow::local_zone())
            .date_naive(),
        "case.filed_at",
        now,
    )
    .map_err(refuse)?;
    let (mut applicants, mut respondents) = (Vec::new(), Vec::new());
    for p in case.parties {
        match p.side.as_str() {
            "applicant" => applicants.push(person(p)),
            "respondent" => respondents.push(person(p)),
            _ => {}
        }
    }
    if applicants.len() != 1 {
        return Err(refuse(format!(
            "case.parties must name one applicant; this record names {}.",
            applicants.len()
        )));
    }
    let applicant = applicants.remove(0);
    let input = FilingInput {
        category: category.as_str().to_owned(),
        narrative: case.narrative,
        request: case.request,
        village_code: case.village.code,
        respondents,
        amount: case.amount,
        privacy_notice_version: None,
    };
    Ok(ImportedLine {
        external_id: number,
        recorded_on: Some(recorded_on),
        applicant,
        input,
        consent: ConsentMethod::Paper,
    })
}

/// Loads a file of records, one a line: files every open dispute once, reports every refused
/// line with its reason.
pub async fn import_records(
    conn: &mut AsyncPgConnection,
    importer: &Importer,
    file: impl BufRead,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let mut report = Report::default();
    let mut lines = 0usize;
    for (i, text) in file.lines().enumerate() {
        let line_no = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1);
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                report.refused.push(Refused {
                    line: line_no,
                    external_id: String::new(),
                    reason: format!("The line cannot be read as UTF-8 text: {e}."),
                });
                continue;
            }
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        lines += 1;
        if lines > MAX_LINES {
            return Err(AppError::PayloadTooLarge(format!(
                "A file may hold at most {MAX_LINES} lines; split it and load each part."
            )));
        }
        let read = match read_line(text, now) {
            Ok(read) => read,
            Err((external_id, reason)) => {
                report.refused.push(Refused {
                    line: line_no,
                    external_id,
                    reason,
                });
                continue;
            }
        };
        report
            .file_line(conn, importer, (line_no, read), "case.number", sealer, now)
            .await?;
    }
    Ok(report)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn record(status: &str, applicant_phone: &str) -> String {
        serde_json::json!({
            "format": FORMAT,
            "case": {
                "id": "01930000-0000-7000-8000-000000000001",
                "number": "330681-2026-000123",
                "category": "land",
                "narrative": "两家为宅基地边界的篱笆争执。",
                "request": "按原界线重新立桩。",
                "amount": null,
                "village": {"code": "330681101201", "name": "枫源村"},
                "status": status,
                "filed_at": Utc::now().to_rfc3339(),
                "allowed_actions": [],
                "parties": [
                    {"id": "p1", "side": "applicant", "name": "王秀英", "email": null,
                     "phone": applicant_phone, "consented": true},
                    {"id": "p2", "side": "respondent", "name": "李建国",
                     "email": "l***@example.cn", "phone": null},
                    {"id": "p3", "side": "agent", "name": "赵律师", "phone": "13900002222"}
                ]
            },
            "history": [{"seq": 1, "kind": "filed"}]
        })
        .to_string()
    }

    #[test]
    fn an_open_record_becomes_a_filing_and_masked_contacts_are_dropped() {
        let line = read_line(&record("submitted", "13900001111"), Utc::now()).unwrap();
        assert_eq!(line.external_id, "330681-2026-000123");
        assert_eq!(line.input.category, "land");
        assert_eq!(line.applicant.name, "王秀英");
        assert_eq!(line.applicant.phone.as_deref(), Some("13900001111"));
        assert_eq!(
            line.input.respondents.len(),
            1,
            "the agent is not a respondent"
        );
        assert_eq!(line.input.respondents[0].email, None, "a masked address");
        let masked = read_line(&record("in_mediation", "139****1111"), Utc::now()).unwrap();
        assert_eq!(masked.applicant.phone, None);
    }

    #[test]
    fn an_ended_dispute_another_format_or_nonsense_is_refused_with_its_reason() {
        let (number, reason) = read_line(&record("closed", ""), Utc::now()).err().unwrap();
        assert_eq!(number, "330681-2026-000123");
        assert!(reason.contains("case.status closed"), "{reason}");
        let other = record("submitted", "").replace(FORMAT, "fengqiao-record/9");
        let (_, reason) = read_line(&other, Utc::now()).err().unwrap();
        assert!(reason.contains("fengqiao-record/9"), "{reason}");
        let (_, reason) = read_line("{\"format\": 1", Utc::now()).err().unwrap();
        assert!(reason.starts_with("The line is not a record"), "{reason}");
    }
}
