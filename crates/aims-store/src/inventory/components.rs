//! The components of AI systems.

use aims_domain::inventory::{Component, ComponentFacts};
use aims_domain::{AiSystemId, ComponentId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

fn read(row: &AnyRow) -> Result<Component> {
    Ok(Component {
        id: row.parsed("id")?,
        system: row.parsed("system_id")?,
        kind: row.parsed("kind")?,
        facts: ComponentFacts {
            name: row.text("name")?,
            version: row.text("version")?,
            provider: row.text("provider")?,
            licence: row.text("licence")?,
            description: row.text("description")?,
            model_type: row.text("model_type")?,
            model_card_url: row.text("model_card_url")?,
            hosting: row.text("hosting")?,
            source: row.text("source")?,
            provenance: row.text("provenance")?,
            personal_data: row.int("personal_data")? != 0,
            quality_checks: row.text("quality_checks")?,
            bom_ref: row.text("bom_ref")?,
        },
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
    })
}

impl Tx {
    /// Stores a new component of a system of `org`.
    pub async fn insert_component(&mut self, org: OrgId, c: &Component) -> Result<()> {
        let f = &c.facts;
        sqlx::query(
            "INSERT INTO ai_components (id, org_id, system_id, kind, name, version, provider, licence, \
             description, model_type, model_card_url, hosting, source, provenance, personal_data, \
             quality_checks, bom_ref, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(c.id.to_string())
        .bind(org.to_string())
        .bind(c.system.to_string())
        .bind(c.kind.as_str())
        .bind(&f.name)
        .bind(&f.version)
        .bind(&f.provider)
        .bind(&f.licence)
        .bind(&f.description)
        .bind(&f.model_type)
        .bind(&f.model_card_url)
        .bind(&f.hosting)
        .bind(&f.source)
        .bind(&f.provenance)
        .bind(i64::from(f.personal_data))
        .bind(&f.quality_checks)
        .bind(&f.bom_ref)
        .bind(c.created_at.as_micros())
        .bind(c.updated_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Replaces the facts of one component of `org`.
    pub async fn update_component(
        &mut self,
        org: OrgId,
        id: ComponentId,
        f: &ComponentFacts,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE ai_components SET name = $1, version = $2, provider = $3, licence = $4, \
             description = $5, model_type = $6, model_card_url = $7, hosting = $8, source = $9, \
             provenance = $10, personal_data = $11, quality_checks = $12, bom_ref = $13, \
             updated_at = $14 WHERE org_id = $15 AND id = $16",
        )
        .bind(&f.name)
        .bind(&f.version)
        .bind(&f.provider)
        .bind(&f.licence)
        .bind(&f.description)
        .bind(&f.model_type)
        .bind(&f.model_card_url)
        .bind(&f.hosting)
        .bind(&f.source)
        .bind(&f.provenance)
        .bind(i64::from(f.personal_data))
        .bind(&f.quality_checks)
        .bind(&f.bom_ref)
        .bind(now.as_micros())
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// One component of `org`.
    pub async fn component(&mut self, org: OrgId, id: ComponentId) -> Result<Option<Component>> {
        let row = sqlx::query("SELECT * FROM ai_components WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read).transpose()
    }

    /// Removes one component of `org`.
    pub async fn delete_component(&mut self, org: OrgId, id: ComponentId) -> Result<()> {
        let done = sqlx::query("DELETE FROM ai_components WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// Every component of one system of `org`: models, then datasets, then suppliers.
    pub async fn components(&mut self, org: OrgId, system: AiSystemId) -> Result<Vec<Component>> {
        let rows = sqlx::query(
            "SELECT * FROM ai_components WHERE org_id = $1 AND system_id = $2 \
             ORDER BY CASE kind WHEN 'model' THEN 0 WHEN 'dataset' THEN 1 ELSE 2 END, name, version",
        )
        .bind(org.to_string())
        .bind(system.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }
}
