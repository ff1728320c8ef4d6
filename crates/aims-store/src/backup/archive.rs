//! The archive file: a gzip-compressed tar holding `manifest.json`, one JSON Lines part per
//! table (a header line, then one line per row) and the blobs, each part listed in the
//! manifest with its SHA-256 so that a damaged archive is refused before anything is loaded.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Dump, FORMAT_VERSION, TableDump, Value};
use crate::error::{Result, StoreError};

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    format_version: i64,
    schema_version: i64,
    aims_version: String,
    parts: Vec<Part>,
}

#[derive(Serialize, Deserialize)]
struct Part {
    path: String,
    sha256: String,
    bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct TableHeader {
    table: String,
    columns: Vec<(String, super::ColumnKind)>,
    rows: usize,
}

const FORMAT: &str = "aims-backup";

/// A stored file: its path below the blob folder, and its content.
pub type Blob = (String, Vec<u8>);

fn sha256_hex(bytes: &[u8]) -> String {
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

/// Reads and checks an archive: its format, every part's SHA-256, every row.
/// Returns the tables and the blobs (path below the blob folder, content).
pub fn read_archive(path: &Path) -> Result<(Dump, Vec<Blob>)> {
    let file = File::open(path).map_err(io_error("opening the archive"))?;
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in tar.entries().map_err(io_error("reading the archive"))? {
        let mut entry = entry.map_err(io_error("reading the archive"))?;
        let name = entry
            .path()
            .map_err(io_error("reading the archive"))?
            .to_string_lossy()
            .into_owned();
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(io_error("reading the archive"))?;
        files.insert(name, bytes);
    }
    let manifest: Manifest = files
        .get("manifest.json")
        .ok_or_else(|| StoreError::Backup("not an aims backup: manifest.json is missing".into()))
        .and_then(|m| {
            serde_json::from_slice(m).map_err(|e| StoreError::Backup(format!("manifest.json: {e}")))
        })?;
    if manifest.format != FORMAT || manifest.format_version != FORMAT_VERSION {
        return Err(StoreError::Backup(format!(
            "unsupported archive: {} version {} (this build reads {FORMAT} version {FORMAT_VERSION})",
            manifest.format, manifest.format_version
        )));
    }
    let mut tables = Vec::new();
    let mut blobs = Vec::new();
    for part in &manifest.parts {
        let bytes = files.get(&part.path).ok_or_else(|| {
            StoreError::Backup(format!("part {} is missing from the archive", part.path))
        })?;
        if sha256_hex(bytes) != part.sha256 {
            return Err(StoreError::Backup(format!(
                "part {} is damaged: its SHA-256 does not match the manifest",
                part.path
            )));
        }
        if let Some(name) = part.path.strip_prefix("blobs/") {
            if name
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
            {
                return Err(StoreError::Backup(format!(
                    "part {} has an unsafe path",
                    part.path
                )));
            }
            blobs.push((name.to_owned(), bytes.clone()));
        } else if part.path.starts_with("tables/") {
            tables.push(parse_table(&part.path, bytes)?);
        }
    }
    Ok((
        Dump {
            schema_version: manifest.schema_version,
            tables,
        },
        blobs,
    ))
}

fn parse_table(path: &str, bytes: &[u8]) -> Result<TableDump> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| StoreError::Backup(format!("{path}: {e}")))?;
    let mut lines = text.lines();
    let header: TableHeader = lines
        .next()
        .ok_or_else(|| StoreError::Backup(format!("{path} is empty")))
        .and_then(|l| {
            serde_json::from_str(l).map_err(|e| StoreError::Backup(format!("{path} line 1: {e}")))
        })?;
    let rows = lines
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str::<Vec<Value>>(line)
                .map_err(|e| StoreError::Backup(format!("{path} line {}: {e}", i + 2)))
        })
        .collect::<Result<Vec<_>>>()?;
    if rows.len() != header.rows {
        return Err(StoreError::Backup(format!(
            "{path}: {} rows, the header says {}",
            rows.len(),
            header.rows
        )));
    }
    Ok(TableDump {
        table: header.table,
        columns: header.columns,
        rows,
    })
}
