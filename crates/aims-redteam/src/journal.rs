//! The journal: one JSON line per finished attempt, after a header line naming the run. It is
//! the raw record of a run (its SHA-256 goes into the summary) and what `--resume` reads.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::RedTeamError;
use crate::result::{AttemptRecord, Outcome};

/// Version of the journal's line format.
pub const FORMAT: u32 = 1;

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    pub format: u32,
    pub run_id: String,
    pub name: String,
    /// The plan's fingerprint: a journal only resumes the same plan.
    pub fingerprint: String,
    pub started_at: String,
    /// What was tested, without secrets: kind and address or program, model.
    pub target: String,
    pub planned: usize,
    pub seed: u64,
    /// Which tool wrote the results (`aims 0.1.0`, `garak 0.17.1`, …).
    pub tool: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
}

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum JournalLine {
    Run(RunHeader),
    Attempt(Box<AttemptRecord>),
}

/// A journal read back: the header and the latest record of every attempt.
#[derive(Debug, Clone)]
pub struct JournalContents {
    pub header: RunHeader,
    /// One record per attempt id, the latest written, in first-written order.
    pub attempts: Vec<AttemptRecord>,
    /// Byte length of the complete lines (a torn last line is not counted).
    pub complete_len: u64,
}

impl JournalContents {
    /// Ids of attempts that reached a verdict; errors are tried again on resume.
    pub fn finished_ids(&self) -> std::collections::HashSet<String> {
        self.attempts
            .iter()
            .filter(|a| a.outcome != Outcome::Error)
            .map(|a| a.id.clone())
            .collect()
    }
}

/// Reads a journal file; a torn last line (the run was killed while writing) is ignored.
pub fn read(path: &Path) -> Result<JournalContents, RedTeamError> {
    let file = File::open(path).map_err(|err| RedTeamError::io(path, err))?;
    parse(&path.display().to_string(), BufReader::new(file))
        .map_err(|err| err.unwrap_or_else(|io| RedTeamError::io(path, io)))
}

/// Reads a journal held in memory (an upload); `name` names it in errors.
pub fn parse_bytes(name: &str, bytes: &[u8]) -> Result<JournalContents, RedTeamError> {
    parse(name, bytes)
        .map_err(|err| err.unwrap_or_else(|io| RedTeamError::invalid(name, io.to_string())))
}

/// A journal error: `Ok` for one of ours, `Err` for the reader's own I/O failure.
type ParseError = Result<RedTeamError, std::io::Error>;

fn parse(name: &str, mut reader: impl BufRead) -> Result<JournalContents, ParseError> {
    let mut header = None;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut attempts: Vec<AttemptRecord> = Vec::new();
    let mut complete_len = 0u64;
    let mut line = String::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(Err)?;
        if read == 0 {
            break;
        }
        number += 1;
        if !line.ends_with('\n') {
            break;
        }
        let parsed: JournalLine = serde_json::from_str(&line)
            .map_err(|err| Ok(RedTeamError::invalid(name, format!("line {number}: {err}"))))?;
        complete_len += read as u64;
        match parsed {
            JournalLine::Run(h) if header.is_none() => {
                if h.format != FORMAT {
                    return Err(Ok(RedTeamError::invalid(
                        name,
                        format!(
                            "line {number}: journal format {} is not {FORMAT}, the one this release reads",
                            h.format
                        ),
                    )));
                }
                header = Some(h);
            }
            JournalLine::Run(_) => {
                return Err(Ok(RedTeamError::invalid(
                    name,
                    format!("line {number}: a second run header"),
                )));
            }
            JournalLine::Attempt(record) => {
                if header.is_none() {
                    return Err(Ok(RedTeamError::invalid(
                        name,
                        "line 1 is not a run header",
                    )));
                }
                match index.get(&record.id) {
                    Some(at) => attempts[*at] = *record,
                    None => {
                        index.insert(record.id.clone(), attempts.len());
                        attempts.push(*record);
                    }
                }
            }
        }
    }
    let header =
        header.ok_or_else(|| Ok(RedTeamError::invalid(name, "empty journal: no run header")))?;
    Ok(JournalContents {
        header,
        attempts,
        complete_len,
    })
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, RedTeamError> {
    let mut file = File::open(path).map_err(|err| RedTeamError::io(path, err))?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = std::io::Read::read(&mut file, &mut buffer)
            .map_err(|err| RedTeamError::io(path, err))?;
        if read == 0 {
            break;
        }
        hash.update(&buffer[..read]);
    }
    Ok(crate::plan::hex_of(&hash.finalize()))
}

/// Appends lines to a journal, buffered; the caller flushes when it has nothing else to do.
pub struct JournalWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl JournalWriter {
    /// Starts a new journal with its header; refuses to overwrite one.
    pub fn create(path: &Path, header: &RunHeader) -> Result<Self, RedTeamError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|err| {
                if err.kind() == std::io::ErrorKind::AlreadyExists {
                    RedTeamError::Resume(format!(
                        "{} already holds a run; pass --resume to finish it, or choose another --out",
                        path.display()
                    ))
                } else {
                    RedTeamError::io(path, err)
                }
            })?;
        let mut writer = Self {
            path: path.to_owned(),
            out: BufWriter::with_capacity(1 << 16, file),
        };
        writer.append(&JournalLine::Run(header.clone()))?;
        writer.flush()?;
        Ok(writer)
    }

    /// Reopens a journal to continue it after its last complete line.
    pub fn reopen(path: &Path, complete_len: u64) -> Result<Self, RedTeamError> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|err| RedTeamError::io(path, err))?;
        file.set_len(complete_len)
            .map_err(|err| RedTeamError::io(path, err))?;
        file.seek(SeekFrom::End(0))
            .map_err(|err| RedTeamError::io(path, err))?;
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::with_capacity(1 << 16, file),
        })
    }

    /// Buffers one line.
    pub fn append(&mut self, line: &JournalLine) -> Result<(), RedTeamError> {
        let mut bytes = serde_json::to_vec(line).expect("journal lines serialise");
        bytes.push(b'\n');
        self.out
            .write_all(&bytes)
            .map_err(|err| RedTeamError::io(&self.path, err))
    }

    /// Writes buffered lines to the file.
    pub fn flush(&mut self) -> Result<(), RedTeamError> {
        self.out
            .flush()
            .map_err(|err| RedTeamError::io(&self.path, err))
    }
}
