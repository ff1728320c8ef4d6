//! Command-line arguments and settings: defaults, overridden by `aims.toml`, overridden by
//! `AIMS_*` environment variables, overridden by flags.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// aims: an AI management system for ISO/IEC 42001.
#[derive(Parser, Debug)]
#[command(name = "aims", version, about)]
pub struct Cli {
    /// Folder for the SQLite database, blobs and the demo credentials [env: AIMS_DATA_DIR] [default: ./aims-data].
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL, `sqlite:PATH` or `postgres://...` [env: AIMS_DATABASE_URL] [default: SQLite in the data folder].
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Settings file [env: AIMS_CONFIG] [default: ./aims.toml when it exists].
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Log format, `text` or `json` [env: AIMS_LOG_FORMAT].
    #[arg(long, global = true)]
    pub log_format: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web interface and the API (and run the background worker in process).
    Serve(ServeArgs),
    /// Run background jobs only, beside `aims serve` processes on PostgreSQL.
    Worker,
    /// Apply pending database migrations.
    Migrate,
    /// Verify the audit chain of every organisation (or one) and its signed checkpoints;
    /// exits 1 naming the first broken event or checkpoint.
    VerifyAudit {
        /// Only this organisation (its id).
        #[arg(long)]
        org: Option<String>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
        /// Print the organisation's latest signed head (one line) for an auditor to keep.
        #[arg(long, requires = "org")]
        export_head: bool,
        /// Check that the trail still leads through this signed head (a line printed by
        /// `--export-head` earlier).
        #[arg(long, conflicts_with = "export_head")]
        against: Option<String>,
    },
    /// The key that signs audit checkpoints.
    #[command(subcommand)]
    AuditKey(AuditKeyCommand),
    /// Write a portable archive of all data (all tables of all organisations, and blobs).
    Backup {
        /// The archive to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Load an archive written by `aims backup` into an empty database of either engine.
    Restore {
        /// The archive to read.
        file: PathBuf,
    },
    /// Administration for scripts and CI.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Browse the framework catalogues shipped with aims.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Red-team LLM systems: run probe packs, gate CI, import garak and promptfoo reports.
    #[command(subcommand)]
    Redteam(crate::commands::redteam::RedteamCommand),
}

impl Command {
    /// Whether the command reads or writes the data folder (the database, blobs, backups),
    /// whose files are kept private; red-team runs and catalogue browsing write elsewhere.
    pub fn uses_the_data_folder(&self) -> bool {
        !matches!(self, Command::Redteam(_) | Command::Catalog(_))
    }
}

/// `aims audit-key ...`.
#[derive(Subcommand, Debug)]
pub enum AuditKeyCommand {
    /// Print the public key (to give to auditors) and the earlier keys still trusted.
    Show,
    /// Make a new signing key; the old one's public key stays trusted for old checkpoints.
    Rotate,
}

/// `aims catalog ...`.
#[derive(Subcommand, Debug)]
pub enum CatalogCommand {
    /// Every catalogue: framework, version, counts.
    List {
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// A catalogue as a tree, or one item of it with what sits under it.
    Show {
        /// The framework (`iso-iec-42001`, or `iso-iec-42001@2023`).
        framework: String,
        /// An item's id (`A.6.2.4`).
        item: Option<String>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// What an item maps to in other frameworks: directly, or through several crosswalks.
    Map {
        /// The framework (`iso-iec-42001`).
        framework: String,
        /// The item's id (`A.6.2.4`).
        item: String,
        /// How many crosswalk steps to follow; beyond 1 every answer shows its path.
        #[arg(long, default_value_t = 1)]
        hops: usize,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Write a catalogue (`oscal`, `csv` or `yaml`) or a crosswalk (`oscal` or `yaml`).
    Export {
        /// A framework (`iso-iec-42001`) or a crosswalk id (`iso-iec-42001-to-iso-iec-27001`).
        id: String,
        /// `oscal`, `csv` or `yaml`.
        #[arg(long, default_value = "oscal")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// What changed between two versions of a catalogue (each a shipped framework or a file).
    Diff {
        old: String,
        new: String,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
        /// Also list what the change touches in this organisation's records (SoA rows, risks,
        /// obligations, evidence); needs the database.
        #[arg(long)]
        org: Option<String>,
    },
    /// Check a framework or crosswalk of your own and summarise it; with `--org`, add it to
    /// that organisation. Reads an OSCAL catalog or mapping collection (JSON), a catalogue or
    /// crosswalk in aims' YAML, or a CSV framework (columns id, title, description; optional
    /// parent, kind, requirement).
    Import {
        /// The file to read.
        file: std::path::PathBuf,
        /// For CSV: the framework's id (`acme-ai-policy`).
        #[arg(long)]
        id: Option<String>,
        /// For CSV: the framework's title.
        #[arg(long)]
        title: Option<String>,
        /// The framework's version (CSV: default 1); for any other catalogue it replaces the
        /// file's own, so that a changed copy of a loaded framework can sit beside it.
        #[arg(long)]
        version: Option<String>,
        /// For a mapping collection whose links name no loaded catalogue: the source framework.
        #[arg(long)]
        source: Option<String>,
        /// For a mapping collection whose links name no loaded catalogue: the target framework.
        #[arg(long)]
        target: Option<String>,
        /// Add it to this organisation (id) in the database, beside its earlier imports.
        #[arg(long)]
        org: Option<String>,
    },
    /// Items whose id, title or description contain every word given.
    Search {
        /// The words to look for.
        #[arg(required = true)]
        words: Vec<String>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
}

/// Flags of `aims serve`.
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on [env: AIMS_BIND] [default: 127.0.0.1:8080].
    #[arg(long)]
    pub bind: Option<String>,
    /// Create (once) a demo organisation and print its owner's credentials.
    #[arg(long)]
    pub demo: bool,
    /// The address people use to reach aims, for links [env: AIMS_PUBLIC_URL] [default: http://BIND].
    #[arg(long)]
    pub public_url: Option<String>,
    /// Do not run background jobs in this process (run `aims worker` instead).
    #[arg(long)]
    pub no_worker: bool,
}

/// `aims admin ...`.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation; prints its id.
    CreateOrg {
        #[arg(long)]
        name: String,
    },
    /// Add a person to an organisation; reads the password from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// The organisation's id.
        #[arg(long)]
        org: String,
        /// owner, admin, editor, auditor or viewer.
        #[arg(long)]
        role: String,
    },
    /// Create an API token for a member; prints the token alone.
    CreateToken {
        #[arg(long)]
        email: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// The token's role (default: the member's role).
        #[arg(long)]
        role: Option<String>,
        /// Days until the token expires (default: never).
        #[arg(long)]
        expires_in: Option<i64>,
    },
    /// Set a person's password (read from standard input) and end their sessions.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Fill an organisation with a generated data set, for benchmarks and load tests.
    Generate {
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 10_000)]
        systems: usize,
        #[arg(long, default_value_t = 100_000)]
        risks: usize,
        #[arg(long, default_value_t = 200_000)]
        evidence: usize,
        /// Generated members the tasks, documents and metrics are spread over.
        #[arg(long, default_value_t = 50)]
        people: usize,
        /// Documents, each with three versions (superseded, in force, draft).
        #[arg(long, default_value_t = 0)]
        documents: usize,
        #[arg(long, default_value_t = 0)]
        tasks: usize,
        /// Metric measurements in all: five years of daily values per metric.
        #[arg(long, default_value_t = 0)]
        measurements: usize,
    },
}

/// Settings after every source has been merged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Most connections this process holds to the database (the engine's default when unset).
    pub database_max_connections: Option<u32>,
    pub bind: String,
    pub public_url: Option<String>,
    pub log_format: String,
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Always mark the session cookie `Secure` (the service is reached only over HTTPS).
    pub secure_cookies: bool,
    /// Let `/metrics` answer loopback requests without a token.
    pub metrics_from_loopback: bool,
    /// Hosts (`host` or `host:port`, comma-separated) that red-team runs started from aims may
    /// reach; none by default, which allows only the in-process lab target.
    pub redteam_allowed_hosts: String,
    /// Days a session lasts after sign-in, however often it is used.
    pub session_max_days: i64,
    /// Seconds requests in flight (and a background job) may take to finish at shutdown.
    pub shutdown_grace_seconds: u64,
    /// The SMTP server that sends aims' email: `smtp://host:port` (STARTTLS required),
    /// `smtps://host:port` (TLS) or `smtp+insecure://host:port` (no encryption, for a local
    /// test server only). Without it, mail is off.
    pub smtp_url: Option<String>,
    /// The account aims signs in to the SMTP server with, if it needs one.
    pub smtp_username: Option<String>,
    /// That account's password. Read, never written back or shown: its `Debug` is redacted.
    #[serde(skip_serializing)]
    pub smtp_password: Option<aims_app::SmtpPassword>,
    /// Who aims' email comes from: `aims@example.org` or `aims <aims@example.org>`.
    pub mail_from: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./aims-data"),
            database_url: None,
            database_max_connections: None,
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            log_format: "text".into(),
            trust_proxy: false,
            secure_cookies: false,
            metrics_from_loopback: true,
            redteam_allowed_hosts: String::new(),
            session_max_days: aims_app::DEFAULT_SESSION_MAX_DAYS,
            shutdown_grace_seconds: 10,
            smtp_url: None,
            smtp_username: None,
            smtp_password: None,
            mail_from: None,
        }
    }
}

