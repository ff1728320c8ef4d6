//! Frameworks and crosswalks an organisation brings: one entry point that tells the form of
//! a document (OSCAL catalog, OSCAL mapping collection, aims YAML, CSV) and reads it.

use serde::{Deserialize, Serialize};

use crate::crosswalk::{Crosswalk, parse_crosswalk};
use crate::library::Library;
use crate::load::{LoadError, parse_catalogue};
use crate::model::{Catalogue, Framework};
use crate::oscal_catalog::catalogue_from_oscal;
use crate::oscal_mapping::{MappingEnds, crosswalk_from_oscal};
use crate::texts::catalogue_from_csv;

/// The form an imported document came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    /// An OSCAL 1.x catalog (JSON).
    OscalCatalog,
    /// An OSCAL 1.2 mapping collection (JSON), read as a crosswalk.
    OscalMappingCollection,
    /// The catalogue or crosswalk format aims ships its own content in.
    Yaml,
    /// One row per item (`id`, `parent`, `kind`, `title`, `description`, `requirement`).
    Csv,
}

impl ImportFormat {
    /// Every form, in the order the API lists them.
    pub const ALL: [ImportFormat; 4] = [
        ImportFormat::OscalCatalog,
        ImportFormat::OscalMappingCollection,
        ImportFormat::Yaml,
        ImportFormat::Csv,
    ];

    /// The name used in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::OscalCatalog => "oscal-catalog",
            ImportFormat::OscalMappingCollection => "oscal-mapping-collection",
            ImportFormat::Yaml => "yaml",
            ImportFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for ImportFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| {
                format!(
                    "must be oscal-catalog, oscal-mapping-collection, yaml or csv, not {name:?}"
                )
            })
    }
}

/// What a document alone does not say (a CSV framework's identity, a mapping collection's
/// ends) or what replaces what it says. Kept with the document so that it reads the same way
/// again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The id (`acme-ai-policy`), title and version, which a CSV framework needs and which
    /// replace any other document's own, so that a changed copy can sit beside the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The title; see `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The version; see `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The catalogues a mapping collection runs between, where its links do not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The target; see `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An imported document, read.
#[derive(Clone, Debug)]
pub enum Imported {
    /// A framework of the organisation's own.
    Catalogue(Catalogue),
    /// Mappings between two loaded frameworks.
    Crosswalk(Crosswalk),
}

impl Imported {
    /// The catalogue's `id@version`, or the crosswalk's id.
    pub fn key(&self) -> String {
        match self {
            Imported::Catalogue(c) => c.key(),
            Imported::Crosswalk(c) => c.crosswalk.id.clone(),
        }
    }

    /// The title it gives itself.
    pub fn title(&self) -> &str {
        match self {
            Imported::Catalogue(c) => &c.framework.title,
            Imported::Crosswalk(c) => &c.crosswalk.title,
        }
    }
}

/// The form of `text`, named `file`: CSV by its extension, OSCAL by its top-level key,
/// otherwise aims YAML.
pub fn import_format(file: &str, text: &str) -> ImportFormat {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if file.to_lowercase().ends_with(".csv") {
        ImportFormat::Csv
    } else if trimmed.starts_with('{') {
        let top: Option<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(trimmed).ok();
        if top.is_some_and(|t| t.contains_key("mapping-collection")) {
            ImportFormat::OscalMappingCollection
        } else {
            ImportFormat::OscalCatalog
        }
    } else {
        ImportFormat::Yaml
    }
}

/// `version` as it goes into a key: lower-case, spaces as hyphens, and nothing that could
/// break a key (`@`) or a requirement reference (`:`); `/` stays, as in `2024/1689`.
fn version_of(version: &str) -> Option<String> {
    let version = version
        .trim()
        .to_lowercase()
        .replace(char::is_whitespace, "-");
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".+-_/".contains(c);
    ((1..=32).contains(&version.len()) && version.chars().all(allowed)).then_some(version)
}

fn catalogue_id(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Reads an organisation's document of form `format`; crosswalk ends are looked up in
/// `library`, which the caller then extends with the result.
pub fn read_import(
    file: &str,
    text: &str,
    format: ImportFormat,
    options: &ImportOptions,
    library: &Library,
) -> Result<Imported, LoadError> {
    let fail = |message: String| LoadError {
        file: file.to_owned(),
        line: None,
        id: None,
        message,
    };
    let mut imported = match format {
        ImportFormat::Csv => {
            let (Some(id), Some(title)) = (&options.id, &options.title) else {
                return Err(fail("a CSV framework needs an id and a title".into()));
            };
            let framework =
                Framework::custom(id, title, options.version.as_deref().unwrap_or("1"), file);
            Imported::Catalogue(catalogue_from_csv(file, text, framework)?)
        }
        ImportFormat::OscalCatalog => Imported::Catalogue(catalogue_from_oscal(file, text)?),
        ImportFormat::OscalMappingCollection => {
            let ends = MappingEnds {
                source: options.source.clone(),
                target: options.target.clone(),
            };
            Imported::Crosswalk(crosswalk_from_oscal(file, text, library, &ends)?)
        }
        ImportFormat::Yaml if text.lines().any(|l| l.starts_with("crosswalk:")) => {
            Imported::Crosswalk(parse_crosswalk(file, text)?)
        }
        ImportFormat::Yaml => Imported::Catalogue(parse_catalogue(file, text)?),
    };
    // What the command line or form says wins over what the document says.
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (id, what) = match &mut imported {
        Imported::Catalogue(c) => {
            let framework = &mut c.framework;
            if let Some(id) = given(&options.id) {
                framework.id = id;
            }
            if let Some(title) = given(&options.title) {
                framework.short_name.clone_from(&title);
                framework.title = title;
            }
            let version = given(&options.version).unwrap_or_else(|| framework.version.clone());
            framework.version = version_of(&version).ok_or_else(|| {
                fail(format!(
                    "the version {version:?} must be 1 to 32 letters, digits, dots, pluses, \
                     hyphens, underscores or slashes"
                ))
            })?;
            (framework.id.clone(), "framework")
        }
        Imported::Crosswalk(c) => {
            if let Some(id) = given(&options.id) {
                c.crosswalk.id = id;
            }
            if let Some(title) = given(&options.title) {
                c.crosswalk.title = title;
            }
            (c.crosswalk.id.clone(), "crosswalk")
        }
    };
    if ["search", "compare", "imports"].contains(&id.as_str()) {
        return Err(fail(format!(
            "the {what} id {id:?} is reserved; choose another (--id)"
        )));
    }
    if !catalogue_id(&id) {
        return Err(fail(format!(
            "the {what} id {id:?} must be 2 to 64 lower-case letters, digits and hyphens, \
             starting with a letter; give one with --id"
        )));
    }
    Ok(imported)
}

impl Framework {
    /// The description of a framework an organisation wrote itself, read from `source`.
    pub fn custom(id: &str, title: &str, version: &str, source: &str) -> Self {
        Framework {
            id: id.trim().to_owned(),
            version: version.trim().to_owned(),
            short_name: title.trim().to_owned(),
            title: title.trim().to_owned(),
            publisher: "the organisation".into(),
            published: String::new(),
            source: source.to_owned(),
            licence: "as the organisation decides".into(),
            original_text_included: false,
            attribution: None,
            counts: Vec::new(),
        }
    }
}
