//! Built indexes: `index/<name>/` holds the facility records, the tantivy text index and a
//! small metadata file. Builds go to a fresh generation directory and are switched in by
//! atomically replacing a symlink, so a failed build never touches the index in use.

mod build;
mod collect;
mod columns;
pub mod coverage;
mod docbits;
mod field_matcher;
mod records;
mod tags;
mod text;
mod tile_counts;
mod trees;
mod typo;
mod word_cache;

pub use build::{
    build_index, generations, BuildError, BuildLock, BuildSummary, IndexInput, DEFAULT_MAX_SHRINK,
};
pub use columns::{Columns, ColumnsBuilder, ReachNote};
pub use docbits::{DocBits, Members};
pub use field_matcher::FieldMatcher;
pub use records::{id_of, RecordBytes, RecordError, Records};
pub use tags::TagSets;
pub use text::{Scored, TextField, TextIndex, TextMatch, WordMatch};
pub use tile_counts::TileCounts;
pub use trees::FilterTrees;
pub use typo::{correctable, WordFix, MIN_TYPO_WORD};

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::geo::{Boundaries, PointIndex, WardLocator, WardShape};
use crate::geocode::{Geocoder, GeocoderData};
use crate::model::{Facility, Regions, WardCode};

/// Bumped whenever the on-disk layout changes; older indexes must be rebuilt. 6: records
/// write the list fields first (`model::list_view`). 7: text folds 異体字 from Unihan, long-vowel
/// look-alikes and ヴ (`text::normalize`).
pub const FORMAT_VERSION: u32 = 7;

const META_FILE: &str = "zaitaku.json";
/// One facility record (JSON) per line, in ordinal order.
const RECORDS_FILE: &str = "records.jsonl";
const TEXT_DIR: &str = "text";
/// Ward polygons (official datasets only).
const BOUNDARIES_FILE: &str = "boundaries.json";
/// The geocoder's reference table (official datasets only).
const GEOCODER_FILE: &str = "geocoder.json";
/// The regions table of the dataset: 市町村, wards and their areas.
const REGIONS_FILE: &str = "regions.json";
/// Town coverage for the planners, computed from the built index (datasets with towns).
const COVERAGE_FILE: &str = "coverage.json";
/// People per area, when the dataset has a population table.
const POPULATION_FILE: &str = "population.json";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format_version: u32,
    pub dataset: String,
    pub facility_count: usize,
    /// Unix seconds.
    pub built_at: u64,
    /// The files of the generation besides the text index, with their SHA-256: each must
    /// be there and intact to open (an official index without its boundaries would pass
    /// for the demo).
    pub parts: std::collections::BTreeMap<String, String>,
    /// Rows read per source (the manifest's file names).
    #[serde(default)]
    pub source_rows: std::collections::BTreeMap<String, usize>,
    /// Per source, the date of the file read (its modification day, UTC), so that two
    /// generations can say what data each was built from.
    #[serde(default)]
    pub source_dates: std::collections::BTreeMap<String, String>,
}

