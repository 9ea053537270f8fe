//! `zaitaku check`: validate a dataset without writing anything.

use std::path::PathBuf;

use super::{ensure_demo_dataset, Failure, DEFAULT_DATASET};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = DEFAULT_DATASET)]
    dataset: PathBuf,
    /// Where the official files of a dataset.toml are (default: <dataset>/raw).
    #[arg(long)]
    raw: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Failure> {
    ensure_demo_dataset(&a.dataset)?;
    let ds = zaitaku::import::load_dataset(&a.dataset, a.raw.as_deref())?;
    match &ds.report {
        Some(report) => print!("{report}"),
        None => println!(
            "{}: {} facilities, no errors",
            a.dataset.display(),
            ds.facilities.len()
        ),
    }
    Ok(())
}
