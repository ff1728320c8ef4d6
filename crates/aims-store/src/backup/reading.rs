//! Reading an archive as a stream, in bounded memory whatever it holds: each part is checked
//! against the manifest (present, listed once, of the listed size) before it is read, its
//! SHA-256 is computed as it goes by, table rows come out in small batches, and blobs go to
//! files. A crafted archive (a gzip bomb, a part larger than it says, a line without end) is
//! refused as soon as it breaks a rule, having used no more than the limits below.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use super::Value;
use super::archive::{FORMAT, Manifest, TableHeader};
use crate::error::{Result, StoreError};

/// Largest manifest read, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// Largest row (one line of a table part), in bytes: twice the largest document aims keeps
/// in a row (an imported framework of 8 MiB, which JSON escaping can double).
pub const MAX_ROW_BYTES: usize = 32 * 1024 * 1024;
/// Largest stored file, in bytes: far above any evidence file or red-team journal aims keeps.
pub const MAX_BLOB_BYTES: u64 = 1024 * 1024 * 1024;
/// Rows handed on together; a batch also ends once its rows hold this many bytes.
const BATCH_ROWS: usize = 500;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// What the reader finds, in the order of the archive.
pub enum Item {
    /// The manifest, first.
    Manifest { schema_version: i64 },
    /// A table part begins.
    Table(TableHeader),
    /// Rows of the table begun last, numbered from `first_row` (1-based).
    Rows {
        first_row: usize,
        rows: Vec<Vec<Value>>,
    },
    /// A stored file, written to `staged`, to live at `name` below the blob folder.
    Blob { name: String, staged: PathBuf },
}

fn backup_error(message: impl Into<String>) -> StoreError {
    StoreError::Backup(message.into())
}

fn io_error(context: &str) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Backup(format!("{context}: {e}"))
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn hex(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Reads the archive at `path`, handing each [`Item`] to `sink` as it is found; blobs are
/// staged below `staging`. Fails at the first part that is missing from the manifest,
/// repeated, of another size or content than listed, or malformed.
pub fn read_items(path: &Path, staging: &Path, sink: impl FnMut(Item) -> Result<()>) -> Result<()> {
    let file = File::open(path).map_err(io_error("opening the archive"))?;
    read_items_from(BufReader::new(file), staging, sink)
}

/// [`read_items`] over any reader of the archive's bytes (gzip-compressed tar).
pub fn read_items_from(
    archive: impl Read,
    staging: &Path,
    mut sink: impl FnMut(Item) -> Result<()>,
) -> Result<()> {
    let mut tar = tar::Archive::new(GzDecoder::new(archive));
    let mut entries = tar.entries().map_err(io_error("reading the archive"))?;
    let manifest = {
        let mut first = entries
            .next()
            .ok_or_else(|| backup_error("the archive is empty"))?
            .map_err(io_error("reading the archive"))?;
        let name = entry_name(&first)?;
        if name != "manifest.json" {
            return Err(backup_error(format!(
                "not an aims backup: it starts with {name}, not manifest.json"
            )));
        }
        if first.size() > MAX_MANIFEST_BYTES {
            return Err(backup_error(format!(
                "manifest.json is {} bytes, more than any aims backup's ({MAX_MANIFEST_BYTES})",
                first.size()
            )));
        }
        let mut text = Vec::new();
        (&mut first)
            .take(MAX_MANIFEST_BYTES)
            .read_to_end(&mut text)
            .map_err(io_error("reading manifest.json"))?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| backup_error(format!("manifest.json: {e}")))?;
        if manifest.format != FORMAT || manifest.format_version != super::FORMAT_VERSION {
            return Err(backup_error(format!(
                "unsupported archive: {} version {} (this build reads {FORMAT} version {})",
                manifest.format,
                manifest.format_version,
                super::FORMAT_VERSION
            )));
        }
        manifest
    };
    sink(Item::Manifest {
        schema_version: manifest.schema_version,
    })?;
    let mut expected: BTreeMap<&str, (&str, u64)> = BTreeMap::new();
    for part in &manifest.parts {
        if expected
            .insert(&part.path, (&part.sha256, part.bytes))
            .is_some()
        {
            return Err(backup_error(format!(
                "the manifest lists part {} twice",
                part.path
            )));
        }
    }
    for entry in entries {
        let entry = entry.map_err(io_error("reading the archive"))?;
        let name = entry_name(&entry)?;
        let (sha256, bytes) = expected.remove(name.as_str()).ok_or_else(|| {
            backup_error(format!(
                "part {name} is not in the manifest (or appears twice)"
            ))
        })?;
        if entry.size() != bytes {
            return Err(backup_error(format!(
                "part {name} is {} bytes, the manifest says {bytes}",
                entry.size()
            )));
        }
        let mut reader = Hashing::new(entry.take(bytes));
        if let Some(table) = name.strip_prefix("tables/") {
            read_table(&name, table, &mut reader, &mut sink)?;
        } else if let Some(blob) = name.strip_prefix("blobs/") {
            if bytes > MAX_BLOB_BYTES {
                return Err(backup_error(format!(
                    "part {name} is {bytes} bytes, more than a stored file may be ({MAX_BLOB_BYTES})"
                )));
            }
            let staged = stage_blob(&name, blob, staging, &mut reader)?;
            check_hash(&name, reader, sha256)?;
            sink(Item::Blob {
                name: blob.to_owned(),
                staged,
            })?;
            continue;
        } else {
            return Err(backup_error(format!("part {name} is of no known kind")));
        }
        check_hash(&name, reader, sha256)?;
    }
    if let Some(missing) = expected.keys().next() {
        return Err(backup_error(format!(
            "part {missing} is missing from the archive"
        )));
    }
    Ok(())
}

