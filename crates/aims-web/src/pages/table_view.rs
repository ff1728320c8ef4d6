//! The pattern every register's table follows: headers that sort, a choice of columns, a page
//! size, and the current view as CSV or XLSX. Everything travels in the query string, so a
//! view can be bookmarked and works without script.

use aims_app::domain::table::Table;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A column a register's table can show.
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    /// The sort value that orders by this column ascending, and the one descending.
    pub sort: Option<(&'static str, &'static str)>,
    /// Shown unless the person chose otherwise.
    pub default: bool,
}

/// A column as the page draws its header.
pub struct ColumnView {
    pub key: &'static str,
    pub label: &'static str,
    pub shown: bool,
    /// Where the header links: the same view sorted by this column (the other way round when
    /// it is already sorted by it).
    pub sort_href: Option<String>,
    /// `ascending` or `descending` when the view is sorted by this column.
    pub aria_sort: Option<&'static str>,
}

/// The table's header, column choice and downloads.
pub struct TableView {
    pub columns: Vec<ColumnView>,
    /// The query of the view without the columns, for the column chooser's hidden fields.
    pub kept: Vec<(String, String)>,
    pub limit: i64,
    pub csv_href: String,
    pub xlsx_href: String,
    /// The register's path and the view's query without its position, for the pager.
    path: String,
    paged: Vec<(String, String)>,
}

/// A query string as its pairs, repeated names kept (`col=a&col=b`).
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

/// The page sizes offered.
pub const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];

impl TableView {
    /// The view of the register at `path` for the `query` it was asked with (as pairs), its
    /// current `sort`, and the `columns` it can show.
    pub fn new(path: &str, query: &[(String, String)], sort: &str, columns: &[Column]) -> Self {
        let chosen: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == "col")
            .map(|(_, v)| v.as_str())
            .collect();
        let without = |drop: &[&str]| -> Vec<(String, String)> {
            query
                .iter()
                .filter(|(k, v)| !drop.contains(&k.as_str()) && !v.is_empty())
                .cloned()
                .collect()
        };
        let encode =
            |pairs: &[(String, String)]| serde_urlencoded::to_string(pairs).unwrap_or_default();
        let unsorted = without(&["sort", "offset", "done"]);
        let href = |extra: (&str, &str), base: &[(String, String)]| {
            let mut pairs = base.to_vec();
            pairs.push((extra.0.to_owned(), extra.1.to_owned()));
            format!("{path}?{}", encode(&pairs))
        };
        let limit = query
            .iter()
            .find(|(k, _)| k == "limit")
            .and_then(|(_, v)| v.parse().ok())
            .filter(|l| PAGE_SIZES.contains(l))
            .unwrap_or(50);
        let exported = without(&["offset", "done", "limit", "col"]);
        let export = |format: &str| {
            let query = encode(&exported);
            match query.is_empty() {
                true => format!("{path}/export.{format}"),
                false => format!("{path}/export.{format}?{query}"),
            }
        };
        TableView {
            columns: columns
                .iter()
                .map(|c| {
                    let (aria_sort, sort_href) = match c.sort {
                        Some((up, down)) => {
                            let current = if sort == up {
                                Some("ascending")
                            } else if sort == down {
                                Some("descending")
                            } else {
                                None
                            };
                            let next = if sort == up { down } else { up };
                            (current, Some(href(("sort", next), &unsorted)))
                        }
                        None => (None, None),
                    };
                    ColumnView {
                        key: c.key,
                        label: c.label,
                        shown: if chosen.is_empty() {
                            c.default
                        } else {
                            chosen.contains(&c.key)
                        },
                        sort_href,
                        aria_sort,
                    }
                })
                .collect(),
            kept: without(&["col", "offset", "done"]),
            path: path.to_owned(),
            paged: without(&["offset", "done"]),
            limit,
            csv_href: export("csv"),
            xlsx_href: export("xlsx"),
        }
    }

    /// The links to the pages before and after the one at `offset` that shows `shown` of
    /// `total` rows, the view otherwise unchanged.
    pub fn pager(&self, offset: i64, shown: i64, total: i64) -> (Option<String>, Option<String>) {
        let at = |o: i64| {
            let mut pairs = self.paged.clone();
            pairs.push(("offset".into(), o.to_string()));
            format!(
                "{}?{}",
                self.path,
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        (
            (offset > 0).then(|| at((offset - self.limit).max(0))),
            (offset + shown < total).then(|| at(offset + self.limit)),
        )
    }

    /// Whether the column `key` is shown.
    pub fn shows(&self, key: &str) -> bool {
        self.columns.iter().any(|c| c.key == key && c.shown)
    }

    /// How many columns are shown, for a row that spans them all.
    pub fn span(&self) -> usize {
        self.columns.iter().filter(|c| c.shown).count().max(1)
    }
}

/// The format an export's address asks for, from its extension (`/risks/export.xlsx`), so that
/// one handler answers both addresses.
pub struct ExportFormat(pub &'static str);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ExportFormat {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ExportFormat(if parts.uri.path().ends_with(".xlsx") {
            "xlsx"
        } else {
            "csv"
        }))
    }
}

