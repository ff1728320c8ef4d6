//! Reading the framework catalogues and their crosswalks: open to every member.

use std::sync::{Arc, OnceLock};

use aims_catalog::{Catalogue, Item, Library, LoadError, Reached};
use aims_domain::audit::AuditAction;
use aims_domain::{Actor, Permission};

use crate::App;
use crate::error::{AppError, Result};

/// An item with everything it maps to and the gaps recorded for it.
#[derive(Clone, Debug)]
pub struct RequirementView {
    /// The organisation's library the answer came from (shipped and imported catalogues).
    pub library: Arc<Library>,
    pub catalogue: Arc<Catalogue>,
    pub item: Item,
    pub children: Vec<Item>,
    pub mappings: Vec<Reached>,
    /// Catalogues in which the item has no counterpart, with why.
    pub gaps: Vec<(String, String)>,
}

/// The shipped catalogues, loaded once per process.
fn shipped() -> Result<&'static Arc<Library>> {
    static LIBRARY: OnceLock<Result<Arc<Library>, LoadError>> = OnceLock::new();
    LIBRARY
        .get_or_init(|| aims_catalog::shipped().map(Arc::new))
        .as_ref()
        .map_err(|e| AppError::Internal(format!("the shipped catalogues do not load: {e}")))
}

/// The shipped catalogues, for the rules that rest on them.
pub(crate) fn library() -> Result<&'static Library> {
    shipped().map(AsRef::as_ref)
}

/// The shipped catalogues, shared.
pub(crate) fn shipped_library() -> Result<Arc<Library>> {
    shipped().cloned()
}

/// Most crosswalk steps a query may follow.
pub const MAX_HOPS: usize = 4;

/// The most hits one framework search returns.
pub const MAX_SEARCH_HITS: usize = 500;

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(aims_domain::ValidationError::new(field, message))
}

impl App {
    /// A shipped framework, by id (`iso-iec-42001`) or `id@version`.
    pub fn framework(&self, actor: &Actor, name: &str) -> Result<&'static Catalogue> {
        actor.require(Permission::ReadOrganisation)?;
        library()?
            .catalogue(name)
            .ok_or(AppError::NotFound("framework"))
    }

    /// One framework of the organisation's library (shipped or imported), shared.
    pub async fn library_framework(&self, actor: &Actor, name: &str) -> Result<Arc<Catalogue>> {
        self.library(actor)
            .await?
            .shared(name)
            .ok_or(AppError::NotFound("framework"))
    }

    /// One item of a framework with its mappings, followed through up to `hops` crosswalks.
    pub async fn requirement(
        &self,
        actor: &Actor,
        framework: &str,
        id: &str,
        hops: usize,
    ) -> Result<RequirementView> {
        if !(1..=MAX_HOPS).contains(&hops) {
            return Err(invalid("hops", format!("must be between 1 and {MAX_HOPS}")));
        }
        let library = self.library(actor).await?;
        let catalogue = library
            .shared(framework)
            .ok_or(AppError::NotFound("framework"))?;
        let item = catalogue
            .item(id)
            .ok_or(AppError::NotFound("requirement"))?
            .clone();
        Ok(RequirementView {
            children: catalogue.children(Some(id)).cloned().collect(),
            mappings: library.map(&catalogue, id, hops),
            gaps: library.gaps(&catalogue, id).to_vec(),
            item,
            catalogue,
            library,
        })
    }

    /// Items of every framework of the organisation matching all words of `query` (at most
    /// `limit`), each with its catalogue.
    pub async fn search_frameworks(
        &self,
        actor: &Actor,
        query: &str,
        limit: usize,
    ) -> Result<Vec<(Arc<Catalogue>, Item)>> {
        let length = query.chars().count();
        if length < 2 || query.trim().is_empty() {
            return Err(invalid(
                "q",
                "must be at least 2 characters, not all spaces",
            ));
        }
        if length > 200 {
            return Err(invalid("q", "must be at most 200 characters"));
        }
        if !(1..=MAX_SEARCH_HITS).contains(&limit) {
            return Err(invalid(
                "limit",
                format!("must be between 1 and {MAX_SEARCH_HITS}"),
            ));
        }
        let library = self.library(actor).await?;
        Ok(library
            .search(query)
            .into_iter()
            .take(limit)
            .filter_map(|h| Some((library.shared(&h.catalogue.key())?, h.item.clone())))
            .collect())
    }
}

