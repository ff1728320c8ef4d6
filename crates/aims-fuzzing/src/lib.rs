//! One entry point per parser of outside input, each taking arbitrary bytes and running the
//! parser the way aims runs it on an upload, an import or a request (and what aims does with
//! its result next). Nothing here may panic, whatever the bytes: `cargo xtask fuzz` drives
//! these under libFuzzer (`fuzz/`), and the tests of this crate replay the seeds and every
//! input a fuzzer ever crashed on (`fuzz/regressions/TARGET/`) on the stable toolchain.

use std::sync::OnceLock;

use aims_catalog::{ImportOptions, Library, MappingEnds};
use aims_domain::eu_ai_act::{Answers, classify, obligations};
use aims_domain::evidence::{EvidenceFacts, check_upload};
use aims_domain::impact::AssessmentContent;
use aims_domain::inventory::{plan_import, read_ml_bom};
use aims_domain::risk::{RiskMethod, describe_change};
use aims_redteam::config::{RunConfig, Thresholds};
use aims_redteam::pack::ProbeLibrary;

/// A fuzz target's entry point.
pub type Entry = fn(&[u8]);

/// Every target: its name (as `fuzz/fuzz_targets/NAME.rs` and the corpus folders) and entry.
pub const TARGETS: &[(&str, Entry)] = &[
    ("cyclonedx_bom", cyclonedx_bom),
    ("oscal_catalog", oscal_catalog),
    ("oscal_mapping", oscal_mapping),
    ("catalogue_yaml", catalogue_yaml),
    ("catalogue_csv", catalogue_csv),
    ("custom_import", custom_import),
    ("garak_report", garak_report),
    ("promptfoo_report", promptfoo_report),
    ("run_config", run_config),
    ("probe_pack", probe_pack),
    ("journal", journal),
    ("backup_archive", backup_archive),
    ("risk_method", risk_method),
    ("evidence_upload", evidence_upload),
    ("eu_ai_act_answers", eu_ai_act_answers),
    ("impact_assessment", impact_assessment),
    ("form_fields", form_fields),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn shipped() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| aims_catalog::shipped().expect("the shipped catalogues load"))
}

/// A CycloneDX ML-BOM, as `POST /systems/{id}/ml-bom` reads it, planned against no components.
pub fn cyclonedx_bom(data: &[u8]) {
    if let Some(json) = text(data)
        && let Ok(bom) = read_ml_bom(json)
    {
        let _ = plan_import(&[], &bom.components);
    }
}

/// An OSCAL catalog.
pub fn oscal_catalog(data: &[u8]) {
    if let Some(json) = text(data) {
        let _ = aims_catalog::catalogue_from_oscal("fuzz.json", json);
    }
}

/// An OSCAL mapping collection, against the shipped catalogues.
pub fn oscal_mapping(data: &[u8]) {
    if let Some(json) = text(data) {
        let ends = MappingEnds::default();
        let _ = aims_catalog::crosswalk_from_oscal("fuzz.json", json, shipped(), &ends);
    }
}

/// A catalogue or a crosswalk in aims' YAML.
pub fn catalogue_yaml(data: &[u8]) {
    if let Some(yaml) = text(data) {
        let _ = aims_catalog::parse_catalogue("fuzz.yaml", yaml);
        let _ = aims_catalog::parse_crosswalk("fuzz.yaml", yaml);
    }
}

/// A framework as CSV, and an organisation's requirement texts as CSV.
pub fn catalogue_csv(data: &[u8]) {
    if let Some(csv) = text(data) {
        let framework = aims_catalog::Framework::custom("fuzz", "Fuzz", "1", "fuzzing");
        let _ = aims_catalog::catalogue_from_csv("fuzz.csv", csv, framework);
        let _ = aims_catalog::parse_texts_csv(csv);
    }
}

/// Any file an organisation imports as a framework: its format told, then read.
pub fn custom_import(data: &[u8]) {
    if let Some(document) = text(data) {
        for name in ["fuzz.json", "fuzz.yaml", "fuzz.csv"] {
            let format = aims_catalog::import_format(name, document);
            let options = ImportOptions {
                id: Some("fuzz".into()),
                title: Some("Fuzz".into()),
                ..Default::default()
            };
            let added = match aims_catalog::read_import(name, document, format, &options, shipped())
            {
                Ok(aims_catalog::Imported::Catalogue(catalogue)) => (vec![catalogue], Vec::new()),
                Ok(aims_catalog::Imported::Crosswalk(crosswalk)) => (Vec::new(), vec![crosswalk]),
                Err(_) => continue,
            };
            let _ = shipped().extend(added.0, added.1);
        }
    }
}

/// A garak report.
pub fn garak_report(data: &[u8]) {
    if let Some(report) = text(data) {
        let _ = aims_redteam::import::from_garak("fuzz.report.jsonl", report);
    }
}

