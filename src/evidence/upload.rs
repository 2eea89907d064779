//! Receiving an upload: the multipart body is streamed to a temporary file while its SHA-256 and
//! size are computed and its type is sniffed from the first bytes. Nothing is held whole in
//! memory, limits are enforced while streaming, and the temporary file is removed on any error.

use std::path::PathBuf;

use actix_multipart::Multipart;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::sniff::{HEAD, sniff};
use super::store::Store;
use crate::error::AppError;

pub struct Limits {
    /// The most this one file may be (the per-file limit, or what is left of the case's).
    pub file_bytes: u64,
    /// Why `file_bytes` is what it is, for the message.
    pub file_limit_reason: String,
    pub max_parts: usize,
}

/// A finished upload waiting in the temporary folder.
pub struct Received {
    pub temp: TempFile,
    pub sha256: String,
    pub size: u64,
    pub content_type: &'static str,
    pub filename: String,
    pub description: Option<String>,
    pub visible_to_other_parties: bool,
}

/// A temporary file that removes itself unless it was moved into the store.
pub struct TempFile(Option<PathBuf>);

impl TempFile {
    pub fn path(&self) -> Option<&PathBuf> {
        self.0.as_ref()
    }

    pub fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// After refusing a body, read (and discard) at most this much more so that the client gets the
/// answer instead of a reset connection.
const DRAIN_CAP: u64 = 64 * 1024 * 1024;
const TEXT_CAP: usize = 4096;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!(
        "The upload could not be read: {e}. Send multipart/form-data with a field named file."
    ))
}

/// The multipart body, remembering when it has ended or failed: polling it again after that
/// would panic inside actix-multipart.
struct Body {
    payload: Multipart,
    finished: bool,
}

impl Body {
    async fn next_field(&mut self) -> Result<Option<actix_multipart::Field>, AppError> {
        if self.finished {
            return Ok(None);
        }
        match self.payload.try_next().await {
            Ok(Some(field)) => Ok(Some(field)),
            Ok(None) => {
                self.finished = true;
                Ok(None)
            }
            Err(e) => {
                self.finished = true;
                Err(bad(e))
            }
        }
    }

