//! Loading what another system holds (SPEC §7 *One entry, reused*): a grid office's spreadsheet,
//! saved as CSV (UTF-8, a header row naming the columns, in Chinese or English; see
//! `docs/integration.md`). Each line is checked and filed through the engine like an assisted
//! filing (routing, clocks and notices apply) in its own transaction, with its external id, so
//! loading the same file again files nothing twice; each refused line is reported with its
//! reason and the others go on.

use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::filing::{FilingInput, ImportedLine, RespondentInput, file_imported};
use crate::crypto::Sealer;
use crate::db;
use crate::domain::Category;
use crate::error::AppError;

/// Lines a file may hold (a county's year of grid records is some thousands).
pub const MAX_LINES: usize = 20_000;

/// The columns, by their English name and the Chinese heading a spreadsheet has.
pub const COLUMNS: [(&str, &str); 11] = [
    ("external_id", "编号"),
    ("village_code", "村社区代码"),
    ("category", "纠纷类型"),
    ("applicant_name", "申请人"),
    ("applicant_phone", "申请人手机"),
    ("respondent_name", "被申请人"),
    ("respondent_phone", "被申请人手机"),
    ("narrative", "纠纷经过"),
    ("request", "申请事项"),
    ("amount", "涉及金额"),
    ("recorded_on", "登记日期"),
];

/// Who loads the file, and for which county.
pub struct Importer {
    pub county_id: Uuid,
    pub user_id: Uuid,
}

impl Importer {
    /// The county admin who loads a file on the admin page.
    pub fn admin(p: &crate::auth::Principal) -> Result<Importer, AppError> {
        match (p.role, p.county_id) {
            (crate::domain::Role::CountyAdmin, Some(county_id)) => Ok(Importer {
                county_id,
                user_id: p.id,
            }),
            _ => Err(AppError::Forbidden(
                "Only the county admin loads other systems' records.".into(),
            )),
        }
    }

    /// For `fengqiao import`: an active county admin of the county, named by email.
    pub async fn by_email(
        conn: &mut AsyncPgConnection,
        county_id: Uuid,
        email: &str,
    ) -> Result<Importer, AppError> {
        let user = db::users::by_email(conn, email.trim())
            .await?
            .filter(|u| u.deactivated_at.is_none())
            .filter(|u| u.role == crate::domain::Role::CountyAdmin.as_str())
            .filter(|u| u.county_id == Some(county_id))
            .ok_or_else(|| {
                AppError::Forbidden(format!(
                    "{email} is not an active county admin of this county; the records are loaded in an admin's name."
                ))
            })?;
        Ok(Importer {
            county_id,
            user_id: user.id,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    /// The line of the file (the header is line 1).
    pub line: u64,
    pub external_id: String,
    pub reason: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub filed: usize,
    /// Lines filed by an earlier load of the same records.
    pub already: usize,
    pub refused: Vec<Refused>,
    /// The external ids of the file read so far, with their lines.
    #[serde(skip)]
    seen: std::collections::HashMap<String, u64>,
}

impl Report {
    /// Files a good line of a file once by its external id and counts what became of it: a
    /// second line with the id of an earlier one, or one the filing refuses, is reported with
    /// its reason (`id_field` names the id as the file does); a failure of the service stops
    /// the load.
    pub(super) async fn file_line(
        &mut self,
        conn: &mut AsyncPgConnection,
        importer: &Importer,
        (line, read): (u64, ImportedLine),
        id_field: &str,
        sealer: &Sealer,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let external_id = read.external_id.clone();
        if let Some(first) = self.seen.insert(external_id.clone(), line) {
            self.refused.push(Refused {
                line,
                reason: format!("{id_field} {external_id} is on line {first} already."),
                external_id,
            });
            return Ok(());
        }
        match file_once(conn, importer, read, sealer, now).await {
            Ok(Once::Filed { .. }) => self.filed += 1,
            Ok(Once::Before { .. }) => self.already += 1,
            Err(
                e @ (AppError::Unprocessable(_)
                | AppError::BadRequest(_)
                | AppError::Conflict { .. }),
            ) => self.refused.push(Refused {
                line,
                external_id,
                reason: e.to_string(),
            }),
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} filed, {} filed before, {} refused",
            self.filed,
            self.already,
            self.refused.len()
        )
    }
}

/// The category of a line: its code or its Chinese name.
fn category(text: &str) -> Option<Category> {
    let t = text.trim();
    Category::parse(t).or_else(|| Category::ALL.into_iter().find(|c| c.label_zh() == t))
}

/// A line's fields by column name.
struct Line<'a> {
    fields: Vec<&'a str>,
    index: &'a [Option<usize>; 11],
}

impl Line<'_> {
    fn get(&self, column: usize) -> &str {
        self.index[column]
            .and_then(|i| self.fields.get(i).copied())
            .unwrap_or("")
            .trim()
    }

