//! The register of documented information as a table to take away (CSV or XLSX): the rows the
//! list shows for its filter, every page of them up to [`crate::EXPORT_CAP`], with names
//! rather than ids.

use std::collections::HashMap;

use aims_domain::table::Table;
use aims_domain::{Actor, Permission};

use crate::error::Result;
use crate::{App, DocumentFilter, EXPORT_CAP};

fn date(at: Option<aims_domain::Timestamp>) -> String {
    at.map(aims_domain::Timestamp::date).unwrap_or_default()
}

impl App {
    /// The documents the filter matches, most recently changed first, as a table.
    pub async fn documents_table(&self, actor: &Actor, filter: &DocumentFilter) -> Result<Table> {
        actor.require(Permission::ReadOrganisation)?;
        let members: HashMap<_, _> = self
            .members(actor)
            .await?
            .into_iter()
            .map(|m| (m.user, m.display_name))
            .collect();
        let now = self.now();
        let mut table = Table::new(
            "Documents",
            &[
                ("Title", 40),
                ("Kind", 16),
                ("Status", 12),
                ("Review overdue", 10),
                ("Version in force", 10),
                ("Latest version", 10),
                ("Owner", 20),
                ("Next review", 12),
                ("Changed", 12),
            ],
        );
        let page = crate::MAX_PAGE;
        let mut offset = 0;
        while offset < EXPORT_CAP {
            let (list, _) = self.document_list(actor, filter, page, offset).await?;
            for d in &list {
                table.rows.push(vec![
                    d.title.clone(),
                    d.kind.label().to_owned(),
                    d.status().label().to_owned(),
                    if d.review_overdue(now) { "Yes" } else { "No" }.to_owned(),
                    d.approved.map(|v| v.to_string()).unwrap_or_default(),
                    d.latest.to_string(),
                    d.settings
                        .owner
                        .and_then(|o| members.get(&o).cloned())
                        .unwrap_or_default(),
                    date(d.next_review),
                    d.updated_at.date(),
                ]);
            }
            if list.len() < page as usize {
                break;
            }
            offset += page;
        }
        Ok(table)
    }
}
