//! CSV text → rows, with the line each record starts on (records may span lines).

use std::path::Path;

use super::{Header, ImportError, Origin, Row, Table};

pub(super) fn parse(
    path: &Path,
    text: &str,
    header: Header<'_>,
    has_header: bool,
) -> Result<Table, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = LineIndex::new(text);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(ImportError {
                    line: e.position().map(|p| lines.line_at(p.byte())),
                    ..ImportError::file(path, format!("malformed CSV: {e}"))
                })
            }
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        rows.push(Row::new(line, record.iter().map(str::to_string).collect()));
    }
    // The csv reader takes an unterminated quote as running to the end of the file; the
    // error names the line of the quote that opened it, not the last line.
    if let Some(opened) = unclosed_quote(text) {
        return Err(ImportError {
            line: Some(lines.line_at(opened as u64)),
            ..ImportError::file(
                path,
                "malformed CSV: a quoted field is never closed (odd number of '\"')",
            )
        });
    }
    let table = Table::from_rows(path, Origin::Csv, rows, header, has_header)?;
    // A last row without its line break and with fewer cells than the header was cut off
    // (a download or copy that stopped): indexing it would keep a cut address.
    if let Some(last) = table.rows.last() {
        let cut = !text.ends_with(['\n', '\r'])
            && !table.header.is_empty()
            && last.cells().len() < table.header.len();
        if cut {
            return Err(table.row_error(
                last.line,
                format!(
                    "the last row is cut off: {} of {} cells and no line break at the end of the file",
                    last.cells().len(),
                    table.header.len()
                ),
            ));
        }
    }
    Ok(table)
}

/// The byte offset of the quote that opens a field never closed, if there is one: where
/// the count of quotes turned odd for the last time.
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut open = None;
    for (at, _) in text.match_indices('"') {
        open = match open {
            None => Some(at),
            Some(_) => None,
        };
    }
    open
}

/// Byte offset → 1-based line number.
struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    fn line_at(&self, byte: u64) -> u64 {
        // The csv reader reports a record as starting at the line break before it (after a
        // CRLF or a skipped blank line); the record's own line is after those breaks.
        let mut at = byte as usize;
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.starts.partition_point(|&start| start <= at) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stray_quote_is_reported_where_it_opens() {
        let text = "a,b\n1,2\n\"x,3\n4,5\n6,7\n";
        let e = parse(Path::new("t.csv"), text, Header::FirstRow, true).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert_eq!(unclosed_quote("a,\"b\"\"c\",d"), None);
    }
}