    fn optional(&self, column: usize) -> Option<String> {
        Some(self.get(column).to_owned()).filter(|v| !v.is_empty())
    }
}

/// What a line asks to file, or why it cannot be.
fn read_line(line: &Line<'_>, now: DateTime<Utc>) -> Result<ImportedLine, String> {
    let external_id = line.get(0).to_owned();
    if external_id.is_empty() || external_id.chars().count() > 100 {
        return Err("external_id (编号) must be 1 to 100 characters.".into());
    }
    let category = category(line.get(2)).ok_or_else(|| {
        format!(
            "category (纠纷类型) {:?} is not known; use a code ({}) or its Chinese name.",
            line.get(2),
            Category::ALL.map(|c| c.as_str()).join(", ")
        )
    })?;
    let amount = match line.optional(9) {
        None => None,
        Some(a) => Some(
            a.trim_end_matches('元')
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| format!("amount (涉及金额) {a:?} is not a number of yuan."))?,
        ),
    };
    let recorded_on = match line.optional(10) {
        None => None,
        Some(d) => {
            let day =
                NaiveDate::parse_from_str(&d.replace('/', "-"), "%Y-%m-%d").map_err(|_| {
                    format!("recorded_on (登记日期) {d:?} is not a date like 2026-11-03.")
                })?;
            Some(recorded_day(day, "recorded_on (登记日期)", now)?)
        }
    };
    let applicant = RespondentInput {
        name: line.get(3).to_owned(),
        email: None,
        phone: line.optional(4),
    };
    let input = FilingInput {
        category: category.as_str().to_owned(),
        narrative: line.get(7).to_owned(),
        request: line.get(8).to_owned(),
        village_code: line.get(1).to_owned(),
        respondents: vec![RespondentInput {
            name: line.get(5).to_owned(),
            email: None,
            phone: line.optional(6),
        }],
        amount,
        privacy_notice_version: None,
    };
    Ok(ImportedLine {
        external_id,
        recorded_on,
        applicant,
        input,
        consent: crate::workflow::ConsentMethod::Paper,
    })
}

/// The day another system recorded a dispute, if it may still be mediated here: not in the
/// future, not more than five years ago. `field` names it as the file does.
pub(super) fn recorded_day(
    day: NaiveDate,
    field: &str,
    now: DateTime<Utc>,
) -> Result<NaiveDate, String> {
    let today = now
        .with_timezone(&crate::workflow::local_zone())
        .date_naive();
    if day > today {
        return Err(format!("{field} {day} is in the future."));
    }
    if day < today - chrono::Days::new(366 * 5) {
        return Err(format!(
            "{field} {day} is more than five years ago; such a dispute is no longer for mediation here."
        ));
    }
    Ok(day)
}

/// Where each column is in the file's header; the required ones must be there.
fn columns_of(header: &csv::StringRecord) -> Result<[Option<usize>; 11], AppError> {
    let mut index = [None; 11];
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        if let Some(c) = COLUMNS
            .iter()
            .position(|(en, zh)| name == *en || name == *zh)
        {
            index[c] = Some(i);
        }
    }
    let required = [0, 1, 2, 3, 5, 7, 8];
    let missing: Vec<&str> = required
        .iter()
        .filter(|&&c| index[c].is_none())
        .map(|&c| COLUMNS[c].0)
        .collect();
    if missing.is_empty() {
        Ok(index)
    } else {
        Err(AppError::Unprocessable(format!(
            "The header row lacks the column(s) {}; the first row must name the columns.",
            missing.join(", ")
        )))
    }
}

