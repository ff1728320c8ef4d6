//! A register as a table people take away: named columns and rows of text, written as CSV
//! (here) or as a workbook (by the use cases), the same cells either way.

use std::borrow::Cow;

/// A table: a title, its columns with a width for spreadsheets (in characters), its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<(String, u16)>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(title: &str, columns: &[(&str, u16)]) -> Self {
        Table {
            title: title.to_owned(),
            columns: columns.iter().map(|(c, w)| ((*c).to_owned(), *w)).collect(),
            rows: Vec::new(),
        }
    }

    /// The table as CSV, headings first.
    pub fn to_csv(&self) -> String {
        let headings = self
            .columns
            .iter()
            .map(|(c, _)| c.clone())
            .collect::<Vec<_>>();
        write_csv(std::iter::once(headings).chain(self.rows.iter().cloned()))
    }
}

/// Records as CSV through the csv crate, each cell defused first; the writer quotes a cell
/// only when RFC 4180 requires it (a comma, quote or line break in it).
pub fn write_csv<R>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer
            .write_record(
                record
                    .into_iter()
                    .map(|cell| defuse(cell.as_ref()).into_owned()),
            )
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("the CSV of UTF-8 cells is UTF-8")
}

/// One cell's text, defused against formula injection: spreadsheets run a cell starting with
/// one of these as a formula (OWASP, "CSV injection"); a leading quote makes it text, and the
/// quote is not shown.
pub fn defuse(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_where_needed_and_formulas_defused() {
        let mut t = Table::new("Risks", &[("Risk", 10), ("Note", 20)]);
        t.rows.push(vec!["R-1".into(), "=HYPERLINK(\"x\")".into()]);
        t.rows.push(vec!["R-2".into(), "a, b".into()]);
        assert_eq!(
            t.to_csv(),
            "Risk,Note\r\nR-1,\"'=HYPERLINK(\"\"x\"\")\"\r\nR-2,\"a, b\"\r\n"
        );
    }

    /// What one cell becomes in a written record, seen between two plain cells.
    fn csv_cell(text: &str) -> String {
        let line = write_csv([["x", text, "x"]]);
        line.strip_prefix("x,")
            .and_then(|rest| rest.strip_suffix(",x\r\n"))
            .unwrap_or_else(|| panic!("{line:?}"))
            .to_owned()
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_cell("plain text"), "plain text");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_defused() {
        for bad in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_cell(bad).trim_start_matches('"').starts_with('\''),
                "{bad:?}"
            );
        }
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("A=1"), "A=1");
        assert_eq!(csv_cell("ORG-3"), "ORG-3");
    }
}
