//! The content-addressed evidence store under `DATA_DIR/evidence` (never served directly):
//! files are named by their SHA-256, so identical content is stored once. Uploads stream into
//! `DATA_DIR/evidence-tmp` first and are renamed into place only when complete.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
    tmp: PathBuf,
}

impl Store {
    pub fn new(data_dir: &Path) -> Store {
        Store {
            root: data_dir.join("evidence"),
            tmp: data_dir.join("evidence-tmp"),
        }
    }

    /// Creates the folders and removes temporary files a crash may have left behind.
    pub async fn prepare(&self) -> std::io::Result<usize> {
        tokio::fs::create_dir_all(&self.root).await?;
        tokio::fs::create_dir_all(&self.tmp).await?;
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(&self.tmp).await?;
        while let Some(entry) = entries.next_entry().await? {
            if tokio::fs::remove_file(entry.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    pub fn temp_path(&self) -> PathBuf {
        self.tmp.join(format!("{}.part", uuid::Uuid::new_v4()))
    }

    /// `ab/cd/abcd…` keeps directories small.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (a, b) = (
            sha256.get(0..2).unwrap_or("xx"),
            sha256.get(2..4).unwrap_or("xx"),
        );
        self.root.join(a).join(b).join(sha256)
    }

    /// Moves a finished temporary file into place (or drops it when the content is stored already).
    pub async fn commit(&self, temp: &Path, sha256: &str) -> std::io::Result<()> {
        let target = self.path_of(sha256);
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            tokio::fs::remove_file(temp).await?;
            return Ok(());
        }
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::rename(temp, &target).await
    }

    /// Recomputes the hash of a stored file, reading it in chunks.
    pub async fn hash_of(&self, sha256: &str) -> std::io::Result<String> {
        let mut file = tokio::fs::File::open(self.path_of(sha256)).await?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hex::encode(hasher.finalize()))
    }
}
