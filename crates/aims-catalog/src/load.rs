//! Reading a catalogue file and checking it: a broken file is refused with an error that names
//! the file, the line and the identifier at fault.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::model::Catalogue;

/// Why a catalogue file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub file: String,
    /// The line at fault, where known.
    pub line: Option<usize>,
    /// The identifier at fault, where there is one.
    pub id: Option<String>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.id {
            write!(f, ": {id}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Parses and validates the catalogue in `text`, read from `file`.
pub fn parse_catalogue(file: &str, text: &str) -> Result<Catalogue, LoadError> {
    let fail = |line: Option<usize>, id: Option<&str>, message: String| LoadError {
        file: file.to_owned(),
        line,
        id: id.map(str::to_owned),
        message,
    };
    let mut catalogue: Catalogue = serde_saphyr::from_str(text).map_err(|e| {
        let message = e.to_string();
        let line = line_in_message(&message);
        fail(
            line,
            None,
            message.lines().next().unwrap_or_default().to_owned(),
        )
    })?;
    catalogue.file = file.to_owned();
    let id_lines = item_lines(text);
    if id_lines.len() == catalogue.items.len() {
        for (item, line) in catalogue.items.iter_mut().zip(id_lines) {
            item.line = line;
        }
    }
    validate(catalogue)
}

/// Checks every rule of the catalogue format (see `catalogs/README.md`).
pub(crate) fn validate(catalogue: Catalogue) -> Result<Catalogue, LoadError> {
    let file = catalogue.file.clone();
    let fail = |line: Option<usize>, id: Option<&str>, message: String| LoadError {
        file: file.clone(),
        line,
        id: id.map(str::to_owned),
        message,
    };
    let framework = &catalogue.framework;
    for (field, value) in [
        ("id", &framework.id),
        ("version", &framework.version),
        ("title", &framework.title),
        ("licence", &framework.licence),
    ] {
        if value.trim().is_empty() {
            return Err(fail(
                None,
                None,
                format!("framework.{field} must not be empty"),
            ));
        }
    }
    if framework.original_text_included
        && framework
            .attribution
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        return Err(fail(
            None,
            None,
            "a catalogue that carries original text must give its attribution".into(),
        ));
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for item in &catalogue.items {
        let at = Some(item.line).filter(|l| *l > 0);
        if item.id.trim().is_empty() {
            return Err(fail(at, None, "an item has an empty id".into()));
        }
        if let Some(first) = seen.insert(item.id.as_str(), item.line) {
            return Err(fail(
                at,
                Some(&item.id),
                format!("duplicate id (first on line {first})"),
            ));
        }
        if item.title.trim().is_empty() {
            return Err(fail(
                at,
                Some(&item.id),
                "the title must not be empty".into(),
            ));
        }
        // Where we write the descriptions ourselves they must add something to the title;
        // a publisher's own statement may serve as both.
        let problem = if framework.original_text_included {
            item.description
                .trim()
                .is_empty()
                .then_some("the description must not be empty")
        } else {
            description_problem(&item.title, &item.description)
        };
        if let Some(problem) = problem {
            return Err(fail(at, Some(&item.id), problem.into()));
        }
        for date in [&item.applies_from, &item.amended_applies_from]
            .into_iter()
            .flatten()
        {
            if !is_date(date) {
                return Err(fail(
                    at,
                    Some(&item.id),
                    format!("{date:?} is not a date (YYYY-MM-DD)"),
                ));
            }
        }
        if item
            .documented_information
            .iter()
            .any(|d| d.trim().is_empty())
        {
            return Err(fail(
                at,
                Some(&item.id),
                "an entry of documented_information is empty".into(),
            ));
        }
        if item
            .reporting_deadline
            .is_some_and(|d| !(1..=365).contains(&d.days))
        {
            return Err(fail(
                at,
                Some(&item.id),
                "a reporting deadline is 1 to 365 days".into(),
            ));
        }
        if item.amended_applies_from.is_some()
            && item
                .amendment
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            return Err(fail(
                at,
                Some(&item.id),
                "an amended date must say which amendment changed it".into(),
            ));
        }
        if item.text.is_some() && !framework.original_text_included {
            return Err(fail(
                at,
                Some(&item.id),
                "carries original text, but the framework says it includes none".into(),
            ));
        }
    }
    let parents: HashMap<&str, Option<&str>> = catalogue
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.parent.as_deref()))
        .collect();
    for item in &catalogue.items {
        let at = Some(item.line).filter(|l| *l > 0);
        if let Some(parent) = &item.parent
            && !seen.contains_key(parent.as_str())
        {
            return Err(fail(
                at,
                Some(&item.id),
                format!("its parent {parent} does not exist"),
            ));
        }
        // Walking up must end at the top within as many steps as there are items.
        let mut current = item.parent.as_deref();
        let mut steps = 0;
        let mut visited = HashSet::new();
        while let Some(parent) = current {
            steps += 1;
            if !visited.insert(parent) || steps > catalogue.items.len() {
                return Err(fail(at, Some(&item.id), "its parents form a cycle".into()));
            }
            current = parents.get(parent).copied().flatten();
        }
    }
    for expected in &framework.counts {
        let found = catalogue.count(expected.kind);
        if found != expected.count {
            return Err(fail(
                None,
                None,
                format!(
                    "{} {} item(s) found, {} published",
                    found,
                    expected.kind.as_str(),
                    expected.count
                ),
            ));
        }
    }
    if catalogue.items.iter().all(|i| !i.requirement) {
        return Err(fail(
            None,
            None,
            "no item is marked as a requirement".into(),
        ));
    }
    Ok(catalogue)
}

/// Why a description is not one, if it is not: empty, or only the title again.
pub(crate) fn description_problem(title: &str, description: &str) -> Option<&'static str> {
    let normalise = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    if description.trim().is_empty() {
        Some("the description must not be empty")
    } else if normalise(description) == normalise(title) {
        Some("the description only repeats the title")
    } else {
        None
    }
}

/// Whether `text` is a calendar date written `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize, max: u32| {
        s.len() == len && s.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
    };
    parts.len() == 3
        && number(parts[0], 4, 9999)
        && number(parts[1], 2, 12)
        && number(parts[2], 2, 31)
}

/// The 1-based lines on which list items with an `id` begin, in order.
fn item_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("- id:"))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line number a parser message mentions (`line 12`, `12:5`), if any.
pub(crate) fn line_in_message(message: &str) -> Option<usize> {
    let lower = message.to_lowercase();
    if let Some(at) = lower.find("line ") {
        let digits: String = lower[at + 5..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if let Ok(line) = digits.parse() {
            return Some(line);
        }
    }
    None
}

#[cfg(test)]
mod tests;
