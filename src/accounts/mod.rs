//! Accounts: creating them (one set of rules for `fengqiao create-user` and the county admin's
//! page), signing in by code (`sign_in`), and the life of staff accounts (`staff`).

pub mod committees;
pub mod contact;
pub mod deletion;
pub mod my_data;
pub mod second_factor;
pub mod session;
pub mod sign_in;
pub mod staff;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::password;
use crate::db;
use crate::domain::{DivisionCode, Email, Role};
use crate::error::AppError;

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    /// `None` for an invited staff member, who sets it through the invitation link.
    pub password: Option<String>,
    /// Division code of the committee (mediators and committee heads).
    pub committee_code: Option<&'a str>,
    /// Division code of the county (required for staff).
    pub county_code: Option<&'a str>,
}

fn invalid(m: impl Into<String>) -> AppError {
    AppError::Unprocessable(m.into())
}

/// Validates and creates an account; returns its id.
pub async fn create(conn: &mut AsyncPgConnection, new: NewAccount<'_>) -> Result<Uuid, AppError> {
    let email = Email::parse(new.email).map_err(invalid)?;
    let role = Role::parse(new.role).ok_or_else(|| {
        invalid(format!(
            "role {:?}: one of resident, mediator, committee_head, judge, county_admin",
            new.role
        ))
    })?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid("the name must be 1 to 100 characters"));
    }
    if let Some(p) = &new.password {
        password::acceptable(p).map_err(invalid)?;
    }
    let county_id = match new.county_code {
        Some(code) => {
            let code = DivisionCode::parse(code).map_err(invalid)?;
            let county = db::divisions::by_code(conn, code.as_str())
                .await?
                .ok_or_else(|| invalid(format!("no division {code}")))?;
            Some(county.county_id)
        }
        None if role.is_staff() => return Err(invalid("staff belong to a county")),
        None => None,
    };
    let committee_id = match (new.committee_code, role.needs_committee()) {
        (Some(code), true) => {
            let code = DivisionCode::parse(code).map_err(invalid)?;
            let (committee, committee_county) = db::staff::committee_by_code(conn, code.as_str())
                .await?
                .ok_or_else(|| invalid(format!("no committee for {code}")))?;
            if county_id.is_some_and(|c| c != committee_county) {
                return Err(invalid("the committee is in another county"));
            }
            Some(committee)
        }
        (None, true) => return Err(invalid(format!("a {} needs a committee", role.as_str()))),
        (Some(_), false) => {
            return Err(invalid(
                "only mediators and committee heads belong to a committee",
            ));
        }
        (None, false) => None,
    };
    if db::users::by_email(conn, email.as_str()).await?.is_some() {
        return Err(AppError::conflict(format!(
            "{email} already has an account"
        )));
    }
    let hash = match new.password {
        Some(pass) => Some(password::hash_bounded(pass).await?),
        None => None,
    };
    let id = Uuid::now_v7();
    db::users::insert(
        conn,
        &db::users::NewUser {
            id,
            email: Some(email.as_str()),
            phone_enc: None,
            phone_key: None,
            name,
            password_hash: hash.as_deref(),
            role: role.as_str(),
            committee_id,
            county_id,
            language: "zh",
        },
    )
    .await?;
    tracing::info!(user_id = %id, role = role.as_str(), "account created");
    Ok(id)
}

pub use crate::db::users::UserRow;

/// The caller's own account row; gone (deleted meanwhile) is 401, as for a spent session.
pub async fn account_of(
    conn: &mut AsyncPgConnection,
    principal: &crate::auth::Principal,
) -> Result<UserRow, AppError> {
    db::users::by_id(conn, principal.id)
        .await?
        .ok_or(AppError::Unauthorized)
}
