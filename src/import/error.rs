//! Import errors carry the file, line and column that failed, and the reason in words.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ImportError {
    pub file: PathBuf,
    /// 1-based line of the record (the header is line 1); `None` for whole-file errors.
    pub line: Option<u64>,
    /// 1-based column number and header name.
    pub column: Option<(usize, String)>,
    pub reason: String,
}

impl ImportError {
    pub fn file(file: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((n, name)) = &self.column {
            write!(f, ":{n} ({name})")?;
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
