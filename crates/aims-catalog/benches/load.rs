//! How long loading and validating every shipped catalogue takes, and a search across them.
//! Run with `cargo bench -p aims-catalog`; prints figures, asserts nothing.

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
}
