//! What a catalogue holds: the framework's facts, and its items as a tree.

use serde::Deserialize;

/// The facts about one version of a framework.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable identifier across versions, such as `iso-iec-42001`.
    pub id: String,
    /// The version as its publisher names it (`2023`, `1.0`).
    pub version: String,
    /// The full title.
    pub title: String,
    /// A short name for lists (`ISO/IEC 42001:2023`).
    pub short_name: String,
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Where the framework can be obtained.
    pub source: String,
    /// The terms of the framework's text, and of what this file carries of it.
    pub licence: String,
    /// Whether this file carries the framework's own wording (NIST text may be; ISO/IEC text never).
    pub original_text_included: bool,
    /// The attribution the source requires, where it requires one.
    #[serde(default)]
    pub attribution: Option<String>,
    /// How many items of each kind the published framework has; the loader checks them.
    pub counts: Vec<KindCount>,
}

/// A published count the loader checks.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindCount {
    pub kind: ItemKind,
    pub count: usize,
}

/// What an item is within its framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A numbered clause or sub-clause of a management-system standard.
    Clause,
    /// A group of controls (an Annex A group, a theme).
    Group,
    /// A control objective.
    Objective,
    /// A control.
    Control,
    /// A function of a framework (NIST AI RMF GOVERN, MAP, ...).
    Function,
    /// A category within a function.
    Category,
    /// A subcategory: the NIST AI RMF's outcome statements.
    Subcategory,
    /// A principle.
    Principle,
    /// A recommendation.
    Recommendation,
    /// A named risk (OWASP Top 10 entries).
    Risk,
    /// An organisational objective to consider (ISO/IEC 42001 Annex C.2).
    AiObjective,
    /// A source of risk to consider (ISO/IEC 42001 Annex C.3).
    RiskSource,
    /// A phase grouping principles (UK code).
    Phase,
    /// A part of a document that only groups others (an annex, a chapter).
    Section,
    /// An article of a law.
    Article,
    /// A numbered paragraph or lettered point of an article or annex.
    Point,
    /// An area of a law's annex (EU AI Act Annex III).
    Area,
    /// A legal act listed by another (EU AI Act Annex I).
    Legislation,
}

impl ItemKind {
    /// The name used in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Clause => "clause",
            ItemKind::Group => "group",
            ItemKind::Objective => "objective",
            ItemKind::Control => "control",
            ItemKind::Function => "function",
            ItemKind::Category => "category",
            ItemKind::Subcategory => "subcategory",
            ItemKind::Principle => "principle",
            ItemKind::Recommendation => "recommendation",
            ItemKind::Risk => "risk",
            ItemKind::AiObjective => "ai_objective",
            ItemKind::RiskSource => "risk_source",
            ItemKind::Phase => "phase",
            ItemKind::Section => "section",
            ItemKind::Article => "article",
            ItemKind::Point => "point",
            ItemKind::Area => "area",
            ItemKind::Legislation => "legislation",
        }
    }
}

/// One requirement, control or grouping node of a framework.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The published identifier (`6.1.2`, `A.6.2.4`, `GOVERN 1.1`, `LLM01`).
    pub id: String,
    /// The item this one sits under.
    #[serde(default)]
    pub parent: Option<String>,
    pub kind: ItemKind,
    /// The published short title.
    pub title: String,
    /// What the item asks for, in our own words (or the publisher's where its licence allows).
    pub description: String,
    /// The publisher's own wording, only where its licence allows carrying it.
    #[serde(default)]
    pub text: Option<String>,
    /// Whether an organisation is assessed against this item (a leaf requirement or control).
    #[serde(default)]
    pub requirement: bool,
    /// A reference to the publisher's guidance for this item (ISO/IEC 42001 Annex B: `B.6.2.4`).
    #[serde(default)]
    pub guidance: Option<String>,
    /// The date from which the item applies, `YYYY-MM-DD`, where the framework phases in.
    #[serde(default)]
    pub applies_from: Option<String>,
    /// The date as changed by a later amendment, recorded beside the original.
    #[serde(default)]
    pub amended_applies_from: Option<String>,
    /// Which amendment changed the item or its date, and how.
    #[serde(default)]
    pub amendment: Option<String>,
    /// The documented information (documents and records) the item requires be kept.
    #[serde(default)]
    pub documented_information: Vec<String>,
    /// For a duty to report incidents: how long after becoming aware, and which incidents.
    #[serde(default)]
    pub reporting_deadline: Option<ReportingDeadline>,
    /// The line of the file the item starts on, filled in by the loader.
    #[serde(skip)]
    pub line: usize,
}

/// The longest a law allows between becoming aware of an incident and reporting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingDeadline {
    /// Days from the moment the organisation became aware of the incident.
    pub days: u32,
    /// The incidents the period applies to.
    pub case: IncidentCase,
}

/// Which incidents a reporting period applies to (EU AI Act Article 73(2) to (4)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentCase {
    /// Every serious incident.
    SeriousIncident,
    /// A widespread infringement, or a serious and irreversible disruption of critical
    /// infrastructure.
    WidespreadOrCriticalInfrastructure,
    /// The death of a person.
    Death,
}

/// One version of one framework, loaded and validated.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub framework: Framework,
    pub items: Vec<Item>,
    /// The file it was loaded from.
    #[serde(skip)]
    pub file: String,
}

impl Catalogue {
    /// The item with `id`.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items directly under `parent` (`None`: the top level), in file order.
    pub fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Item> + 'a {
        self.items
            .iter()
            .filter(move |i| i.parent.as_deref() == parent)
    }

    /// How many items of `kind` the catalogue holds.
    pub fn count(&self, kind: ItemKind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }

    /// `framework-id@version`, the key of this catalogue in a library.
    pub fn key(&self) -> String {
        format!("{}@{}", self.framework.id, self.framework.version)
    }
}
