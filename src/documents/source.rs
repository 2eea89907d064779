//! What the documents read of a case: the case as its reader may see it (personal details
//! already masked or not by the case work), its history and its evidence. Gathered by the
//! case work; nothing here reaches the database.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::Particulars;
use crate::workflow::{
    Agreement, ConfirmationStatus, Level, Performance, SessionMode, Side, Status,
};

#[derive(Debug, Clone)]
pub struct Source {
    pub number: String,
    /// The category in Chinese (纠纷类型).
    pub category: String,
    pub narrative: String,
    pub request: String,
    pub amount_fen: Option<i64>,
    pub village: String,
    pub committee: String,
    pub level: Level,
    pub status: Status,
    pub mediator: Option<String>,
    pub parties: Vec<PartyLine>,
    pub sessions: Vec<SessionLine>,
    pub agreement: Option<Agreement>,
    pub confirmation: Option<ConfirmationStatus>,
    pub performance: Option<Performance>,
    pub filed_at: DateTime<Utc>,
    pub events: Vec<EventLine>,
    pub evidence: Vec<EvidenceLine>,
    /// When the applicant consented to the privacy notice, and how when a mediator filed for
    /// them (`in_person`, `phone`, `paper`).
    pub consented_at: Option<DateTime<Utc>>,
    pub assisted: Option<String>,
    /// The names of staff who acted on the case, by user id (for the signatures).
    pub staff: Vec<(Uuid, String)>,
}

#[derive(Debug, Clone)]
pub struct PartyLine {
    pub id: Uuid,
    pub side: Side,
    pub name: String,
    /// As the reader may see them: in full for the parties and the case's mediators, masked
    /// for everyone else.
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// Sex, year of birth, ethnicity, occupation, address, as recorded (masked or not likewise).
    pub particulars: Option<Particulars>,
    pub signed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct SessionLine {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: SessionMode,
    pub location: String,
    pub record: Option<String>,
}

/// One entry of the history, with the words of who acted.
#[derive(Debug, Clone)]
pub struct EventLine {
    pub seq: i32,
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Who acted, as the record names them (a mediator's name, 当事人, 系统 …).
    pub who: String,
    pub data: Value,
    pub hash: String,
}

/// One evidence file as the case file indexes it.
#[derive(Debug, Clone)]
pub struct EvidenceLine {
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub at: DateTime<Utc>,
}

impl Source {
    pub fn party_name(&self, id: Uuid) -> String {
        self.parties
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "（已删除的当事人）".to_owned())
    }

    pub fn staff_name(&self, id: Uuid) -> Option<String> {
        self.staff
            .iter()
            .find(|(u, _)| *u == id)
            .map(|(_, n)| n.clone())
    }

    pub fn first(&self, kind: &str) -> Option<&EventLine> {
        self.events.iter().find(|e| e.kind == kind)
    }

    pub fn last(&self, kind: &str) -> Option<&EventLine> {
        self.events.iter().rev().find(|e| e.kind == kind)
    }
}
