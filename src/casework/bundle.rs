//! The court bundle of one case (SPEC §7): the case as the caller may see it (`record.json`),
//! its history with every link's hash (`history.jsonl`) and its evidence files, signed
//! (`bundle::write`). Only the county's judges and the mediators holding the case take it
//! (`workflow::may_export_bundle`); each export is a history entry and an opening in the access
//! log the parties read.

use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use uuid::Uuid;

use super::{actor_for, refused};
use crate::auth::Principal;
use crate::bundle::{self, BundleKey, Part};
use crate::crypto::Sealer;
use crate::db;
use crate::error::AppError;
use crate::evidence::Store;
use crate::workflow::{self, Lang};

/// A bundle written to a file of its own, for the caller to stream and remove.
pub struct Written {
    pub path: PathBuf,
    pub case_number: String,
}

/// A name safe inside a ZIP and on any file system: letters, digits, CJK, `.`, `-`, `_`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if cleaned.trim_matches(['.', '_']).is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

pub struct Keys<'a> {
    pub sealer: &'a Sealer,
    pub store: &'a Store,
    pub key: &'a BundleKey,
    /// Draws the documents the bundle carries as PDF.
    pub press: &'a super::documents::Press<'a>,
}

pub async fn export(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    keys: Keys<'_>,
    now: DateTime<Utc>,
) -> Result<Written, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state).ok_or_else(|| {
        AppError::Forbidden(
            "Only the county's judges and the mediators holding the case export its bundle.".into(),
        )
    })?;
    workflow::may_export_bundle(&state, &actor).map_err(|r| refused(r, None))?;
    let case_number = record.row.number.clone();
    let events = super::history::visible_events(conn, principal, &state).await?;
    let evidence = super::attach::list(conn, principal, case_id).await?;
    let documents = super::documents::all_for(conn, keys.press, principal, case_id, now).await?;
    let view = super::view::load_view(conn, principal, record, Lang::Zh, keys.sealer, now).await?;

    let mut parts = vec![Part::Bytes {
        path: "record.json".into(),
        bytes: serde_json::to_vec_pretty(&super::record::Record::of_view(view))
            .map_err(AppError::internal)?,
    }];
    let mut history = Vec::new();
    for e in &events {
        let line = json!({
            "seq": e.seq, "kind": e.kind, "actor_role": e.actor_role, "data": e.data,
            "at": e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            "prev_hash": e.prev_hash, "hash": e.hash, "key_id": e.key_id,
        });
        serde_json::to_writer(&mut history, &line).map_err(AppError::internal)?;
        history.push(b'\n');
    }
    parts.push(Part::Bytes {
        path: "history.jsonl".into(),
        bytes: history,
    });
    for (i, d) in documents.into_iter().enumerate() {
        let kind = d.document.kind.as_str();
        parts.push(Part::Bytes {
            path: format!("documents/{:02}-{kind}.pdf", i + 1),
            bytes: d.pdf,
        });
    }
    for (i, item) in evidence.iter().enumerate() {
        parts.push(Part::File {
            path: format!("evidence/{:02}-{}", i + 1, safe_name(&item.filename)),
            from: keys.store.path_of(&item.sha256),
        });
    }

    let files = parts.len();
    let out = keys.store.temp_path();
    let (path, key) = (out.clone(), keys.key.clone());
    let (number, at) = (
        case_number.clone(),
        now.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    tokio::task::spawn_blocking(move || bundle::write(&path, parts, &number, &at, &key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;

    // Said in the history (that, not what) and in the access log, as any opening of the file.
    let written = conn
        .transaction::<(), AppError, _>(async |conn| {
            db::events::note(
                conn,
                (state.county_id, state.id),
                "bundle_exported",
                json!({ "files": files }),
                &actor,
                now,
            )
            .await?;
            super::access_log::record(
                conn,
                principal,
                &state,
                super::access_log::Opened::Document,
                now,
            )
            .await
        })
        .await;
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&out).await;
        return Err(e);
    }
    Ok(Written {
        path: out,
        case_number,
    })
}
