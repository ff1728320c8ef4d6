//! Making text from a document fit the limits of [`ComponentFacts::validate`].

use crate::inventory::{ComponentFacts, is_web_link};

/// Makes every field fit [`ComponentFacts::validate`]: one-line fields lose control
/// characters and line breaks, prose keeps its line breaks; over-long values are cut.
pub(super) fn clean(facts: ComponentFacts) -> ComponentFacts {
    let link = facts.model_card_url.trim();
    ComponentFacts {
        name: short(&facts.name, 200),
        version: short(&facts.version, 100),
        provider: short(&facts.provider, 200),
        licence: short(&facts.licence, 200),
        model_type: short(&facts.model_type, 200),
        hosting: short(&facts.hosting, 200),
        bom_ref: short(&facts.bom_ref, 500),
        description: long(&facts.description, 10_000),
        source: long(&facts.source, 10_000),
        provenance: long(&facts.provenance, 10_000),
        quality_checks: long(&facts.quality_checks, 10_000),
        model_card_url: if is_web_link(link) {
            link.to_owned()
        } else {
            String::new()
        },
        personal_data: facts.personal_data,
    }
}

/// One line: runs of whitespace and control characters become one space; cut to `max`.
pub(super) fn short(text: &str, max: usize) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    cut(line, max)
}

/// Prose: line breaks and tabs kept (`\r\n` and `\r` become `\n`), other control characters
/// dropped; cut to `max`.
fn long(text: &str, max: usize) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = text
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect();
    cut(kept.trim().to_owned(), max)
}

/// `text` if it has at most `max` characters, else its first `max - 1` and `…`.
fn cut(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept.truncate(kept.trim_end().len());
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_makes_any_text_fit() {
        assert_eq!(short(" a\n\tb\u{7}c ", 200), "a b c");
        assert_eq!(short(&"é".repeat(300), 200).chars().count(), 200);
        assert!(short(&"é".repeat(300), 200).ends_with('…'));
        assert_eq!(long("a\r\nb\rc\u{0}d", 100), "a\nb\ncd");
        assert_eq!(long(&"x".repeat(20_000), 10_000).chars().count(), 10_000);
        let messy = ComponentFacts {
            name: "n\u{1b}[31m".repeat(100),
            version: "v".repeat(500),
            description: "\u{0}".repeat(20_000),
            model_card_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let clean = clean(messy).validate().unwrap();
        assert!(clean.model_card_url.is_empty());
        assert!(clean.description.is_empty());
        assert_eq!(clean.version.chars().count(), 100);
    }
}
