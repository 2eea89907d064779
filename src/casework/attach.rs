//! Evidence on a case: upload (gate → rule → stream → store → row and history in one
//! transaction), listing what the caller may see, and the checked file for a download.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{actor_for, refused};
use crate::auth::Principal;
use crate::db;
use crate::db::evidence::EvidenceRow;
use crate::domain::Role;
use crate::error::AppError;
use crate::evidence::Store;
use crate::evidence::upload::Received;
use crate::workflow::{Actor, CaseState, Reader, may_attach, may_see_evidence};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub description: Option<String>,
    pub visible_to_other_parties: bool,
    pub uploaded_by_party: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<EvidenceRow> for EvidenceView {
    fn from(r: EvidenceRow) -> EvidenceView {
        EvidenceView {
            id: r.id,
            sha256: r.sha256,
            size: r.size,
            content_type: r.content_type,
            filename: r.filename,
            description: r.description,
            visible_to_other_parties: r.visible_to_other_parties,
            uploaded_by_party: r.uploader_party_id,
            created_at: r.created_at,
        }
    }
}

/// How the caller reads a case's material (for the visibility rules of the engine).
pub fn reader_of(p: &Principal, state: &CaseState) -> Option<Reader> {
    match p.role {
        Role::Resident => super::party_of(p, state).map(Reader::Party),
        Role::Mediator | Role::CommitteeHead => Some(Reader::Staff),
        Role::Judge => Some(Reader::Judge),
        Role::CountyAdmin => None,
    }
}

/// The case through the gate, the caller as an actor, and the bytes still allowed on it.
pub async fn prepare_upload(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    case_limit: u64,
) -> Result<(CaseState, Actor, u64), AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let actor = actor_for(principal, &state)
        .ok_or_else(|| AppError::Forbidden("You can read this case but not add to it.".into()))?;
    may_attach(&state, &actor).map_err(|r| refused(r, None))?;
    let used = db::evidence::bytes_of_case(conn, state.county_id, state.id).await?;
    Ok((
        state,
        actor,
        case_limit.saturating_sub(u64::try_from(used).unwrap_or(0)),
    ))
}

/// A file already in the store (or about to be) as the evidence of a case.
pub struct Stored {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub description: Option<String>,
    pub visible_to_other_parties: bool,
}

/// The evidence row of a stored file, from the acting party or mediator.
pub fn evidence_row(
    state: &CaseState,
    actor: &Actor,
    file: Stored,
    now: DateTime<Utc>,
) -> EvidenceRow {
    EvidenceRow {
        county_id: state.county_id,
        id: Uuid::now_v7(),
        case_id: state.id,
        sha256: file.sha256,
        size: file.size,
        content_type: file.content_type,
        filename: file.filename,
        description: file.description,
        uploaded_by: actor.user_id(),
        uploader_party_id: match actor {
            Actor::Party { party_id, .. } => Some(*party_id),
            _ => None,
        },
        visible_to_other_parties: file.visible_to_other_parties,
        created_at: now,
    }
}

/// Writes an evidence row with its history entry, in the caller's transaction.
pub async fn write_row(
    conn: &mut AsyncPgConnection,
    state: &CaseState,
    actor: &Actor,
    row: &EvidenceRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The history first: it locks the case row (FOR UPDATE) before the evidence row's foreign
    // key takes a share lock on it. In the other order two concurrent uploads to one case each
    // held the share lock and waited for the other: a deadlock (the SIGTERM drill found it,
    // benchmarks.md).
    db::events::note(
        conn,
        (state.county_id, state.id),
        "evidence_added",
        json!({"evidence_id": row.id, "sha256": row.sha256, "size": row.size, "content_type": row.content_type, "filename": row.filename}),
        actor,
        now,
    )
    .await?;
    db::evidence::insert(conn, row).await?;
    Ok(())
}

/// The `Idempotency-Key` of an upload and whose it is.
pub struct UploadKey<'a> {
    pub user_id: Uuid,
    pub key: &'a str,
}

/// What an upload recorded: the item, and whether it was recorded by an earlier request with
/// the same key (this one then stored nothing).
pub struct Recorded {
    pub item: EvidenceView,
    pub replayed: bool,
}

