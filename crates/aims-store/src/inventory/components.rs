//! The components of AI systems.

use aims_domain::inventory::{Component, ComponentFacts};
use aims_domain::{AiSystemId, ComponentId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{affected_one, map_rows, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `ai_components`.
    struct ComponentRow in "ai_components" {
        id: String,
        org_id: String,
        system_id: String,
        kind: String,
        name: String,
        version: String,
        provider: String,
        licence: String,
        description: String,
        model_type: String,
        model_card_url: String,
        hosting: String,
        source: String,
        provenance: String,
        personal_data: i64,
        quality_checks: String,
        bom_ref: String,
        created_at: i64,
        updated_at: i64,
    }
}

impl ComponentRow {
    fn new(org: OrgId, c: &Component) -> Self {
        let f = c.facts.clone();
        Self {
            id: c.id.to_string(),
            org_id: org.to_string(),
            system_id: c.system.to_string(),
            kind: c.kind.as_str().to_owned(),
            name: f.name,
            version: f.version,
            provider: f.provider,
            licence: f.licence,
            description: f.description,
            model_type: f.model_type,
            model_card_url: f.model_card_url,
            hosting: f.hosting,
            source: f.source,
            provenance: f.provenance,
            personal_data: i64::from(f.personal_data),
            quality_checks: f.quality_checks,
            bom_ref: f.bom_ref,
            created_at: c.created_at.as_micros(),
            updated_at: c.updated_at.as_micros(),
        }
    }

    fn into_component(self) -> Result<Component> {
        Ok(Component {
            id: parsed("id", &self.id)?,
            system: parsed("system_id", &self.system_id)?,
            kind: parsed("kind", &self.kind)?,
            facts: ComponentFacts {
                name: self.name,
                version: self.version,
                provider: self.provider,
                licence: self.licence,
                description: self.description,
                model_type: self.model_type,
                model_card_url: self.model_card_url,
                hosting: self.hosting,
                source: self.source,
                provenance: self.provenance,
                personal_data: self.personal_data != 0,
                quality_checks: self.quality_checks,
                bom_ref: self.bom_ref,
            },
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
        })
    }
}

fn read(row: &AnyRow) -> Result<Component> {
    ComponentRow::from_row(row)?.into_component()
}

impl Tx {
    /// Stores a new component of a system of `org`.
    pub async fn insert_component(&mut self, org: OrgId, c: &Component) -> Result<()> {
        self.insert(vec![ComponentRow::new(org, c)]).await
    }

    /// Writes a component's facts and time of change over the stored ones; its system, kind
    /// and time of creation stay as stored.
    pub async fn update_component(&mut self, org: OrgId, c: &Component) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["system_id", "kind", "created_at"],
            expect: None,
            also: None,
            unset: &[],
        };
        match self.update(ComponentRow::new(org, c), how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
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
