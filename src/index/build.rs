//! `zaitaku index`: validate a dataset, write a new generation directory, then switch the
//! `index/<name>` symlink to it with one atomic rename. Readers holding the old generation
//! keep working; a build that fails anywhere leaves the current index as it was.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::{
    records, IndexMeta, TextIndex, BOUNDARIES_FILE, COVERAGE_FILE, FORMAT_VERSION, GEOCODER_FILE,
    META_FILE, POPULATION_FILE, RECORDS_FILE, REGIONS_FILE, TEXT_DIR,
};
use crate::geo::WardShape;
use crate::geocode::GeocoderData;
use crate::model::{Facility, Kind, Regions};

/// What an index is built from: the parts of a loaded dataset (`import::load_dataset`).
/// Building takes data, not a directory, so an index never reads source files itself.
#[derive(Clone, Copy, Debug)]
pub struct IndexInput<'a> {
    pub facilities: &'a [Facility],
    /// Ward polygons (may be empty).
    pub boundaries: &'a [WardShape],
    /// The address reference table (may be empty).
    pub geocoder: &'a GeocoderData,
    /// The dataset's 市町村, wards and areas.
    pub regions: &'a Regions,
    /// Where the data came from, recorded in the index's meta.
    pub origin: &'a Path,
    /// Rows per source (the manifest's file names), recorded in the meta and compared
    /// with the serving index's.
    /// (manifest file name, rows, file read).
    pub source_rows: &'a [(String, usize, PathBuf)],
    /// The largest share of a source's rows that may disappear against the serving index
    /// (`Some(0.2)`: at most 20 % fewer); `None` accepts any shrink.
    pub max_shrink: Option<f64>,
    /// People per area, stored for the planners' rates (optional).
    pub population: Option<&'a crate::model::population::Population>,
}

/// The share of a source's rows that may disappear between two builds by default: more
/// is a broken download far more often than a real change (`--accept-shrink` overrides).
pub const DEFAULT_MAX_SHRINK: f64 = 0.2;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{source_file}: {before} rows in the serving index, {after} now (more than {}% fewer); the current index is unchanged. If the list really shrank, build again with --accept-shrink",
        (max_shrink * 100.0).round()
    )]
    Shrink {
        source_file: String,
        before: usize,
        after: usize,
        max_shrink: f64,
    },
    #[error("the new index in {path} does not open ({reason}); the current index is unchanged")]
    Check { path: PathBuf, reason: String },
    #[error("text index failed in {path}")]
    Text {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug)]
pub struct BuildSummary {
    pub index_dir: PathBuf,
    pub facilities: usize,
    pub by_kind: Vec<(Kind, usize)>,
    pub without_ward: usize,
    pub seconds: f64,
    /// 町丁目 whose coverage was computed, and the seconds it took (part of `seconds`).
    pub town_coverage: Option<(usize, f64)>,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "indexed {} facilities into {} in {:.2}s",
            self.facilities,
            self.index_dir.display(),
            self.seconds
        )?;
        for (kind, n) in &self.by_kind {
            writeln!(f, "  {n:>6}  {}", kind.label())?;
        }
        if self.without_ward > 0 {
            writeln!(
                f,
                "  {} facilities lie outside Osaka City's wards",
                self.without_ward
            )?;
        }
        if let Some((towns, secs)) = self.town_coverage {
            writeln!(f, "town coverage: {towns} 町丁目 in {secs:.2}s")?;
        }
        Ok(())
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let mut file = fs::File::create(path).map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

/// The right to build `index_root/name`: one build of an index at a time, for the whole
/// build, loading the dataset included (a cron job overlapping a manual run waits). Taking
/// it removes what killed builds left, whether the build then succeeds or not.
#[derive(Debug)]
pub struct BuildLock {
    _file: fs::File,
    root: PathBuf,
    name: String,
}

