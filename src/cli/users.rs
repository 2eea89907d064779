//! `fengqiao create-user`: accounts for staff (and residents) from the command line.

use std::io::Read;

use anyhow::{Context, bail};
use clap::Args;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::password;
use crate::db;
use crate::domain::{DivisionCode, Email, Role};

#[derive(Args)]
pub struct CreateUser {
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// resident, mediator, committee_head, judge or county_admin.
    #[arg(long)]
    role: String,
    /// Division code of the committee (mediators and committee heads).
    #[arg(long)]
    committee: Option<String>,
    /// Division code of the county (required for staff).
    #[arg(long)]
    county: Option<String>,
}

pub async fn create(conn: &mut AsyncPgConnection, args: CreateUser) -> anyhow::Result<Uuid> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "--role {:?}: expected one of resident, mediator, committee_head, judge, county_admin",
            args.role
        )
    })?;
    let pass = match std::env::var("FENGQIAO_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut p = String::new();
            std::io::stdin()
                .read_to_string(&mut p)
                .context("reading the password from stdin")?;
            p.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    password::acceptable(&pass).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let committee_id = match (&args.committee, role.needs_committee()) {
        (Some(code), true) => {
            let code = DivisionCode::parse(code).map_err(anyhow::Error::msg)?;
            let division = db::divisions::by_code(conn, code.as_str())
                .await?
                .with_context(|| format!("no division {code}"))?;
            Some(db::divisions::committee_of(conn, division.id).await?)
        }
        (None, true) => bail!("a {} needs --committee <division code>", role.as_str()),
        (Some(_), false) => bail!("only mediators and committee heads belong to a committee"),
        (None, false) => None,
    };
    let county_id = match &args.county {
        Some(code) => {
            let code = DivisionCode::parse(code).map_err(anyhow::Error::msg)?;
            let county = db::divisions::by_code(conn, code.as_str())
                .await?
                .with_context(|| format!("no division {code}"))?;
            Some(county.county_id)
        }
        None if role.is_staff() => bail!("staff need --county <county code>"),
        None => None,
    };
    let hash = tokio::task::spawn_blocking(move || password::hash(&pass)).await??;
    let id = Uuid::now_v7();
    db::users::insert(
        conn,
        &db::users::NewUser {
            id,
            email: email.as_str(),
            name: args.name.trim(),
            password_hash: Some(&hash),
            role: role.as_str(),
            committee_id,
            county_id,
            language: "zh",
        },
    )
    .await
    .with_context(|| format!("creating {email}"))?;
    Ok(id)
}
