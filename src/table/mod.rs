//! Reading tables from the files publishers put out: CSV in any encoding they use (UTF-8
//! with or without BOM, Shift_JIS/CP932), Excel `.xlsx` sheets, and either inside a `.zip`.
//! Columns are found by header name; the header row is found by its names, because the
//! bureaus' sheets begin with title rows. Every error names the cell: `file.csv:12:3` or
//! `file.xlsx:Sheet1!O123`.
//!
//! This is the lowest layer of file reading: `import`, `geocode` and `fetch` use it, and it
//! uses none of them.

pub mod decode;
mod delimited;
mod error;
mod sheet;
pub mod wareki;
pub mod write;

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

pub use error::{column_letters, ImportError, ImportErrors};
pub use sheet::{read_sheet, SheetCells};

/// A column located in the header: 0-based index and its header text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Col {
    pub index: usize,
    pub name: String,
}

/// One data row: where it is, and its cells as written (trimmed on access).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based line (CSV: the line the record starts on; xlsx: the sheet's row number).
    pub line: u64,
    cells: Vec<String>,
}

impl Row {
    pub fn new(line: u64, cells: Vec<String>) -> Self {
        Self { line, cells }
    }

    /// The trimmed text of a cell; `""` when the row is short.
    pub fn get(&self, col: &Col) -> &str {
        self.cells.get(col.index).map_or("", |s| s.trim())
    }

    /// The trimmed text of an optional column; `""` when the table has no such column.
    pub fn opt(&self, col: &Option<Col>) -> &str {
        col.as_ref().map_or("", |c| self.get(c))
    }

    /// The cells as written, untrimmed (for writing the row back out).
    pub fn cells(&self) -> &[String] {
        &self.cells
    }
}

/// What kind of file a table came from, which decides how positions are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// CSV: positions are `line:column`.
    Csv,
    /// A worksheet: positions are `Sheet!A1`.
    Sheet(String),
}

#[derive(Clone, Debug)]
pub struct Table {
    /// The file (for a member of a zip archive: `archive.zip/member`).
    pub path: PathBuf,
    pub origin: Origin,
    /// Header texts, normalised (NFKC, trimmed) for lookups.
    pub header: Vec<String>,
    /// 1-based line of the header row (0 for a headerless table).
    pub header_line: u64,
    /// Rows above the header (title rows), each as its non-empty cells joined by a space.
    pub preamble: Vec<String>,
    /// Data rows; rows whose cells are all empty are skipped.
    pub rows: Vec<Row>,
}

