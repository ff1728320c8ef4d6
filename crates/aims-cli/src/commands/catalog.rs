//! `aims catalog ...`: the shipped framework catalogues, for people and scripts.

use std::process::ExitCode;

use anyhow::Context;

use aims_catalog::{Catalogue, Item, Library};
use serde_json::{Value, json};

use crate::settings::CatalogCommand;

fn item_json(item: &Item) -> Value {
    json!({
        "id": item.id, "parent": item.parent, "kind": item.kind.as_str(), "title": item.title,
        "description": item.description, "requirement": item.requirement, "guidance": item.guidance,
        "text": item.text,
    })
}

fn framework_json(catalogue: &Catalogue) -> Value {
    let f = &catalogue.framework;
    json!({
        "key": catalogue.key(), "id": f.id, "version": f.version, "title": f.title, "short_name": f.short_name,
        "publisher": f.publisher, "published": f.published, "source": f.source, "licence": f.licence,
        "original_text_included": f.original_text_included, "attribution": f.attribution,
        "items": catalogue.items.len(), "requirements": catalogue.items.iter().filter(|i| i.requirement).count(),
    })
}

fn find<'a>(library: &'a Library, name: &str) -> anyhow::Result<&'a Catalogue> {
    library.catalogue(name).ok_or_else(|| {
        let known: Vec<String> = library.catalogues().map(Catalogue::key).collect();
        anyhow::anyhow!("no catalogue {name:?}; known: {}", known.join(", "))
    })
}

fn print_tree(catalogue: &Catalogue, parent: Option<&str>, depth: usize) {
    for item in catalogue.children(parent) {
        let marker = if item.requirement { "*" } else { " " };
        println!("{marker} {}{}  {}", "  ".repeat(depth), item.id, item.title);
        print_tree(catalogue, Some(&item.id), depth + 1);
    }
}