/// A promptfoo export.
pub fn promptfoo_report(data: &[u8]) {
    if let Some(report) = text(data) {
        let _ = aims_redteam::import::from_promptfoo("fuzz.json", report);
    }
}

/// A red-team run config, as YAML and as TOML, planned against the shipped packs.
pub fn run_config(data: &[u8]) {
    if let Some(config) = text(data) {
        for toml in [false, true] {
            if let Ok(config) = RunConfig::parse("fuzz", config, toml)
                && let Ok(library) = ProbeLibrary::shipped()
            {
                let _ = aims_redteam::plan::build(&config, &library);
            }
        }
    }
}

/// A probe pack of one's own, beside the shipped ones.
pub fn probe_pack(data: &[u8]) {
    if let Some(pack) = text(data)
        && let Ok(mut library) = ProbeLibrary::shipped()
    {
        let _ = library.add("fuzz.yaml", pack);
    }
}

/// A red-team journal, as an upload is read and summarised.
pub fn journal(data: &[u8]) {
    if let Ok(contents) = aims_redteam::journal::parse_bytes("journal.jsonl", data) {
        let _ = aims_redteam::report::Summary::build(
            &contents,
            String::new(),
            &Thresholds::default(),
            None,
        );
    }
}

/// A backup archive, read as a restore reads it (blobs staged in a temporary folder).
pub fn backup_archive(data: &[u8]) {
    let staging = std::env::temp_dir().join(format!("aims-fuzz-backup-{}", std::process::id()));
    if std::fs::create_dir_all(&staging).is_ok() {
        let _ = aims_store::backup::read_items_from(data, &staging, |_| Ok(()));
        let _ = std::fs::remove_dir_all(&staging);
    }
}

/// A risk method, as `PUT /risk-method` reads it, compared with the default.
pub fn risk_method(data: &[u8]) {
    if let Ok(method) = serde_json::from_slice::<RiskMethod>(data)
        && let Ok(method) = method.validate()
    {
        let _ = describe_change(&RiskMethod::default_five_by_five(), &method);
        let counts = aims_domain::risk::HeatMapCounts::from_risks(&method, &[]);
        let _ = aims_domain::risk::heat_map_svg(&method, &counts, "fuzz");
    }
}

/// An evidence upload: the first line is the file's name, the rest its bytes; then the
/// facts sent beside it as JSON.
pub fn evidence_upload(data: &[u8]) {
    let (name, bytes) = match data.iter().position(|b| *b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &[][..]),
    };
    if let Some(name) = text(name) {
        let _ = check_upload(name, bytes);
    }
    if let Ok(facts) = serde_json::from_slice::<EvidenceFacts>(bytes) {
        let _ = facts.validate();
    }
}

/// The EU AI Act questionnaire's answers, classified and given their obligations.
pub fn eu_ai_act_answers(data: &[u8]) {
    if let Ok(answers) = serde_json::from_slice::<Answers>(data)
        && answers.validate().is_ok()
    {
        let classification = classify(&answers);
        let _ = obligations(&classification, &answers);
    }
}

/// An impact assessment's content.
pub fn impact_assessment(data: &[u8]) {
    if let Ok(content) = serde_json::from_slice::<AssessmentContent>(data) {
        let _ = content.validate();
    }
}

/// A submitted page form: its fields decoded as the pages decode them.
pub fn form_fields(data: &[u8]) {
    if let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) {
        for (name, value) in &fields {
            let _ = aims_domain::validation::bounded_text("field", value, 1, 200);
            let _ = aims_domain::validation::long_text("field", value, 10_000);
            let _ = aims_domain::validation::labels("tags", std::slice::from_ref(name), 20);
        }
    }
}

/// Where the shared fixtures are: `AIMS_FIXTURES`, or `../shared/fixtures` beside the
/// checkout at `root`.
pub fn fixtures(root: &std::path::Path) -> std::path::PathBuf {
    std::env::var_os("AIMS_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/fixtures"))
}

