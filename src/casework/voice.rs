//! 说不清楚？录一段语音: someone who cannot type records what happened on the first filing
//! screen. The recording is kept by the filing's key (the case does not exist yet) and, once
//! the case is filed, becomes its first evidence, recorded in the history with its hash, so
//! the mediator plays it on the case page.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::attach::{Stored, evidence_row, prepare_upload, write_row};
use crate::auth::Principal;
use crate::db;
use crate::db::recordings::Recording;
use crate::error::AppError;
use crate::evidence::Store;
use crate::evidence::upload::Received;

/// A filing's key as the screens carry it: 24 lowercase hex digits.
pub fn valid_key(key: &str) -> bool {
    key.len() == 24
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Recordings one client address may send in a day before filing: a visitor has no account to
/// hold to account, so this bounds what one can put on the disk (the files of recordings never
/// filed go after a day).
pub const RECORDINGS_PER_ADDRESS_DAY: i64 = 10;

/// Counts a recording from `address` against the day's limit, or says how long to wait. Counted
/// before the file is read, in PostgreSQL, so it holds across nodes.
pub async fn may_record(
    conn: &mut AsyncPgConnection,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let limit = [db::sign_in::Limit {
        key: format!("voice-address:{address}"),
        max: RECORDINGS_PER_ADDRESS_DAY,
        window: chrono::Duration::days(1),
    }];
    conn.transaction::<(), AppError, _>(async |conn| {
        match db::sign_in::take(conn, &limit, now).await? {
            Ok(()) => Ok(()),
            Err(wait) => Err(AppError::TooManyRequests {
                retry_after_secs: u64::try_from(wait).unwrap_or(60),
            }),
        }
    })
    .await
}

/// Keeps a recording for the filing `key`; refuses anything that is not audio.
pub async fn keep(
    conn: &mut AsyncPgConnection,
    store: &Store,
    key: &str,
    mut received: Received,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if !valid_key(key) {
        return Err(AppError::BadRequest(
            "The filing's key is missing or malformed.".into(),
        ));
    }
    if !received.content_type.starts_with("audio/") {
        return Err(AppError::UnsupportedMediaType(
            "Send a recording (MP3, M4A or AMR) here.".into(),
        ));
    }
    let temp = received
        .temp
        .path()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("upload has no file")))?;
    store
        .commit(&temp, &received.sha256)
        .await
        .map_err(AppError::internal)?;
    received.temp.disarm();
    let size = i64::try_from(received.size).unwrap_or(i64::MAX);
    let sha = received.sha256.clone();
    let before = db::recordings::of_key(conn, key).await?;
    db::recordings::put(
        conn,
        &Recording {
            key: key.to_owned(),
            sha256: received.sha256,
            size,
            content_type: received.content_type.to_owned(),
            filename: received.filename,
            created_at: now,
        },
    )
    .await?;
    // A new recording replaces the one before: its file goes unless something else holds it.
    if let Some(old) = before.filter(|o| o.sha256 != sha) {
        let used = db::evidence::uses_of(conn, &old.sha256).await?
            + db::recordings::uses_of(conn, &old.sha256).await?;
        if used == 0 {
            let _ = tokio::fs::remove_file(store.path_of(&old.sha256)).await;
        }
    }
    Ok(size)
}

/// The size of the filing's recording, if one was made.
pub async fn recorded(conn: &mut AsyncPgConnection, key: &str) -> Result<Option<i64>, AppError> {
    if !valid_key(key) {
        return Ok(None);
    }
    Ok(db::recordings::of_key(conn, key).await?.map(|r| r.size))
}

/// After filing: the recording becomes the case's evidence, from the filer.
pub async fn attach_to(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    case_id: Uuid,
    key: &str,
    case_limit: u64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !valid_key(key) {
        return Ok(());
    }
    let (state, actor, _) = prepare_upload(conn, principal, case_id, case_limit).await?;
    conn.transaction::<(), AppError, _>(async |conn| {
        let Some(r) = db::recordings::take(conn, key).await? else {
            return Ok(());
        };
        let row = evidence_row(
            &state,
            &actor,
            Stored {
                sha256: r.sha256,
                size: r.size,
                content_type: r.content_type,
                filename: r.filename,
                description: Some("申请时录的语音说明".to_owned()),
                visible_to_other_parties: true,
            },
            now,
        );
        write_row(conn, &state, &actor, &row, now).await?;
        Ok(())
    })
    .await
}
