//! How people reach their committee (a phone number, tap to call on the pages, and an address)
//! and the county's court (where a referred case goes), kept by the county administrator.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::staff::admin_county;
use crate::auth::Principal;
use crate::db;
use crate::error::AppError;

pub use crate::db::courts::Court;

/// A committee's phone and address, by committee id.
pub type Contact = (Uuid, Option<String>, Option<String>);

pub async fn of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> Result<Vec<Contact>, AppError> {
    Ok(db::staff::contacts_of_county(conn, county_id).await?)
}

/// A telephone number as people write it: digits with spaces, dashes, brackets and a leading
/// `+` (landlines like 0575-87654321 as well as mobiles), 5 to 30 characters.
pub(crate) fn phone(raw: &str) -> Result<Option<String>, AppError> {
    let p = raw.trim();
    if p.is_empty() {
        return Ok(None);
    }
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    if !allowed || !(5..=20).contains(&digits) || p.chars().count() > 30 {
        return Err(AppError::Unprocessable(
            "The phone number may hold digits, spaces, dashes and brackets (5 to 20 digits)."
                .into(),
        ));
    }
    Ok(Some(p.to_owned()))
}

pub async fn set_contact(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    committee_id: Uuid,
    raw_phone: &str,
    raw_address: &str,
) -> Result<(), AppError> {
    let county = admin_county(admin)?;
    let phone = phone(raw_phone)?;
    let address = Some(raw_address.trim()).filter(|a| !a.is_empty());
    if address.is_some_and(|a| a.chars().count() > 200 || a.chars().any(char::is_control)) {
        return Err(AppError::Unprocessable(
            "The address may be at most 200 characters on one line.".into(),
        ));
    }
    let found =
        db::staff::set_committee_contact(conn, county, committee_id, phone.as_deref(), address)
            .await?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The county's court, if the county admin has named it.
pub async fn court(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> Result<Option<Court>, AppError> {
    Ok(db::courts::of_county(conn, county_id).await?)
}

pub async fn set_court(
    conn: &mut AsyncPgConnection,
    admin: &Principal,
    (name, address, raw_phone): (&str, &str, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let county = admin_county(admin)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Unprocessable(
            "Give the court's name (at most 100 characters).".into(),
        ));
    }
    let address = Some(address.trim()).filter(|a| !a.is_empty());
    if address.is_some_and(|a| a.chars().count() > 200 || a.chars().any(char::is_control)) {
        return Err(AppError::Unprocessable(
            "The address may be at most 200 characters on one line.".into(),
        ));
    }
    let court = Court {
        name: name.to_owned(),
        address: address.map(str::to_owned),
        phone: phone(raw_phone)?,
    };
    Ok(db::courts::set(conn, county, &court, now).await?)
}

#[cfg(test)]
mod tests {
    use super::phone;

    #[test]
    fn phone_numbers_as_people_write_them() {
        for ok in [
            "0575-87654321",
            "+86 138 1234 5678",
            "(0575) 8765 4321",
            "12345",
        ] {
            assert!(matches!(phone(ok), Ok(Some(_))), "{ok}");
        }
        assert!(matches!(phone("  "), Ok(None)));
        for bad in ["call me", "1234", "0575-8765-4321-1234-5678-9", "12+345"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }
}
