//! The EU AI Act catalogue ids the rules speak about, each with a short label in our own
//! words. Answers, classifications and obligations carry exactly these ids, so the app can
//! look up dates and crosswalks in `eu-ai-act-2024.yaml` without translating anything.

/// A catalogue id and the short label a form shows for it.
pub type Choice = (&'static str, &'static str);

/// Article 5(1)(h): real-time remote biometric identification for law enforcement, the one
/// prohibition with exceptions the questionnaire models.
pub const REALTIME_BIOMETRIC_ID: &str = "art-5(1)(h)";

/// Annex III point 1(a): what an excepted real-time identification use still is.
pub const REMOTE_BIOMETRIC_ID: &str = "annex-iii-1(a)";

/// The prohibited practices of Article 5(1), points (a) to (h).
pub const PROHIBITED_PRACTICES: &[Choice] = &[
    (
        "art-5(1)(a)",
        "Steers people's behaviour with subliminal, manipulative or deceptive tricks, causing significant harm",
    ),
    (
        "art-5(1)(b)",
        "Takes advantage of people's age, disability or social or economic hardship, causing significant harm",
    ),
    (
        "art-5(1)(c)",
        "Rates people on their social conduct or traits, so that they are treated unfairly",
    ),
    (
        "art-5(1)(d)",
        "Predicts whether someone will commit a crime from profiling or personality alone",
    ),
    (
        "art-5(1)(e)",
        "Collects face images indiscriminately from the internet or CCTV for a face-recognition database",
    ),
    (
        "art-5(1)(f)",
        "Reads emotions of workers or students (medical or safety purposes excepted)",
    ),
    (
        "art-5(1)(g)",
        "Sorts people by biometrics to guess race, politics, union membership, religion, sex life or orientation",
    ),
    (
        REALTIME_BIOMETRIC_ID,
        "Identifies people remotely and in real time in public places for law enforcement",
    ),
];

/// The product legislation of Annex I: section A (New Legislative Framework) then section B.
pub const ANNEX_I_ACTS: &[Choice] = &[
    ("annex-i-a-1", "Machinery"),
    ("annex-i-a-2", "Toys"),
    ("annex-i-a-3", "Recreational craft and personal watercraft"),
    ("annex-i-a-4", "Lifts"),
    (
        "annex-i-a-5",
        "Equipment for potentially explosive atmospheres",
    ),
    ("annex-i-a-6", "Radio equipment"),
    ("annex-i-a-7", "Pressure equipment"),
    ("annex-i-a-8", "Cableway installations"),
    ("annex-i-a-9", "Personal protective equipment"),
    ("annex-i-a-10", "Appliances burning gaseous fuels"),
    ("annex-i-a-11", "Medical devices"),
    ("annex-i-a-12", "In vitro diagnostic medical devices"),
    ("annex-i-b-1", "Civil aviation security"),
    (
        "annex-i-b-2",
        "Two- or three-wheel vehicles and quadricycles",
    ),
    ("annex-i-b-3", "Agricultural and forestry vehicles"),
    ("annex-i-b-4", "Marine equipment"),
    ("annex-i-b-5", "Rail system interoperability"),
    ("annex-i-b-6", "Motor vehicles and their trailers"),
    ("annex-i-b-7", "General safety of motor vehicles"),
    ("annex-i-b-8", "Civil aviation and unmanned aircraft"),
];

/// The prefix of Annex I section B ids, whose acts carry the obligations themselves
/// (Article 2(2)).
pub const ANNEX_I_SECTION_B: &str = "annex-i-b";