/// The answer to an export: the table as a download, or the page saying what went wrong.
pub fn answer(
    table: Result<Table, aims_app::AppError>,
    ExportFormat(format): ExportFormat,
    today: aims_app::domain::Timestamp,
) -> Response {
    match table.and_then(|t| download(&t, format, today)) {
        Ok(response) => response,
        Err(err) => match super::form_error(err) {
            Ok((status, message)) => super::error_page(status, &message),
            Err(other) => super::app_error_page(other),
        },
    }
}

/// A register's table as a download: `csv` or `xlsx`, named after the table and the day.
pub fn download(
    table: &Table,
    format: &str,
    today: aims_app::domain::Timestamp,
) -> Result<Response, aims_app::AppError> {
    let stem: String = table
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let (kind, bytes) = match format {
        "csv" => ("text/csv; charset=utf-8", table.to_csv().into_bytes()),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            aims_app::table_xlsx(table)?,
        ),
        _ => return Err(aims_app::AppError::NotFound("export format")),
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}-{}.{format}\"", today.date()),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column {
            key: "risk",
            label: "Risk",
            sort: Some(("number", "-number")),
            default: true,
        },
        Column {
            key: "owner",
            label: "Owner",
            sort: None,
            default: false,
        },
    ];

    fn pairs(q: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(q).unwrap()
    }

    #[test]
    fn headers_sort_the_same_view_and_turn_round_when_sorted() {
        let view = TableView::new(
            "/risks",
            &pairs("status=open&sort=number&offset=50"),
            "number",
            COLUMNS,
        );
        let risk = &view.columns[0];
        assert_eq!(risk.aria_sort, Some("ascending"));
        assert_eq!(
            risk.sort_href.as_deref(),
            Some("/risks?status=open&sort=-number")
        );
        assert_eq!(view.columns[1].sort_href, None);
        assert_eq!(view.csv_href, "/risks/export.csv?status=open&sort=number");
    }

    #[test]
    fn chosen_columns_replace_the_defaults() {
        let view = TableView::new("/risks", &[], "", COLUMNS);
        assert!(view.shows("risk") && !view.shows("owner"));
        assert_eq!(view.csv_href, "/risks/export.csv");
        let view = TableView::new("/risks", &pairs("col=owner&limit=100"), "", COLUMNS);
        assert!(!view.shows("risk") && view.shows("owner"));
        assert_eq!((view.span(), view.limit), (1, 100));
        let odd = TableView::new("/risks", &pairs("limit=7"), "", COLUMNS);
        assert_eq!(odd.limit, 50, "only the offered sizes");
        let paged = TableView::new(
            "/risks",
            &pairs("status=open&limit=25&offset=25&done=x"),
            "",
            COLUMNS,
        );
        assert_eq!(
            paged.pager(25, 25, 60),
            (
                Some("/risks?status=open&limit=25&offset=0".to_owned()),
                Some("/risks?status=open&limit=25&offset=50".to_owned())
            )
        );
        assert_eq!(paged.pager(0, 10, 10), (None, None));
    }
}
