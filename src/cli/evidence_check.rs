//! `fengqiao verify-evidence`: every file an evidence row points at is in the store and still
//! hashes to the row's SHA-256 (after a restore, a disk fault or a copy between machines).

use diesel_async::AsyncPgConnection;

use crate::db;
use crate::evidence::Store;

/// Files checked, and one line per file missing or changed.
pub async fn verify_all(
    conn: &mut AsyncPgConnection,
    store: &Store,
) -> anyhow::Result<(usize, Vec<String>)> {
    let mut checked = 0;
    let mut broken = Vec::new();
    let mut after = String::new();
    loop {
        let page = db::evidence::hashes_after(conn, &after, 1000).await?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.clone();
        for (sha256, size) in &page {
            checked += 1;
            match store.hash_of(sha256).await {
                Ok(actual) if actual == *sha256 => {}
                Ok(actual) => broken.push(format!(
                    "{sha256}: the stored file now hashes to {actual} ({size} bytes recorded)"
                )),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    broken.push(format!("{sha256}: missing from the store"));
                }
                Err(e) => broken.push(format!("{sha256}: cannot be read: {e}")),
            }
        }
    }
    Ok((checked, broken))
}