/// The 25 stand-alone high-risk use cases of Annex III, areas 1 to 8.
pub const ANNEX_III_POINTS: &[Choice] = &[
    (
        REMOTE_BIOMETRIC_ID,
        "Identifying people at a distance from biometric data (not mere identity checks)",
    ),
    (
        "annex-iii-1(b)",
        "Sorting people into groups by sensitive or protected traits inferred from biometrics",
    ),
    ("annex-iii-1(c)", "Recognising emotions from biometric data"),
    (
        "annex-iii-2(a)",
        "Safety component of critical infrastructure: digital, road traffic, water, gas, heating, electricity",
    ),
    (
        "annex-iii-3(a)",
        "Deciding who gets into, or where people go in, education or training",
    ),
    (
        "annex-iii-3(b)",
        "Grading learning outcomes or steering learning",
    ),
    (
        "annex-iii-3(c)",
        "Deciding what level of education someone gets",
    ),
    ("annex-iii-3(d)", "Watching students for cheating in tests"),
    (
        "annex-iii-4(a)",
        "Recruiting: targeted job ads, sifting applications, rating candidates",
    ),
    (
        "annex-iii-4(b)",
        "Decisions about workers: terms, promotion, dismissal, task allocation, performance monitoring",
    ),
    (
        "annex-iii-5(a)",
        "Deciding on public benefits and services, including healthcare",
    ),
    (
        "annex-iii-5(b)",
        "Credit scoring or creditworthiness checks of people (not fraud detection)",
    ),
    (
        "annex-iii-5(c)",
        "Risk assessment and pricing of people for life or health insurance",
    ),
    (
        "annex-iii-5(d)",
        "Sorting emergency calls, dispatching responders, emergency patient triage",
    ),
    (
        "annex-iii-6(a)",
        "Law enforcement: judging the risk of someone becoming a crime victim",
    ),
    (
        "annex-iii-6(b)",
        "Law enforcement: polygraphs and similar tools",
    ),
    (
        "annex-iii-6(c)",
        "Law enforcement: weighing how reliable evidence is",
    ),
    (
        "annex-iii-6(d)",
        "Law enforcement: judging the risk of (re)offending, not from profiling alone",
    ),
    (
        "annex-iii-6(e)",
        "Law enforcement: profiling people while detecting, investigating or prosecuting crime",
    ),
    (
        "annex-iii-7(a)",
        "Migration and borders: polygraphs and similar tools",
    ),
    (
        "annex-iii-7(b)",
        "Migration and borders: judging the security, migration or health risk of a person",
    ),
    (
        "annex-iii-7(c)",
        "Migration and borders: examining asylum, visa or residence applications",
    ),
    (
        "annex-iii-7(d)",
        "Migration and borders: detecting or identifying people (not travel-document checks)",
    ),
    (
        "annex-iii-8(a)",
        "Helping judges or dispute resolvers research and apply the law",
    ),
    (
        "annex-iii-8(b)",
        "Influencing elections, referendums or how people vote (not campaign logistics)",
    ),
];

/// Annex III area 2 (critical infrastructure), which Article 27 leaves out of the fundamental
/// rights impact assessment.
pub const CRITICAL_INFRASTRUCTURE_AREA: &str = "annex-iii-2(";

/// The Annex III points whose deployers always assess fundamental rights (Article 27(1)):
/// credit scoring and life or health insurance pricing.
pub const FRIA_FOR_EVERY_DEPLOYER: &[&str] = &["annex-iii-5(b)", "annex-iii-5(c)"];

/// The conditions of Article 6(3) under which an Annex III system is not high-risk.
pub const DEROGATION_CONDITIONS: &[Choice] = &[
    (
        "art-6(3)(a)",
        "It only carries out a narrow procedural task",
    ),
    (
        "art-6(3)(b)",
        "It only improves the result of work a person has already finished",
    ),
    (
        "art-6(3)(c)",
        "It only spots decision patterns or departures from them, with a person reviewing",
    ),
    (
        "art-6(3)(d)",
        "It only prepares an assessment that a person then makes",
    ),
];

/// Every requirement an obligation can name, in the order obligations are listed.
pub const REQUIREMENTS: &[&str] = &[
    "art-5",
    "art-4",
    "art-6(3)",
    "art-9",
    "art-10",
    "art-11",
    "art-12",
    "art-13",
    "art-14",
    "art-15",
    "art-16",
    "art-17",
    "art-72",
    "art-73",
    "art-25",
    "art-26",
    "art-27",
    "art-50(1)",
    "art-50(2)",
    "art-50(3)",
    "art-50(4)",
    "art-53",
    "art-55",
];

/// The catalogue's own spelling of `id` if `table` lists it; `None` for anything else.
pub fn find(table: &[Choice], id: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(k, _)| *k)
}

/// The label `table` gives `id`, or the id itself when the table does not list it.
pub fn label_of<'a>(table: &[Choice], id: &'a str) -> &'a str {
    table
        .iter()
        .find(|(known, _)| *known == id)
        .map_or(id, |(_, label)| label)
}

