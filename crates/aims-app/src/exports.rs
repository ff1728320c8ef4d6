//! The registers as tables to take away (CSV or XLSX): the rows a list shows for its filter,
//! every page of them up to [`EXPORT_CAP`], with names rather than ids.

use std::collections::HashMap;

use aims_domain::table::Table;
use aims_domain::{Actor, Permission};
use aims_store::Register;

use crate::error::Result;
use crate::{App, RiskFilter, SystemFilter};

/// The most rows one export holds; a larger register is exported filter by filter.
pub const EXPORT_CAP: i64 = 10_000;
const PAGE: i64 = crate::MAX_PAGE;

fn date(at: Option<aims_domain::Timestamp>) -> String {
    at.map(aims_domain::Timestamp::date).unwrap_or_default()
}

impl App {
    /// The risks the filter matches, as a table.
    pub async fn risks_table(&self, actor: &Actor, filter: &RiskFilter) -> Result<Table> {
        actor.require(Permission::ReadOrganisation)?;
        let members: HashMap<_, _> = self
            .members(actor)
            .await?
            .into_iter()
            .map(|m| (m.user, m.display_name))
            .collect();
        let mut table = Table::new(
            "Risks",
            &[
                ("Risk", 8),
                ("Title", 40),
                ("AI systems", 30),
                ("Owner", 20),
                ("Status", 18),
                ("Treatment", 12),
                ("Inherent", 12),
                ("Residual", 12),
                ("Next review", 12),
                ("Controls", 24),
                ("Open actions", 8),
                ("Accepted", 10),
            ],
        );
        let mut offset = 0;
        while offset < EXPORT_CAP {
            let page = self
                .risks(
                    actor,
                    &RiskFilter {
                        limit: Some(PAGE),
                        offset: Some(offset),
                        ..filter.clone()
                    },
                )
                .await?;
            let systems: Vec<String> = page
                .risks
                .iter()
                .flat_map(|r| r.facts.systems.iter().map(ToString::to_string))
                .collect();
            let names = self.names_of(actor, Register::Systems, &systems).await?;
            let m = &page.method;
            for r in &page.risks {
                table.rows.push(vec![
                    r.reference(),
                    r.facts.title.clone(),
                    r.facts
                        .systems
                        .iter()
                        .map(|s| names.get(&s.to_string()).cloned().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("; "),
                    r.facts
                        .owner
                        .and_then(|o| members.get(&o).cloned())
                        .unwrap_or_default(),
                    r.facts.status.label().to_owned(),
                    r.facts.treatment.label().to_owned(),
                    m.level_label(r.inherent_level(m)).to_owned(),
                    m.level_label(r.residual_level(m)).to_owned(),
                    date(r.facts.review_due),
                    r.facts.controls.join("; "),
                    r.facts
                        .actions
                        .iter()
                        .filter(|a| !a.done)
                        .count()
                        .to_string(),
                    if r.acceptance.is_some() { "Yes" } else { "No" }.to_owned(),
                ]);
            }
            if page.risks.len() < PAGE as usize {
                break;
            }
            offset += PAGE;
        }
        Ok(table)
    }

    /// The AI systems the filter matches, as a table.
    pub async fn systems_table(&self, actor: &Actor, filter: &SystemFilter) -> Result<Table> {
        actor.require(Permission::ReadOrganisation)?;
        let mut table = Table::new(
            "AI systems",
            &[
                ("Name", 30),
                ("Purpose", 50),
                ("Lifecycle stage", 16),
                ("Status", 14),
                ("Our roles", 20),
                ("EU AI Act class", 20),
                ("Classification to review", 10),
                ("Owner", 20),
                ("Changed", 18),
            ],
        );
        let mut offset = 0;
        while offset < EXPORT_CAP {
            let page = self
                .ai_systems(
                    actor,
                    &SystemFilter {
                        limit: Some(PAGE),
                        offset: Some(offset),
                        ..filter.clone()
                    },
                )
                .await?;
            for s in &page.systems {
                table.rows.push(vec![
                    s.facts.name.clone(),
                    s.facts.purpose.clone(),
                    s.facts.lifecycle_stage.label().to_owned(),
                    s.facts.status.label().to_owned(),
                    s.facts
                        .roles
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join("; "),
                    aims_domain::eu_ai_act::RiskClass::label_of(
                        s.classification.as_ref().map_or("", |c| c.class.as_str()),
                    )
                    .to_owned(),
                    if s.classification.as_ref().is_some_and(|c| c.needs_review) {
                        "Yes"
                    } else {
                        "No"
                    }
                    .to_owned(),
                    s.owner_name.clone().unwrap_or_default(),
                    s.updated_at.human(),
                ]);
            }
            if page.systems.len() < PAGE as usize {
                break;
            }
            offset += PAGE;
        }
        Ok(table)
    }

    /// The audit events the query matches, newest first, as a table with each change in words.
    pub async fn audit_table(&self, actor: &Actor, query: &crate::AuditQuery) -> Result<Table> {
        actor.require(Permission::ReadAuditTrail)?;
        let mut table = Table::new(
            "Audit trail",
            &[
                ("#", 8),
                ("When", 18),
                ("Who", 24),
                ("Kind of actor", 10),
                ("Action", 28),
                ("Object type", 16),
                ("Object", 38),
                ("Change", 60),
                ("Hash", 66),
            ],
        );
        let mut cursor: Option<String> = None;
        while (table.rows.len() as i64) < EXPORT_CAP {
            let page = self
                .audit_events(
                    actor,
                    crate::AuditQuery {
                        limit: PAGE,
                        before_seq: None,
                        after_seq: None,
                        ..query.clone()
                    },
                    cursor.as_deref(),
                )
                .await?;
            for e in &page.events {
                let action = e
                    .action
                    .parse::<aims_domain::audit::AuditAction>()
                    .map_or_else(|_| e.action.clone(), |a| a.label().to_owned());
                let change = aims_domain::audit::change_lines(&e.change)
                    .into_iter()
                    .map(|l| match l.before {
                        Some(before) => format!("{}: {before} → {}", l.field, l.after),
                        None => format!("{}: {}", l.field, l.after),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                table.rows.push(vec![
                    e.seq.to_string(),
                    e.occurred_at.human(),
                    e.actor.label.clone(),
                    e.actor.kind.clone(),
                    action,
                    aims_domain::audit::field_words(&e.object_type),
                    e.object_id.clone(),
                    change,
                    e.hash.to_string(),
                ]);
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(table)
    }

    /// The evidence register (all, `expired` or `expiring`), newest first, as a table naming
    /// what each piece supports.
    pub async fn evidence_table(&self, actor: &Actor, validity: Option<&str>) -> Result<Table> {
        actor.require(Permission::ReadOrganisation)?;
        let mut table = Table::new(
            "Evidence",
            &[
                ("Title", 40),
                ("File or link", 40),
                ("SHA-256", 66),
                ("Supports", 40),
                ("Valid until", 12),
                ("Status", 14),
                ("Added by", 24),
                ("Added", 18),
            ],
        );
        let now = self.now();
        let mut offset = 0;
        while offset < EXPORT_CAP {
            let (page, total) = self.evidence_register(actor, validity, offset).await?;
            let ids = |kind: aims_domain::evidence::TargetKind| -> Vec<String> {
                page.iter()
                    .flat_map(|e| &e.facts.targets)
                    .filter(|t| t.kind == kind)
                    .map(|t| t.id.clone())
                    .collect()
            };
            let systems = self
                .names_of(
                    actor,
                    Register::Systems,
                    &ids(aims_domain::evidence::TargetKind::System),
                )
                .await?;
            let risks = self
                .names_of(
                    actor,
                    Register::Risks,
                    &ids(aims_domain::evidence::TargetKind::Risk),
                )
                .await?;
            for e in &page {
                let supports = e
                    .facts
                    .targets
                    .iter()
                    .map(|t| {
                        let name = match t.kind {
                            aims_domain::evidence::TargetKind::System => systems.get(&t.id),
                            aims_domain::evidence::TargetKind::Risk => risks.get(&t.id),
                            _ => None,
                        };
                        format!("{} {}", t.kind.label(), name.unwrap_or(&t.id))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                table.rows.push(vec![
                    e.facts.title.clone(),
                    e.file
                        .as_ref()
                        .map_or_else(|| e.facts.link.clone(), |f| f.file_name.clone()),
                    e.file
                        .as_ref()
                        .map(|f| f.sha256.clone())
                        .unwrap_or_default(),
                    supports,
                    date(e.facts.valid_until),
                    e.validity(now).label().to_owned(),
                    e.added_by.clone(),
                    e.created_at.human(),
                ]);
            }
            offset += page.len() as i64;
            if page.is_empty() || offset >= total {
                break;
            }
        }
        Ok(table)
    }
}
