//! AI systems: stored, read back, listed with filters, sorting and pages in one query.

use aims_domain::inventory::{AiSystem, ClassificationSummary, SystemFacts};
use aims_domain::{AiSystemId, OrgId, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::labels::{join_labels, like_escaped, split_labels};
use crate::error::{Result, StoreError};
use crate::listing::{Listing, Searched, bind};
use crate::readiness::lacks_current_assessment;
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

/// How the inventory list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SystemSort {
    #[default]
    Name,
    Updated,
    LifecycleStage,
    Class,
}

/// A filtered, sorted page of the inventory. Every filter left `None` lets everything through.
#[derive(Clone, Debug, Default)]
pub struct SystemQuery {
    /// Words that must all appear in the name, purpose, description or tags.
    pub text: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub status: Option<String>,
    pub role: Option<String>,
    pub tag: Option<String>,
    /// A class name, or `unclassified`.
    pub class: Option<String>,
    pub needs_review: Option<bool>,
    /// Only high-risk systems lacking (`true`), or only systems not lacking (`false`), an
    /// approved impact assessment current at the instant given.
    pub missing_assessment: Option<(bool, Timestamp)>,
    pub owner: Option<aims_domain::UserId>,
    /// Stop counting matches past this many (the total is then `cap + 1`).
    pub count_cap: Option<i64>,
    pub sort: SystemSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

const COLUMNS: &str = "s.*, u.display_name AS owner_name";
const JOINS: &str = "LEFT JOIN users u ON u.id = s.owner_id";

/// What a new system's row holds, in order.
const SYSTEM_COLUMNS: [&str; 24] = [
    "id",
    "org_id",
    "name",
    "name_key",
    "search_key",
    "purpose",
    "description",
    "intended_use",
    "foreseeable_misuse",
    "users",
    "affected_persons",
    "deployment_context",
    "geography",
    "lifecycle_stage",
    "roles",
    "owner_id",
    "autonomy",
    "human_oversight",
    "decisions_about_people",
    "status",
    "tags",
    "created_at",
    "updated_at",
    "revision",
];

fn read(row: &AnyRow) -> Result<AiSystem> {
    let class: Option<String> = row.opt_text("class")?;
    let classification = match class {
        Some(class) => Some(ClassificationSummary {
            class,
            version: row.opt_int("class_version")?.unwrap_or(0),
            decided_at: row.at("classified_at")?,
            needs_review: row.int("class_needs_review")? != 0,
        }),
        None => None,
    };
    let roles = split_labels(&row.text("roles")?)
        .iter()
        .map(|r| r.parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("column roles: {e}")))?;
    Ok(AiSystem {
        id: row.parsed("id")?,
        facts: SystemFacts {
            name: row.text("name")?,
            purpose: row.text("purpose")?,
            description: row.text("description")?,
            intended_use: row.text("intended_use")?,
            foreseeable_misuse: row.text("foreseeable_misuse")?,
            users: row.text("users")?,
            affected_persons: row.text("affected_persons")?,
            deployment_context: row.text("deployment_context")?,
            geography: split_labels(&row.text("geography")?),
            lifecycle_stage: row.parsed("lifecycle_stage")?,
            roles,
            owner: row.opt_parsed("owner_id")?,
            autonomy: row.parsed("autonomy")?,
            human_oversight: row.text("human_oversight")?,
            decisions_about_people: row.parsed("decisions_about_people")?,
            status: row.parsed("status")?,
            tags: split_labels(&row.text("tags")?),
        },
        owner_name: row.opt_text("owner_name")?,
        classification,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
        revision: row.int("revision")?,
    })
}

/// The lower-cased text a search looks through.
fn search_key(f: &SystemFacts) -> String {
    format!(
        "{} {} {} {}",
        f.name,
        f.purpose,
        f.description,
        f.tags.join(" ")
    )
    .to_lowercase()
}

impl Tx {
    /// Stores a new AI system; `Conflict` when the organisation has one of the same name.
    pub async fn insert_ai_system(&mut self, org: OrgId, s: &AiSystem) -> Result<()> {
        self.insert_ai_systems(org, std::slice::from_ref(s)).await
    }

