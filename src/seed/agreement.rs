//! The statutory contents of a demo agreement: what a village mediator would write for a
//! small dispute, with the respondent undertaking one obligation.

use chrono::{DateTime, Duration, Utc};

use crate::workflow::local_zone;
use crate::workflow::{AgreementContents, CaseState, Obligation, Side};

pub fn contents(case: &CaseState, at: DateTime<Utc>, days_to_perform: i64) -> AgreementContents {
    let respondent = case
        .parties
        .iter()
        .find(|p| p.side == Side::Respondent)
        .map(|p| p.id)
        .unwrap_or_default();
    let due = (at + Duration::days(days_to_perform))
        .with_timezone(&local_zone())
        .date_naive();
    AgreementContents {
        facts: "申请人与被申请人系同村村民。双方因本案纠纷多次协商未果，申请人向本委员会申请调解。经调查，双方陈述的基本事实一致。".into(),
        issues: "被申请人应否赔偿申请人的损失，以及赔偿的数额和方式。".into(),
        responsibilities: "被申请人对损失的发生负主要责任；申请人未及时告知被申请人，负次要责任。".into(),
        obligations: vec![Obligation {
            party_id: respondent,
            what: "赔偿申请人损失".into(),
            amount_fen: Some(300_000),
            how: "一次性银行转账".into(),
            place: Some("申请人指定的银行账户".into()),
            due,
        }],
        terms: "双方就本纠纷再无其他争议。".into(),
    }
}
