//! What global search reads of the registers: each record's id, name and a line of detail,
//! either where every word appears in them or, for typo-tolerant matching in the use case, the
//! most recently changed records.

use aims_domain::OrgId;
use sqlx::AssertSqlSafe;

use crate::error::Result;
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

/// A register whose records pages name; global search covers systems, risks, evidence,
/// documents and tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Systems,
    Risks,
    Evidence,
    ImpactAssessments,
    Components,
    RedTeamRuns,
    ApiTokens,
    Documents,
    Tasks,
}

impl Register {
    /// The table and the expressions of its name and detail.
    fn source(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Register::Systems => ("ai_systems", "name", "purpose"),
            Register::Risks => ("risks", "title", "CAST(number AS TEXT)"),
            Register::Evidence => ("evidence", "title", "description"),
            Register::ImpactAssessments => ("impact_assessments", "title", "''"),
            Register::Components => ("ai_components", "name", "version"),
            Register::RedTeamRuns => ("redteam_runs", "name", "tool"),
            Register::ApiTokens => ("api_tokens", "name", "''"),
            Register::Documents => ("documents", "title", "kind"),
            Register::Tasks => ("tasks", "title", "description"),
        }
    }
}

/// A record as search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRecord {
    pub id: String,
    pub name: String,
    pub detail: String,
}

/// `word` as a LIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally.
fn contains(word: &str) -> String {
    let mut pattern = String::from("%");
    for c in word.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Tx {
    /// Up to `limit` records of `register` (systems, risks or evidence) whose name or detail holds every one of `words`
    /// (case-insensitively), most recently changed first.
    pub async fn search_register(
        &mut self,
        org: OrgId,
        register: Register,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<NamedRecord>> {
        let (table, name, detail) = register.source();
        let conditions: String = (0..words.len())
            .map(|n| {
                format!(
                    " AND LOWER({name} || ' ' || {detail}) LIKE ${} ESCAPE '\\'",
                    n + 3
                )
            })
            .collect();
        let sql = format!(
            "SELECT id, {name} AS name, {detail} AS detail FROM {table} WHERE org_id = $1{conditions} \
             ORDER BY updated_at DESC, id DESC LIMIT $2"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(limit);
        for word in words {
            query = query.bind(contains(word));
        }
        let rows = query.fetch_all(self.conn()).await?;
        map_rows(rows, read)
    }

    /// The records of `register` with these ids (those of the organisation; others are left
    /// out), for pages that name what they link to.
    pub async fn records_named(
        &mut self,
        org: OrgId,
        register: Register,
        ids: &[String],
    ) -> Result<Vec<NamedRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (table, name, detail) = register.source();
        let marks: Vec<String> = (0..ids.len()).map(|n| format!("${}", n + 2)).collect();
        let sql = format!(
            "SELECT id, {name} AS name, {detail} AS detail FROM {table} WHERE org_id = $1 AND id IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(org.to_string());
        for id in ids {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(self.conn()).await?;
        map_rows(rows, read)
    }

    /// The `limit` most recently changed records of `register`.
    pub async fn recent_records(
        &mut self,
        org: OrgId,
        register: Register,
        limit: i64,
    ) -> Result<Vec<NamedRecord>> {
        self.search_register(org, register, &[], limit).await
    }
}

fn read(row: &sqlx::any::AnyRow) -> Result<NamedRecord> {
    Ok(NamedRecord {
        id: row.text("id")?,
        name: row.text("name")?,
        detail: row.text("detail")?,
    })
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains("Fair"), "%fair%");
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