    /// Stores new AI systems in a few statements; `Conflict` when a name is taken.
    pub async fn insert_ai_systems(&mut self, org: OrgId, list: &[AiSystem]) -> Result<()> {
        // Before the class tally the insert counts in, as every writer of it does.
        self.lock_tenant(org).await?;
        let rows = list
            .iter()
            .map(|s| {
                let f = &s.facts;
                vec![
                    s.id.to_string().into(),
                    org.to_string().into(),
                    f.name.as_str().into(),
                    f.name.to_lowercase().into(),
                    search_key(f).into(),
                    f.purpose.as_str().into(),
                    f.description.as_str().into(),
                    f.intended_use.as_str().into(),
                    f.foreseeable_misuse.as_str().into(),
                    f.users.as_str().into(),
                    f.affected_persons.as_str().into(),
                    f.deployment_context.as_str().into(),
                    join_labels(f.geography.iter().map(String::as_str)).into(),
                    f.lifecycle_stage.as_str().into(),
                    join_labels(f.roles.iter().map(|r| r.as_str())).into(),
                    f.owner.map(|o| o.to_string()).into(),
                    f.autonomy.as_str().into(),
                    f.human_oversight.as_str().into(),
                    f.decisions_about_people.as_str().into(),
                    f.status.as_str().into(),
                    join_labels(f.tags.iter().map(String::as_str)).into(),
                    s.created_at.as_micros().into(),
                    s.updated_at.as_micros().into(),
                    s.revision.into(),
                ]
            })
            .collect();
        self.insert_rows("ai_systems", &SYSTEM_COLUMNS, rows).await
    }

    /// Replaces a system's facts if it is still at `expected_revision`: `NotFound` when it is
    /// not in `org`, `Conflict("revision")` when someone changed it meanwhile. Marks a recorded
    /// classification for review when `needs_review`.
    pub async fn update_ai_system(
        &mut self,
        org: OrgId,
        id: AiSystemId,
        facts: &SystemFacts,
        expected_revision: i64,
        needs_review: bool,
        now: Timestamp,
    ) -> Result<()> {
        let f = facts;
        let done = sqlx::query(
            "UPDATE ai_systems SET name = $1, name_key = $2, search_key = $3, purpose = $4, \
             description = $5, intended_use = $6, foreseeable_misuse = $7, users = $8, \
             affected_persons = $9, deployment_context = $10, geography = $11, lifecycle_stage = $12, \
             roles = $13, owner_id = $14, autonomy = $15, human_oversight = $16, \
             decisions_about_people = $17, status = $18, tags = $19, updated_at = $20, \
             revision = revision + 1, \
             class_needs_review = CASE WHEN $21 = 1 AND class IS NOT NULL THEN 1 ELSE class_needs_review END \
             WHERE org_id = $22 AND id = $23 AND revision = $24",
        )
        .bind(&f.name)
        .bind(f.name.to_lowercase())
        .bind(search_key(f))
        .bind(&f.purpose)
        .bind(&f.description)
        .bind(&f.intended_use)
        .bind(&f.foreseeable_misuse)
        .bind(&f.users)
        .bind(&f.affected_persons)
        .bind(&f.deployment_context)
        .bind(join_labels(f.geography.iter().map(String::as_str)))
        .bind(f.lifecycle_stage.as_str())
        .bind(join_labels(f.roles.iter().map(|r| r.as_str())))
        .bind(f.owner.map(|o| o.to_string()))
        .bind(f.autonomy.as_str())
        .bind(&f.human_oversight)
        .bind(f.decisions_about_people.as_str())
        .bind(f.status.as_str())
        .bind(join_labels(f.tags.iter().map(String::as_str)))
        .bind(now.as_micros())
        .bind(i64::from(needs_review))
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(expected_revision)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        match self.ai_system(org, id).await? {
            Some(_) => Err(StoreError::Conflict("revision".into())),
            None => Err(StoreError::NotFound),
        }
    }