impl BuildLock {
    pub fn acquire(index_root: &Path, name: &str) -> Result<Self, BuildError> {
        fs::create_dir_all(index_root).map_err(io(index_root))?;
        let lock_path = index_root.join(format!(".{name}.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        file.lock().map_err(io(&lock_path))?;
        // Under the lock no other build is writing: unlinked generations are leftovers.
        remove_partial_generations(index_root, name);
        Ok(Self {
            _file: file,
            root: index_root.to_path_buf(),
            name: name.to_string(),
        })
    }
}

/// Builds `index_root/name` (from the lock) from a loaded dataset: a new generation directory, then one
/// atomic switch of the `name` link.
pub fn build_index(dataset: IndexInput<'_>, lock: &BuildLock) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let (index_root, name) = (lock.root.as_path(), lock.name.as_str());
    if let Some(max) = dataset.max_shrink {
        check_shrink(&index_root.join(name), dataset.source_rows, max)?;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let generation = format!(".{name}.{}-{}", nanos.as_nanos(), std::process::id());
    let gen_dir = index_root.join(&generation);
    fs::create_dir(&gen_dir).map_err(io(&gen_dir))?;

    // Facilities are numbered in spatial order (see `geo::spatial_order`).
    let locations: Vec<_> = dataset.facilities.iter().map(|f| f.location).collect();
    let facilities: Vec<&Facility> = crate::geo::spatial_order(&locations)
        .into_iter()
        .map(|i| &dataset.facilities[i as usize])
        .collect();
    let written = (|| {
        // Every file but tantivy's (which checks its own) with its SHA-256, so a part that
        // is missing or damaged later is refused at open instead of served.
        let mut parts = std::collections::BTreeMap::new();
        let mut part = |file: &str, bytes: &[u8]| -> Result<(), BuildError> {
            write_file(&gen_dir.join(file), bytes)?;
            parts.insert(file.to_string(), super::sha256_hex(bytes));
            Ok(())
        };
        part(RECORDS_FILE, &records::encode(facilities.iter().copied()))?;
        if !dataset.boundaries.is_empty() {
            let json = serde_json::to_vec(dataset.boundaries).expect("boundaries serialize");
            part(BOUNDARIES_FILE, &json)?;
        }
        let json = serde_json::to_vec(dataset.regions).expect("regions serialize");
        part(REGIONS_FILE, &json)?;
        if let Some(p) = dataset.population {
            let json = serde_json::to_vec(p).expect("population serializes");
            part(POPULATION_FILE, &json)?;
        }
        if !dataset.geocoder.towns.is_empty() {
            let json = serde_json::to_vec(dataset.geocoder).expect("geocoder serializes");
            part(GEOCODER_FILE, &json)?;
        }
        let text_dir = gen_dir.join(TEXT_DIR);
        fs::create_dir(&text_dir).map_err(io(&text_dir))?;
        TextIndex::create(&text_dir, &facilities).map_err(|source| BuildError::Text {
            path: text_dir.clone(),
            source,
        })?;
        let meta = IndexMeta {
            format_version: FORMAT_VERSION,
            dataset: dataset.origin.display().to_string(),
            facility_count: dataset.facilities.len(),
            built_at: nanos.as_secs(),
            parts,
            source_rows: dataset
                .source_rows
                .iter()
                .map(|(key, rows, _)| (key.clone(), *rows))
                .collect(),
            source_dates: dataset
                .source_rows
                .iter()
                .filter_map(|(key, _, path)| {
                    let modified = fs::metadata(path).ok()?.modified().ok()?;
                    let secs = modified.duration_since(UNIX_EPOCH).ok()?.as_secs();
                    Some((
                        key.clone(),
                        crate::model::Day((secs / 86_400) as i32).to_string(),
                    ))
                })
                .collect(),
        };
        write_file(
            &gen_dir.join(META_FILE),
            &serde_json::to_vec_pretty(&meta).expect("meta serializes"),
        )
    })();
    // The new generation must open as a server would open it before anything serves it;
    // then the town coverage is computed on it and added as a part.
    let mut town_coverage = None;
    let check = |e: super::OpenError| BuildError::Check {
        path: gen_dir.clone(),
        reason: crate::fault::report(&e),
    };
    let written = written.and_then(|()| {
        let index = super::SearchIndex::open(&gen_dir).map_err(check)?;
        if index.geocoder.town_count() == 0 {
            return Ok(());
        }
        let t = Instant::now();
        let coverage = super::coverage::compute(&index);
        town_coverage = Some((coverage.towns.len(), t.elapsed().as_secs_f64()));
        let json = serde_json::to_vec(&coverage).expect("coverage serializes");
        write_file(&gen_dir.join(COVERAGE_FILE), &json)?;
        let mut meta = index.meta.clone();
        meta.parts
            .insert(COVERAGE_FILE.to_string(), super::sha256_hex(&json));
        // The generation opened above; what changed is one more part, whose sum the
        // server checks when it opens it.
        write_file(
            &gen_dir.join(META_FILE),
            &serde_json::to_vec_pretty(&meta).expect("meta serializes"),
        )
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&gen_dir);
        return Err(e);
    }

    let link = index_root.join(name);
    let previous = fs::read_link(&link).ok();
    swap_link(index_root, name, &generation)?;
    remove_old_generations(index_root, name, &generation, previous.as_deref());

    let mut by_kind: Vec<(Kind, usize)> = Kind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                dataset.facilities.iter().filter(|f| f.has_kind(*k)).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    by_kind.sort_by_key(|(k, _)| *k);
    Ok(BuildSummary {
        index_dir: link,
        facilities: dataset.facilities.len(),
        by_kind,
        without_ward: dataset
            .facilities
            .iter()
            .filter(|f| f.ward_code.is_none())
            .count(),
        seconds: started.elapsed().as_secs_f64(),
        town_coverage,
    })
}

/// A source that lost more than `max` of its rows against the serving index (at `link`)
/// stops the build: a file with only its header, or cut short, is not a new release.
fn check_shrink(
    link: &Path,
    rows: &[(String, usize, PathBuf)],
    max: f64,
) -> Result<(), BuildError> {
    let Ok(meta) = fs::read(link.join(super::META_FILE)) else {
        return Ok(()); // nothing serves yet
    };
    let Ok(meta) = serde_json::from_slice::<IndexMeta>(&meta) else {
        return Ok(()); // an older format: nothing to compare with
    };
    for (key, after, file) in rows {
        if let Some(&before) = meta.source_rows.get(key) {
            if (*after as f64) < before as f64 * (1.0 - max) {
                return Err(BuildError::Shrink {
                    source_file: if file.ends_with(key) {
                        file.display().to_string()
                    } else {
                        format!("{} (manifest: {key})", file.display())
                    },
                    before,
                    after: *after,
                    max_shrink: max,
                });
            }
        }
    }
    Ok(())
}

/// Points `index_root/name` at `generation` with a single `rename(2)`.
fn swap_link(index_root: &Path, name: &str, generation: &str) -> Result<(), BuildError> {
    let link = index_root.join(name);
    // An index directory from before symlinks (or copied by hand) is moved aside, not lost.
    if link.is_dir() && fs::read_link(&link).is_err() {
        let aside = index_root.join(format!(".{name}.0-moved-aside"));
        fs::rename(&link, &aside).map_err(io(&link))?;
    }
    let tmp = index_root.join(format!(".{name}.link-{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    std::os::unix::fs::symlink(generation, &tmp).map_err(io(&tmp))?;
    fs::rename(&tmp, &link).map_err(io(&link))?;
    // The switch survives a crash only once the directory itself is on disk.
    fs::File::open(index_root)
        .and_then(|d| d.sync_all())
        .map_err(io(index_root))
}

/// The generations of `name` under `index_root`: (nanos it was started at, directory name).
/// A generation is `.name.<nanos>-<pid>`; the lock (`.name.lock`) and temp links are not.
/// The generations of index `name` under `index_root`: (build time in nanoseconds, directory
/// name), in no order.
pub fn generations(index_root: &Path, name: &str) -> Vec<(u128, String)> {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(index_root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let s = entry.file_name().to_str()?.to_string();
            let (nanos, pid) = s.strip_prefix(&prefix)?.split_once('-')?;
            let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
            if !(digits(nanos) && digits(pid)) {
                return None;
            }
            Some((nanos.parse().ok()?, s.clone()))
        })
        .collect()
}

/// Keeps the new generation and the one it replaced (a running server may still read it).
fn remove_old_generations(index_root: &Path, name: &str, current: &str, previous: Option<&Path>) {
    for (_, s) in generations(index_root, name) {
        let keep = s == current || previous.is_some_and(|p| p == Path::new(&s));
        if !keep {
            let _ = fs::remove_dir_all(index_root.join(s));
        }
    }
}

/// Before a build: keeps the served generation and the newest one before it; removes the
/// rest (generations of killed builds, which are never linked).
fn remove_partial_generations(index_root: &Path, name: &str) {
    let all = generations(index_root, name);
    let served = fs::read_link(index_root.join(name))
        .ok()
        .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()));
    let served_at = served
        .as_ref()
        .and_then(|s| all.iter().find(|(_, n)| n == s).map(|(t, _)| *t));
    let previous = served_at.and_then(|at| {
        all.iter()
            .filter(|(t, _)| *t < at)
            .max_by_key(|(t, _)| *t)
            .map(|(_, n)| n.clone())
    });
    for (_, s) in all {
        if Some(&s) != served.as_ref() && Some(&s) != previous.as_ref() {
            let _ = fs::remove_dir_all(index_root.join(s));
        }
    }
}
