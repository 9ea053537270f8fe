//! Built indexes: `index/<name>/` holds the facility records, the tantivy text index and a
//! small metadata file. Builds go to a fresh generation directory and are switched in by
//! atomically replacing a symlink, so a failed build never touches the index in use.

mod build;
mod columns;
mod text;

pub use build::{build_index, BuildError, BuildSummary};
pub use columns::Columns;
pub use text::{matched_fields, TextField, TextIndex};

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::geo::{Boundaries, PointIndex, WardLocator, WardShape};
use crate::geocode::{Geocoder, GeocoderData};
use crate::model::Facility;

/// Bumped whenever the on-disk layout changes; older indexes must be rebuilt.
pub const FORMAT_VERSION: u32 = 1;

const META_FILE: &str = "zaitaku.json";
const FACILITIES_FILE: &str = "facilities.json";
const TEXT_DIR: &str = "text";
/// Ward polygons (official datasets only).
const BOUNDARIES_FILE: &str = "boundaries.json";
/// The geocoder's reference table (official datasets only).
const GEOCODER_FILE: &str = "geocoder.json";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format_version: u32,
    pub dataset: String,
    pub facility_count: usize,
    /// Unix seconds.
    pub built_at: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no index at {path}: build it with `zaitaku index` first")]
    Missing { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path} was built by an incompatible version (format {found}, expected {FORMAT_VERSION}); rebuild it with `zaitaku index`")]
    Version { path: PathBuf, found: u32 },
}

/// An opened, immutable index: records, geo tree, filter columns and text.
pub struct SearchIndex {
    pub meta: IndexMeta,
    pub dir: PathBuf,
    facilities: Vec<Facility>,
    pub points: PointIndex,
    pub columns: Columns,
    pub text: TextIndex,
    pub wards: WardLocator,
    /// Ward polygons when the dataset has them (official data), for maps and "which ward".
    pub boundaries: Option<Arc<Boundaries>>,
    pub geocoder: Geocoder,
}

impl SearchIndex {
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        let meta_path = dir.join(META_FILE);
        if !meta_path.exists() {
            return Err(OpenError::Missing {
                path: dir.to_path_buf(),
            });
        }
        let read = |p: PathBuf| fs::read(&p).map_err(|source| OpenError::Io { path: p, source });
        let corrupt = |p: &Path, e: &dyn std::fmt::Display| OpenError::Corrupt {
            path: p.to_path_buf(),
            reason: e.to_string(),
        };
        let meta: IndexMeta = serde_json::from_slice(&read(meta_path.clone())?)
            .map_err(|e| corrupt(&meta_path, &e))?;
        if meta.format_version != FORMAT_VERSION {
            return Err(OpenError::Version {
                path: dir.to_path_buf(),
                found: meta.format_version,
            });
        }
        let fac_path = dir.join(FACILITIES_FILE);
        let facilities: Vec<Facility> =
            serde_json::from_slice(&read(fac_path.clone())?).map_err(|e| corrupt(&fac_path, &e))?;
        let text_path = dir.join(TEXT_DIR);
        let text = TextIndex::open(&text_path).map_err(|e| corrupt(&text_path, &e))?;
        if facilities.len() != meta.facility_count || text.num_docs() != facilities.len() as u64 {
            return Err(corrupt(dir, &"record counts of the parts disagree"));
        }
        let mut index = Self::from_parts(meta, dir.to_path_buf(), facilities, text);
        let b_path = dir.join(BOUNDARIES_FILE);
        if b_path.exists() {
            let shapes: Vec<WardShape> =
                serde_json::from_slice(&read(b_path.clone())?).map_err(|e| corrupt(&b_path, &e))?;
            let boundaries = Arc::new(Boundaries::new(shapes));
            index.wards = WardLocator::Polygons(boundaries.clone());
            index.boundaries = Some(boundaries);
        }
        let g_path = dir.join(GEOCODER_FILE);
        if g_path.exists() {
            let data: GeocoderData =
                serde_json::from_slice(&read(g_path.clone())?).map_err(|e| corrupt(&g_path, &e))?;
            index.geocoder = Geocoder::new(data);
        }
        Ok(index)
    }

    fn from_parts(
        meta: IndexMeta,
        dir: PathBuf,
        facilities: Vec<Facility>,
        text: TextIndex,
    ) -> Self {
        let points = PointIndex::new(
            facilities
                .iter()
                .enumerate()
                .map(|(i, f)| (i as u32, f.location)),
        );
        let columns = Columns::new(&facilities);
        Self {
            meta,
            dir,
            facilities,
            points,
            columns,
            text,
            wards: WardLocator::default(),
            boundaries: None,
            geocoder: Geocoder::new(GeocoderData::default()),
        }
    }

    pub fn facilities(&self) -> &[Facility] {
        &self.facilities
    }

    pub fn facility(&self, ord: u32) -> &Facility {
        &self.facilities[ord as usize]
    }

    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }
}