/// Moves the received file into the store and records it, with a history event carrying its
/// hash. With a key, a repeat of the same upload to the same case returns the first item.
pub async fn record(
    conn: &mut AsyncPgConnection,
    store: &Store,
    (state, actor): (&CaseState, &Actor),
    mut received: Received,
    key: Option<UploadKey<'_>>,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    let temp = received
        .temp
        .path()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("upload has no file")))?;
    let row = evidence_row(
        state,
        actor,
        Stored {
            sha256: received.sha256,
            size: i64::try_from(received.size).unwrap_or(i64::MAX),
            content_type: received.content_type.to_owned(),
            filename: received.filename,
            description: received.description,
            visible_to_other_parties: received.visible_to_other_parties,
        },
        now,
    );
    let fingerprint = format!("evidence:{}:{}", state.id, row.sha256);
    let recorded = conn
        .transaction::<Option<Uuid>, AppError, _>(async |conn| {
            if let Some(k) = &key
                && let Some(earlier) =
                    db::idempotency::claim(conn, k.user_id, k.key, &fingerprint).await?
            {
                if earlier.request_hash != fingerprint {
                    return Err(AppError::Unprocessable(
                        "This Idempotency-Key was already used for another request.".into(),
                    ));
                }
                return earlier.evidence_id.map(Some).ok_or_else(|| {
                    AppError::conflict("The first upload with this key is still in progress.")
                });
            }
            write_row(conn, state, actor, &row, now).await?;
            if let Some(k) = &key {
                db::idempotency::settle_evidence(conn, k.user_id, k.key, (state.id, row.id))
                    .await?;
            }
            // The file goes into place last, inside the transaction: a row never exists without
            // its file, and a failure before COMMIT is undone below.
            store
                .commit(&temp, &row.sha256)
                .await
                .map_err(AppError::internal)?;
            Ok(None)
        })
        .await;
    // From here the temporary file is gone (moved into place or dropped as a duplicate), or,
    // for a repeated upload, removed here.
    received.temp.disarm();
    match recorded {
        Err(e) => {
            let _ = tokio::fs::remove_file(&temp).await;
            forget_unrecorded(conn, store, &row.sha256).await;
            Err(e)
        }
        Ok(Some(earlier)) => {
            let _ = tokio::fs::remove_file(&temp).await;
            let first = db::evidence::by_id(conn, earlier).await?.ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("a settled key's item is gone"))
            })?;
            Ok(Recorded {
                item: first.into(),
                replayed: true,
            })
        }
        Ok(None) => {
            tracing::info!(case_id = %state.id, evidence_id = %row.id, size = row.size, "evidence added");
            Ok(Recorded {
                item: row.into(),
                replayed: false,
            })
        }
    }
}

/// After a failed recording: removes the stored file unless a recorded upload shares it, so no
/// file is left without its row. Best effort: a failure here only leaves an unreachable file.
async fn forget_unrecorded(conn: &mut AsyncPgConnection, store: &Store, sha256: &str) {
    let in_use = db::evidence::uses_of(conn, sha256).await;
    if matches!(in_use, Ok(0)) {
        let _ = tokio::fs::remove_file(store.path_of(sha256)).await;
    }
}

/// The evidence of a case the caller may see.
pub async fn list(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
) -> Result<Vec<EvidenceView>, AppError> {
    let record = super::open(conn, principal, case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let rows = db::evidence::of_case(conn, state.county_id, state.id).await?;
    shown(principal, &state, rows)
}

/// What of a case's evidence items the caller may see.
pub fn shown(
    principal: &Principal,
    state: &CaseState,
    rows: Vec<EvidenceRow>,
) -> Result<Vec<EvidenceView>, AppError> {
    let reader = reader_of(principal, state).ok_or(AppError::NotFound)?;
    Ok(rows
        .into_iter()
        .filter(|e| may_see_evidence(reader, e.uploader_party_id, e.visible_to_other_parties))
        .map(EvidenceView::from)
        .collect())
}

/// An evidence item for download, through the gate, after its stored hash was checked.
pub async fn fetch(
    conn: &mut AsyncPgConnection,
    store: &Store,
    principal: &Principal,
    id: Uuid,
) -> Result<EvidenceRow, AppError> {
    let row = db::evidence::by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = super::open(conn, principal, row.case_id).await?;
    let state = record.state().map_err(AppError::internal)?;
    let reader = reader_of(principal, &state).ok_or(AppError::NotFound)?;
    if !may_see_evidence(reader, row.uploader_party_id, row.visible_to_other_parties) {
        return Err(AppError::NotFound);
    }
    let actual = store.hash_of(&row.sha256).await.map_err(|e| {
        tracing::error!(evidence_id = %row.id, error = %e, "evidence file missing from the store");
        AppError::Integrity
    })?;
    if actual != row.sha256 {
        tracing::error!(evidence_id = %row.id, "evidence file does not match its recorded hash");
        return Err(AppError::Integrity);
    }
    super::access_log::record(
        conn,
        principal,
        &state,
        super::access_log::Opened::Evidence(row.id),
        chrono::Utc::now(),
    )
    .await?;
    Ok(row)
}
