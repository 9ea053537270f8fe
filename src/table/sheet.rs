//! Excel workbooks (`.xlsx`, read with calamine) and zip archives around a table. Cells
//! become text as Excel shows them: whole numbers without `.0`, dates as ISO dates.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::{Header, ImportError, Origin, Row, Table};

/// What the bytes hold, recognised from the content rather than the file name.
pub(crate) enum Container {
    /// A zip that is an Office Open XML workbook.
    Xlsx,
    /// Any other zip: it must hold one table file.
    Zip,
    /// Text: CSV in some encoding.
    Text,
}

pub(crate) fn detect(bytes: &[u8]) -> Container {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Container::Text;
    }
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => {
            let is_workbook = archive
                .file_names()
                .flatten()
                .any(|n| n == "xl/workbook.xml" || n == "[Content_Types].xml");
            if is_workbook {
                Container::Xlsx
            } else {
                Container::Zip
            }
        }
        // A broken zip: let the CSV reader reject it with a byte position.
        Err(_) => Container::Text,
    }
}

/// The largest table unpacked from a zip (the prefecture's lists are a few MB).
const MAX_UNPACKED: u64 = 1 << 30;

/// The one table file (`.xlsx` or `.csv`) inside a zip, by name and content.
pub(super) fn unzip_table(path: &Path, bytes: &[u8]) -> Result<(String, Vec<u8>), ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::file(path, format!("not a readable zip archive: {e}")))?;
    let names: Vec<String> = archive
        .file_names()
        .flatten()
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            !n.ends_with('/')
                && !lower.starts_with("__macosx/")
                && (lower.ends_with(".xlsx") || lower.ends_with(".csv"))
        })
        .map(|n| n.into_owned())
        .collect();
    let [member] = names.as_slice() else {
        return Err(ImportError::file(
            path,
            format!(
                "the zip archive should hold exactly one .xlsx or .csv file; it holds {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
        ));
    };
    let mut file = archive.by_name(member).map_err(|e| {
        ImportError::file(path, format!("cannot read {member} in the archive: {e}"))
    })?;
    // The size in the archive's directory can lie: read at most the limit, whatever it says.
    let mut out = Vec::new();
    file.by_ref()
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::file(path, format!("cannot unpack {member}: {e}")))?;
    if out.len() as u64 > MAX_UNPACKED {
        return Err(ImportError::file(
            path,
            format!("{member} unpacks to more than {MAX_UNPACKED} bytes; not read"),
        ));
    }
    Ok((member.clone(), out))
}

/// Reads the first worksheet whose header is found (the first sheet for `FirstRow`).
pub(super) fn read_xlsx(
    path: &Path,
    bytes: &[u8],
    header: Header<'_>,
) -> Result<Table, ImportError> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::file(path, format!("not a readable Excel workbook: {e}")))?;
    let names = book.sheet_names();
    let mut first_error = None;
    for name in &names {
        let range = book.worksheet_range(name).map_err(|e| ImportError {
            sheet: Some(name.clone()),
            ..ImportError::file(path, format!("cannot read the sheet: {e}"))
        })?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let rows: Vec<Row> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut text = vec![String::new(); col0 as usize];
                text.extend(cells.iter().map(cell_text));
                Row::new(u64::from(row0) + i as u64 + 1, text)
            })
            .collect();
        match Table::from_rows(path, Origin::Sheet(name.clone()), rows, header, true) {
            Ok(t) => return Ok(t),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
        if matches!(header, Header::FirstRow) {
            break;
        }
    }
    Err(first_error.unwrap_or_else(|| ImportError::file(path, "the workbook has no sheets")))
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// One worksheet as a form: every cell as text (row 0 is the sheet's row 1, column 0 its
/// column A), and where the sheet holds formulas or merged cells, which a form filled by
/// hand must not have.
#[derive(Clone, Debug, Default)]
pub struct SheetCells {
    pub rows: Vec<Vec<String>>,
    /// (row, column) of each cell holding a formula, 0-based.
    pub formulas: Vec<(u32, u32)>,
    /// Top-left (row, column) of each merged area, 0-based.
    pub merged: Vec<(u32, u32)>,
}

impl SheetCells {
    pub fn get(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", |s| s.trim())
    }
}

/// Reads the worksheet `name` of the workbook at `path`.
pub fn read_sheet(path: &Path, name: &str) -> Result<SheetCells, ImportError> {
    let bytes = super::read_source(path)?;
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::file(path, format!("not a readable Excel workbook: {e}")))?;
    if !book.sheet_names().iter().any(|n| n == name) {
        return Err(ImportError::file(
            path,
            format!(
                "no sheet named 「{name}」 (the workbook has: {})",
                book.sheet_names().join(", ")
            ),
        ));
    }
    let sheet_error = |e: &dyn std::fmt::Display| ImportError {
        sheet: Some(name.to_string()),
        ..ImportError::file(path, format!("cannot read the sheet: {e}"))
    };
    let range = book.worksheet_range(name).map_err(|e| sheet_error(&e))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); row0 as usize];
    for cells in range.rows() {
        let mut text = vec![String::new(); col0 as usize];
        text.extend(cells.iter().map(cell_text));
        rows.push(text);
    }
    let formula_range = book.worksheet_formula(name).map_err(|e| sheet_error(&e))?;
    let (fr, fc) = formula_range.start().unwrap_or((0, 0));
    let formulas = formula_range
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, _)| (fr + r as u32, fc + c as u32))
        .collect();
    let merged = book
        .merge_cells_by_sheet_name(name)
        .map_err(|e| sheet_error(&e))?
        .into_iter()
        .map(|d| d.start)
        .collect();
    Ok(SheetCells {
        rows,
        formulas,
        merged,
    })
}
