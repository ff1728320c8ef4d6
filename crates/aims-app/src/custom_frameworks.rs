//! An organisation's own frameworks and crosswalks: imported from OSCAL, CSV or aims YAML,
//! checked as strictly as the shipped ones, and joined with them into the organisation's
//! library, which is kept per organisation until its imports change.

use std::collections::HashMap;
use std::sync::Arc;

use aims_catalog::{
    CatalogueDiff, ImportFormat, ImportOptions, Imported, Library, import_format, read_import,
};
use aims_domain::audit::AuditAction;
use aims_domain::evidence::TargetKind;
use aims_domain::{Actor, OrgId, Permission, ValidationError};
use aims_store::{CustomFramework, CustomFrameworkStamp};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};
use crate::frameworks::shipped_library;

/// Each organisation's library, with the imports it was built from.
pub(crate) type LibraryCache = HashMap<OrgId, (Vec<CustomFrameworkStamp>, Arc<Library>)>;

/// Largest document accepted for import, in bytes.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// A document to import as a framework or crosswalk of the organisation.
#[derive(Clone, Debug, Default)]
pub struct FrameworkImport {
    /// The file's name, without its folder; `.csv` reads the document as CSV.
    pub file_name: String,
    /// The document, as text.
    pub document: String,
    /// The form; told from the name and content when absent.
    pub format: Option<ImportFormat>,
    /// What the document does not say itself, or what replaces what it says.
    pub options: ImportOptions,
}

/// What an import added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFramework {
    /// A catalogue's `id@version`, or a crosswalk's id.
    pub key: String,
    /// `catalogue` or `crosswalk`.
    pub kind: &'static str,
    /// The title it gives itself.
    pub title: String,
    /// The form it was read as.
    pub format: ImportFormat,
    /// Items of a catalogue, mappings and gaps of a crosswalk.
    pub entries: usize,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(ValidationError::new("document", message))
}

fn kind_of(imported: &Imported) -> &'static str {
    match imported {
        Imported::Catalogue(_) => "catalogue",
        Imported::Crosswalk(_) => "crosswalk",
    }
}

/// `library` with one stored import added.
fn add(library: &Library, record: &CustomFramework) -> std::result::Result<Library, String> {
    let options: ImportOptions = serde_json::from_str(&record.options)
        .map_err(|e| format!("its stored options do not read: {e}"))?;
    let format: ImportFormat = record.format.parse()?;
    let imported = read_import(
        &record.file_name,
        &record.document,
        format,
        &options,
        library,
    )
    .map_err(|e| e.to_string())?;
    let joined = match imported {
        Imported::Catalogue(c) => library.extend(vec![c], Vec::new()),
        Imported::Crosswalk(c) => library.extend(Vec::new(), vec![c]),
    };
    joined.map_err(|e| e.to_string())
}

impl App {
    /// The organisation's library: the shipped catalogues and crosswalks with its own.
    pub async fn library(&self, actor: &Actor) -> Result<Arc<Library>> {
        actor.require(Permission::ReadOrganisation)?;
        let stamps = self
            .store
            .read()
            .await?
            .custom_framework_stamps(actor.org)
            .await?;
        if stamps.is_empty() {
            return shipped_library();
        }
        if let Some((seen, library)) = self.lock_libraries().get(&actor.org)
            && *seen == stamps
        {
            return Ok(library.clone());
        }
        let records = self
            .store
            .read()
            .await?
            .custom_frameworks(actor.org)
            .await?;
        let mut library = (*shipped_library()?).clone();
        for record in &records {
            // One import that no longer reads (after a change to the readers) must not hide the
            // others or the shipped catalogues: it is left out and said so in the log.
            match add(&library, record) {
                Ok(joined) => library = joined,
                Err(reason) => {
                    tracing::warn!(org = %actor.org, key = %record.key, %reason, "an imported framework does not load");
                }
            }
        }
        let stamps = records
            .iter()
            .map(|r| CustomFrameworkStamp {
                key: r.key.clone(),
                sha256: r.sha256.clone(),
                imported_at: r.imported_at,
            })
            .collect();
        let library = Arc::new(library);
        self.lock_libraries()
            .insert(actor.org, (stamps, library.clone()));
        Ok(library)
    }

