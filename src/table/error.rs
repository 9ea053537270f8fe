//! Errors reading a file carry the position that failed and the reason in words:
//! `file.csv:12:3 (header): reason` for text, `file.xlsx:Sheet1!O123 (header): reason`
//! for a worksheet.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq, thiserror::Error)]
pub struct ImportError {
    pub file: PathBuf,
    /// The worksheet, for Excel files.
    pub sheet: Option<String>,
    /// 1-based line of the record (CSV) or row number (worksheet); `None` for whole-file
    /// errors.
    pub line: Option<u64>,
    /// 1-based column number and header name.
    pub column: Option<(usize, String)>,
    pub reason: String,
}

impl ImportError {
    pub fn file(file: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            reason: reason.into(),
            ..Self::default()
        }
    }

    /// Where the error is, without the reason: `file:12:3`, `file:Sheet1!C12`.
    pub fn position(&self) -> String {
        let mut out = self.file.display().to_string();
        match &self.sheet {
            Some(sheet) => {
                out.push_str(&format!(":{sheet}!"));
                if let Some((n, _)) = &self.column {
                    out.push_str(&column_letters(*n));
                }
                if let Some(line) = self.line {
                    out.push_str(&line.to_string());
                }
            }
            None => {
                if let Some(line) = self.line {
                    out.push_str(&format!(":{line}"));
                }
                if let Some((n, _)) = &self.column {
                    out.push_str(&format!(":{n}"));
                }
            }
        }
        out
    }
}

/// 1 → A, 26 → Z, 27 → AA.
pub fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.position())?;
        if let Some((_, name)) = &self.column {
            if !name.is_empty() {
                write!(f, " ({name})")?;
            }
        }
        write!(f, ": {}", self.reason)
    }
}

/// Every error found in a dataset, in file/line order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} error(s) in the dataset:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> Self {
        Self(vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(15), "O");
        assert_eq!(column_letters(27), "AA");
        let e = ImportError {
            file: "f.xlsx".into(),
            sheet: Some("Sheet1".into()),
            line: Some(123),
            column: Some((15, "受理記号".into())),
            reason: "bad".into(),
        };
        assert_eq!(e.to_string(), "f.xlsx:Sheet1!O123 (受理記号): bad");
        let e = ImportError {
            sheet: None,
            line: Some(12),
            column: Some((3, String::new())),
            ..e
        };
        assert_eq!(e.to_string(), "f.xlsx:12:3: bad");
    }
}