    async fn drain(&mut self, mut budget: u64) {
        while let Ok(Some(mut field)) = self.next_field().await {
            loop {
                match field.try_next().await {
                    Ok(Some(chunk)) => {
                        budget = budget.saturating_sub(chunk.len() as u64);
                        if budget == 0 {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        self.finished = true;
                        return;
                    }
                }
            }
        }
    }
}

/// The next chunk of a field; a failed field ends the whole body.
async fn chunk(
    field: &mut actix_multipart::Field,
    finished: &mut bool,
) -> Result<Option<actix_web::web::Bytes>, AppError> {
    field.try_next().await.map_err(|e| {
        *finished = true;
        bad(e)
    })
}

async fn text_field(
    field: &mut actix_multipart::Field,
    name: &str,
    finished: &mut bool,
) -> Result<String, AppError> {
    let mut buf = Vec::new();
    while let Some(chunk) = chunk(field, finished).await? {
        buf.extend_from_slice(&chunk);
        if buf.len() > TEXT_CAP {
            return Err(AppError::PayloadTooLarge(format!(
                "The field {name} is too long."
            )));
        }
    }
    String::from_utf8(buf)
        .map_err(|_| AppError::BadRequest(format!("The field {name} is not UTF-8 text.")))
}

async fn file_field(
    field: &mut actix_multipart::Field,
    store: &Store,
    limits: &Limits,
    finished: &mut bool,
) -> Result<(TempFile, String, u64, &'static str), AppError> {
    let path = store.temp_path();
    let mut out = tokio::fs::File::create(&path)
        .await
        .map_err(AppError::internal)?;
    let temp = TempFile(Some(path));
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(HEAD);
    let mut kind: Option<&'static str> = None;
    while let Some(chunk) = chunk(field, finished).await? {
        size += chunk.len() as u64;
        if size > limits.file_bytes {
            return Err(AppError::PayloadTooLarge(limits.file_limit_reason.clone()));
        }
        if kind.is_none() {
            head.extend(chunk.iter().take(HEAD - head.len().min(HEAD)));
            if head.len() >= HEAD {
                kind = Some(sniff(&head).ok_or_else(unsupported)?);
            }
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(AppError::internal)?;
    }
    let kind = match kind {
        Some(k) => k,
        None => sniff(&head).ok_or_else(unsupported)?,
    };
    if size == 0 {
        return Err(AppError::Unprocessable("The file is empty.".into()));
    }
    out.flush().await.map_err(AppError::internal)?;
    out.sync_all().await.map_err(AppError::internal)?;
    Ok((temp, hex::encode(hasher.finalize()), size, kind))
}

fn unsupported() -> AppError {
    AppError::UnsupportedMediaType(
        "This kind of file is not accepted. Send a photo (JPEG, PNG, WebP, HEIC), a PDF, a recording (MP3, M4A, AMR) or a video (MP4).".into(),
    )
}

/// Reads the whole multipart body; on any refusal the rest of the body is drained (up to a cap)
/// so that the client receives the answer.
pub async fn receive(
    payload: Multipart,
    store: &Store,
    limits: &Limits,
) -> Result<Received, AppError> {
    let mut body = Body {
        payload,
        finished: false,
    };
    let result = read_fields(&mut body, store, limits).await;
    if result.is_err() {
        body.drain(DRAIN_CAP).await;
    }
    result
}

async fn read_fields(
    body: &mut Body,
    store: &Store,
    limits: &Limits,
) -> Result<Received, AppError> {
    let mut file = None;
    let mut description = None;
    let mut visible = true;
    let mut parts = 0;
    while let Some(mut field) = body.next_field().await? {
        parts += 1;
        if parts > limits.max_parts {
            return Err(AppError::PayloadTooLarge(format!(
                "At most {} parts are accepted in one upload.",
                limits.max_parts
            )));
        }
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_none() => {
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .map(|f| {
                        f.chars()
                            .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                            .take(200)
                            .collect::<String>()
                    })
                    .filter(|f| !f.trim().is_empty())
                    .unwrap_or_else(|| "evidence".to_owned());
                let (temp, sha, size, kind) =
                    file_field(&mut field, store, limits, &mut body.finished).await?;
                file = Some((temp, sha, size, kind, filename));
            }
            "file" => return Err(AppError::BadRequest("Send one file per upload.".into())),
            "description" => {
                let text = text_field(&mut field, "description", &mut body.finished).await?;
                if text.chars().any(crate::domain::is_refused_char) {
                    return Err(AppError::Unprocessable(
                        "The description may not contain control characters.".into(),
                    ));
                }
                if text.chars().count() > 1000 {
                    return Err(AppError::Unprocessable(
                        "The description is too long (at most 1000 characters).".into(),
                    ));
                }
                description = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
            }
            "visible_to_other_parties" => {
                visible =
                    match text_field(&mut field, "visible_to_other_parties", &mut body.finished)
                        .await?
                        .trim()
                    {
                        "true" | "on" | "1" | "yes" => true,
                        "false" | "off" | "0" | "no" => false,
                        other => {
                            return Err(AppError::BadRequest(format!(
                                "visible_to_other_parties must be true or false, not {other:?}."
                            )));
                        }
                    };
            }
            other => {
                return Err(AppError::BadRequest(format!(
                    "Unknown field {other:?}: send file, description and visible_to_other_parties."
                )));
            }
        }
    }
    let (temp, sha256, size, content_type, filename) =
        file.ok_or_else(|| AppError::BadRequest("The upload has no field named file.".into()))?;
    Ok(Received {
        temp,
        sha256,
        size,
        content_type,
        filename,
        description,
        visible_to_other_parties: visible,
    })
}
