//! `zaitaku fetch`: download a dataset's official files into its raw directory.

use std::path::PathBuf;

use anyhow::Context;

use super::{Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = "data/osaka")]
    dataset: PathBuf,
    /// Where to put the files (default: <dataset>/raw).
    #[arg(long)]
    raw: Option<PathBuf>,
    /// Download again even when a file is already complete.
    #[arg(long)]
    force: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let manifest = zaitaku::import::Manifest::load(&a.dataset)?;
    let raw = a
        .raw
        .unwrap_or_else(|| a.dataset.join(zaitaku::import::manifest::DEFAULT_RAW_DIR));
    std::fs::create_dir_all(&raw)
        .with_context(|| format!("cannot create {}", raw.display()))
        .internal()?;
    let summary = zaitaku::fetch::fetch_dataset(
        &manifest,
        &raw,
        &zaitaku::fetch::FetchOptions { force: a.force },
        &mut std::io::stderr(),
    )?;
    print!("{summary}");
    Ok(())
}
