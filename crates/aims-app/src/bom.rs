//! CycloneDX ML-BOM import and export of a system's components.

use aims_domain::audit::AuditAction;
use aims_domain::inventory::{Component, plan_import, read_ml_bom, write_ml_bom};
use aims_domain::{Actor, AiSystemId, ComponentId, Permission, ValidationError};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BomImportReport {
    /// `kind name version` of each component created.
    pub created: Vec<String>,
    /// Each component updated, with the fields that changed.
    pub updated: Vec<(String, Vec<&'static str>)>,
    pub unchanged: usize,
    /// Parts of the document that are not models, datasets or suppliers, and why.
    pub skipped: Vec<String>,
}

/// Most components one AI system may have, by import or one at a time: an ML-BOM past this
/// is refused before anything is written, so that one import holds the write lock briefly.
pub const MAX_COMPONENTS_PER_SYSTEM: usize = 1_000;

fn label(c: &Component) -> String {
    format!("{} {} {}", c.kind.as_str(), c.facts.name, c.facts.version)
        .trim_end()
        .to_owned()
}

impl App {
    /// A CycloneDX 1.6 ML-BOM of the system and its components.
    pub async fn export_ml_bom(
        &self,
        actor: &Actor,
        system: AiSystemId,
    ) -> Result<serde_json::Value> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let s = tx
            .ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let components = tx.components(actor.org, system).await?;
        Ok(write_ml_bom(&s, &components, self.now()))
    }

    /// Creates or updates the system's components from a CycloneDX document, all or nothing;
    /// an invalid document is refused naming the path in it that is wrong.
    pub async fn import_ml_bom(
        &self,
        actor: &Actor,
        system: AiSystemId,
        document: &str,
    ) -> Result<BomImportReport> {
        actor.require(Permission::EditContent)?;
        let bom = read_ml_bom(document).map_err(|e| {
            ValidationError::new("document", format!("at {}: {}", e.path, e.message))
        })?;
        if bom.components.len() > MAX_COMPONENTS_PER_SYSTEM {
            return Err(too_many("document", bom.components.len()));
        }
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        c.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let existing = c.components(actor.org, system).await?;
        let plan = plan_import(&existing, &bom.components);
        if existing.len() + plan.create.len() > MAX_COMPONENTS_PER_SYSTEM {
            return Err(too_many("document", existing.len() + plan.create.len()));
        }
        let mut report = BomImportReport {
            unchanged: plan.unchanged.len(),
            skipped: bom.skipped,
            ..Default::default()
        };
        for (kind, facts) in plan.create {
            let component = Component {
                id: ComponentId::new(),
                system,
                kind,
                facts: facts.validate()?,
                created_at: now,
                updated_at: now,
            };
            c.insert_component(actor.org, &component).await?;
            report.created.push(label(&component));
        }
        for (id, facts, fields) in plan.update {
            let before = existing
                .iter()
                .find(|c| c.id == id)
                .ok_or(AppError::NotFound("component"))?;
            let after = Component {
                facts: facts.validate()?,
                updated_at: now,
                ..before.clone()
            };
            c.update_component(actor.org, &after).await?;
            report.updated.push((label(before), fields));
        }
        let change = json!({
            "spec_version": bom.spec_version, "serial_number": bom.serial_number,
            "created": report.created, "updated": report.updated.iter().map(|(n, f)| json!({"component": n, "fields": f})).collect::<Vec<_>>(),
            "unchanged": report.unchanged,
        });
        c.record(AuditAction::AiSystemMlBomImported, system, change).await?;
        Ok(report)
        })
        .await
    }
}

/// The refusal of a system with more components than [`MAX_COMPONENTS_PER_SYSTEM`].
pub(crate) fn too_many(field: &'static str, components: usize) -> AppError {
    ValidationError::new(
        field,
        format!(
            "the system would have {components} components; aims keeps at most \
             {MAX_COMPONENTS_PER_SYSTEM} per AI system (split it into several systems)"
        ),
    )
    .into()
}