/// How to find the header: the first row (CSV exports) or the first row holding every
/// listed column, each given as its accepted names (the bureau's Excel files).
#[derive(Clone, Copy, Debug)]
pub enum Header<'a> {
    FirstRow,
    /// Every column present: for telling formats apart.
    Containing(&'a [&'a [&'a str]]),
    /// The row with the most of these columns (at least one): the reader then names
    /// exactly which required column is missing.
    MostOf(&'a [&'a [&'a str]]),
}

/// Rows scanned for a header before giving up.
const HEADER_SCAN_ROWS: usize = 30;

impl Table {
    /// Reads a CSV or xlsx file (or a zip holding one), with the header on the first row.
    pub fn read(path: &Path) -> Result<Self, ImportError> {
        Self::read_with(path, Header::FirstRow)
    }

    /// Reads a CSV or xlsx file (or a zip holding one), finding the header as told. The
    /// format is recognised from the content, not the file name.
    pub fn read_with(path: &Path, header: Header<'_>) -> Result<Self, ImportError> {
        let bytes = read_source(path)?;
        Self::from_bytes(path, &bytes, header)
    }

    /// Like [`read_with`](Self::read_with), from bytes already in memory.
    pub fn from_bytes(path: &Path, bytes: &[u8], header: Header<'_>) -> Result<Self, ImportError> {
        match sheet::detect(bytes) {
            sheet::Container::Xlsx => sheet::read_xlsx(path, bytes, header),
            sheet::Container::Zip => {
                let (member, inner) = sheet::unzip_table(path, bytes)?;
                let inner_path = path.join(&member);
                Self::from_bytes(&inner_path, &inner, header)
            }
            sheet::Container::Text => {
                let text = decode::decode(path, bytes)?;
                delimited::parse(path, &text, header, true)
            }
        }
    }

    /// Parses CSV text whose first row is the header.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ImportError> {
        delimited::parse(path, text, Header::FirstRow, true)
    }

    /// Parses CSV text without a header row (Japan Post's KEN_ALL): `header` is empty.
    pub fn parse_headerless(path: &Path, text: &str) -> Result<Self, ImportError> {
        delimited::parse(path, text, Header::FirstRow, false)
    }

    /// Builds a table from rows already split into cells (line, cells), finding the header.
    pub(crate) fn from_rows(
        path: &Path,
        origin: Origin,
        all: Vec<Row>,
        header: Header<'_>,
        has_header: bool,
    ) -> Result<Self, ImportError> {
        let mut table = Table {
            path: path.to_path_buf(),
            origin,
            header: Vec::new(),
            header_line: 0,
            preamble: Vec::new(),
            rows: Vec::new(),
        };
        if let Some((row, col, len)) = all.iter().find_map(|r| {
            r.cells
                .iter()
                .position(|c| c.len() > MAX_CELL_BYTES)
                .map(|i| (r.line, i, r.cells[i].len()))
        }) {
            return Err(ImportError {
                line: Some(row),
                column: Some((col + 1, String::new())),
                reason: format!(
                    "a cell of {len} bytes; cells above {MAX_CELL_BYTES} bytes are not read (is the file broken?)"
                ),
                ..table.whole_error("")
            });
        }
        let empty = |r: &Row| r.cells.iter().all(|c| c.trim().is_empty());
        if !has_header {
            table.rows = all.into_iter().filter(|r| !empty(r)).collect();
            return Ok(table);
        }
        let matched = |r: &Row, wanted: &[&[&str]]| {
            let keys: Vec<String> = r.cells.iter().map(|c| header_key(c)).collect();
            wanted
                .iter()
                .filter(|names| names.iter().any(|n| keys.contains(&header_key(n))))
                .count()
        };
        let at = match header {
            Header::FirstRow => all.iter().position(|r| !empty(r)),
            Header::Containing(wanted) => all
                .iter()
                .take(HEADER_SCAN_ROWS)
                .position(|r| matched(r, wanted) == wanted.len()),
            Header::MostOf(wanted) => {
                let scores: Vec<usize> = all
                    .iter()
                    .take(HEADER_SCAN_ROWS)
                    .map(|r| matched(r, wanted))
                    .collect();
                let best = scores.iter().copied().max().unwrap_or(0);
                (best > 0)
                    .then(|| scores.iter().position(|s| *s == best))
                    .flatten()
            }
        };
        let Some(at) = at else {
            let reason = match header {
                Header::FirstRow => "the file is empty (no header row)".to_string(),
                Header::Containing(wanted) | Header::MostOf(wanted) => format!(
                    "no header row with the columns {} in the first {HEADER_SCAN_ROWS} rows; is this the right file?",
                    wanted.iter().map(|n| n[0]).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(table.whole_error(reason));
        };
        let mut all = all.into_iter();
        for r in all.by_ref().take(at) {
            if !empty(&r) {
                let text: Vec<&str> = r
                    .cells
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect();
                table.preamble.push(text.join(" "));
            }
        }
        let head = all.next().expect("position found");
        table.header_line = head.line;
        table.header = head.cells.iter().map(|c| header_key(c)).collect();
        if table.header.iter().all(String::is_empty) {
            return Err(table.whole_error("the file is empty (no header row)"));
        }
        // A column named twice would be read from the first and the other silently
        // dropped (a duplicated 事業所名 renamed every station).
        for (i, h) in table.header.iter().enumerate() {
            if let Some(first) = table.header[..i]
                .iter()
                .position(|x| x == h && !h.is_empty())
            {
                return Err(ImportError {
                    line: Some(table.header_line),
                    column: Some((i + 1, h.clone())),
                    reason: format!(
                        "column '{h}' appears twice (columns {} and {}); remove or rename one",
                        first + 1,
                        i + 1
                    ),
                    ..table.whole_error("")
                });
            }
        }
        table.rows = all.filter(|r| !empty(r)).collect();
        Ok(table)
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
            line: Some(self.header_line.max(1)),
            reason: format!(
                "required column '{}' is missing; the header has: {}",
                names[0],
                self.header.join(", ")
            ),
            ..self.whole_error("")
        })
    }

    /// An error about one cell.
    pub fn cell_error(&self, line: u64, col: &Col, reason: impl Into<String>) -> ImportError {
        ImportError {
            line: Some(line),
            column: Some((col.index + 1, col.name.clone())),
            reason: reason.into(),
            ..self.whole_error("")
        }
    }

    /// An error about a whole row.
    pub fn row_error(&self, line: u64, reason: impl Into<String>) -> ImportError {
        ImportError {
            line: Some(line),
            reason: reason.into(),
            ..self.whole_error("")
        }
    }

    fn whole_error(&self, reason: impl Into<String>) -> ImportError {
        ImportError {
            file: self.path.clone(),
            sheet: match &self.origin {
                Origin::Sheet(s) => Some(s.clone()),
                Origin::Csv => None,
            },
            line: None,
            column: None,
            reason: reason.into(),
        }
    }
}

/// The largest source file read (the national lists are a few hundred MB).
pub const MAX_FILE_BYTES: u64 = 2 << 30;
/// The longest cell accepted, in bytes: an address or a note is far shorter; a longer cell
/// is a broken file, and would cost the geocoder and the tokenizer dearly.
pub const MAX_CELL_BYTES: usize = 64 << 10;

/// Reads a source file whole: only a regular file (a FIFO or a device would block or never
/// end), and at most [`MAX_FILE_BYTES`].
pub fn read_source(path: &Path) -> Result<Vec<u8>, ImportError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ImportError::file(path, format!("cannot open: {e}")))?;
    if !meta.is_file() {
        return Err(ImportError::file(
            path,
            "not a regular file (a directory, FIFO or device); give the file itself",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::file(
            path,
            format!(
                "the file is {} bytes; files above {MAX_FILE_BYTES} bytes are not read",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| ImportError::file(path, format!("cannot read: {e}")))
}

/// Whether the bytes are an Excel workbook (which is itself a zip: not to be unpacked).
pub fn is_workbook(bytes: &[u8]) -> bool {
    matches!(sheet::detect(bytes), sheet::Container::Xlsx)
}

/// A header text as compared: NFKC, without BOM and without any space or line break
/// (the bureaus' headers break lines inside cells: `開設者名\n事業所名称`).
pub fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Text for names and addresses from outside: without control characters (NUL …),
/// zero-width characters and bidirectional overrides, which no one types on purpose and
/// which make a name look like another or break a line.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let unwanted = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
                    | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
            )
    };
    if s.chars().any(unwanted) {
        s.chars()
            .filter(|c| !unwanted(*c))
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// Cell text folded for codes and numbers: NFKC (full-width digits → ASCII), with every
/// kind of space removed. Excel users type codes in full width.
pub fn fold_code(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
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
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].line, 5);
        let name = t.column(&["名称", "事業所名"]).unwrap();
        assert_eq!(name.index, 1);
        assert_eq!(t.rows[1].get(&name), "う");
        let e = t.require(&["緯度"]).unwrap_err();
        assert!(e.to_string().contains("'緯度' is missing"), "{e}");
        // Full-width header text still matches.
        let t = Table::parse(Path::new("t.csv"), "ＵＲＬ\nx\n").unwrap();
        assert!(t.column(&["URL"]).is_some());
    }

    #[test]
    fn header_found_below_title_rows() {
        let text = "\n[令和７年１０月１日 現在 ]一覧\n\n項番,医療機関番号,名称\n1,0110011,あ\n";
        let wanted: &[&[&str]] = &[&["医療機関番号"], &["名称", "医療機関名称"]];
        let t =
            delimited::parse(Path::new("t.csv"), text, Header::Containing(wanted), true).unwrap();
        assert_eq!(t.header_line, 4);
        assert_eq!(
            t.preamble,
            vec!["[令和７年１０月１日 現在 ]一覧".to_string()]
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 5);
        let e = delimited::parse(
            Path::new("t.csv"),
            "a,b\n1,2\n",
            Header::Containing(wanted),
            true,
        )
        .unwrap_err();
        assert!(
            e.reason
                .contains("no header row with the columns 医療機関番号, 名称"),
            "{e}"
        );
    }

    #[test]
    fn a_column_named_twice_is_an_error() {
        let e =
            Table::parse(Path::new("t.csv"), "番号,事業所名,住所,事業所名\n1,a,b,c\n").unwrap_err();
        assert_eq!(e.column.as_ref().map(|c| c.0), Some(4));
        assert!(
            e.reason
                .contains("'事業所名' appears twice (columns 2 and 4)"),
            "{e}"
        );
    }

    #[test]
    fn malformed_csv_names_the_line() {
        let e = Table::parse(Path::new("t.csv"), "a,b\n1,2\n\"x,3\n").unwrap_err();
        assert!(e.reason.contains("malformed CSV"), "{e}");
    }

    #[test]
    fn names_lose_invisible_and_control_characters() {
        assert_eq!(clean("あおば\u{0}訪問看護"), "あおば訪問看護");
        assert_eq!(clean("み\u{200B}どり\u{202E}医院\u{FEFF}"), "みどり医院");
        assert_eq!(clean("普通の名前"), "普通の名前");
    }

    #[test]
    fn codes_fold_full_width_and_spaces() {
        assert_eq!(fold_code("０１２　３４５６"), "0123456");
        assert_eq!(fold_code(" 27 "), "27");
    }
}