/// Loads a file of another system's records: records in the service's own format, one JSON
/// object a line (`casework::import_records`), when its first character opens an object; else
/// a grid office's CSV.
pub async fn import_file(
    conn: &mut AsyncPgConnection,
    importer: &Importer,
    mut file: impl std::io::BufRead,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let start = file
        .fill_buf()
        .map_err(|e| AppError::Unprocessable(format!("The file cannot be read: {e}.")))?;
    let text = String::from_utf8_lossy(&start[..start.len().min(64)]).into_owned();
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        super::import_records::import_records(conn, importer, file, sealer, now).await
    } else {
        import_csv(conn, importer, file, sealer, now).await
    }
}

/// Loads a CSV file: files every good line, reports every refused one.
pub async fn import_csv(
    conn: &mut AsyncPgConnection,
    importer: &Importer,
    file: impl Read,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let header = reader
        .headers()
        .map_err(|e| AppError::Unprocessable(format!("The file is not CSV in UTF-8: {e}.")))?
        .clone();
    let index = columns_of(&header)?;
    let mut report = Report::default();
    let mut record = csv::StringRecord::new();
    let mut lines = 0usize;
    loop {
        let line_no = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                report.refused.push(Refused {
                    line: line_no,
                    external_id: String::new(),
                    reason: format!("The line cannot be read as CSV in UTF-8: {e}."),
                });
                continue;
            }
        }
        lines += 1;
        if lines > MAX_LINES {
            return Err(AppError::PayloadTooLarge(format!(
                "A file may hold at most {MAX_LINES} lines; split it and load each part."
            )));
        }
        let line_no = record.position().map_or(line_no, |p| p.line());
        let line = Line {
            fields: record.iter().collect(),
            index: &index,
        };
        let read = match read_line(&line, now) {
            Ok(read) => read,
            Err(reason) => {
                report.refused.push(Refused {
                    line: line_no,
                    external_id: line.get(0).to_owned(),
                    reason,
                });
                continue;
            }
        };
        report
            .file_line(
                conn,
                importer,
                (line_no, read),
                "external_id (编号)",
                sealer,
                now,
            )
            .await?;
    }
    Ok(report)
}

/// What became of a line filed once by its external id.
pub enum Once {
    /// Filed now, as this case.
    Filed { case_id: Uuid, number: String },
    /// Filed before (by a load or a call): the number of its case.
    Before { number: String },
}

/// Files a line of another system's records unless its external id was filed before: the one
/// rule of the CSV load and of `POST /api/v1/filings`.
pub async fn file_once(
    conn: &mut AsyncPgConnection,
    importer: &Importer,
    line: ImportedLine,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<Once, AppError> {
    let external_id = line.external_id.clone();
    if let Some(number) = db::imports::filed_as(conn, importer.county_id, &external_id).await? {
        return Ok(Once::Before { number });
    }
    let filed = file_imported(
        conn,
        importer.county_id,
        importer.user_id,
        line,
        sealer,
        now,
    )
    .await?;
    let number = filed
        .written
        .map(|w| w.record.row.number)
        .unwrap_or_default();
    Ok(Once::Filed {
        case_id: filed.case_id,
        number,
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn a_category_is_its_code_or_its_chinese_name() {
        assert_eq!(category("land"), Some(Category::Land));
        assert_eq!(category(" 邻里纠纷 "), Some(Category::Neighbour));
        assert_eq!(category("吵架"), None);
    }

    #[test]
    fn a_header_in_chinese_is_understood_and_a_missing_column_named() {
        let zh = csv::StringRecord::from(COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>());
        assert!(columns_of(&zh).is_ok());
        let short = csv::StringRecord::from(vec!["编号", "村社区代码"]);
        let e = columns_of(&short).unwrap_err().to_string();
        assert!(e.contains("category") && e.contains("narrative"), "{e}");
    }
}
