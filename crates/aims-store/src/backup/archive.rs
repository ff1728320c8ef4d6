//! The archive file: a gzip-compressed tar holding `manifest.json`, one JSON Lines part per
//! table (a header line, then one line per row) and the blobs, each part listed in the
//! manifest with its SHA-256 so that a damaged archive is refused before anything is loaded.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::reading::Item;
use super::{Dump, FORMAT_VERSION, TableDump};
use crate::error::{Result, StoreError};

/// The first part of an archive: what it holds, with each part's size and SHA-256.
#[derive(Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: String,
    pub format_version: i64,
    pub schema_version: i64,
    pub aims_version: String,
    pub parts: Vec<Part>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Part {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The first line of a table part.
#[derive(Serialize, Deserialize)]
pub struct TableHeader {
    pub table: String,
    pub columns: Vec<(String, super::ColumnKind)>,
    pub rows: usize,
}

pub(crate) const FORMAT: &str = "aims-backup";

/// A stored file: its path below the blob folder, and its content.
pub type Blob = (String, Vec<u8>);

/// The lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn io_error(context: &str) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Backup(format!("{context}: {e}"))
}

/// Every file below `dir`, with its path relative to `dir` (`/`-separated), sorted.
fn blob_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).map_err(io_error("reading the blob folder"))? {
            let path = entry.map_err(io_error("reading the blob folder"))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((name, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes `dump` and the files below `blobs` to a new archive at `out`, atomically: the file
/// appears complete or not at all. Returns the manifest's text.
pub fn write_archive(dump: &Dump, blobs: Option<&Path>, out: &Path) -> Result<String> {
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for table in &dump.tables {
        let mut body = serde_json::to_vec(&TableHeader {
            table: table.table.clone(),
            columns: table.columns.clone(),
            rows: table.rows.len(),
        })
        .map_err(|e| StoreError::Backup(e.to_string()))?;
        body.push(b'\n');
        for row in &table.rows {
            serde_json::to_writer(&mut body, row).map_err(|e| StoreError::Backup(e.to_string()))?;
            body.push(b'\n');
        }
        parts.push((format!("tables/{}.jsonl", table.table), body));
    }
    if let Some(dir) = blobs.filter(|d| d.is_dir()) {
        for (name, path) in blob_files(dir)? {
            let bytes = std::fs::read(&path).map_err(io_error("reading a blob"))?;
            parts.push((format!("blobs/{name}"), bytes));
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: dump.schema_version,
        aims_version: env!("CARGO_PKG_VERSION").into(),
        parts: parts
            .iter()
            .map(|(path, bytes)| Part {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
    };
    let manifest_text =
        serde_json::to_string_pretty(&manifest).map_err(|e| StoreError::Backup(e.to_string()))?;

    let partial = out.with_extension("partial");
    let file = File::create(&partial).map_err(io_error("creating the archive"))?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    let mut append = |path: &str, bytes: &[u8]| -> Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, path, bytes)
            .map_err(io_error("writing the archive"))
    };
    append("manifest.json", manifest_text.as_bytes())?;
    for (path, bytes) in &parts {
        append(path, bytes)?;
    }
    let mut gz = tar.into_inner().map_err(io_error("writing the archive"))?;
    gz.flush().map_err(io_error("writing the archive"))?;
    gz.finish()
        .map_err(io_error("writing the archive"))?
        .sync_all()
        .map_err(io_error("writing the archive"))?;
    std::fs::rename(&partial, out).map_err(io_error("moving the archive into place"))?;
    Ok(manifest_text)
}

/// Reads and checks a whole archive into memory: its format, every part's size and SHA-256,
/// every row. Returns the tables and the blobs (path below the blob folder, content). For
/// tests and small archives; a restore streams with [`super::reading::read_items`].
pub fn read_archive(path: &Path) -> Result<(Dump, Vec<Blob>)> {
    let staging = std::env::temp_dir().join(format!("aims-read-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&staging).map_err(io_error("creating a staging folder"))?;
    let mut dump = Dump {
        schema_version: 0,
        tables: Vec::new(),
    };
    let mut blobs = Vec::new();
    let read = super::reading::read_items(path, &staging, |item| {
        match item {
            Item::Manifest { schema_version } => dump.schema_version = schema_version,
            Item::Table(header) => dump.tables.push(TableDump {
                table: header.table,
                columns: header.columns,
                rows: Vec::new(),
            }),
            Item::Rows { rows, .. } => {
                if let Some(table) = dump.tables.last_mut() {
                    table.rows.extend(rows);
                }
            }
            Item::Blob { name, staged } => {
                let bytes = std::fs::read(&staged).map_err(io_error("reading a staged blob"))?;
                blobs.push((name, bytes));
            }
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&staging);
    read?;
    Ok((dump, blobs))
}