/// Runs one catalogue command.
pub fn run(command: CatalogCommand) -> anyhow::Result<ExitCode> {
    let library = aims_catalog::shipped()?;
    match command {
        CatalogCommand::List { format } => {
            if format == "json" {
                let all: Vec<Value> = library.catalogues().map(framework_json).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for c in library.catalogues() {
                    let requirements = c.items.iter().filter(|i| i.requirement).count();
                    println!(
                        "{:<36} {:<34} {:>4} items, {:>3} requirements",
                        c.key(),
                        c.framework.short_name,
                        c.items.len(),
                        requirements
                    );
                }
            }
        }
        CatalogCommand::Show {
            framework,
            item,
            format,
        } => {
            let catalogue = find(&library, &framework)?;
            match item {
                Some(id) => {
                    let item = catalogue
                        .item(&id)
                        .ok_or_else(|| anyhow::anyhow!("{} has no item {id:?}", catalogue.key()))?;
                    if format == "json" {
                        let children: Vec<Value> =
                            catalogue.children(Some(&item.id)).map(item_json).collect();
                        println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &json!({"item": item_json(item), "children": children})
                            )?
                        );
                    } else {
                        println!(
                            "{} {} — {}",
                            catalogue.framework.short_name, item.id, item.title
                        );
                        println!(
                            "kind: {}{}",
                            item.kind.as_str(),
                            if item.requirement {
                                ", requirement"
                            } else {
                                ""
                            }
                        );
                        if let Some(parent) = &item.parent {
                            println!("under: {parent}");
                        }
                        if let Some(guidance) = &item.guidance {
                            println!("guidance: {guidance}");
                        }
                        println!("\n{}", item.description);
                        for child in catalogue.children(Some(&item.id)) {
                            println!("  {}  {}", child.id, child.title);
                        }
                        if let (Some(_), Some(attribution)) =
                            (&item.text, &catalogue.framework.attribution)
                        {
                            println!("\n{attribution}");
                        }
                    }
                }
                None if format == "json" => {
                    let items: Vec<Value> = catalogue.items.iter().map(item_json).collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(
                            &json!({"framework": framework_json(catalogue), "items": items})
                        )?
                    );
                }
                None => {
                    println!(
                        "{} — {}\n{}\n",
                        catalogue.framework.short_name,
                        catalogue.framework.title,
                        catalogue.framework.licence
                    );
                    print_tree(catalogue, None, 0);
                    println!("\n* marks an item organisations are assessed against");
                }
            }
        }
        CatalogCommand::Map {
            framework,
            item,
            hops,
            format,
        } => {
            let catalogue = find(&library, &framework)?;
            anyhow::ensure!(
                catalogue.item(&item).is_some(),
                "{} has no item {item:?}",
                catalogue.key()
            );
            anyhow::ensure!((1..=5).contains(&hops), "--hops must be between 1 and 5");
            let reached = library.map(catalogue, &item, hops);
            let gaps = library.gaps(catalogue, &item);
            if format == "json" {
                let answers: Vec<Value> = reached
                    .iter()
                    .map(|r| {
                        let path: Vec<Value> = r
                            .path
                            .iter()
                            .map(|s| json!({"from": format!("{}:{}", s.from.0, s.from.1), "to": format!("{}:{}", s.to.0, s.to.1),
                                "relation": s.relation.oscal(), "rationale": s.rationale, "crosswalk": s.crosswalk}))
                            .collect();
                        json!({"catalogue": r.node.0, "item": r.node.1, "relation": r.relation.oscal(), "weakest": r.weakest.oscal(), "path": path})
                    })
                    .collect();
                let gaps: Vec<Value> = gaps
                    .iter()
                    .map(|(target, why)| json!({"catalogue": target, "rationale": why}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({"mappings": answers, "gaps": gaps}))?
                );
            } else {
                println!("{} {} maps to:", catalogue.framework.short_name, item);
                if reached.is_empty() {
                    println!("  nothing within {hops} step(s)");
                }
                for r in &reached {
                    println!("  {:<28} {:<10} {}", r.node.0, r.node.1, r.relation);
                    if r.path.len() == 1 {
                        println!("      {}", r.path[0].rationale);
                    } else {
                        let hops: Vec<String> = r
                            .path
                            .iter()
                            .map(|s| format!("{} ({})", s.to.1, s.relation))
                            .collect();
                        println!(
                            "      via {}; weakest link: {}",
                            hops.join(" → "),
                            r.weakest
                        );
                    }
                }
                for (target, why) in gaps {
                    println!("  no counterpart in {target}: {why}");
                }
            }
        }
        CatalogCommand::Export { id, format, out } => {
            let text = export(&library, &id, &format)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("wrote {}", path.display());
                }
                None => print!("{text}"),
            }
        }
        CatalogCommand::Diff {
            old, new, format, ..
        } => {
            let (old, new) = (load(&library, &old)?, load(&library, &new)?);
            let d = aims_catalog::diff(&old, &new);
            if format == "json" {
                let ids = |items: &[Item]| items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
                let changed: Vec<Value> = d
                    .changed
                    .iter()
                    .map(|c| json!({"id": c.id, "renamed": c.renamed, "reworded": c.reworded, "moved": c.moved,
                        "requirement_changed": c.requirement_changed, "old_title": c.old.title, "new_title": c.new.title}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"added": ids(&d.added), "removed": ids(&d.removed), "changed": changed})
                    )?
                );
            } else {
                println!("{} → {}", old.key(), new.key());
                for item in &d.added {
                    println!("  added     {}  {}", item.id, item.title);
                }
                for item in &d.removed {
                    println!("  removed   {}  {}", item.id, item.title);
                }
                for c in &d.changed {
                    let what = c.what();
                    println!(
                        "  {:<9} {}  {}{}",
                        what.join("+"),
                        c.id,
                        c.new.title,
                        if c.renamed {
                            format!(" (was: {})", c.old.title)
                        } else {
                            String::new()
                        }
                    );
                }
                println!(
                    "{} added, {} removed, {} changed",
                    d.added.len(),
                    d.removed.len(),
                    d.changed.len()
                );
            }
        }
        CatalogCommand::Import {
            file,
            id,
            title,
            version,
            source,
            target,
            org: _,
        } => {
            let args = super::catalog_import::ImportArgs {
                file: &file,
                options: aims_catalog::ImportOptions {
                    id,
                    title,
                    version,
                    source,
                    target,
                },
            };
            return super::catalog_import::check(&library, &args);
        }
        CatalogCommand::Search { words, format } => {
            let hits = library.search(&words.join(" "));
            if format == "json" {
                let all: Vec<Value> = hits
                    .iter()
                    .map(|h| json!({"catalogue": h.catalogue.key(), "item": item_json(h.item)}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if hits.is_empty() {
                println!("nothing found");
            } else {
                for hit in &hits {
                    println!(
                        "{:<28} {:<12} {}",
                        hit.catalogue.framework.short_name, hit.item.id, hit.item.title
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A catalogue or crosswalk in the requested format.
fn export(library: &Library, id: &str, format: &str) -> anyhow::Result<String> {
    if let Some(crosswalk) = library.crosswalks().iter().find(|c| c.crosswalk.id == id) {
        let source = find(library, &crosswalk.crosswalk.source)?;
        let target = find(library, &crosswalk.crosswalk.target)?;
        return match format {
            "oscal" => Ok(
                serde_json::to_string_pretty(&aims_catalog::crosswalk_to_oscal(
                    crosswalk, source, target,
                ))? + "\n",
            ),
            "yaml" => shipped_text(aims_catalog::SHIPPED_CROSSWALKS, &crosswalk.file),
            other => anyhow::bail!("a crosswalk exports as oscal or yaml, not {other:?}"),
        };
    }
    let catalogue = find(library, id)?;
    match format {
        "oscal" => {
            Ok(serde_json::to_string_pretty(&aims_catalog::catalog_to_oscal(catalogue))? + "\n")
        }
        "yaml" => shipped_text(aims_catalog::SHIPPED, &catalogue.file),
        "csv" => {
            let mut out = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            out.write_record([
                "id",
                "parent",
                "kind",
                "title",
                "description",
                "requirement",
                "guidance",
            ])?;
            for item in &catalogue.items {
                out.write_record([
                    item.id.as_str(),
                    item.parent.as_deref().unwrap_or(""),
                    item.kind.as_str(),
                    item.title.as_str(),
                    item.description.as_str(),
                    if item.requirement { "yes" } else { "no" },
                    item.guidance.as_deref().unwrap_or(""),
                ])?;
            }
            Ok(String::from_utf8(out.into_inner()?)?)
        }
        other => anyhow::bail!("a catalogue exports as oscal, csv or yaml, not {other:?}"),
    }
}

fn shipped_text(files: &[(&str, &str)], file: &str) -> anyhow::Result<String> {
    files
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| (*text).to_owned())
        .context("not a shipped file")
}

/// A catalogue file: an OSCAL catalog (`.json`) or a catalogue in our YAML format.
fn read_file(file: &std::path::Path) -> anyhow::Result<Catalogue> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {name}"))?;
    Ok(if name.ends_with(".json") {
        aims_catalog::catalogue_from_oscal(&name, &text)?
    } else {
        aims_catalog::parse_catalogue(&name, &text)?
    })
}

/// A shipped catalogue by name, or else a catalogue file.
pub(crate) fn load(library: &Library, name: &str) -> anyhow::Result<Catalogue> {
    match library.catalogue(name) {
        Some(catalogue) => Ok(catalogue.clone()),
        None if std::path::Path::new(name).exists() => read_file(std::path::Path::new(name)),
        None => find(library, name).cloned(),
    }
}