    /// One system of `org`.
    pub async fn ai_system(&mut self, org: OrgId, id: AiSystemId) -> Result<Option<AiSystem>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM ai_systems s {JOINS} WHERE s.org_id = $1 AND s.id = $2"
        )))
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// Removes a system with its components and classifications.
    pub async fn delete_ai_system(&mut self, org: OrgId, id: AiSystemId) -> Result<()> {
        // Before the tallies its delete counts in or cascades to, as every writer of them does.
        self.lock_tenant(org).await?;
        let done = sqlx::query("DELETE FROM ai_systems WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// One page of `org`'s inventory and how many systems match in all.
    pub async fn ai_systems(
        &mut self,
        org: OrgId,
        q: &SystemQuery,
    ) -> Result<(Vec<AiSystem>, i64)> {
        let mut clauses = vec!["s.org_id = $1".to_owned()];
        let mut binds = vec![org.to_string()];
        for (column, value) in [
            ("lifecycle_stage", &q.lifecycle_stage),
            ("status", &q.status),
        ] {
            if let Some(value) = value {
                clauses.push(bind(&format!("s.{column} = ?"), value.clone(), &mut binds));
            }
        }
        for (column, value) in [("roles", &q.role), ("tags", &q.tag)] {
            if let Some(value) = value {
                clauses.push(bind(
                    &format!("s.{column} LIKE ? ESCAPE '\\'"),
                    format!("%,{},%", like_escaped(value)),
                    &mut binds,
                ));
            }
        }
        match q.class.as_deref() {
            Some("unclassified") => clauses.push("s.class IS NULL".into()),
            Some(class) => clauses.push(bind("s.class = ?", class.to_owned(), &mut binds)),
            None => {}
        }
        if let Some(review) = q.needs_review {
            clauses.push(format!("s.class_needs_review = {}", i64::from(review)));
        }
        match q.missing_assessment {
            Some((true, now)) => clauses.push(lacks_current_assessment(now)),
            Some((false, now)) => clauses.push(format!(
                "(s.class IS NULL OR NOT ({}))",
                lacks_current_assessment(now)
            )),
            None => {}
        }
        if let Some(owner) = q.owner {
            clauses.push(bind("s.owner_id = ?", owner.to_string(), &mut binds));
        }
        let direction = if q.descending { "DESC" } else { "ASC" };
        let (order, order_index) = match q.sort {
            SystemSort::Name => (format!("s.name_key {direction}"), Some("ai_systems_name")),
            SystemSort::Updated => (
                format!("s.updated_at {direction}"),
                Some("ai_systems_by_updated"),
            ),
            SystemSort::LifecycleStage => {
                (format!("{} {direction}, s.name_key", stage_rank()), None)
            }
            SystemSort::Class => (format!("{} {direction}, s.name_key", class_rank()), None),
        };
        let searched = Searched {
            index: "text_index_systems",
            rows: "text_index_system_rows",
            key: "system_id",
        };
        let (rows, total) = self
            .counted_page(&Listing {
                org,
                table: "ai_systems",
                alias: "s",
                columns: COLUMNS,
                joins: JOINS,
                clauses,
                binds,
                text: q.text.as_deref().map(|text| (searched, text)),
                order: format!("{order}, s.id"),
                order_index,
                cap: q.count_cap,
                limit: q.limit,
                offset: q.offset,
            })
            .await?;
        Ok((map_rows(rows, read)?, total))
    }

    /// Every system of `org`, by name, for exports and pickers.
    pub async fn ai_system_names(&mut self, org: OrgId) -> Result<Vec<(AiSystemId, String)>> {
        let rows =
            sqlx::query("SELECT id, name FROM ai_systems WHERE org_id = $1 ORDER BY name_key")
                .bind(org.to_string())
                .fetch_all(self.conn())
                .await?;
        map_rows(rows, |r| Ok((r.parsed("id")?, r.text("name")?)))
    }
}

/// Orders lifecycle stages as the lifecycle runs, not alphabetically.
fn stage_rank() -> String {
    let arms: String = aims_domain::inventory::LifecycleStage::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.as_str()))
        .collect();
    format!("CASE s.lifecycle_stage{arms} END")
}

/// Orders classes from the most to the least severe, unclassified last.
fn class_rank() -> String {
    "CASE s.class WHEN 'prohibited' THEN 0 WHEN 'high_risk' THEN 1 WHEN 'transparency' THEN 2 \
     WHEN 'minimal' THEN 3 ELSE 4 END"
        .to_owned()
}
