//! A CSV file read whole, with columns found by header name: the shared base of the
//! official-format importers. Rows keep their 1-based line number for error messages.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use super::{decode::decode, ImportError};

/// A column located in the header: 0-based index and its header text.
#[derive(Clone, Debug)]
pub struct Col {
    pub index: usize,
    pub name: String,
}

#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    /// (line of the record's start, fields).
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Reads a CSV file in UTF-8 (BOM optional) or Shift_JIS, CRLF or LF. A file that cannot
    /// be parsed at all is an error; the caller decides what to do with bad rows.
    pub fn read(path: &Path) -> Result<Self, ImportError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ImportError::file(path, format!("cannot open: {e}")))?;
        let text = decode(path, &bytes)?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ImportError> {
        Self::parse_with(path, text, true)
    }

    /// Without a header row (Japan Post's KEN_ALL): `header` is empty.
    pub fn parse_headerless(path: &Path, text: &str) -> Result<Self, ImportError> {
        Self::parse_with(path, text, false)
    }

    fn parse_with(path: &Path, text: &str, has_header: bool) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let lines = LineIndex::new(text);
        let mut header = Vec::new();
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut first = has_header;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    return Err(ImportError {
                        file: path.to_path_buf(),
                        line: e.position().map(|p| lines.line_at(p.byte())),
                        column: None,
                        reason: format!("malformed CSV: {e}"),
                    })
                }
            }
            let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
            if first {
                first = false;
                header = record.iter().map(header_key).collect();
                continue;
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push((line, record.clone()));
        }
        // The csv reader takes an unterminated quote as running to the end of the file.
        if text.bytes().filter(|b| *b == b'"').count() % 2 == 1 {
            return Err(ImportError {
                file: path.to_path_buf(),
                line: rows.last().map(|(line, _)| *line),
                column: None,
                reason: "malformed CSV: a quoted field is never closed (odd number of '\"')".into(),
            });
        }
        if has_header && header.iter().all(|h| h.is_empty()) {
            return Err(ImportError::file(path, "the file is empty (no header row)"));
        }
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// The first column whose header is any of `names` (compared after NFKC and trimming).
    pub fn column(&self, names: &[&str]) -> Option<Col> {
        names.iter().find_map(|n| {
            let key = header_key(n);
            self.header.iter().position(|h| *h == key).map(|index| Col {
                index,
                name: self.header[index].clone(),
            })
        })
    }

    /// Like [`column`](Self::column), but missing is an error that lists what was found.
    pub fn require(&self, names: &[&str]) -> Result<Col, ImportError> {
        self.column(names).ok_or_else(|| ImportError {
            file: self.path.clone(),
            line: Some(1),
            column: None,
            reason: format!(
                "required column '{}' is missing; the header has: {}",
                names[0],
                self.header.join(", ")
            ),
        })
    }

    /// An error about one cell.
    pub fn cell_error(&self, line: u64, col: &Col, reason: impl Into<String>) -> ImportError {
        ImportError {
            file: self.path.clone(),
            line: Some(line),
            column: Some((col.index + 1, col.name.clone())),
            reason: reason.into(),
        }
    }
}

/// The trimmed text of a cell, `""` when the row is short.
pub fn cell<'r>(record: &'r csv::StringRecord, col: &Option<Col>) -> &'r str {
    col.as_ref()
        .and_then(|c| record.get(c.index))
        .map_or("", str::trim)
}

fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .nfkc()
        .collect::<String>()
        .trim()
        .to_string()
}

/// Byte offset → 1-based line number.
pub(crate) struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    pub(crate) fn line_at(&self, byte: u64) -> u64 {
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
    fn columns_by_name_and_line_numbers() {
        let t = Table::parse(
            Path::new("t.csv"),
            "\u{feff}No,事業所名,住所\r\n1,\"あ\r\nい\",x\r\n\r\n2,う,y\r\n",
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[1].0, 5);
        let name = t.column(&["名称", "事業所名"]).unwrap();
        assert_eq!(name.index, 1);
        assert_eq!(cell(&t.rows[1].1, &Some(name)), "う");
        let e = t.require(&["緯度"]).unwrap_err();
        assert!(e.to_string().contains("'緯度' is missing"), "{e}");
        // Full-width header text still matches.
        let t = Table::parse(Path::new("t.csv"), "ＵＲＬ\nx\n").unwrap();
        assert!(t.column(&["URL"]).is_some());
    }

    #[test]
    fn malformed_csv_names_the_line() {
        let e = Table::parse(Path::new("t.csv"), "a,b\n1,2\n\"x,3\n").unwrap_err();
        assert!(e.reason.contains("malformed CSV"), "{e}");
    }
}
