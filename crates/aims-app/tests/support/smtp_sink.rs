//! A real SMTP server for tests: our `smtp_sink.py` on Debian's python3-aiosmtpd, listening
//! on 127.0.0.1 and keeping every message it accepts as a file that the test reads back.
//! Shared by the app, HTTP and CLI tests (each includes this file by path). Where aiosmtpd
//! is missing, [`SmtpSink::start`] says what it skipped through `aims_store::testing::skip`,
//! which fails instead when `AIMS_REQUIRE_ALL` is set (as in CI).

// Each test crate that includes this module uses some of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aims_store::testing::TestFolder;

/// The script, carried in the test binary so that it runs from whichever crate includes this.
const SCRIPT: &str = include_str!("smtp_sink.py");

/// One message the sink accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope's recipients.
    pub rcpt_tos: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The plain text body, decoded.
    pub text: String,
    /// The login it was sent under, when the sink asked for one.
    pub login: Option<String>,
    /// The message as it came over the wire.
    pub raw: String,
}

impl Received {
    /// The first link in the body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let link = self.text[start..]
            .split(|c: char| c.is_whitespace())
            .next()?;
        Some(link.to_owned())
    }
}

/// A running sink; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    folder: TestFolder,
    _script: TestFolder,
}

/// A Python 3 that can import aiosmtpd: `AIMS_TEST_PYTHON`, Debian's, or the one on `PATH`.
fn python_with_aiosmtpd() -> Option<String> {
    let candidates = std::env::var("AIMS_TEST_PYTHON")
        .ok()
        .into_iter()
        .chain(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
    for python in candidates {
        let imports = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if imports.is_ok_and(|s| s.success()) {
            return Some(python);
        }
    }
    None
}

impl SmtpSink {
    /// A sink that takes mail from anyone; `None`, with `what` named as skipped, where
    /// python3-aiosmtpd is not installed.
    pub fn start(what: &str) -> Option<SmtpSink> {
        Self::launch(what, None)
    }

    /// A sink that offers AUTH (over the plain connection) and takes only `login`/`password`.
    pub fn start_with_login(what: &str, login: &str, password: &str) -> Option<SmtpSink> {
        Self::launch(what, Some((login, password)))
    }

    fn launch(what: &str, login: Option<(&str, &str)>) -> Option<SmtpSink> {
        let Some(python) = python_with_aiosmtpd() else {
            aims_store::testing::skip(&format!(
                "{what}: no Python 3 with aiosmtpd for a real SMTP server \
                 (apt-get install python3-aiosmtpd)"
            ));
            return None;
        };
        let script = TestFolder::new();
        let path = script.join("smtp_sink.py");
        std::fs::write(&path, SCRIPT).expect("write the SMTP sink script");
        let folder = TestFolder::new();
        let mut command = Command::new(python);
        command.arg(&path).arg(&*folder);
        if let Some((login, password)) = login {
            command.args([login, password]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("the sink's output");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the sink's first line");
        let port = line
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP sink did not start: {line:?}"));
        Some(SmtpSink {
            child,
            port,
            folder,
            _script: script,
        })
    }

    /// The sink's address as `AIMS_SMTP_URL` takes it: plain SMTP, as it offers no TLS.
    pub fn url(&self) -> String {
        format!("smtp+insecure://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<_> = std::fs::read_dir(&*self.folder)
            .expect("read the sink's folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("read a received message");
                let v: serde_json::Value = serde_json::from_str(&text).expect("a message record");
                let s = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
                Received {
                    rcpt_tos: v["rcpt_tos"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    from: s("from"),
                    to: s("to"),
                    subject: s("subject"),
                    text: s("text"),
                    login: v["login"].as_str().map(str::to_owned),
                    raw: s("raw"),
                }
            })
            .collect()
    }

    /// Waits (up to 20 seconds) until at least `count` messages have arrived; answers them.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{count} message(s) expected, {} received",
            self.received().len()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Closing its input stops it; the kill is for a sink that does not listen any more.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
