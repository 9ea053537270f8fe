//! Writing tables for Excel users: CSV as UTF-8 with a BOM (Excel opens it as UTF-8), and
//! xlsx with a bold title and header, A4, the header repeated on every printed page, a
//! footer line below. Every cell is text: one Excel would run as a formula (`=`, `+`,
//! `-`, `@`, a tab or CR first) is written so that it stays text.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell Excel would run as a formula gets a leading `'`, so it shows as the text it is
/// (CSV formula injection).
pub fn safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// CSV (UTF-8 with BOM): the header, the rows, then the footer as the last line.
pub fn to_csv<S: AsRef<str>>(head: &[S], rows: &[Vec<String>], footer: Option<&str>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let _ = w.write_record(head.iter().map(|h| h.as_ref()));
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| safe(c).into_owned()));
    }
    if let Some(f) = footer {
        let _ = w.write_record([f]);
    }
    w.into_inner().unwrap_or_default()
}

/// How an xlsx sheet is laid out.
pub struct SheetLayout<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub footer: &'a str,
    pub landscape: bool,
    /// Column widths, left to right (the rest keep Excel's).
    pub widths: &'a [f64],
}

/// One sheet: the title in A1, the header on row 3, the rows, the footer below them.
pub fn to_xlsx<S: AsRef<str>>(
    layout: &SheetLayout<'_>,
    head: &[S],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(layout.name)?;
    if layout.landscape {
        sheet.set_landscape();
    }
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, layout.title, &bold)?;
    for (c, h) in head.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, h.as_ref(), &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Strings, never formulas: a name beginning with = stays text.
            sheet.write_string(r as u32 + 3, c as u16, v)?;
        }
    }
    sheet.write_string(rows.len() as u32 + 4, 0, layout.footer)?;
    sheet.set_repeat_rows(2, 2)?;
    for (c, w) in layout.widths.iter().enumerate().take(head.len()) {
        sheet.set_column_width(c as u16, *w)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_text_in_csv() {
        assert_eq!(safe("=1+1"), "'=1+1");
        assert_eq!(
            safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(safe("+81"), "'+81");
        assert_eq!(safe("-1"), "'-1");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("\tx"), "'\tx");
        assert_eq!(safe("06-0000-0001"), "06-0000-0001");
        assert_eq!(safe("北区"), "北区");
        let csv = to_csv(&["a"], &[vec!["=x".into()]], Some("footer"));
        assert_eq!(String::from_utf8(csv).unwrap(), "\u{feff}a\n'=x\nfooter\n");
    }
}
