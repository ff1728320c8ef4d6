//! An organisation's own licensed text of requirements, by framework and item.

use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{affected_one, map_rows};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

/// The text an organisation attached to one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementText {
    /// The catalogue key, `framework@version`.
    pub framework: String,
    pub item_id: String,
    pub text: String,
    pub updated_at: Timestamp,
    /// Who last set it, as shown in the audit trail.
    pub updated_by: String,
}

table_row! {
    /// A row of `requirement_texts`: one requirement's text, keyed by organisation, framework
    /// and item.
    struct TextRow in "requirement_texts" {
        org_id: String,
        framework: String,
        item_id: String,
        text: String,
        updated_at: i64,
        updated_by: String,
    }
}

/// The key a text is set and replaced under.
const KEY: [&str; 3] = ["org_id", "framework", "item_id"];

fn read(row: &AnyRow) -> Result<RequirementText> {
    let row = TextRow::from_row(row)?;
    Ok(RequirementText {
        framework: row.framework,
        item_id: row.item_id,
        text: row.text,
        updated_at: Timestamp::from_micros(row.updated_at),
        updated_by: row.updated_by,
    })
}

impl Tx {
    /// Sets (or replaces) the text of one requirement for `org`.
    pub async fn put_requirement_text(&mut self, org: OrgId, text: &RequirementText) -> Result<()> {
        let row = TextRow {
            org_id: org.to_string(),
            framework: text.framework.clone(),
            item_id: text.item_id.clone(),
            text: text.text.clone(),
            updated_at: text.updated_at.as_micros(),
            updated_by: text.updated_by.clone(),
        };
        self.upsert(row, &KEY).await
    }

    /// The text `org` attached to one requirement, if any.
    pub async fn requirement_text(
        &mut self,
        org: OrgId,
        framework: &str,
        item_id: &str,
    ) -> Result<Option<RequirementText>> {
        let row = sqlx::query(
            "SELECT * FROM requirement_texts WHERE org_id = $1 AND framework = $2 AND item_id = $3",
        )
        .bind(org.to_string())
        .bind(framework)
        .bind(item_id)
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// Every text `org` attached to items of `framework`.
    pub async fn requirement_texts(
        &mut self,
        org: OrgId,
        framework: &str,
    ) -> Result<Vec<RequirementText>> {
        let rows = sqlx::query(
            "SELECT * FROM requirement_texts WHERE org_id = $1 AND framework = $2 ORDER BY item_id",
        )
        .bind(org.to_string())
        .bind(framework)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// Removes the text `org` attached to one requirement.
    pub async fn delete_requirement_text(
        &mut self,
        org: OrgId,
        framework: &str,
        item_id: &str,
    ) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM requirement_texts WHERE org_id = $1 AND framework = $2 AND item_id = $3",
        )
        .bind(org.to_string())
        .bind(framework)
        .bind(item_id)
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// Removes every text `org` attached to items of `framework`; returns how many.
    pub async fn delete_requirement_texts(&mut self, org: OrgId, framework: &str) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM requirement_texts WHERE org_id = $1 AND framework = $2")
                .bind(org.to_string())
                .bind(framework)
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected())
    }
}
