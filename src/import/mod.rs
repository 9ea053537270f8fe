//! Reading datasets. A dataset is a directory holding either `facilities.csv` in the
//! project's own format (the demo; see `data/README.md`), or a `dataset.toml` manifest
//! that lists official open-data files (one reader per format in this folder), the
//! reference files for wards and addresses, and the curated overlay.

mod facilities_csv;
pub mod inspect;
mod jigyosho;
mod kouseikyoku;
pub mod manifest;
mod merge;
pub(crate) mod n03;
mod navii;
pub mod offices;
pub mod overlay;
pub mod population;
pub mod record;
pub mod report;
pub mod todokede;

pub use crate::table::{ImportError, ImportErrors};
pub use facilities_csv::{read_facilities, write_facilities, COLUMNS};
pub use jigyosho::{read_jigyosho, SERVICES};
pub use kouseikyoku::read_kouseikyoku_ika;
pub use manifest::{Manifest, MANIFEST_FILE};
pub use n03::read_n03;
pub use navii::read_navii;
pub use overlay::{read_overlay, OVERLAY_COLUMNS};
pub use report::ImportReport;

use std::path::{Path, PathBuf};

use crate::geo::{Boundaries, WardShape};
use crate::geocode::{read_postal_codes, read_towns, Geocoder, GeocoderData};
use crate::model::{Facility, Regions};
use manifest::{resolve_file, SourceFormat, DEFAULT_RAW_DIR};

/// The file inside a dataset directory that holds facilities in the project format.
pub const FACILITIES_FILE: &str = "facilities.csv";
/// Optional beside `facilities.csv`: 町丁目 reference points in the geolonia layout.
pub const TOWNS_FILE: &str = "towns.csv";

/// A validated dataset, ready to index.
#[derive(Debug)]
pub struct Dataset {
    pub dir: PathBuf,
    pub facilities: Vec<Facility>,
    /// Rows read per file, for the build summary.
    pub rows_read: Vec<(PathBuf, usize)>,
    /// Rows read per source: the manifest's file name (which stays the same when a dated
    /// release replaces the last), the rows, and the file read. Compared with the serving
    /// index's at build.
    pub source_rows: Vec<(String, usize, PathBuf)>,
    /// For official datasets: everything the import did.
    pub report: Option<ImportReport>,
    /// Ward polygons (empty for the demo dataset).
    pub boundaries: Vec<WardShape>,
    /// The address reference table (empty for the demo dataset).
    pub geocoder: GeocoderData,
    /// The 市町村, wards and areas the dataset covers.
    pub regions: Regions,
    /// People per area, for the planners' rates (optional).
    pub population: Option<crate::model::population::Population>,
}

impl Dataset {
    /// What `build_index` takes from the dataset; `max_shrink` as in
    /// [`IndexInput::max_shrink`](crate::index::IndexInput).
    pub fn index_input(&self, max_shrink: Option<f64>) -> crate::index::IndexInput<'_> {
        crate::index::IndexInput {
            facilities: &self.facilities,
            boundaries: &self.boundaries,
            geocoder: &self.geocoder,
            regions: &self.regions,
            origin: &self.dir,
            source_rows: &self.source_rows,
            max_shrink,
            population: self.population.as_ref(),
        }
    }

    /// Prints what was read: the full report for official datasets, rows per file else.
    pub fn describe(&self) -> String {
        match &self.report {
            Some(report) => report.to_string(),
            None => self
                .rows_read
                .iter()
                .map(|(path, rows)| format!("read {rows} rows from {}\n", path.display()))
                .collect(),
        }
    }
}

