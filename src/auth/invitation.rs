//! Respondent invitation links: a JWT with its own audience (it can never be used as a login),
//! naming one party of one case, valid for a week and usable once (its id is recorded on use).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::jwt::{Audience, Claims, InvalidToken, Keys};

pub const LIFETIME_DAYS: i64 = 7;

pub fn issue(
    keys: &Keys,
    county_id: Uuid,
    party_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, InvalidToken> {
    keys.issue(
        Audience::Invitation,
        &format!("{county_id}:{party_id}"),
        0,
        now,
        Duration::days(LIFETIME_DAYS),
    )
    .map(|(token, _)| token)
}

/// The claims and the (county, party) an invitation names, when it is genuine and current.
pub fn read(keys: &Keys, token: &str) -> Option<(Claims, Uuid, Uuid)> {
    let claims = keys.verify(token, Audience::Invitation).ok()?;
    let (county, party) = claims.sub.split_once(':')?;
    let county = Uuid::parse_str(county).ok()?;
    let party = Uuid::parse_str(party).ok()?;
    Some((claims, county, party))
}