fn entry_name<R: Read>(entry: &tar::Entry<'_, R>) -> Result<String> {
    Ok(entry
        .path()
        .map_err(io_error("reading the archive"))?
        .to_string_lossy()
        .into_owned())
}

fn check_hash<R: Read>(name: &str, mut reader: Hashing<R>, sha256: &str) -> Result<()> {
    // Whatever the parser left unread still counts.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_error("reading the archive"))?;
    if reader.hex() != sha256 {
        return Err(backup_error(format!(
            "part {name} is damaged: its SHA-256 does not match the manifest"
        )));
    }
    Ok(())
}

/// Reads one table part: its header line, then its rows in batches.
fn read_table(
    name: &str,
    table: &str,
    reader: &mut impl Read,
    sink: &mut impl FnMut(Item) -> Result<()>,
) -> Result<()> {
    let mut lines = BufReader::new(reader);
    let mut line = Vec::new();
    if !next_line(name, &mut lines, &mut line, 1)? {
        return Err(backup_error(format!("{name} is empty")));
    }
    let header: TableHeader =
        serde_json::from_slice(&line).map_err(|e| backup_error(format!("{name} line 1: {e}")))?;
    if format!("{}.jsonl", header.table) != table {
        return Err(backup_error(format!(
            "{name} holds table {}, not the one its name says",
            header.table
        )));
    }
    let declared = header.rows;
    sink(Item::Table(header))?;
    let (mut batch, mut batch_bytes, mut first_row, mut count) = (Vec::new(), 0, 1, 0);
    while next_line(name, &mut lines, &mut line, count + 2)? {
        count += 1;
        if count > declared {
            return Err(backup_error(format!(
                "{name}: more rows than the {declared} its header says"
            )));
        }
        let row: Vec<Value> = serde_json::from_slice(&line)
            .map_err(|e| backup_error(format!("{name} line {}: {e}", count + 1)))?;
        batch_bytes += line.len();
        batch.push(row);
        if batch.len() >= BATCH_ROWS || batch_bytes >= BATCH_BYTES {
            let rows = std::mem::take(&mut batch);
            sink(Item::Rows { first_row, rows })?;
            first_row = count + 1;
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        sink(Item::Rows {
            first_row,
            rows: batch,
        })?;
    }
    if count != declared {
        return Err(backup_error(format!(
            "{name}: {count} rows, the header says {declared}"
        )));
    }
    Ok(())
}

/// Reads the next line into `line` (without its end), refusing one longer than a row may
/// be; `false` at the end of the part.
fn next_line(
    name: &str,
    lines: &mut impl BufRead,
    line: &mut Vec<u8>,
    number: usize,
) -> Result<bool> {
    line.clear();
    let read = lines
        .by_ref()
        .take(MAX_ROW_BYTES as u64 + 1)
        .read_until(b'\n', line)
        .map_err(io_error("reading the archive"))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > MAX_ROW_BYTES {
        return Err(backup_error(format!(
            "{name} line {number} is longer than any row may be ({MAX_ROW_BYTES} bytes)"
        )));
    }
    Ok(true)
}

/// Writes one blob to a file below `staging`; its name must stay below the blob folder.
fn stage_blob(name: &str, blob: &str, staging: &Path, reader: &mut impl Read) -> Result<PathBuf> {
    static STAGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if blob
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || c.contains('\\'))
    {
        return Err(backup_error(format!("part {name} has an unsafe path")));
    }
    let number = STAGED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staged = staging.join(format!("{number}.blob"));
    let mut file = File::create(&staged).map_err(io_error("staging a blob"))?;
    std::io::copy(reader, &mut file).map_err(io_error("staging a blob"))?;
    file.flush().map_err(io_error("staging a blob"))?;
    Ok(staged)
}
