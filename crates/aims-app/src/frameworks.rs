//! Reading the framework catalogues and their crosswalks: open to every member.

use std::sync::OnceLock;

use aims_catalog::{Catalogue, Item, Library, LoadError, Reached};
use aims_domain::{Actor, Permission};

use crate::App;
use crate::error::{AppError, Result};

/// An item with everything it maps to and the gaps recorded for it.
#[derive(Clone, Debug)]
pub struct RequirementView<'a> {
    pub catalogue: &'a Catalogue,
    pub item: &'a Item,
    pub children: Vec<&'a Item>,
    pub mappings: Vec<Reached>,
    /// Catalogues in which the item has no counterpart, with why.
    pub gaps: Vec<(String, String)>,
}

/// The shipped catalogues, loaded once per process.
fn library() -> Result<&'static Library> {
    static LIBRARY: OnceLock<Result<Library, LoadError>> = OnceLock::new();
    LIBRARY
        .get_or_init(aims_catalog::shipped)
        .as_ref()
        .map_err(|e| AppError::Internal(format!("the shipped catalogues do not load: {e}")))
}

/// Most crosswalk steps a query may follow.
pub const MAX_HOPS: usize = 4;

impl App {
    /// Every framework catalogue.
    pub fn frameworks(&self, actor: &Actor) -> Result<Vec<&'static Catalogue>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(library()?.catalogues().collect())
    }

    /// One framework, by id (`iso-iec-42001`) or `id@version`.
    pub fn framework(&self, actor: &Actor, name: &str) -> Result<&'static Catalogue> {
        actor.require(Permission::ReadOrganisation)?;
        library()?
            .catalogue(name)
            .ok_or(AppError::NotFound("framework"))
    }

    /// One item of a framework with its mappings, followed through up to `hops` crosswalks.
    pub fn requirement(
        &self,
        actor: &Actor,
        framework: &str,
        id: &str,
        hops: usize,
    ) -> Result<RequirementView<'static>> {
        if !(1..=MAX_HOPS).contains(&hops) {
            return Err(AppError::Invalid(aims_domain::ValidationError::new(
                "hops",
                format!("must be between 1 and {MAX_HOPS}"),
            )));
        }
        let catalogue = self.framework(actor, framework)?;
        let library = library()?;
        let item = catalogue
            .item(id)
            .ok_or(AppError::NotFound("requirement"))?;
        Ok(RequirementView {
            catalogue,
            item,
            children: catalogue.children(Some(item.id.as_str())).collect(),
            mappings: library.map(catalogue, id, hops),
            gaps: library.gaps(catalogue, id).to_vec(),
        })
    }

    /// Items of every framework matching all words of `query` (at most `limit`).
    pub fn search_frameworks(
        &self,
        actor: &Actor,
        query: &str,
        limit: usize,
    ) -> Result<Vec<(&'static Catalogue, &'static Item)>> {
        actor.require(Permission::ReadOrganisation)?;
        if query.trim().chars().count() < 2 {
            return Err(AppError::Invalid(aims_domain::ValidationError::new(
                "q",
                "must be at least 2 characters",
            )));
        }
        Ok(library()?
            .search(query)
            .into_iter()
            .take(limit)
            .map(|h| (h.catalogue, h.item))
            .collect())
    }
}
