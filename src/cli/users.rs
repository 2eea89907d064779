//! `fengqiao create-user`: accounts for staff (and residents) from the command line.

use std::io::Read;

use anyhow::Context;
use clap::Args;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::accounts::{NewAccount, create as create_account};

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
    let password = match std::env::var("FENGQIAO_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut p = String::new();
            std::io::stdin()
                .read_to_string(&mut p)
                .context("reading the password from stdin")?;
            p.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let new = NewAccount {
        email: &args.email,
        name: &args.name,
        role: &args.role,
        password: Some(password),
        committee_code: args.committee.as_deref(),
        county_code: args.county.as_deref(),
    };
    create_account(conn, new)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