fn files_in(dir: &std::path::Path, extension: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == extension))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The seeds of every target, as `(target, bytes)`: the shared fixtures of other tools and
/// standards bodies when present, the files shipped in this repository, and a few inputs
/// written here. The checkout's root is `root`.
pub fn seeds(root: &std::path::Path) -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut add = |target: &'static str, inputs: Vec<Vec<u8>>| {
        seeds.extend(inputs.into_iter().map(|bytes| (target, bytes)));
    };
    let shared = fixtures(root);
    add("cyclonedx_bom", files_in(&shared.join("cyclonedx"), "json"));
    add(
        "cyclonedx_bom",
        vec![br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"ranker","version":"4"},{"type":"data","name":"rows","data":[{"type":"dataset","name":"rows"}]}]}"#.to_vec()],
    );
    let oscal = files_in(&shared.join("oscal/examples"), "json");
    add("oscal_catalog", oscal.clone());
    add("custom_import", oscal);
    let library = shipped();
    let exported: Vec<Vec<u8>> = library
        .catalogues()
        .map(|c| serde_json::to_vec(&aims_catalog::catalog_to_oscal(c)).unwrap_or_default())
        .collect();
    add("oscal_catalog", exported.clone());
    add("custom_import", exported);
    let mappings: Vec<Vec<u8>> = library
        .crosswalks()
        .iter()
        .filter_map(|c| {
            let source = library.catalogue(&c.crosswalk.source)?;
            let target = library.catalogue(&c.crosswalk.target)?;
            serde_json::to_vec(&aims_catalog::crosswalk_to_oscal(c, source, target)).ok()
        })
        .collect();
    add("oscal_mapping", mappings.clone());
    add("custom_import", mappings);
    for folder in [
        "crates/aims-catalog/catalogs",
        "crates/aims-catalog/crosswalks",
    ] {
        let yaml = files_in(&root.join(folder), "yaml");
        add("catalogue_yaml", yaml.clone());
        add("custom_import", yaml);
    }
    let csv = b"id,parent,kind,title,description\nP1,,group,Governance,How AI is governed\nP1.1,P1,control,AI owner,Every AI system has an owner\n".to_vec();
    add(
        "catalogue_csv",
        vec![
            csv.clone(),
            b"framework,item,text\niso-iec-42001,A.2.2,Our words\n".to_vec(),
        ],
    );
    add("custom_import", vec![csv]);
    add(
        "garak_report",
        files_in(&shared.join("garak/run-a"), "jsonl"),
    );
    add(
        "garak_report",
        vec![b"{\"entry_type\": \"start_run setup\"}\n".to_vec()],
    );
    add(
        "promptfoo_report",
        files_in(&shared.join("promptfoo"), "json"),
    );
    add(
        "promptfoo_report",
        vec![b"{\"results\": {\"results\": []}}".to_vec()],
    );
    add(
        "run_config",
        vec![
            b"name: nightly\ntarget: {kind: lab}\nconverters: [none, base64]\nrunner: {concurrency: 4, retries: 2}\nthresholds: {overall: 0.05}\n".to_vec(),
            b"name = \"nightly\"\n[target]\nkind = \"lab\"\n".to_vec(),
        ],
    );
    add(
        "probe_pack",
        files_in(&root.join("crates/aims-redteam/packs"), "yaml"),
    );
    add(
        "journal",
        vec![format!(
            "{}\n",
            serde_json::json!({"format": aims_redteam::journal::FORMAT, "run_id": "r", "name": "n", "fingerprint": "f",
                "started_at": "2026-12-01T00:00:00Z", "target": "lab", "planned": 0, "seed": 1, "tool": "aims"})
        )
        .into_bytes()],
    );
    add("backup_archive", vec![backup_seed()]);
    add(
        "risk_method",
        vec![serde_json::to_vec(&RiskMethod::default_five_by_five()).unwrap_or_default()],
    );
    add(
        "evidence_upload",
        vec![
            b"report.pdf\n%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec(),
            b"notes.md\n{\"title\": \"Policy\", \"link\": \"https://example.org\", \"targets\": [{\"kind\": \"control\", \"id\": \"A.2.2\"}]}".to_vec(),
        ],
    );
    add(
        "eu_ai_act_answers",
        vec![
            b"{}".to_vec(),
            b"{\"roles\": [\"provider\"], \"annex_iii_area\": \"employment\"}".to_vec(),
        ],
    );
    add(
        "impact_assessment",
        vec![b"{\"title\": \"Credit scoring 2026\", \"harms\": [{\"kind\": \"fairness\", \"description\": \"x\", \"severity\": \"high\", \"likelihood\": \"moderate\"}]}".to_vec()],
    );
    add(
        "form_fields",
        vec![b"name=Loan+scorer&purpose=Scores+loans&tags=credit&tags=retail".to_vec()],
    );
    seeds
}

/// A small archive as `aims backup` writes one.
fn backup_seed() -> Vec<u8> {
    let dump = aims_store::backup::Dump {
        schema_version: aims_store::backup::schema_version(),
        tables: vec![aims_store::backup::TableDump {
            table: "organisations".into(),
            columns: vec![
                ("id".into(), aims_store::backup::ColumnKind::Text),
                ("name".into(), aims_store::backup::ColumnKind::Text),
            ],
            rows: vec![vec![
                aims_store::backup::Value::Text("01a2381f-b03b-7384-8a48-e6f607ecfcb5".into()),
                aims_store::backup::Value::Text("Acme".into()),
            ]],
        }],
    };
    let out = std::env::temp_dir().join(format!("aims-fuzz-seed-{}.tar.gz", std::process::id()));
    let bytes = aims_store::backup::write_archive(&dump, None, &out)
        .ok()
        .and_then(|_| std::fs::read(&out).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    bytes
}
