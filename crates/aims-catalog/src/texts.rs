//! Reading an organisation's licensed requirement texts from CSV: a header with `id` and
//! `text` columns, then one row per requirement (RFC 4180 quoting).

/// A CSV problem, with the 1-based line it was found on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Splits CSV text into records, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut record = Vec::new();
    let (mut line, mut start) = (1, 1);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError {
            line: start,
            message: "a quoted field is never closed".into(),
        });
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push((start, record));
    }
    Ok(out
        .into_iter()
        .filter(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()))
        .collect())
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
}