/// Loads and validates every file of a dataset directory. All whole-file errors are
/// returned together; row-level problems of official files go to the report instead.
/// `raw` is where an official dataset's files are (default `<dir>/raw`).
pub fn load_dataset(dir: &Path, raw: Option<&Path>) -> Result<Dataset, ImportErrors> {
    if dir.join(MANIFEST_FILE).exists() {
        let raw = raw.map_or_else(|| dir.join(DEFAULT_RAW_DIR), Path::to_path_buf);
        return load_official(dir, &raw);
    }
    let path = dir.join(FACILITIES_FILE);
    let all = crate::geo::regions::osaka();
    let facilities = read_facilities(&path, &all)?;
    // Osaka City, where the demo is, and wherever the file places facilities.
    let city = all.leaves_of(crate::model::WardCode(27100));
    let regions =
        all.restrict(|c| city.contains(&c) || facilities.iter().any(|f| f.ward_code == Some(c)));
    // Beside it, optionally: the 町丁目 reference table (the demo's fictional towns) and
    // the population table.
    let towns_path = dir.join(TOWNS_FILE);
    let mut rows_read = vec![(path.clone(), facilities.len())];
    let geocoder = if towns_path.exists() {
        let towns = read_towns(&towns_path)?;
        rows_read.push((towns_path, towns.len()));
        GeocoderData {
            prefecture: "大阪府".into(),
            towns,
            postal: Vec::new(),
        }
    } else {
        GeocoderData::default()
    };
    let population_path = dir.join(population::POPULATION_FILE);
    let population = if population_path.exists() {
        let p = population::read_population(&population_path)?;
        rows_read.push((population_path, p.rows.len()));
        Some(p)
    } else {
        None
    };
    Ok(Dataset {
        regions,
        dir: dir.to_path_buf(),
        source_rows: vec![(FACILITIES_FILE.to_string(), facilities.len(), path.clone())],
        rows_read,
        facilities,
        report: None,
        boundaries: Vec::new(),
        geocoder,
        population,
    })
}

fn find(raw: &Path, manifest_path: &Path, pattern: &str) -> Result<PathBuf, ImportError> {
    resolve_file(raw, pattern).ok_or_else(|| {
        ImportError::file(
            manifest_path,
            format!(
                "no file matching '{pattern}' in {}; run `zaitaku fetch` for this dataset or pass --raw DIR",
                raw.display()
            ),
        )
    })
}

