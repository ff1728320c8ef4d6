//! Every target run on its seeds (the shared fixtures and the files shipped in this
//! repository) and on every input a fuzzer ever crashed on (`fuzz/regressions/TARGET/`): on
//! the stable toolchain, in every test run, none may panic.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of `dir`, if it exists.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

#[test]
fn every_input_a_fuzzer_ever_crashed_on_runs_clean() {
    let mut replayed = 0;
    for (name, target) in aims_fuzzing::TARGETS {
        for input in files(&root().join("fuzz/regressions").join(name)) {
            target(&std::fs::read(&input).unwrap());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} inputs that once crashed a target");
}

#[test]
fn every_target_runs_on_its_seeds() {
    let fixtures = aims_fuzzing::fixtures(&root());
    if !fixtures.is_dir() {
        aims_store::testing::skip(&format!(
            "fuzz seeds from the shared fixtures: none at {} (set AIMS_FIXTURES)",
            fixtures.display()
        ));
    }
    let seeds = aims_fuzzing::seeds(&root());
    for (name, target) in aims_fuzzing::TARGETS {
        let inputs = seeds.iter().filter(|(t, _)| t == name).count();
        assert!(inputs > 0, "target {name} has no seed");
        for (_, bytes) in seeds.iter().filter(|(t, _)| t == name) {
            target(bytes);
        }
    }
}
