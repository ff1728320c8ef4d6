//! Restoring an archive into an empty database in one transaction, streamed: rows are
//! inserted as the archive is read, files are staged beside the blob folder, and only when
//! every part has matched the manifest and every organisation's audit chain verifies is the
//! transaction committed and the files moved into place. Anything wrong leaves the database
//! and the blob folder as they were.

use std::path::{Path, PathBuf};

use aims_domain::audit::ChainVerifier;

use super::reading::{Item, read_items};
use super::{TABLES, check_coverage, check_empty, insert_table_rows, schema_version};
use crate::connect::Store;
use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// What a restore loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub rows: u64,
    pub blobs: usize,
    /// Organisations whose audit chain was verified before the restore was committed.
    pub chains_verified: usize,
    /// Audit events verified across those chains.
    pub events_verified: u64,
}

/// Items in flight between the reading thread and the loader: bounds what a restore holds.
const ITEMS_IN_FLIGHT: usize = 4;

fn backup_error(message: impl Into<String>) -> StoreError {
    StoreError::Backup(message.into())
}

impl Store {
    /// Restores the archive at `archive` into this database, which must be migrated and
    /// empty, and its files into `blob_dir`. All or nothing.
    pub async fn restore_archive(&self, archive: &Path, blob_dir: &Path) -> Result<Restored> {
        let staging = blob_dir
            .parent()
            .unwrap_or(blob_dir)
            .join(format!(".restore-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&staging)
            .map_err(|e| backup_error(format!("creating {}: {e}", staging.display())))?;
        let restored = self.restore_staged(archive, blob_dir, &staging).await;
        let _ = std::fs::remove_dir_all(&staging);
        restored
    }

    async fn restore_staged(
        &self,
        archive: &Path,
        blob_dir: &Path,
        staging: &Path,
    ) -> Result<Restored> {
        let mut tx = self.write().await?;
        check_coverage(&mut tx).await?;
        check_empty(&mut tx).await?;
        let (send, mut receive) = tokio::sync::mpsc::channel(ITEMS_IN_FLIGHT);
        let reading = {
            let (archive, staging) = (archive.to_path_buf(), staging.to_path_buf());
            tokio::task::spawn_blocking(move || {
                read_items(&archive, &staging, |item| {
                    // The loader has stopped (it found a fault): stop reading too.
                    send.blocking_send(item)
                        .map_err(|_| backup_error("the restore stopped"))
                })
            })
        };
        let mut loader = Loader::default();
        let mut loaded = Ok(());
        while let Some(item) = receive.recv().await {
            loaded = loader.take(&mut tx, item, blob_dir).await;
            if loaded.is_err() {
                break;
            }
        }
        drop(receive);
        let read = reading
            .await
            .map_err(|e| backup_error(format!("reading the archive: {e}")))?;
        // The loader's fault comes first: the reader's is only that it was stopped.
        loaded?;
        read?;
        if let Some(missing) = TABLES.iter().find(|t| !loader.seen.iter().any(|s| s == *t)) {
            return Err(backup_error(format!(
                "the archive has no part for table {missing}"
            )));
        }
        let (chains_verified, events_verified) = verify_chains(&mut tx).await?;
        tx.commit().await?;
        for (name, staged) in &loader.blobs {
            put_in_place(blob_dir, name, staged)?;
        }
        Ok(Restored {
            rows: loader.rows,
            blobs: loader.blobs.len(),
            chains_verified,
            events_verified,
        })
    }
}

/// What the loader has taken so far.
#[derive(Default)]
struct Loader {
    /// Tables begun, in order.
    seen: Vec<String>,
    columns: Vec<(String, super::ColumnKind)>,
    rows: u64,
    blobs: Vec<(String, PathBuf)>,
}

impl Loader {
    async fn take(&mut self, tx: &mut Tx, item: Item, blob_dir: &Path) -> Result<()> {
        match item {
            Item::Manifest {
                schema_version: archived,
            } => {
                if archived != schema_version() {
                    return Err(backup_error(format!(
                        "the archive is at schema version {archived}, this build at {}: restore \
                         it with the aims release that wrote it, then upgrade",
                        schema_version()
                    )));
                }
            }
            Item::Table(header) => {
                if !TABLES.contains(&header.table.as_str()) {
                    return Err(backup_error(format!(
                        "the archive holds an unknown table {}",
                        header.table
                    )));
                }
                if self.seen.contains(&header.table) {
                    return Err(backup_error(format!(
                        "the archive holds table {} twice",
                        header.table
                    )));
                }
                super::check_columns(tx, &header.table, &header.columns).await?;
                self.columns = header.columns;
                self.seen.push(header.table);
            }
            Item::Rows { first_row, rows } => {
                let table = self
                    .seen
                    .last()
                    .ok_or_else(|| backup_error("rows before any table"))?;
                self.rows += insert_table_rows(tx, table, &self.columns, &rows, first_row).await?;
            }
            Item::Blob { name, staged } => {
                let target = blob_dir.join(&name);
                if target.exists() && !same_content(&target, &staged)? {
                    return Err(backup_error(format!(
                        "blob {name} exists in {} with other content",
                        blob_dir.display()
                    )));
                }
                self.blobs.push((name, staged));
            }
        }
        Ok(())
    }
}

fn same_content(a: &Path, b: &Path) -> Result<bool> {
    use sha2::{Digest, Sha256};
    let digest = |path: &Path| -> Result<Vec<u8>> {
        let mut file = std::fs::File::open(path)
            .map_err(|e| backup_error(format!("reading {}: {e}", path.display())))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = std::io::Read::read(&mut file, &mut buffer)
                .map_err(|e| backup_error(format!("reading {}: {e}", path.display())))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        Ok(hasher.finalize().to_vec())
    };
    Ok(digest(a)? == digest(b)?)
}

fn put_in_place(blob_dir: &Path, name: &str, staged: &Path) -> Result<()> {
    let target = blob_dir.join(name);
    if target.exists() {
        return Ok(());
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| backup_error(format!("creating {}: {e}", parent.display())))?;
    }
    std::fs::rename(staged, &target)
        .map_err(|e| backup_error(format!("moving blob {name} into place: {e}")))
}

/// Walks every organisation's audit chain as loaded; fails naming the first that breaks.
async fn verify_chains(tx: &mut Tx) -> Result<(usize, u64)> {
    const PAGE: i64 = 1000;
    let orgs = tx.all_orgs().await?;
    let mut events = 0;
    for org in &orgs {
        let mut verifier = ChainVerifier::new(org.id);
        let mut after = 0;
        loop {
            let page = tx.audit_chain_page(org.id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for event in &page {
                verifier.check(event).map_err(|broken| {
                    backup_error(format!(
                        "the audit trail of organisation {} ({}) in the archive is broken: \
                         {broken}; nothing was restored",
                        org.name, org.id
                    ))
                })?;
            }
        }
        events += verifier.checked();
    }
    Ok((orgs.len(), events))
}