impl IndexMeta {
    /// The day the index was built (UTC), as the data's date in lists and sheets.
    pub fn built_day(&self) -> crate::model::Day {
        crate::model::Day((self.built_at / 86_400) as i32)
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no index at {path}: build it with `zaitaku index` first")]
    Missing { path: PathBuf },
    #[error("cannot read {path}")]
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
    records: Records,
    pub points: PointIndex,
    /// What each tile of `points` holds (facet counts a tile at a time).
    pub tile_counts: Vec<TileCounts>,
    /// Smaller R-trees per frequent filter value.
    pub trees: FilterTrees,
    pub columns: Columns,
    /// Kinds, capabilities and wards as bitsets, for tag words in text searches.
    pub tags: TagSets,
    pub text: TextIndex,
    pub wards: WardLocator,
    /// Ward polygons when the dataset has them (official data), for maps and "which ward".
    pub boundaries: Option<Arc<Boundaries>>,
    pub geocoder: Geocoder,
    /// The 市町村, wards, 二次医療圏 and 基本保健医療圏 of the dataset.
    pub regions: Arc<Regions>,
    /// Per 町丁目: providers reaching it and the nearest (indexes built with towns).
    pub coverage: Option<Arc<coverage::TownCoverage>>,
    /// People per area (datasets with a population table).
    pub population: Option<Arc<crate::model::population::Population>>,
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
        // Each listed part is read once and checked against the sum the build recorded.
        let parts = meta.parts.clone();
        let listed = |file: &str| -> Result<Option<(PathBuf, &String)>, OpenError> {
            let Some(expected) = parts.get(file) else {
                return Ok(None);
            };
            let p = dir.join(file);
            if !p.exists() {
                return Err(corrupt(&p, &"a part the index was built with is missing"));
            }
            Ok(Some((p, expected)))
        };
        let check = |p: &Path, bytes: &[u8], expected: &str| {
            if sha256_hex(bytes) == expected {
                Ok(())
            } else {
                Err(corrupt(
                    p,
                    &"checksum mismatch: the file changed after the build (never modify a served generation; build a new one)",
                ))
            }
        };
        let part = |file: &str| -> Result<Option<Vec<u8>>, OpenError> {
            let Some((p, expected)) = listed(file)? else {
                return Ok(None);
            };
            let bytes = read(p.clone())?;
            check(&p, &bytes, expected)?;
            Ok(Some(bytes))
        };
        let rec_path = dir.join(RECORDS_FILE);
        let mut columns = ColumnsBuilder::default();
        // The records are mapped, not read (see `records.rs`).
        let records_bytes = match listed(RECORDS_FILE)? {
            Some((p, expected)) => {
                let bytes = RecordBytes::map(&p).map_err(|source| OpenError::Io {
                    path: p.clone(),
                    source,
                })?;
                check(&p, bytes.as_slice(), expected)?;
                bytes
            }
            None => return Err(corrupt(&rec_path, &"not listed in the index's parts")),
        };
        let records = Records::decode(records_bytes, |_, f| columns.push(&f))
            .map_err(|e| corrupt(&rec_path, &e))?;
        let text_path = dir.join(TEXT_DIR);
        let columns = columns.finish();
        let text = TextIndex::open(&text_path, columns.name_rank.clone())
            .map_err(|e| corrupt(&text_path, &e))?;
        if records.len() != meta.facility_count || text.num_docs() != records.len() as u64 {
            return Err(corrupt(dir, &"record counts of the parts disagree"));
        }
        let r_path = dir.join(REGIONS_FILE);
        let regions: Regions = match part(REGIONS_FILE)? {
            Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| corrupt(&r_path, &e))?,
            None => return Err(corrupt(&r_path, &"not listed in the index's parts")),
        };
        let mut index = Self::from_parts(meta, dir.to_path_buf(), records, columns, text, regions);
        let b_path = dir.join(BOUNDARIES_FILE);
        if let Some(bytes) = part(BOUNDARIES_FILE)? {
            let shapes: Vec<WardShape> =
                serde_json::from_slice(&bytes).map_err(|e| corrupt(&b_path, &e))?;
            let boundaries = Arc::new(Boundaries::new(shapes));
            index.wards = WardLocator::Polygons(boundaries.clone());
            index.boundaries = Some(boundaries);
        }
        let g_path = dir.join(GEOCODER_FILE);
        if let Some(bytes) = part(GEOCODER_FILE)? {
            let data: GeocoderData =
                serde_json::from_slice(&bytes).map_err(|e| corrupt(&g_path, &e))?;
            index.geocoder = Geocoder::new(data, &index.regions);
        }
        let c_path = dir.join(COVERAGE_FILE);
        if let Some(bytes) = part(COVERAGE_FILE)? {
            let c: coverage::TownCoverage =
                serde_json::from_slice(&bytes).map_err(|e| corrupt(&c_path, &e))?;
            index.coverage = Some(Arc::new(c));
        }
        let p_path = dir.join(POPULATION_FILE);
        if let Some(bytes) = part(POPULATION_FILE)? {
            let p = serde_json::from_slice(&bytes).map_err(|e| corrupt(&p_path, &e))?;
            index.population = Some(Arc::new(p));
        }
        Ok(index)
    }

    fn from_parts(
        meta: IndexMeta,
        dir: PathBuf,
        records: Records,
        columns: Columns,
        text: TextIndex,
        regions: Regions,
    ) -> Self {
        let points = PointIndex::new_tiled(
            columns
                .location
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u32, *p)),
        );
        Self {
            meta,
            dir,
            records,
            tile_counts: tile_counts::count_tiles(&points, &columns),
            points,
            trees: FilterTrees::new(&columns),
            tags: TagSets::new(&columns, &regions),
            columns,
            text,
            wards: WardLocator::points(&regions),
            boundaries: None,
            geocoder: Geocoder::new(GeocoderData::default(), &regions),
            regions: Arc::new(regions),
            coverage: None,
            population: None,
        }
    }

    /// The records, as served and decoded on demand.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// One record, decoded.
    pub fn facility(&self, ord: u32) -> Facility {
        self.records.get(ord)
    }

    /// Every record, decoded (exports and checks; searches never need this).
    pub fn facilities(&self) -> Vec<Facility> {
        self.records.iter().collect()
    }

    /// The facilities of one ward or 市町村, by kind, then reading (as a ward's sheet and
    /// lists show them).
    pub fn facilities_in(&self, ward: WardCode) -> Vec<Facility> {
        let mut out: Vec<Facility> = (0..self.len() as u32)
            .filter(|o| self.columns.ward[*o as usize] == Some(ward))
            .map(|o| self.facility(o))
            .collect();
        out.sort_by(|a, b| {
            (a.kinds.first(), &a.name_kana, &a.id.0).cmp(&(b.kinds.first(), &b.name_kana, &b.id.0))
        });
        out
    }

    /// The ordinal of the facility with this id.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.records.find(id)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
