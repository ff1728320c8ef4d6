//! The blob store: evidence files on disk under the data directory, each named by the SHA-256
//! of its bytes (`ab/cdef…`, the layout backups carry), written once and checked on every read.
//!
//! A file is stored before the transaction that records its evidence, which may then fail:
//! such files, and halves of files a crash interrupted, are swept later ([`BlobStore::sweep`]).
//! A sweep only removes what is older than its cut-off, and storing bytes that are already
//! there renews the file's time, so that a file a transaction is about to reference is never
//! swept from under it.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};

/// A folder of content-addressed files.
#[derive(Clone, Debug)]
pub struct BlobStore {
    dir: PathBuf,
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl BlobStore {
    /// A store over `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn path_of(dir: &Path, sha: &str) -> PathBuf {
        dir.join(&sha[..2]).join(&sha[2..])
    }

    /// Stores `bytes` and returns their SHA-256; the same bytes are stored once.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<String> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || -> Result<String> {
            let sha = sha256_hex(&bytes);
            let path = Self::path_of(&dir, &sha);
            if path.exists() {
                // Renewed, so that a sweep running now keeps what a transaction may be about
                // to reference again.
                std::fs::File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(SystemTime::now()))
                    .map_err(|e| AppError::Internal(format!("renewing blob {sha}: {e}")))?;
                return Ok(sha);
            }
            let io =
                |e: std::io::Error| AppError::Internal(format!("writing to the blob store: {e}"));
            let parent = path.parent().unwrap_or(&dir);
            std::fs::create_dir_all(parent).map_err(io)?;
            // Written aside and renamed, so that a reader never sees half a file.
            let partial = parent.join(format!(
                ".{}.partial-{}",
                &sha[2..],
                uuid::Uuid::now_v7().simple()
            ));
            let mut file = std::fs::File::create(&partial).map_err(io)?;
            file.write_all(&bytes).map_err(io)?;
            file.sync_all().map_err(io)?;
            std::fs::rename(&partial, &path).map_err(io)?;
            Ok(sha)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blob store task: {e}")))?
    }

    /// Removes the files older than `cut_off` that `referenced` does not name (files no
    /// record holds, and partial writes); returns how many went.
    pub async fn sweep(&self, referenced: HashSet<String>, cut_off: SystemTime) -> Result<usize> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || -> Result<usize> {
            let io =
                |e: std::io::Error| AppError::Internal(format!("sweeping the blob store: {e}"));
            let shards = match std::fs::read_dir(&dir) {
                Ok(shards) => shards,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(io(e)),
            };
            let mut removed = 0;
            for shard in shards {
                let shard = shard.map_err(io)?;
                let prefix = shard.file_name().to_string_lossy().into_owned();
                if prefix.len() != 2 || !shard.file_type().map_err(io)?.is_dir() {
                    continue;
                }
                for file in std::fs::read_dir(shard.path()).map_err(io)? {
                    let file = file.map_err(io)?;
                    let name = format!("{prefix}{}", file.file_name().to_string_lossy());
                    let held = is_hash(&name) && referenced.contains(&name);
                    let modified = file.metadata().and_then(|m| m.modified()).map_err(io)?;
                    if !held && modified < cut_off {
                        std::fs::remove_file(file.path()).map_err(io)?;
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blob store task: {e}")))?
    }

    /// The bytes stored under `sha`, refused if they no longer match it.
    pub async fn get(&self, sha: &str) -> Result<Vec<u8>> {
        if !is_hash(sha) {
            return Err(AppError::Internal(format!("{sha:?} is not a blob name")));
        }
        let path = Self::path_of(&self.dir, sha);
        let sha = sha.to_owned();
        tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
            let bytes = std::fs::read(&path).map_err(|e| {
                AppError::Internal(format!("reading blob {sha} from the blob store: {e}"))
            })?;
            if sha256_hex(&bytes) != sha {
                return Err(AppError::Internal(format!(
                    "the stored file {sha} no longer matches its SHA-256: it was changed or damaged on disk"
                )));
            }
            Ok(bytes)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blob store task: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_are_stored_once_by_hash_and_checked_when_read() {
        let dir =
            std::env::temp_dir().join(format!("aims-blobs-{}", uuid::Uuid::now_v7().simple()));
        let store = BlobStore::new(&dir);
        let sha = store.put(b"evidence".to_vec()).await.unwrap();
        assert_eq!(sha, sha256_hex(b"evidence"));
        assert_eq!(store.put(b"evidence".to_vec()).await.unwrap(), sha);
        assert_eq!(store.get(&sha).await.unwrap(), b"evidence");
        std::fs::write(dir.join(&sha[..2]).join(&sha[2..]), b"tampered").unwrap();
        let err = store.get(&sha).await.unwrap_err().to_string();
        assert!(err.contains("no longer matches"), "{err}");
        assert!(store.get("../../etc/passwd").await.is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_sweep_removes_only_old_files_no_record_holds() {
        let dir =
            std::env::temp_dir().join(format!("aims-blobs-{}", uuid::Uuid::now_v7().simple()));
        let store = BlobStore::new(&dir);
        let held = store.put(b"held".to_vec()).await.unwrap();
        let orphan = store.put(b"orphan".to_vec()).await.unwrap();
        let partial = dir.join(&orphan[..2]).join(".partial-crashed");
        std::fs::write(&partial, b"half").unwrap();
        let referenced: HashSet<String> = [held.clone()].into();
        // Nothing is old enough yet: a transaction may still be about to record it.
        let before = SystemTime::now() - std::time::Duration::from_secs(3600);
        assert_eq!(store.sweep(referenced.clone(), before).await.unwrap(), 0);
        let later = SystemTime::now() + std::time::Duration::from_secs(1);
        assert_eq!(store.sweep(referenced.clone(), later).await.unwrap(), 2);
        assert_eq!(store.get(&held).await.unwrap(), b"held");
        assert!(store.get(&orphan).await.is_err());
        assert!(!partial.exists());
        // Storing bytes again renews their time, out of reach of a sweep with an older cut-off.
        let again = store.put(b"held".to_vec()).await.unwrap();
        let cut_off = SystemTime::now() - std::time::Duration::from_millis(1);
        std::thread::sleep(std::time::Duration::from_millis(5));
        let renewed = store.put(b"held".to_vec()).await.unwrap();
        assert_eq!(again, renewed);
        assert_eq!(store.sweep(HashSet::new(), cut_off).await.unwrap(), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
