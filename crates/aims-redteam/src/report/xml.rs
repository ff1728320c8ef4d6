//! Text for XML and HTML. Model answers may hold any character, including ones XML 1.0
//! forbids outright; those are replaced so the document stays well-formed. The escaping
//! itself is quick-xml's.

use std::borrow::Cow;

/// `text` safe inside XML or HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(well_formed(text)).into_owned()
}

/// `text` with every character XML 1.0 forbids replaced by U+FFFD, ready for quick-xml's
/// writer (which escapes markup but passes such characters through).
pub fn well_formed(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{fffd}' })
                .collect(),
        )
    }
}

/// Whether XML 1.0 allows the character.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || matches!(c as u32, 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_neutralised() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("bell\u{7}\u{fffe}ok\n"), "bell\u{fffd}\u{fffd}ok\n");
    }
}
