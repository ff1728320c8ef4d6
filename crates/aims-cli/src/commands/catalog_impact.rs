//! `aims catalog diff OLD NEW --org ORG`: the diff, then what it touches in the organisation.

use std::process::ExitCode;

use crate::settings::{CatalogCommand, Settings};

/// Prints the diff of two catalogue versions and the records of `org` that it touches.
pub async fn diff_with_impact(
    settings: &Settings,
    old: &str,
    new: &str,
    format: &str,
    org: &str,
) -> anyhow::Result<ExitCode> {
    let org = super::org_id(org)?;
    let library = aims_catalog::shipped()?;
    let (before, after) = (
        super::catalog::load(&library, old)?,
        super::catalog::load(&library, new)?,
    );
    let diff = aims_catalog::diff(&before, &after);
    let app = super::open_current(settings).await?;
    let actor = aims_app::domain::Actor {
        kind: aims_app::domain::ActorKind::System,
        org,
        role: aims_app::domain::Role::Auditor,
        label: "aims catalog diff".into(),
    };
    let touched = app
        .catalogue_change_impact(&actor, &after.framework.id, &diff)
        .await?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&touched)?);
        return Ok(ExitCode::SUCCESS);
    }
    super::catalog::run(CatalogCommand::Diff {
        old: old.to_owned(),
        new: new.to_owned(),
        format: format.to_owned(),
        org: None,
    })?;
    if touched.is_empty() {
        println!("nothing in this organisation's records names a changed or removed item");
    }
    for item in &touched {
        println!("touches {} ({}):", item.id, item.change);
        if let Some(row) = &item.soa {
            println!(
                "  SoA row: {}, {}{}",
                if row.applicable {
                    "applicable"
                } else {
                    "not applicable"
                },
                row.status,
                if row.risks.is_empty() {
                    String::new()
                } else {
                    format!("; risks {}", row.risks.join(", "))
                }
            );
        }
        for o in &item.obligations {
            println!(
                "  obligation {} of {} system(s) (first: {})",
                o.requirement, o.systems, o.first_system
            );
        }
        if item.evidence > 0 {
            println!("  {} piece(s) of evidence name it", item.evidence);
        }
    }
    Ok(ExitCode::SUCCESS)
}
