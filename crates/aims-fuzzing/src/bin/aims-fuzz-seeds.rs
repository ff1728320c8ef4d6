//! Writes every target's seeds into `CORPUS/TARGET/` (the folder given as the only argument),
//! for `cargo xtask fuzz` to start each corpus from.

fn main() -> std::io::Result<()> {
    let corpus = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "fuzz/corpus".into());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixtures = aims_fuzzing::fixtures(&root);
    if !fixtures.is_dir() {
        eprintln!(
            "no shared fixtures at {} (set AIMS_FIXTURES): seeding from this repository only",
            fixtures.display()
        );
    }
    let mut written = 0;
    for (n, (target, bytes)) in aims_fuzzing::seeds(&root).into_iter().enumerate() {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("seed-{n}")), bytes)?;
        written += 1;
    }
    println!("{written} seeds written under {}", corpus.display());
    Ok(())
}
