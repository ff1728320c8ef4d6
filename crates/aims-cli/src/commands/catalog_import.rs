//! `aims catalog import FILE`: reads a framework or crosswalk of the user's own, checks that
//! it joins the shipped catalogues, and with `--org` adds it to that organisation.

use std::path::Path;
use std::process::ExitCode;

use aims_app::FrameworkImport;
use aims_catalog::{
    ImportFormat, ImportOptions, Imported, Library, diff, import_format, read_import,
};
use anyhow::Context;

use crate::settings::Settings;

/// The file and what the command line says about it.
pub struct ImportArgs<'a> {
    /// The document to read.
    pub file: &'a Path,
    /// What the command line says that the document does not.
    pub options: ImportOptions,
}

fn read(args: &ImportArgs<'_>) -> anyhow::Result<(String, String)> {
    let name = args.file.display().to_string();
    let text = std::fs::read_to_string(args.file).with_context(|| format!("reading {name}"))?;
    Ok((name, text))
}

fn summarise(name: &str, imported: &Imported) {
    match imported {
        Imported::Catalogue(catalogue) => {
            println!(
                "{name}: {} version {}, valid",
                catalogue.framework.title, catalogue.framework.version
            );
            let mut kinds: Vec<(&str, usize)> = Vec::new();
            for item in &catalogue.items {
                match kinds.iter_mut().find(|(k, _)| *k == item.kind.as_str()) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((item.kind.as_str(), 1)),
                }
            }
            for (kind, n) in kinds {
                println!("  {n:>5} {kind}");
            }
            println!(
                "  {:>5} requirements",
                catalogue.items.iter().filter(|i| i.requirement).count()
            );
        }
        Imported::Crosswalk(crosswalk) => {
            let info = &crosswalk.crosswalk;
            let gaps = crosswalk.mappings.iter().filter(|m| m.to.is_none()).count();
            println!(
                "{name}: crosswalk {} ({} → {}), valid",
                info.id, info.source, info.target
            );
            println!("  {:>5} mappings", crosswalk.mappings.len() - gaps);
            println!("  {:>5} gaps", gaps);
        }
    }
}

/// Reads the file and checks it against the shipped catalogues; nothing is stored.
pub fn check(library: &Library, args: &ImportArgs<'_>) -> anyhow::Result<ExitCode> {
    let (name, text) = read(args)?;
    let format = import_format(&name, &text);
    if format == ImportFormat::Csv && (args.options.id.is_none() || args.options.title.is_none()) {
        anyhow::bail!("{name}: a CSV framework needs --id and --title");
    }
    let imported = read_import(&name, &text, format, &args.options, library)?;
    // A shipped catalogue exported and read back is not an error to check: say how it compares.
    let loaded = match &imported {
        Imported::Catalogue(c) => library.catalogue(&c.key()).filter(|l| l.key() == c.key()),
        Imported::Crosswalk(_) => None,
    };
    match (&imported, loaded) {
        (Imported::Catalogue(c), Some(loaded)) => {
            summarise(&name, &imported);
            let change = diff(loaded, c);
            if change.is_empty() {
                println!("  same items and wording as the loaded {}", loaded.key());
            } else {
                println!(
                    "  differs from the loaded {}: {} added, {} removed, {} changed",
                    loaded.key(),
                    change.added.len(),
                    change.removed.len(),
                    change.changed.len()
                );
            }
            println!("  an organisation can import it only under another version (--version)");
        }
        (Imported::Catalogue(c), None) => {
            library.extend(vec![c.clone()], Vec::new())?;
            summarise(&name, &imported);
        }
        (Imported::Crosswalk(c), _) => {
            library.extend(Vec::new(), vec![c.clone()])?;
            summarise(&name, &imported);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds the file to organisation `org`, as an admin acting from the command line would.
pub async fn store(
    settings: &Settings,
    args: &ImportArgs<'_>,
    org: &str,
) -> anyhow::Result<ExitCode> {
    let org = super::org_id(org)?;
    let (name, text) = read(args)?;
    let app = super::open_current(settings).await?;
    let actor = aims_app::domain::Actor {
        kind: aims_app::domain::ActorKind::System,
        org,
        role: aims_app::domain::Role::Admin,
        label: "aims catalog import".into(),
    };
    // The organisation keeps the file's name, not the folder it sat in on this machine.
    let file_name = args
        .file
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let imported = app
        .import_framework(
            &actor,
            FrameworkImport {
                file_name,
                document: text,
                format: None,
                options: args.options.clone(),
            },
        )
        .await?;
    println!(
        "{name}: imported {} {} ({}), {} entries",
        imported.kind, imported.key, imported.title, imported.entries
    );
    Ok(ExitCode::SUCCESS)
}
