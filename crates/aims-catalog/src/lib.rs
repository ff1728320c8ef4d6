//! Framework catalogues: the requirements and controls of ISO/IEC 42001, the NIST AI RMF,
//! ISO/IEC 27001 and the other frameworks aims maps between, shipped as data files under
//! `catalogs/` in a documented format (see `catalogs/README.md`), loaded and validated here.
//! Identifiers and short titles are the published ones; every description of an ISO/IEC
//! item is written in our own words.

mod crosswalk;
mod custom;
mod diff;
mod library;
mod load;
mod mapping;
mod model;
mod oscal;
mod oscal_catalog;
mod oscal_mapping;
mod texts;

pub use crosswalk::{Crosswalk, CrosswalkInfo, Mapping, Relation, parse_crosswalk};
pub use custom::{ImportFormat, ImportOptions, Imported, import_format, read_import};
pub use diff::{CatalogueDiff, Changed, diff};
pub use library::{Library, SearchHit};
pub use load::{LoadError, parse_catalogue};
pub use mapping::{Node, Reached, Step};
pub use model::{Catalogue, Framework, IncidentCase, Item, ItemKind, ReportingDeadline};
pub use oscal::{OSCAL_VERSION, catalog_to_oscal, crosswalk_to_oscal, export_file_name, oscal_id};
pub use oscal_catalog::catalogue_from_oscal;
pub use oscal_mapping::{MappingEnds, crosswalk_from_oscal};
pub use texts::{CsvError, catalogue_from_csv, parse_texts_csv};

/// The catalogues shipped with aims: file name and content, compiled into the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "iso-iec-42001-2023.yaml",
        include_str!("../catalogs/iso-iec-42001-2023.yaml"),
    ),
    (
        "nist-ai-rmf-1.0.yaml",
        include_str!("../catalogs/nist-ai-rmf-1.0.yaml"),
    ),
    (
        "iso-iec-27001-2022.yaml",
        include_str!("../catalogs/iso-iec-27001-2022.yaml"),
    ),
    (
        "owasp-llm-top10-2025.yaml",
        include_str!("../catalogs/owasp-llm-top10-2025.yaml"),
    ),
    (
        "oecd-ai-principles-2024.yaml",
        include_str!("../catalogs/oecd-ai-principles-2024.yaml"),
    ),
    (
        "uk-ai-cyber-security-code-2025.yaml",
        include_str!("../catalogs/uk-ai-cyber-security-code-2025.yaml"),
    ),
    (
        "eu-ai-act-2024.yaml",
        include_str!("../catalogs/eu-ai-act-2024.yaml"),
    ),
];

/// The crosswalks shipped with aims, compiled into the binary.
pub const SHIPPED_CROSSWALKS: &[(&str, &str)] = &[
    (
        "iso-iec-42001-to-iso-iec-27001.yaml",
        include_str!("../crosswalks/iso-iec-42001-to-iso-iec-27001.yaml"),
    ),
    (
        "owasp-llm-top10-to-iso-iec-42001.yaml",
        include_str!("../crosswalks/owasp-llm-top10-to-iso-iec-42001.yaml"),
    ),
    (
        "eu-ai-act-to-iso-iec-42001.yaml",
        include_str!("../crosswalks/eu-ai-act-to-iso-iec-42001.yaml"),
    ),
    (
        "nist-ai-rmf-to-iso-iec-42001.yaml",
        include_str!("../crosswalks/nist-ai-rmf-to-iso-iec-42001.yaml"),
    ),
    (
        "oecd-ai-principles-to-iso-iec-42001.yaml",
        include_str!("../crosswalks/oecd-ai-principles-to-iso-iec-42001.yaml"),
    ),
    (
        "uk-ai-cyber-security-code-to-iso-iec-42001.yaml",
        include_str!("../crosswalks/uk-ai-cyber-security-code-to-iso-iec-42001.yaml"),
    ),
];

/// Loads and validates every shipped catalogue and crosswalk.
pub fn shipped() -> Result<Library, LoadError> {
    let catalogues = SHIPPED
        .iter()
        .map(|(file, text)| parse_catalogue(file, text))
        .collect::<Result<Vec<_>, _>>()?;
    let crosswalks = SHIPPED_CROSSWALKS
        .iter()
        .map(|(file, text)| parse_crosswalk(file, text))
        .collect::<Result<Vec<_>, _>>()?;
    Library::new(catalogues, crosswalks)
}
