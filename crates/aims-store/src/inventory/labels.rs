//! Lists of short labels stored as `,a,b,`, and the escaping a LIKE pattern needs.

/// `["a", "b"]` → `",a,b,"`; the empty list is `","`.
pub(crate) fn join_labels<'a>(labels: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from(",");
    for label in labels {
        out.push_str(label);
        out.push(',');
    }
    out
}

/// The inverse of [`join_labels`].
pub(crate) fn split_labels(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `text` with LIKE's wildcards escaped by `\`, for use with `ESCAPE '\'`.
pub(crate) fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_wildcards_are_escaped() {
        let stored = join_labels(["eu", "uk"].into_iter());
        assert_eq!(stored, ",eu,uk,");
        assert_eq!(split_labels(&stored), ["eu", "uk"]);
        assert!(split_labels(&join_labels(std::iter::empty())).is_empty());
        assert_eq!(like_escaped("a_b%c\\"), "a\\_b\\%c\\\\");
    }
}