/// Longest licensed text accepted for one requirement, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

fn checked_text(field: &'static str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::Invalid(aims_domain::ValidationError::new(
            field,
            "must not be empty",
        )));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::Invalid(aims_domain::ValidationError::new(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        )));
    }
    Ok(text.to_owned())
}

fn text_fingerprint(text: &str) -> String {
    // The audit trail records that the text changed, not the licensed text itself.
    aims_domain::SecretHash::of(text)
        .as_str()
        .chars()
        .take(16)
        .collect()
}

impl App {
    /// The organisation's own text of one requirement, if it attached one.
    pub async fn requirement_text(
        &self,
        actor: &Actor,
        framework: &str,
        id: &str,
    ) -> Result<Option<aims_store::RequirementText>> {
        let catalogue = self.library_framework(actor, framework).await?;
        catalogue
            .item(id)
            .ok_or(AppError::NotFound("requirement"))?;
        Ok(self
            .store
            .read()
            .await?
            .requirement_text(actor.org, &catalogue.key(), id)
            .await?)
    }

    /// Attaches the organisation's licensed text to one requirement (owner, admin, editor).
    pub async fn set_requirement_text(
        &self,
        actor: &Actor,
        framework: &str,
        id: &str,
        text: &str,
    ) -> Result<aims_store::RequirementText> {
        actor.require(Permission::EditContent)?;
        let catalogue = self.library_framework(actor, framework).await?;
        catalogue
            .item(id)
            .ok_or(AppError::NotFound("requirement"))?;
        let text = checked_text("text", text)?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let record = aims_store::RequirementText {
            framework: catalogue.key(),
            item_id: id.to_owned(),
            text,
            updated_at: now,
            updated_by: actor.label.clone(),
        };
        c.put_requirement_text(actor.org, &record).await?;
        let change = serde_json::json!({"framework": record.framework, "item": id, "characters": record.text.chars().count(), "fingerprint": text_fingerprint(&record.text)});
        c.record(AuditAction::RequirementTextSet, format!("{}:{id}", record.framework), change).await?;
        Ok(record)
        })
        .await
    }

    /// Removes the organisation's text of one requirement.
    pub async fn clear_requirement_text(
        &self,
        actor: &Actor,
        framework: &str,
        id: &str,
    ) -> Result<()> {
        actor.require(Permission::EditContent)?;
        let catalogue = self.library_framework(actor, framework).await?;
        let key = catalogue.key();
        self.change(actor.org, actor, async |c| {
            c.delete_requirement_text(actor.org, &key, id)
                .await
                .map_err(crate::error::not_found("requirement text"))?;
            c.record(
                AuditAction::RequirementTextCleared,
                format!("{key}:{id}"),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Attaches texts from CSV (`id`, `text` columns) to many requirements at once: all rows
    /// or none. Returns how many were set.
    pub async fn import_requirement_texts(
        &self,
        actor: &Actor,
        framework: &str,
        csv: &str,
    ) -> Result<usize> {
        actor.require(Permission::EditContent)?;
        let catalogue = self.library_framework(actor, framework).await?;
        let rows = aims_catalog::parse_texts_csv(csv).map_err(|e| {
            AppError::Invalid(aims_domain::ValidationError::new("csv", e.to_string()))
        })?;
        let key = catalogue.key();
        let now = self.now();
        let mut records = Vec::with_capacity(rows.len());
        for (line, id, text) in rows {
            if catalogue.item(&id).is_none() {
                return Err(AppError::Invalid(aims_domain::ValidationError::new(
                    "csv",
                    format!("line {line}: {key} has no item {id}"),
                )));
            }
            let text = checked_text("csv", &text).map_err(|_| {
                AppError::Invalid(aims_domain::ValidationError::new(
                    "csv",
                    format!(
                        "line {line}: the text of {id} is longer than {MAX_TEXT_CHARS} characters"
                    ),
                ))
            })?;
            records.push(aims_store::RequirementText {
                framework: key.clone(),
                item_id: id,
                text,
                updated_at: now,
                updated_by: actor.label.clone(),
            });
        }
        self.change(actor.org, actor, async |c| {
            for record in &records {
                c.put_requirement_text(actor.org, record).await?;
            }
            let change = serde_json::json!({"framework": key, "requirements": records.len()});
            c.record(AuditAction::RequirementTextImported, &key, change)
                .await?;
            Ok(records.len())
        })
        .await
    }
}
