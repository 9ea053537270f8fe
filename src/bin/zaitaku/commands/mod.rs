//! One file per subcommand, each with its arguments and its `run`; this file holds what
//! they share: [`Failure`] (which exit code an error means) and the demo dataset and index
//! that are built on first use.

pub mod check;
pub mod demo_data;
pub mod diff;
pub mod fetch;
pub mod geocode;
pub mod index;
pub mod inspect;
pub mod search;
pub mod serve;
pub mod survey;
pub mod team;

use std::path::{Path, PathBuf};

use anyhow::Context;
use zaitaku::fault::Fault;
use zaitaku::import::{write_facilities, FACILITIES_FILE};
use zaitaku::index::{build_index, BuildLock};

pub const DEFAULT_INDEX: &str = "index/demo";

/// Which dataset, and where its official files are: shared by `index` and `check`.
#[derive(clap::Args, Debug)]
pub struct DatasetArgs {
    /// Dataset directory (the demo dataset is generated if it is missing). A directory
    /// with a dataset.toml (e.g. data/osaka) is built from official open-data files.
    #[arg(long, default_value = DEFAULT_DATASET)]
    pub dataset: PathBuf,
    /// Where the official files of a dataset.toml are (default: <dataset>/raw).
    #[arg(long)]
    pub raw: Option<PathBuf>,
}
pub const DEFAULT_DATASET: &str = "data/demo";

/// A failed command: the error with its causes, and whether it is the user's to fix
/// (exit code 2) or not (1), as the error's type says ([`Fault`]).
pub struct Failure {
    pub users: bool,
    pub error: anyhow::Error,
}

impl<E> From<E> for Failure
where
    E: Fault + std::error::Error + Send + Sync + 'static,
{
    fn from(e: E) -> Self {
        Failure {
            users: e.is_users(),
            error: e.into(),
        }
    }
}

/// For failures of the machine (files, output, the runtime): exit code 1.
pub trait Internal<T> {
    fn internal(self) -> Result<T, Failure>;
}

impl<T> Internal<T> for anyhow::Result<T> {
    fn internal(self) -> Result<T, Failure> {
        self.map_err(|error| Failure {
            users: false,
            error,
        })
    }
}

impl<T> Internal<T> for serde_json::Result<T> {
    fn internal(self) -> Result<T, Failure> {
        self.map_err(|e| Failure {
            users: false,
            error: e.into(),
        })
    }
}

/// Loads a dataset and builds its index under the build lock; returns what the import
/// did (as text) and the build summary.
pub fn load_and_build(
    dataset: &Path,
    raw: Option<&Path>,
    index_root: &Path,
    name: &str,
    max_shrink: Option<f64>,
) -> Result<(String, zaitaku::index::BuildSummary), Failure> {
    // Taken before loading: one build of an index at a time, from start to switch.
    let lock = BuildLock::acquire(index_root, name)?;
    let ds = zaitaku::import::load_dataset(dataset, raw)?;
    let input = ds.index_input(max_shrink);
    Ok((ds.describe(), build_index(input, &lock)?))
}

/// Writes the demo dataset (facilities, its fictional towns and population table);
/// returns how many facilities it has.
pub fn write_demo(out: &Path, seed: u64, scale: f64) -> Result<usize, Failure> {
    let n = write_to(out, &zaitaku::demo::generate(seed, scale))?;
    let towns = out.join(zaitaku::import::TOWNS_FILE);
    zaitaku::geocode::write_towns(&towns, &zaitaku::demo::towns(seed))
        .with_context(|| format!("cannot write {}", towns.display()))
        .internal()?;
    let population = out.join(zaitaku::import::population::POPULATION_FILE);
    zaitaku::import::population::write_population(&population, &zaitaku::demo::population(seed))
        .with_context(|| format!("cannot write {}", population.display()))
        .internal()?;
    Ok(n)
}

/// Writes facilities as `out/facilities.csv`.
pub fn write_to(out: &Path, facilities: &[zaitaku::model::Facility]) -> Result<usize, Failure> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create {}", out.display()))
        .internal()?;
    write_facilities(&out.join(FACILITIES_FILE), facilities)
        .with_context(|| format!("cannot write {}", out.display()))
        .internal()?;
    Ok(facilities.len())
}

/// The demo dataset is generated on first use rather than committed.
pub fn ensure_demo_dataset(dataset: &Path) -> Result<(), Failure> {
    if dataset == Path::new(DEFAULT_DATASET) && !dataset.join(FACILITIES_FILE).exists() {
        let n = write_demo(dataset, zaitaku::demo::DEFAULT_SEED, 1.0)?;
        eprintln!(
            "generated the demo dataset ({n} fictional facilities) in {}",
            dataset.display()
        );
    }
    Ok(())
}

/// The index to use: the one given, else the demo index (built on first use, and again
/// when an older zaitaku built it).
pub fn index_dir(given: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(d) = given {
        return Ok(d.to_path_buf());
    }
    let dir = PathBuf::from(DEFAULT_INDEX);
    let outdated = matches!(
        zaitaku::SearchIndex::open(&dir),
        Err(zaitaku::index::OpenError::Version { .. })
    );
    if !dir.exists() || outdated {
        ensure_demo_dataset(Path::new(DEFAULT_DATASET))?;
        eprintln!("building the demo index first…");
        // The demo is generated: whatever it holds now is right.
        load_and_build(
            Path::new(DEFAULT_DATASET),
            None,
            Path::new("index"),
            "demo",
            None,
        )?;
    }
    Ok(dir)
}
