//! The use cases of aims: the only code that changes state. Each one checks the actor's
//! permission, validates its input into domain types, and runs one store transaction that
//! also appends the audit event (and enqueues any job) for the change.

mod audit;
mod audit_signing;
mod auth;
mod blobs;
mod bom;
mod catalogue_impact;
mod change;
mod classification;
mod clause_coverage;
mod clock;
mod competence;
mod context;
mod credentials;
mod custom_frameworks;
mod demo;
mod demo_competence;
mod demo_context;
mod demo_documents;
mod demo_improvement;
mod demo_measurement;
mod digests;
mod document_table;
mod documents;
mod error;
mod evidence;
mod exports;
mod frameworks;
mod generate;
mod generate_work;
mod getting_started;
mod head_cache;
mod impact;
mod inventory;
mod jobs;
mod mail;
mod members;
mod metric_computation;
mod metrics;
mod my_work;
mod nonconformities;
mod notifications;
mod objectives;
mod orgs;
mod password_reset;
mod readiness;
mod redteam;
mod redteam_jobs;
mod review_tasks;
mod risks;
mod search;
mod setup;
mod soa;
mod tasks;
mod tokens;
mod workbook;

use std::sync::Arc;

pub use aims_catalog as catalog;
pub use aims_domain as domain;
pub use aims_redteam as redteam_engine;
pub use aims_store::{
    AssessmentListing, AuditQuery, DocumentCounts, Engine, Register, Store, StoreError,
};
pub use aims_store::{
    ClassificationRecord, CustomFramework, JobStatus, NonconformityCounts, RequirementText,
    SoaVersion,
};
pub use audit::{AuditPage, ChainReport, CheckpointReport};
pub use auth::{Client, SessionContext, SignIn, SignedIn};
pub use blobs::{BlobStore, sha256_hex};
pub use bom::{BomImportReport, MAX_COMPONENTS_PER_SYSTEM};
pub use catalogue_impact::{TouchedItem, TouchedObligation, TouchedRow};
pub use classification::{
    ClassificationOutcome, EU_AI_ACT, ISO_42001, LinkedControl, ObligationView, RecordedObligation,
};
pub use clause_coverage::ClauseCoverage;
pub use clock::{Clock, FixedClock, SystemClock};
pub use competence::{CompetenceReport, TrainingFilter, TrainingStandingFilter};
pub use context::{CONTEXT_LINK, ContextInput, ContextRecord, LISTED_OUT_OF_SCOPE};
pub use credentials::{API_TOKEN_PREFIX, Credential};
pub use custom_frameworks::{FrameworkImport, ImportedFramework, MAX_IMPORT_BYTES};
pub use documents::{DocumentFilter, DocumentInput, DocumentRecord};
pub use error::{AppError, causes};
pub use evidence::Upload;
pub use exports::EXPORT_CAP;
pub use frameworks::{MAX_HOPS, MAX_SEARCH_HITS, MAX_TEXT_CHARS, RequirementView};
pub use generate::DataSetSize;
pub use generate_work::{WorkSet, WorkSetSize, generated_email};
pub use getting_started::{GettingStarted, Step};
pub use impact::AssessmentRecord;
pub use inventory::{COUNT_CAP, MAX_OFFSET, MAX_PAGE, SystemFilter, SystemOverview, SystemPage};
pub use jobs::{JobKind, Worker};
pub use mail::{DEFAULT_SMTP_TIMEOUT, MailSettings, MailSettingsError, SmtpPassword, SmtpSecurity};
pub use members::{Accepted, InvitationAnswer, NewInvitation};
pub use metrics::TREND_POINTS;
pub use my_work::{DUE_SOON_DAYS, MY_WORK_ITEMS, MyWork, WorkCounts};
pub use nonconformities::{NonconformityFilter, NonconformityRecord};
pub use notifications::{Inbox, MAX_NOTIFICATIONS};
pub use password_reset::{RESET_LINK_MINUTES, RESET_REQUEST_LIMIT};
pub use readiness::Readiness;
pub use redteam::RedTeamUpload;
pub use risks::{RiskFilter, RiskPage};
pub use search::{Found, SearchHit, SearchResults};
pub use setup::{DemoAccount, NewOrganisationOwner};
pub use soa::{ControlUpdate, SoaReport};
pub use tasks::{TaskFilter, TaskRecord};
pub use tokens::{CreatedToken, NewApiToken};
pub use workbook::xlsx as table_xlsx;