/// Reads the official files a manifest lists and merges them into facilities.
pub fn load_official(dir: &Path, raw: &Path) -> Result<Dataset, ImportErrors> {
    let manifest = Manifest::load(dir)?;
    let manifest_path = dir.join(MANIFEST_FILE);
    let regions = manifest.regions(dir)?;
    let mut errors: Vec<ImportError> = Vec::new();
    let mut report = ImportReport::default();

    let boundaries =
        find(raw, &manifest_path, &manifest.boundaries.file).and_then(|p| read_n03(&p, &manifest));
    let towns = find(raw, &manifest_path, &manifest.addresses.file)
        .map_err(ImportErrors::from)
        .and_then(|p| read_towns(&p));
    let postal = match &manifest.postal_codes {
        Some(pc) => match resolve_file(raw, &pc.file) {
            Some(p) => read_postal_codes(&p),
            // Optional: without it, postal codes do not resolve.
            None => Ok(Vec::new()),
        },
        None => Ok(Vec::new()),
    };
    let boundaries = boundaries.map_err(|e| errors.push(e)).ok();
    let towns = towns.map_err(|e| errors.extend(e.0)).ok();
    let postal = postal.map_err(|e| errors.extend(e.0)).ok();

    let pref = manifest.municipalities[0][..2].to_string();
    let mut records = Vec::new();
    let mut filings = Vec::new();
    let mut rows_read = Vec::new();
    let mut source_rows = Vec::new();
    for source in &manifest.sources {
        let path = match (resolve_file(raw, &source.file), source.optional) {
            (Some(p), _) => p,
            (None, true) => {
                report.missing_optional.push(source.file.clone());
                continue;
            }
            (None, false) => {
                errors.extend(find(raw, &manifest_path, &source.file).err());
                continue;
            }
        };
        let label = format!(
            "{} {}",
            source.format.label(),
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        );
        // Rows read and rows usable, for the summary.
        let (rows, usable) = match source.format {
            SourceFormat::ShisetsuKijun | SourceFormat::HoumonKango => {
                match todokede::read_filing_file(&path, Some(&pref)) {
                    Ok(list) => {
                        report.rejected.extend(list.rejected.iter().cloned());
                        let counts = (list.rows, list.filings.len());
                        filings.push(list);
                        counts
                    }
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                }
            }
            format => {
                let read = match format {
                    SourceFormat::Jigyosho => read_jigyosho(&path, &label),
                    SourceFormat::Navii => read_navii(&path, &label),
                    SourceFormat::Offices => offices::read_offices(&path, &label, &regions),
                    SourceFormat::OsakaHoukatsu => {
                        offices::read_osaka_houkatsu(&path, &label, &regions)
                    }
                    _ => read_kouseikyoku_ika(&path, &label),
                };
                match read {
                    Ok(read) => {
                        report.rejected.extend(read.rejected);
                        let counts = (read.rows, read.records.len());
                        records.extend(read.records);
                        counts
                    }
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                }
            }
        };
        if rows == 0 {
            // A published list is never empty: a header alone is a broken download, and
            // indexing it would drop every facility it lists.
            errors.push(ImportError::file(
                &path,
                "the file has a header but no rows; is the download complete?",
            ));
            continue;
        }
        report.files.push(report::FileSummary {
            path: path.clone(),
            format: source.format.code(),
            rows,
            records: usable,
        });
        source_rows.push((source.file.clone(), rows, path.clone()));
        rows_read.push((path, rows));
    }
    let mut overlay = Vec::new();
    let overlay_files = manifest
        .overlay
        .as_ref()
        .map(|o| o.files(dir))
        .unwrap_or_default();
    for path in &overlay_files {
        match read_overlay(path, &manifest, &regions) {
            Ok((rows, rejected)) => {
                report.overlay_rows += rows.len() + rejected.len();
                report.rejected.extend(rejected);
                overlay.extend(rows);
            }
            Err(e) => errors.push(e),
        }
    }
    let (Some(boundaries), Some(towns), Some(postal)) = (boundaries, towns, postal) else {
        return Err(ImportErrors(errors));
    };
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    let towns: Vec<_> = towns
        .into_iter()
        .filter(|t| manifest.keeps_municipality(&t.code.to_string()))
        .collect();
    let postal: Vec<_> = postal
        .into_iter()
        .filter(|p| manifest.keeps_municipality(&p.code.to_string()))
        .collect();
    report.wards = boundaries.len();
    report.towns = towns.len();
    report.postal_codes = postal.len();
    let geocoder_data = GeocoderData {
        prefecture: "大阪府".into(),
        towns,
        postal,
    };
    let geocoder = Geocoder::new(geocoder_data.clone(), &regions);
    let polygons = Boundaries::new(boundaries.clone());
    let mut municipalities: Vec<String> = geocoder_data
        .towns
        .iter()
        .map(|t| t.municipality.clone())
        .collect();
    municipalities.sort();
    municipalities.dedup();
    let overlay_keys: Vec<(PathBuf, String, Option<String>)> = overlay
        .iter()
        .map(|r| (r.origin.file.clone(), r.key.clone(), r.updated_at.clone()))
        .collect();
    offices::join_curated(&mut records);
    let facilities = merge::merge(
        records,
        merge::Extra {
            filings: &filings,
            municipalities: &municipalities,
            overlay,
        },
        &geocoder,
        &polygons,
        &regions,
        &mut report,
    );
    report.facilities = facilities.len();
    if let Some(o) = &manifest.overlay {
        report.ward_surveys =
            report::ward_surveys(&overlay_files, &overlay_keys, &facilities, o.stale_months);
        for w in &mut report.ward_surveys {
            w.conflicts = report
                .capability_conflicts
                .iter()
                .filter(|c| c.overlay.file == w.file)
                .count();
        }
    }
    if let Some(miss) = report.geocoder_quality().below_bar() {
        let addresses = find(raw, &manifest_path, &manifest.addresses.file)
            .unwrap_or_else(|_| manifest_path.clone());
        return Err(ImportError::file(
            addresses,
            format!(
                "the geocoder misses its bar on the {} rows with an official point: {miss}; is the address table complete?",
                report.geocoder_checks.len()
            ),
        )
        .into());
    }
    // The population table, when the manifest names one (in the dataset directory, or
    // with the official files).
    let population = match &manifest.population {
        Some(file) => {
            let path = [dir.join(file), raw.join(file)]
                .into_iter()
                .find(|p| p.exists())
                .ok_or_else(|| {
                    ImportError::file(
                        &manifest_path,
                        format!(
                            "population = \"{file}\": no such file in {} or {}",
                            dir.display(),
                            raw.display()
                        ),
                    )
                })?;
            Some(population::read_population(&path)?)
        }
        None => None,
    };
    Ok(Dataset {
        dir: dir.to_path_buf(),
        facilities,
        rows_read,
        source_rows,
        report: Some(report),
        boundaries,
        geocoder: geocoder_data,
        regions,
        population,
    })
}
