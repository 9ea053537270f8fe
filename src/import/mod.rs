//! Reading datasets. A dataset is a directory; today it holds `facilities.csv` in the
//! project's own format (see `data/README.md`). Official-format importers join here.

pub mod decode;
mod error;
mod facilities_csv;
pub mod manifest;
pub mod table;

pub use error::{ImportError, ImportErrors};
pub use facilities_csv::{read_facilities, write_facilities, COLUMNS};
pub use manifest::{Manifest, MANIFEST_FILE};

use std::path::{Path, PathBuf};

use crate::model::Facility;

/// The file inside a dataset directory that holds facilities in the project format.
pub const FACILITIES_FILE: &str = "facilities.csv";

/// A validated dataset, ready to index.
#[derive(Debug)]
pub struct Dataset {
    pub dir: PathBuf,
    pub facilities: Vec<Facility>,
    /// Rows read per file, for the build summary.
    pub rows_read: Vec<(PathBuf, usize)>,
}

/// Loads and validates every file of a dataset directory. All errors of all files are
/// returned together.
pub fn load_dataset(dir: &Path) -> Result<Dataset, ImportErrors> {
    let path = dir.join(FACILITIES_FILE);
    let facilities = read_facilities(&path)?;
    Ok(Dataset {
        dir: dir.to_path_buf(),
        rows_read: vec![(path, facilities.len())],
        facilities,
    })
}
