//! Reading an organisation's licensed requirement texts from CSV: a header with `id` and
//! `text` columns, then one row per requirement (RFC 4180 quoting).

/// A CSV problem, with the 1-based line it was found on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Appended to the text before it is read, to tell a quoted field that the file never closes
/// from one it does: the csv crate ends an open quoted field silently at the end of its input
/// (it has no strict mode), so a closed file reads this as a last record of its own, while an
/// open quote swallows it into its field. It holds no comma, quote or line break.
const END_OF_INPUT: &str = "\n\u{0}end of input\u{0}";

/// Splits CSV text (RFC 4180, read by the csv crate) into records, each with the 1-based line
/// it starts on; rows may differ in length, blank lines are skipped and nothing is trimmed.
pub(crate) fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    use std::io::Read as _;
    let input = text.as_bytes().chain(END_OF_INPUT.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = start_line(text.as_bytes(), reader.position());
        let more = reader.read_record(&mut record).map_err(|err| CsvError {
            line,
            message: err.to_string(),
        })?;
        if !more {
            break;
        }
        out.push((line, record.iter().map(str::to_owned).collect::<Vec<_>>()));
    }
    match out.pop() {
        Some((_, last)) if last == [&END_OF_INPUT[1..]] => {}
        open => {
            return Err(CsvError {
                line: open.map_or(1, |(line, _)| line),
                message: "a quoted field is never closed".into(),
            });
        }
    }
    Ok(out
        .into_iter()
        .filter(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()))
        .collect())
}

/// The line the next record starts on, from where the reader stands after the previous one:
/// past the line ends of any blank lines it will skip.
fn start_line(text: &[u8], at: &csv::Position) -> usize {
    let skipped = usize::try_from(at.byte())
        .ok()
        .and_then(|at| text.get(at..))
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|b| **b == b'\n')
        .count();
    usize::try_from(at.line()).unwrap_or(usize::MAX) + skipped
}