    fn lock_libraries(&self) -> std::sync::MutexGuard<'_, LibraryCache> {
        self.libraries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The organisation's imports, catalogues first, without their documents.
    pub async fn custom_frameworks(&self, actor: &Actor) -> Result<Vec<CustomFramework>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self
            .store
            .read()
            .await?
            .custom_framework_list(actor.org)
            .await?)
    }

    /// Imports a framework or crosswalk of the organisation's own (owners and admins): all or
    /// nothing, refused with the file, place and id when it does not read or does not join.
    pub async fn import_framework(
        &self,
        actor: &Actor,
        import: FrameworkImport,
    ) -> Result<ImportedFramework> {
        actor.require(Permission::ManageOrganisation)?;
        if import.document.len() > MAX_IMPORT_BYTES {
            return Err(invalid(format!(
                "is larger than {} MiB",
                MAX_IMPORT_BYTES / 1024 / 1024
            )));
        }
        let file_name = import.file_name.trim();
        if file_name.is_empty() || file_name.chars().count() > 200 {
            return Err(AppError::Invalid(ValidationError::new(
                "file_name",
                "must be 1 to 200 characters",
            )));
        }
        let library = self.library(actor).await?;
        let format = import
            .format
            .unwrap_or_else(|| import_format(file_name, &import.document));
        let imported = read_import(
            file_name,
            &import.document,
            format,
            &import.options,
            &library,
        )
        .map_err(|e| invalid(e.to_string()))?;
        let key = imported.key();
        let taken = match &imported {
            Imported::Catalogue(_) => library.catalogue(&key).is_some_and(|c| c.key() == key),
            Imported::Crosswalk(_) => library.crosswalks().iter().any(|c| c.crosswalk.id == key),
        };
        if taken {
            return Err(AppError::Conflict(if library.is_added(&key) {
                format!("{key} is already imported; delete it before importing it again")
            } else {
                format!("{key} ships with aims; import a changed copy under another version")
            }));
        }
        let entries = match &imported {
            Imported::Catalogue(c) => library.extend(vec![c.clone()], Vec::new()),
            Imported::Crosswalk(c) => library.extend(Vec::new(), vec![c.clone()]),
        }
        .map_err(|e| invalid(e.to_string()))
        .map(|_| match &imported {
            Imported::Catalogue(c) => c.items.len(),
            Imported::Crosswalk(c) => c.mappings.len(),
        })?;
        // A mapping collection's ends are kept as the keys they resolved to, so that it reads
        // the same way again when a later import would match its links too.
        let mut options = import.options;
        if let Imported::Crosswalk(c) = &imported
            && format == ImportFormat::OscalMappingCollection
        {
            options.source = Some(c.crosswalk.source.clone());
            options.target = Some(c.crosswalk.target.clone());
        }
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let record = CustomFramework {
            key: imported.key(),
            kind: kind_of(&imported).to_owned(),
            title: imported.title().to_owned(),
            format: format.as_str().to_owned(),
            file_name: file_name.to_owned(),
            options: serde_json::to_string(&options)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            sha256: crate::sha256_hex(import.document.as_bytes()),
            document: import.document,
            imported_at: now,
            imported_by: actor.label.clone(),
        };
        c.insert_custom_framework(actor.org, &record)
            .await
            .map_err(|e| match e {
                aims_store::StoreError::Conflict(_) => AppError::Conflict(format!(
                    "{} is already imported; delete it before importing it again",
                    record.key
                )),
                other => other.into(),
            })?;
        c.record(AuditAction::FrameworkImported, &record.key, json!({"kind": record.kind, "title": record.title, "format": record.format, "file": record.file_name, "sha256": record.sha256, "entries": entries})).await?;
        Ok(ImportedFramework {
            key: record.key,
            kind: kind_of(&imported),
            title: record.title,
            format,
            entries,
        })
        })
        .await
    }

    /// Deletes one of the organisation's imports (owners and admins), with the texts attached
    /// to its items. A catalogue is kept while an imported crosswalk maps it, or while
    /// evidence names its items and no other version of the framework remains to name.
    pub async fn delete_custom_framework(&self, actor: &Actor, key: &str) -> Result<()> {
        actor.require(Permission::ManageOrganisation)?;
        let library = self.library(actor).await?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            // Checked inside the write transaction, so that an import committed meanwhile counts.
            let records = c.custom_framework_list(actor.org).await?;
            let record = records
                .iter()
                .find(|r| r.key == key)
                .ok_or(AppError::NotFound("imported framework"))?;
            if record.kind == "catalogue" {
                for other in records.iter().filter(|r| r.kind == "crosswalk") {
                    let ends = library
                        .crosswalks()
                        .iter()
                        .find(|c| c.crosswalk.id == other.key)
                        .map(|c| (c.crosswalk.source.clone(), c.crosswalk.target.clone()));
                    let options: ImportOptions =
                        serde_json::from_str(&other.options).unwrap_or_default();
                    let named = [
                        ends.clone().map(|e| e.0),
                        ends.map(|e| e.1),
                        options.source,
                        options.target,
                    ];
                    if named.iter().flatten().any(|end| end == key) {
                        return Err(AppError::Conflict(format!(
                            "the imported crosswalk {} maps {key}; delete it first",
                            other.key
                        )));
                    }
                }
                if let Some(catalogue) = library.shared(key).filter(|c| c.key() == key) {
                    let id = &catalogue.framework.id;
                    let another_version = library
                        .catalogues()
                        .any(|c| &c.framework.id == id && c.key() != key);
                    let evidence = c
                        .evidence_counts(actor.org, TargetKind::Requirement, &format!("{id}:"), now)
                        .await?;
                    if !another_version && !evidence.is_empty() {
                        return Err(AppError::Conflict(format!(
                            "evidence names {} of its items ({}); remove that evidence first",
                            evidence.len(),
                            evidence
                                .keys()
                                .take(3)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                }
            }
            let (kind, title) = (record.kind.clone(), record.title.clone());
            c.delete_custom_framework(actor.org, key)
                .await
                .map_err(crate::error::not_found("imported framework"))?;
            let texts = c.delete_requirement_texts(actor.org, key).await?;
            c.record(
                AuditAction::FrameworkDeleted,
                key,
                json!({"kind": kind, "title": title, "texts_removed": texts}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Two versions of a framework from the organisation's library and their diff.
    pub async fn compare_frameworks(
        &self,
        actor: &Actor,
        old: &str,
        new: &str,
    ) -> Result<(
        Arc<aims_catalog::Catalogue>,
        Arc<aims_catalog::Catalogue>,
        CatalogueDiff,
    )> {
        let library = self.library(actor).await?;
        // A name that is no framework of the library names nothing: not found, like an id.
        let find = |name: &str| library.shared(name).ok_or(AppError::NotFound("framework"));
        let (before, after) = (find(old)?, find(new)?);
        if before.framework.id != after.framework.id {
            return Err(AppError::Invalid(ValidationError::new(
                "new",
                format!(
                    "{} is another framework than {}; compare two versions of one framework",
                    after.key(),
                    before.key()
                ),
            )));
        }
        let diff = aims_catalog::diff(&before, &after);
        Ok((before, after, diff))
    }
}
