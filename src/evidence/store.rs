//! The content-addressed evidence store under `DATA_DIR/evidence` (never served directly):
//! files are named by their SHA-256, so identical content is stored once. Uploads stream into
//! `DATA_DIR/evidence-tmp` first and are renamed into place only when complete.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

/// A temporary file not written to for this long belongs to no upload: a request streaming a
/// file writes to it continuously, and the proxy ends a body that stalls for five minutes
/// (`client_body_timeout` in deploy/nginx.conf).
pub const LEFT_BEHIND_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

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

    /// Creates the folders and removes temporary files a crash may have left behind: those not
    /// written to for `LEFT_BEHIND_AFTER`. The folder is shared by every node of a deployment,
    /// so a file written to more recently may be another node's upload in progress (a node
    /// restarted during a rolling upgrade removed those, and the uploads failed).
    pub async fn prepare(&self) -> std::io::Result<usize> {
        tokio::fs::create_dir_all(&self.root).await?;
        tokio::fs::create_dir_all(&self.tmp).await?;
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(&self.tmp).await?;
        while let Some(entry) = entries.next_entry().await? {
            let idle = entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| at.elapsed().ok());
            if idle.is_some_and(|idle| idle >= LEFT_BEHIND_AFTER)
                && tokio::fs::remove_file(entry.path()).await.is_ok()
            {
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

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_restart_removes_what_was_left_behind_but_not_an_upload_in_progress() {
        let dir = std::env::temp_dir().join(format!("fq-store-{}", uuid::Uuid::new_v4()));
        let store = Store::new(&dir);
        store.prepare().await.unwrap();
        let left = store.temp_path();
        let writing = store.temp_path();
        std::fs::write(&left, b"a crash left this").unwrap();
        std::fs::write(&writing, b"another node is writing this").unwrap();
        let long_ago = std::time::SystemTime::now() - LEFT_BEHIND_AFTER * 2;
        std::fs::File::options()
            .write(true)
            .open(&left)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        assert_eq!(store.prepare().await.unwrap(), 1);
        assert!(!left.exists());
        assert!(writing.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
