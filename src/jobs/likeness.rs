//! Ended cases become entries of the similar-cases search (`case_likeness`) as the indicators'
//! job meets them: their words, and what a mediator may read of them — the narrative without
//! names or numbers, the outcome, the level, the obligations without who. The words are cut
//! off the async threads (jieba is CPU work).

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db;
use crate::db::likeness::{Entry, Source};
use crate::likeness::{anonymise, anonymise_with, person_names, summary, words};
use crate::workflow::Status;

/// Whether a case has ended in a way a mediator can learn from (mediated, not withdrawn).
pub fn teaches(status: Status) -> bool {
    matches!(
        status,
        Status::Resolved | Status::Closed | Status::Referred | Status::Unmediable
    )
}

/// The obligations of an agreement without who: what, how much, how.
fn obligations(agreement: Option<&Value>, names: &[String]) -> Value {
    let list = agreement
        .and_then(|a| a.get("obligations"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Value::Array(
        list.iter()
            .map(|o| {
                let text = |k: &str| {
                    o.get(k)
                        .and_then(Value::as_str)
                        .map(|t| anonymise(t, names))
                        .unwrap_or_default()
                };
                json!({
                    "what": text("what"),
                    "amount_fen": o.get("amount_fen").cloned().unwrap_or(Value::Null),
                    "how": text("how"),
                })
            })
            .collect(),
    )
}

/// The entries of a batch. A narrative's words and the names the dictionary finds in it
/// depend on the text alone: cases told in the same words cut it once.
fn entries(sources: Vec<Source>) -> Vec<Entry> {
    let mut cut: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    sources
        .into_iter()
        .map(|s| {
            let (words, others) = cut
                .entry(s.narrative.clone())
                .or_insert_with(|| (words(&s.narrative), person_names(&s.narrative)))
                .clone();
            let told = anonymise_with(&s.narrative, &s.names, &others);
            Entry {
                county_id: s.county_id,
                case_id: s.case_id,
                category: s.category,
                level: s.level,
                outcome: s.status,
                summary: summary(&told),
                obligations: obligations(s.agreement.as_ref(), &s.names),
                words,
            }
        })
        .collect()
}

/// Writes the entries of these cases (those that have ended; the others are left).
pub async fn index(conn: &mut AsyncPgConnection, keys: &[(Uuid, Uuid)]) -> anyhow::Result<usize> {
    let sources: Vec<Source> = db::likeness::sources(conn, keys)
        .await?
        .into_iter()
        .filter(|s| Status::parse(&s.status).is_some_and(teaches))
        .collect();
    if sources.is_empty() {
        return Ok(0);
    }
    let entries = tokio::task::spawn_blocking(move || entries(sources)).await?;
    db::likeness::upsert(conn, &entries).await?;
    Ok(entries.len())
}
