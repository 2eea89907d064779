//! The agreement as clients send it with `propose_agreement` (SPEC §7 *Documents*): the
//! statutory fields, each obligation with its amount in yuan. Lengths are bounded here; what
//! makes an agreement complete is the engine's to say.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::AppError;
use crate::workflow::{AgreementContents, Obligation};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObligationInput {
    /// The party who undertakes it.
    pub party_id: Uuid,
    pub what: String,
    /// Yuan, at most two decimals, when money is owed.
    pub amount: Option<f64>,
    pub how: String,
    #[serde(rename = "where")]
    pub place: Option<String>,
    /// The last day to perform, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
}

/// Free text of one statutory field: room for a long dispute, not for a pasted file.
const FIELD_MAX: usize = 20_000;
const LINE_MAX: usize = 500;

/// Bounded and converted contents; an empty `terms` is allowed (the other fields carry it).
pub fn contents(
    facts: String,
    issues: String,
    responsibilities: String,
    obligations: Vec<ObligationInput>,
    terms: Option<String>,
) -> Result<AgreementContents, AppError> {
    for (name, value) in [
        ("facts", &facts),
        ("issues", &issues),
        ("responsibilities", &responsibilities),
    ] {
        bound(name, value, FIELD_MAX)?;
    }
    let terms = terms.unwrap_or_default();
    bound("terms", &terms, FIELD_MAX)?;
    if obligations.len() > crate::workflow::MAX_OBLIGATIONS {
        return Err(AppError::Unprocessable(format!(
            "An agreement may list at most {} obligations.",
            crate::workflow::MAX_OBLIGATIONS
        )));
    }
    let obligations = obligations
        .into_iter()
        .enumerate()
        .map(|(i, o)| obligation(i + 1, o))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AgreementContents {
        facts,
        issues,
        responsibilities,
        obligations,
        terms,
    })
}

fn obligation(n: usize, o: ObligationInput) -> Result<Obligation, AppError> {
    bound(&format!("obligations[{n}].what"), &o.what, LINE_MAX)?;
    bound(&format!("obligations[{n}].how"), &o.how, LINE_MAX)?;
    if let Some(place) = &o.place {
        bound(&format!("obligations[{n}].where"), place, LINE_MAX)?;
    }
    let amount_fen = match o.amount {
        None => None,
        Some(a) => Some(crate::domain::fen_of_yuan(a).ok_or_else(|| {
            AppError::Unprocessable(format!(
                "obligations[{n}].amount must be a number of yuan, not negative, with at most two decimals."
            ))
        })?),
    };
    Ok(Obligation {
        party_id: o.party_id,
        what: o.what,
        amount_fen,
        how: o.how,
        place: o.place,
        due: o.due,
    })
}

fn bound(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.chars().count() > max {
        return Err(AppError::Unprocessable(format!(
            "{field} is too long (at most {max} characters)."
        )));
    }
    if value.chars().any(crate::domain::is_refused_char) {
        return Err(AppError::Unprocessable(format!(
            "{field} contains a control character."
        )));
    }
    Ok(())
}
