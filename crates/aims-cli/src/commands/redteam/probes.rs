//! `aims redteam probes ...`: the probe library for people and scripts.

use std::path::PathBuf;
use std::process::ExitCode;

use aims_redteam::pack::{LoadedProbe, ProbeLibrary, Prompt};
use serde_json::json;

use super::ProbesCommand;

fn library(extra: &[PathBuf]) -> anyhow::Result<ProbeLibrary> {
    let mut library = ProbeLibrary::shipped()?;
    for path in extra {
        library.add_path(path)?;
    }
    Ok(library)
}

fn probe_json(p: &LoadedProbe) -> serde_json::Value {
    json!({
        "id": p.probe.id, "pack": p.pack, "pack_version": p.pack_version, "category": p.category,
        "title": p.probe.title, "severity": p.probe.severity, "taxonomy": p.taxonomy,
        "prompts": p.probe.prompts.len(), "convertible": p.probe.convertible,
        "detectors": p.probe.detectors.iter().map(|d| d.name()).collect::<Vec<_>>(),
    })
}

/// Runs one probes command.
pub fn run(command: ProbesCommand) -> anyhow::Result<ExitCode> {
    match command {
        ProbesCommand::List { pack, format } => {
            let probes = library(&pack)?.probes();
            if format == "json" {
                let all: Vec<_> = probes.iter().map(probe_json).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for p in &probes {
                    println!(
                        "{:<44} {:<34} {:<9} {} {}",
                        p.probe.id,
                        p.category,
                        p.probe.severity.name(),
                        p.taxonomy.owasp.join(","),
                        p.taxonomy.atlas.join(",")
                    );
                }
                println!(
                    "{} probes in {} packs",
                    probes.len(),
                    library(&pack)?.packs.len()
                );
            }
        }
        ProbesCommand::Show { id, pack } => {
            let library = library(&pack)?;
            let Some(p) = library.probe(&id) else {
                return Ok(super::usage(format!(
                    "no probe {id:?}; see `aims redteam probes list`"
                )));
            };
            println!(
                "{} — {} (pack {} v{})",
                p.probe.id, p.probe.title, p.pack, p.pack_version
            );
            println!(
                "category {}, severity {}",
                p.category,
                p.probe.severity.name()
            );
            println!("{}", p.probe.description);
            println!("tags: {}", p.taxonomy.tags().join(" "));
            if let Some(system) = &p.probe.system {
                println!("system prompt: {system}");
            }
            if let Some(context) = &p.probe.context {
                println!("planted context:\n{context}");
            }
            for (i, prompt) in p.probe.prompts.iter().enumerate() {
                match prompt {
                    Prompt::Single(text) => println!("prompt {i}: {text}"),
                    Prompt::Script { turns } => {
                        for (t, text) in turns.iter().enumerate() {
                            println!("prompt {i}, turn {}: {text}", t + 1);
                        }
                    }
                }
            }
            println!(
                "detectors ({:?}): {}",
                p.probe.match_mode,
                serde_json::to_string(&p.probe.detectors)?
            );
        }
        ProbesCommand::Validate { files } => {
            let mut library = ProbeLibrary::shipped()?;
            let mut failed = false;
            for file in &files {
                let before = library.probes().len();
                match library.add_path(file) {
                    Ok(()) => println!(
                        "{}: ok, {} probes",
                        file.display(),
                        library.probes().len() - before
                    ),
                    Err(err) => {
                        failed = true;
                        eprintln!("{err}");
                    }
                }
            }
            if failed {
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