#[derive(Serialize)]
struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_format: Option<String>,
}

impl Cli {
    /// Merges defaults, the settings file, the environment and the flags.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = self
            .config
            .clone()
            .or_else(|| std::env::var_os("AIMS_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("aims.toml"));
        let serve = match &self.command {
            Command::Serve(args) => Some(args),
            _ => None,
        };
        let flags = Flags {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            bind: serve.and_then(|s| s.bind.clone()),
            public_url: serve.and_then(|s| s.public_url.clone()),
            log_format: self.log_format.clone(),
        };
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("AIMS_").only(&[
                "data_dir",
                "database_url",
                "database_max_connections",
                "bind",
                "public_url",
                "log_format",
                "trust_proxy",
                "secure_cookies",
                "metrics_from_loopback",
                "redteam_allowed_hosts",
                "session_max_days",
                "shutdown_grace_seconds",
                "smtp_url",
                "smtp_username",
                "smtp_password",
                "mail_from",
            ]))
            .merge(Serialized::defaults(flags))
            .extract()
            .with_context(|| format!("reading the settings (file {})", file.display()))
    }
}

impl Settings {
    /// How long shutdown waits for requests and the worker to finish.
    pub fn shutdown_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.shutdown_grace_seconds)
    }

    /// The hosts server-side red-team runs may reach, trimmed and in lower case.
    pub fn redteam_hosts(&self) -> Vec<String> {
        self.redteam_allowed_hosts
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect()
    }

    /// The database URL: as set, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("aims.db").display()
            )
        })
    }

    /// The mail settings, with links in emails starting with `public_url`; `None` (mail is
    /// off) when no SMTP URL is set.
    pub fn mail(&self, public_url: &str) -> anyhow::Result<Option<aims_app::MailSettings>> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = self
            .mail_from
            .as_deref()
            .filter(|f| !f.trim().is_empty())
            .context(
                "AIMS_MAIL_FROM, the address aims sends email as, is needed with AIMS_SMTP_URL",
            )?;
        let settings = aims_app::MailSettings::new(url, from, public_url)?
            .with_credentials(self.smtp_username.clone(), self.smtp_password.clone())?;
        Ok(Some(settings))
    }

    /// Where people reach the service, for a process that listens nowhere (`aims worker`):
    /// as configured, or the address `aims serve` listens on by these settings.
    pub fn public_url_unbound(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Where people reach the service: as configured, or the address it listens on.
    pub fn public_url(&self, listening: std::net::SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}"))
            .trim_end_matches('/')
            .to_owned()
    }
}

/// Logs go to standard error, as text or JSON lines; `AIMS_LOG` sets the filter.
pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AIMS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
