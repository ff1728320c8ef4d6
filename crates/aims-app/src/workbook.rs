//! A table as an XLSX workbook: one sheet named after it, bold headings, frozen first row,
//! wrapped cells, every cell written as text (never as a formula, whatever it starts with).

use aims_domain::table::Table;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::{AppError, Result};

fn failed(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing the workbook: {e}"))
}

/// Spreadsheets refuse sheet names over 31 characters or with `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if name.trim().is_empty() {
        "Sheet1".to_owned()
    } else {
        name
    }
}

/// `table` as the bytes of an XLSX workbook.
pub fn xlsx(table: &Table) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&table.title)).map_err(failed)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (col, (title, width)) in table.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, title, &bold)
            .map_err(failed)?;
        sheet
            .set_column_width(col as u16, f64::from(*width))
            .map_err(failed)?;
    }
    for (r, cells) in table.rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32 + 1, col as u16, cell, &wrap)
                .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_what_spreadsheets_accept() {
        assert_eq!(sheet_name("Risks"), "Risks");
        assert_eq!(sheet_name("a/b:c"), "abc");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("::"), "Sheet1");
    }

    #[test]
    fn a_table_becomes_a_workbook() {
        let mut t = Table::new("Risks", &[("Risk", 10)]);
        t.rows.push(vec!["=1+1".into()]);
        let bytes = xlsx(&t).unwrap();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip");
    }
}