/// The application: the store and the clock every use case works with.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    /// Where evidence files go; without one, evidence can only be links.
    blobs: Option<Arc<BlobStore>>,
    /// Hosts (`host` or `host:port`) that red-team runs started on the server may reach.
    redteam_hosts: Arc<Vec<String>>,
    /// Dashboard figures per organisation, with the audit head they were computed at.
    readiness_cache: head_cache::HeadCache<Readiness>,
    /// The derived Statement of Applicability per organisation, likewise.
    soa_cache: head_cache::HeadCache<SoaReport>,
    /// The organisation-wide risk heat map's counts (a pass over every open risk), likewise.
    heat_map_cache: head_cache::HeadCache<aims_domain::risk::HeatMapCounts>,
    /// Each organisation's library of shipped and imported catalogues.
    libraries: Arc<std::sync::Mutex<custom_frameworks::LibraryCache>>,
    /// Days a session lasts from sign-in, however often it is used.
    session_max_days: i64,
    /// Where background jobs keep their working files (a red-team run's journal).
    work_dir: Option<Arc<std::path::PathBuf>>,
    /// The keys that sign and check audit checkpoints.
    audit_keys: Arc<audit_signing::AuditKeys>,
    /// The SMTP client; without one, mail is off.
    mail: Option<mail::Mail>,
}

/// Days a session lasts from sign-in unless configured otherwise.
pub const DEFAULT_SESSION_MAX_DAYS: i64 = 30;

impl App {
    /// An application over `store`, reading time from `clock`.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            blobs: None,
            redteam_hosts: Arc::new(Vec::new()),
            readiness_cache: Default::default(),
            soa_cache: Default::default(),
            heat_map_cache: Default::default(),
            libraries: Arc::default(),
            session_max_days: DEFAULT_SESSION_MAX_DAYS,
            work_dir: None,
            audit_keys: Arc::default(),
            mail: None,
        }
    }

    /// The same application, signing audit checkpoints with `signer` (in the process that
    /// runs the background jobs) and believing checkpoints of `trusted` keys (and the
    /// signer's own).
    pub fn with_audit_keys(
        mut self,
        signer: Option<domain::audit::CheckpointSigner>,
        trusted: Vec<domain::audit::TrustedKey>,
    ) -> Self {
        self.audit_keys = Arc::new(audit_signing::AuditKeys::new(signer, trusted));
        self
    }

    /// The same application, keeping background jobs' working files under `dir` (the
    /// data folder's `jobs`); without one, a private folder in the system's temporary folder.
    pub fn with_work_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.work_dir = Some(Arc::new(dir.into()));
        self
    }

    /// A private folder (mode 0700) for the working files of job `name`, kept across
    /// restarts of the process so that an interrupted job can resume from it.
    pub(crate) fn job_folder(&self, name: &str) -> error::Result<std::path::PathBuf> {
        let base = match &self.work_dir {
            Some(dir) => (**dir).clone(),
            None => std::env::temp_dir().join("aims-jobs"),
        };
        let dir = base.join(name);
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| AppError::Internal(format!("creating {}: {e}", dir.display())))?;
        Ok(dir)
    }

    /// The same application, ending every session `days` after sign-in (at least 1).
    pub fn with_session_max_days(mut self, days: i64) -> Self {
        self.session_max_days = days.max(1);
        self
    }

    /// The same application, keeping evidence files in `dir`.
    pub fn with_blob_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.blobs = Some(Arc::new(BlobStore::new(dir)));
        self
    }

    /// The same application, letting server-side red-team runs reach these hosts.
    pub fn with_redteam_hosts(mut self, hosts: Vec<String>) -> Self {
        self.redteam_hosts = Arc::new(hosts);
        self
    }

    /// The store, for health checks and operator commands.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether `actor` holds `permission`: for interfaces that check it before they read a
    /// request's input. The use case checks it again.
    pub fn authorize(
        &self,
        actor: &domain::Actor,
        permission: domain::Permission,
    ) -> error::Result<()> {
        Ok(actor.require(permission)?)
    }

    /// The current instant.
    pub fn now(&self) -> domain::Timestamp {
        self.clock.now()
    }

    /// Begins a write transaction holding `org`'s lock, and reads the time under it, for
    /// the one write that is not itself audited (signing a checkpoint of the audit trail);
    /// every change to records goes through [`App::change`], which records its event.
    pub(crate) async fn begin(
        &self,
        org: domain::OrgId,
    ) -> error::Result<(aims_store::Tx, domain::Timestamp)> {
        let tx = self.store.write_for(org).await?;
        Ok((tx, self.now()))
    }
}
