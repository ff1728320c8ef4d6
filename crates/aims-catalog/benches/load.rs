//! How long loading and validating every shipped catalogue takes, a search across them, and
//! what an organisation's own framework adds.
//! Run with `cargo bench -p aims-catalog`; prints figures, asserts nothing.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

fn measure(name: &str, runs: u32, mut work: impl FnMut()) {
    work(); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<40} median {:>8.3} ms   min {:>8.3} ms   max {:>8.3} ms   ({runs} runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
}

fn main() {
    let library = aims_catalog::shipped().expect("the shipped catalogues load");
    let items: usize = library.catalogues().map(|c| c.items.len()).sum();
    println!("{} catalogues, {items} items", library.catalogues().count());
    measure("load and validate every shipped catalogue", 50, || {
        black_box(aims_catalog::shipped().unwrap());
    });
    measure("search \"data quality\" across all", 200, || {
        black_box(library.search("data quality"));
    });
    let owasp = library
        .catalogue("owasp-llm-top10")
        .expect("OWASP is shipped");
    let reached = library.map(owasp, "LLM01", 3).len();
    println!(
        "LLM01 reaches {reached} items within 3 hops over {} mappings",
        library.mapping_count()
    );
    measure("3-hop mapping query (OWASP LLM01)", 1000, || {
        black_box(library.map(owasp, "LLM01", 3));
    });
    own_framework(&library);
}

/// An organisation's library is the shipped one extended with its imports, rebuilt when they
/// change: reading a 500-requirement CSV and a re-exported ISO/IEC 42001, and extending.
fn own_framework(library: &aims_catalog::Library) {
    let mut csv = String::from("id,parent,kind,title,description\n");
    for group in 1..=20 {
        csv.push_str(&format!(
            "G{group},,group,Group {group},Rules of area {group}\n"
        ));
        for rule in 1..=25 {
            csv.push_str(&format!(
                "G{group}.{rule},G{group},control,Rule {group}.{rule},What rule {rule} of area {group} asks\n"
            ));
        }
    }
    let options = aims_catalog::ImportOptions {
        id: Some("acme-policy".into()),
        title: Some("Acme policy".into()),
        ..Default::default()
    };
    let read = || match aims_catalog::read_import(
        "acme.csv",
        &csv,
        aims_catalog::ImportFormat::Csv,
        &options,
        library,
    )
    .unwrap()
    {
        aims_catalog::Imported::Catalogue(c) => c,
        aims_catalog::Imported::Crosswalk(_) => unreachable!("a CSV is a catalogue"),
    };
    measure("read a 520-item CSV framework", 50, || {
        black_box(read());
    });
    let own = read();
    measure("extend the shipped library with it", 50, || {
        black_box(library.extend(vec![own.clone()], Vec::new()).unwrap());
    });
    let iso = library.catalogue("iso-iec-42001").unwrap();
    let oscal = aims_catalog::catalog_to_oscal(iso).to_string();
    measure("read ISO/IEC 42001 back from OSCAL", 50, || {
        black_box(aims_catalog::catalogue_from_oscal("42001.json", &oscal).unwrap());
    });
}
