//! The in-app side: a user's notifications (the bell) as the API and the pages show them, in the
//! reader's language. The rows are read and marked in `db::notifications`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

pub use crate::db::notifications::{Mark, Row, list, mark_read, unread};

/// A notification as the API shows it, with its words in the caller's language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Notification)]
pub struct View {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub kind: String,
    pub title: String,
    pub text: String,
    pub data: Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    /// Where the case is (path under the service's address).
    pub link: String,
}

impl Row {
    pub fn view(self, lang: crate::workflow::Lang) -> View {
        let words = super::texts::words(&self.kind, lang);
        View {
            link: format!("/cases/{}", self.case_id),
            title: words.map_or_else(|| self.kind.clone(), |w| capitalised(w.subject)),
            text: words.map(|w| w.lead.to_owned()).unwrap_or_default(),
            id: self.id,
            case_id: self.case_id,
            case_number: self.case_number,
            kind: self.kind,
            data: self.data,
            created_at: self.created_at,
            read_at: self.read_at,
        }
    }
}

/// English subjects follow "Fengqiao Mediation: " in mail; standing alone they need a capital.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
