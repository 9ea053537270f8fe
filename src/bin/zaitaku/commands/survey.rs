//! `zaitaku survey export|import`: the ward office's survey loop through Excel.

use std::path::{Path, PathBuf};

use zaitaku::model::{Day, Place};
use zaitaku::SearchIndex;

use super::{index_dir, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Survey,
}

#[derive(clap::Subcommand, Debug)]
enum Survey {
    /// Write the ward's survey workbook: a row per facility, protected keys, the current
    /// value and its source next to each answer, drop-downs, instructions and codes.
    Export {
        /// The ward or 市町村 (東淀川区, 27114, 吹田市).
        #[arg(long)]
        ward: String,
        #[arg(long)]
        index: Option<PathBuf>,
        /// The workbook to write (default: <ward>.xlsx).
        #[arg(short = 'o', long)]
        out: Option<PathBuf>,
    },
    /// Check a filled workbook, show what it changes, and with --apply write the ward's
    /// overlay file (<dataset>/overlay/<code>.csv), which the next `zaitaku index` merges.
    Import {
        file: PathBuf,
        #[arg(long)]
        index: Option<PathBuf>,
        /// The dataset whose overlay directory receives the answers (default: the one the
        /// index was built from).
        #[arg(long)]
        dataset: Option<PathBuf>,
        /// Write the ward's overlay file (without it, only the changes are shown).
        #[arg(long)]
        apply: bool,
    },
}

pub fn run(a: Args) -> Result<(), Failure> {
    match a.command {
        Survey::Export { ward, index, out } => export(&ward, index.as_deref(), out),
        Survey::Import {
            file,
            index,
            dataset,
            apply,
        } => import(&file, index.as_deref(), dataset, apply),
    }
}

fn export(ward: &str, index: Option<&Path>, out: Option<PathBuf>) -> Result<(), Failure> {
    let index = SearchIndex::open(&index_dir(index)?)?;
    let code = match index.regions.place(ward) {
        Ok(Place::Region(r)) if index.regions.leaves_of(r.code) == [r.code] => r.code,
        _ => {
            return Err(zaitaku::search::QueryError::new(
                "ward",
                ward,
                zaitaku::search::Problem::Unknown {
                    valid: index.regions.leaves().map(|r| r.name.clone()).collect(),
                },
                format!("'{ward}' is not one ward or undivided 市町村 of this index"),
            )
            .into())
        }
    };
    let name = index.regions.full_name(code);
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{name}.xlsx")));
    let s = zaitaku::survey::export(&index, code, &out, Day::today())?;
    println!(
        "wrote the survey of {} ({} facilities) to {}",
        s.ward,
        s.facilities,
        s.path.display()
    );
    Ok(())
}

fn import(
    file: &Path,
    index: Option<&Path>,
    dataset: Option<PathBuf>,
    apply: bool,
) -> Result<(), Failure> {
    let index = SearchIndex::open(&index_dir(index)?)?;
    let survey = zaitaku::survey::read(file, &index, Day::today())?;
    let name = index.regions.full_name(survey.ward);
    let changes = zaitaku::survey::diff(&survey, &index);
    println!(
        "{name}: {} answered rows, {} changes",
        survey.rows.len(),
        changes.len()
    );
    for c in &changes {
        println!("  {c}");
    }
    if !apply {
        println!("(nothing written: add --apply to write the ward's overlay file)");
        return Ok(());
    }
    let dataset = dataset.unwrap_or_else(|| PathBuf::from(&index.meta.dataset));
    let manifest = zaitaku::import::Manifest::load(&dataset)?;
    let dir = manifest
        .overlay
        .as_ref()
        .and_then(|o| o.dir.clone())
        .ok_or_else(|| {
            zaitaku::import::ImportError::file(
                dataset.join(zaitaku::import::MANIFEST_FILE),
                "[overlay] has no `dir` for ward files (add dir = \"overlay\")",
            )
        })?;
    let (path, rows) = zaitaku::survey::apply(&survey, &dataset.join(dir), &name)?;
    println!(
        "wrote {} ({rows} rows); run `zaitaku index --dataset {}` to build it in",
        path.display(),
        dataset.display()
    );
    Ok(())
}