/// How people cite a catalogue id: `art-5(1)(c)` → "Article 5(1)(c)", `annex-iii-4(a)` →
/// "Annex III point 4(a)", `annex-i-a-11` → "Annex I section A point 11".
pub fn cite(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("art-") {
        return format!("Article {rest}");
    }
    if let Some(rest) = id.strip_prefix("annex-iii-") {
        return format!("Annex III point {rest}");
    }
    for (prefix, section) in [("annex-i-a", "A"), ("annex-i-b", "B")] {
        if let Some(rest) = id.strip_prefix(prefix) {
            return match rest.strip_prefix('-') {
                Some(point) => format!("Annex I section {section} point {point}"),
                None => format!("Annex I section {section}"),
            };
        }
    }
    id.to_owned()
}

/// Several ids cited as one phrase: "Article 50(1), Article 50(2) and Article 50(4)".
pub fn cite_all<S: AsRef<str>>(ids: &[S]) -> String {
    let cited: Vec<String> = ids.iter().map(|id| cite(id.as_ref())).collect();
    match cited.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// `text` with its first letter in lower case, so a label can sit inside a sentence.
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue file, read as plain text: the domain crate must not depend on a YAML parser.
    fn catalogue_ids() -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../aims-catalog/catalogs/eu-ai-act-2024.yaml"
        );
        let text = std::fs::read_to_string(path).expect("the EU AI Act catalogue is readable");
        text.lines()
            .filter_map(|line| line.trim().strip_prefix("- id: \""))
            .filter_map(|rest| rest.strip_suffix('"'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_id_of_every_table_is_in_the_catalogue() {
        let known = catalogue_ids();
        assert!(known.len() > 100, "the catalogue scan found too few ids");
        let tables = [
            PROHIBITED_PRACTICES,
            ANNEX_I_ACTS,
            ANNEX_III_POINTS,
            DEROGATION_CONDITIONS,
        ];
        let ids = tables
            .iter()
            .flat_map(|t| t.iter().map(|(id, _)| *id))
            .chain(REQUIREMENTS.iter().copied())
            .chain(FRIA_FOR_EVERY_DEPLOYER.iter().copied())
            .chain([
                ANNEX_I_SECTION_B,
                REMOTE_BIOMETRIC_ID,
                REALTIME_BIOMETRIC_ID,
            ]);
        for id in ids {
            assert!(
                known.iter().any(|k| k == id),
                "{id} is not in the catalogue"
            );
        }
    }

    #[test]
    fn tables_have_the_sizes_of_the_law() {
        assert_eq!(PROHIBITED_PRACTICES.len(), 8);
        assert_eq!(ANNEX_I_ACTS.len(), 20);
        assert_eq!(ANNEX_III_POINTS.len(), 25);
        assert_eq!(DEROGATION_CONDITIONS.len(), 4);
    }

    #[test]
    fn every_catalogue_point_of_annex_iii_and_article_5_is_in_a_table() {
        for id in catalogue_ids() {
            let point_of_5 = id.starts_with("art-5(1)(");
            let point_of_iii = id.starts_with("annex-iii-") && id.ends_with(')');
            let act_of_i = id.starts_with("annex-i-a-") || id.starts_with("annex-i-b-");
            if point_of_5 {
                assert!(find(PROHIBITED_PRACTICES, &id).is_some(), "{id} missing");
            }
            if point_of_iii {
                assert!(find(ANNEX_III_POINTS, &id).is_some(), "{id} missing");
            }
            if act_of_i {
                assert!(find(ANNEX_I_ACTS, &id).is_some(), "{id} missing");
            }
        }
    }

    #[test]
    fn cites_ids_the_way_people_do() {
        assert_eq!(cite("art-5(1)(c)"), "Article 5(1)(c)");
        assert_eq!(cite("annex-iii-4(a)"), "Annex III point 4(a)");
        assert_eq!(cite("annex-i-a-11"), "Annex I section A point 11");
        assert_eq!(cite("annex-i-b"), "Annex I section B");
        assert_eq!(cite("other"), "other");
        assert_eq!(cite_all(&["art-50(1)"]), "Article 50(1)");
        assert_eq!(
            cite_all(&["art-50(1)", "art-50(2)", "art-50(4)"]),
            "Article 50(1), Article 50(2) and Article 50(4)"
        );
        assert_eq!(cite_all::<&str>(&[]), "");
    }

    #[test]
    fn finds_only_listed_ids() {
        assert_eq!(
            find(ANNEX_III_POINTS, "annex-iii-5(b)"),
            Some("annex-iii-5(b)")
        );
        assert_eq!(find(ANNEX_III_POINTS, "annex-iii-9(a)"), None);
        assert_eq!(label_of(ANNEX_I_ACTS, "annex-i-a-11"), "Medical devices");
        assert_eq!(lower_first("Toys"), "toys");
    }
}