/// The `(id, text)` pairs of a CSV file with `id` and `text` columns (in any order).
pub fn parse_texts_csv(text: &str) -> Result<Vec<(usize, String, String)>, CsvError> {
    let mut rows = records(text.trim_start_matches('\u{feff}'))?.into_iter();
    let (line, header) = rows.next().ok_or(CsvError {
        line: 1,
        message: "the file is empty".into(),
    })?;
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id_at), Some(text_at)) = (column("id"), column("text")) else {
        return Err(CsvError {
            line,
            message: "the header needs an \"id\" and a \"text\" column".into(),
        });
    };
    rows.map(|(line, record)| {
        let get = |i: usize| {
            record
                .get(i)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let (id, text) = (get(id_at), get(text_at));
        if id.is_empty() {
            return Err(CsvError {
                line,
                message: "the id is empty".into(),
            });
        }
        if text.is_empty() {
            return Err(CsvError {
                line,
                message: format!("the text of {id} is empty"),
            });
        }
        Ok((line, id, text))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines_are_read() {
        let csv = "text,id\n\"The organization shall, \"\"always\"\"\nbe careful.\",A.2.2\nPlain words,A.2.3\n";
        let rows = parse_texts_csv(csv).unwrap();
        assert_eq!(
            rows[0],
            (
                2,
                "A.2.2".into(),
                "The organization shall, \"always\"\nbe careful.".into()
            )
        );
        assert_eq!(rows[1], (4, "A.2.3".into(), "Plain words".into()));
    }

    #[test]
    fn problems_name_their_line() {
        assert_eq!(parse_texts_csv("id,words\nA,b\n").unwrap_err().line, 1);
        assert_eq!(
            parse_texts_csv("id,text\nA.2.2,x\n,y\n").unwrap_err(),
            CsvError {
                line: 3,
                message: "the id is empty".into()
            }
        );
        assert_eq!(
            parse_texts_csv("id,text\nA.2.2,\"open\n")
                .unwrap_err()
                .message,
            "a quoted field is never closed"
        );
        assert_eq!(
            parse_texts_csv("").unwrap_err().message,
            "the file is empty"
        );
    }

    #[test]
    fn crlf_files_read_like_lf_files_and_keep_their_line_numbers() {
        let csv = "\u{feff}id,text\r\n\r\nA.2.2,\"First line\r\nsecond line\"\r\n  \r\nA.2.3 , Plain words \r\n";
        assert_eq!(
            parse_texts_csv(csv).unwrap(),
            [
                (3, "A.2.2".into(), "First line\r\nsecond line".into()),
                (6, "A.2.3".into(), "Plain words".into()),
            ]
        );
    }

    #[test]
    fn a_malformed_row_is_refused_with_the_line_it_starts_on() {
        let open = "id,text\r\nA.2.2,fine\r\n\r\nA.2.3,\"never closed\r\nA.2.4,swallowed\r\n";
        assert_eq!(
            parse_texts_csv(open).unwrap_err(),
            CsvError {
                line: 4,
                message: "a quoted field is never closed".into()
            }
        );
        let short = "id,text\nA.2.2,fine\n\nA.2.3\n";
        assert_eq!(
            parse_texts_csv(short).unwrap_err(),
            CsvError {
                line: 4,
                message: "the text of A.2.3 is empty".into()
            }
        );
    }
}

/// A custom framework from CSV: a header naming at least `id`, `title` and `description`
/// columns, and optionally `parent`, `kind` (default `control`) and `requirement`
/// (`yes`/`no`, default `yes` for controls). The framework's own facts come from the caller.
pub fn catalogue_from_csv(
    file: &str,
    text: &str,
    framework: crate::model::Framework,
) -> Result<crate::model::Catalogue, crate::load::LoadError> {
    use crate::model::{Catalogue, Item, ItemKind, KindCount};
    let fail = |line: usize, message: String| crate::load::LoadError {
        file: file.to_owned(),
        line: Some(line),
        id: None,
        message,
    };
    let mut rows = records(text.trim_start_matches('\u{feff}'))
        .map_err(|e| fail(e.line, e.message))?
        .into_iter();
    let (line, header) = rows
        .next()
        .ok_or_else(|| fail(1, "the file is empty".into()))?;
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id_at), Some(title_at), Some(description_at)) =
        (column("id"), column("title"), column("description"))
    else {
        return Err(fail(
            line,
            "the header needs \"id\", \"title\" and \"description\" columns".into(),
        ));
    };
    let (parent_at, kind_at, requirement_at) =
        (column("parent"), column("kind"), column("requirement"));
    let mut items = Vec::new();
    for (line, record) in rows {
        let get = |at: Option<usize>| {
            at.and_then(|i| record.get(i))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let kind_text = get(kind_at);
        let kind: ItemKind = if kind_text.is_empty() {
            ItemKind::Control
        } else {
            serde_json::from_value(serde_json::Value::String(kind_text.clone()))
                .map_err(|_| fail(line, format!("unknown kind {kind_text:?}")))?
        };
        let requirement = match get(requirement_at).to_lowercase().as_str() {
            "" => kind == ItemKind::Control,
            "yes" | "true" | "1" => true,
            "no" | "false" | "0" => false,
            other => {
                return Err(fail(
                    line,
                    format!("requirement must be yes or no, not {other:?}"),
                ));
            }
        };
        let parent = get(parent_at);
        items.push(Item {
            id: get(Some(id_at)),
            parent: (!parent.is_empty()).then_some(parent),
            kind,
            title: get(Some(title_at)),
            description: get(Some(description_at)),
            text: None,
            requirement,
            guidance: None,
            applies_from: None,
            amended_applies_from: None,
            amendment: None,
            documented_information: Vec::new(),
            reporting_deadline: None,
            line,
        });
    }
    let mut kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
    kinds.sort();
    kinds.dedup();
    let counts = kinds
        .into_iter()
        .map(|kind| KindCount {
            kind,
            count: items.iter().filter(|i| i.kind == kind).count(),
        })
        .collect();
    crate::load::validate(Catalogue {
        framework: crate::model::Framework {
            counts,
            ..framework
        },
        items,
        file: file.to_owned(),
    })
}

#[cfg(test)]
mod custom_tests {
    use super::*;

    fn framework() -> crate::model::Framework {
        crate::model::Framework {
            id: "acme-ai-policy".into(),
            version: "1".into(),
            title: "Acme AI policy".into(),
            short_name: "Acme AI policy".into(),
            publisher: "Acme".into(),
            published: "2026-11-28".into(),
            source: "acme.csv".into(),
            licence: "internal".into(),
            original_text_included: false,
            attribution: None,
            counts: Vec::new(),
        }
    }

    #[test]
    fn a_csv_becomes_a_validated_framework() {
        let csv = "id,parent,kind,title,description\nP,,group,Principles,What Acme holds to.\nP1,P,,Human review,A person reviews every automated refusal.\n";
        let catalogue = catalogue_from_csv("acme.csv", csv, framework()).unwrap();
        assert_eq!(catalogue.items.len(), 2);
        assert!(
            catalogue
                .item("P1")
                .is_some_and(|i| i.requirement && i.parent.as_deref() == Some("P"))
        );
        let orphan = csv.replace("P1,P,", "P1,Q,");
        let err = catalogue_from_csv("acme.csv", &orphan, framework()).unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (Some(3), "its parent Q does not exist")
        );
        let bad_kind = csv.replace(",group,", ",chapter,");
        assert_eq!(
            catalogue_from_csv("acme.csv", &bad_kind, framework())
                .unwrap_err()
                .message,
            "unknown kind \"chapter\""
        );
    }
}
