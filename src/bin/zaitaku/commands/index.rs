//! `zaitaku index`: build an index from a dataset into `<index-root>/<name>`.

use std::path::{Path, PathBuf};

use super::{ensure_demo_dataset, load_and_build, DatasetArgs, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    data: DatasetArgs,
    /// Where indexes live.
    #[arg(long, default_value = "index")]
    index_root: PathBuf,
    /// Index name (default: the manifest's name, else the dataset directory's name).
    #[arg(long)]
    name: Option<String>,
    /// Build even when a source has far fewer rows than in the serving index (by
    /// default more than 20% fewer stops the build: usually a broken download).
    #[arg(long)]
    accept_shrink: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let d = &a.data;
    ensure_demo_dataset(&d.dataset)?;
    let name = match a.name {
        Some(n) => n,
        None => index_name(&d.dataset)?,
    };
    let max_shrink = (!a.accept_shrink).then_some(zaitaku::index::DEFAULT_MAX_SHRINK);
    let (report, summary) = load_and_build(
        &d.dataset,
        d.raw.as_deref(),
        &a.index_root,
        &name,
        max_shrink,
    )?;
    print!("{report}{summary}");
    Ok(())
}

/// The manifest's `name`, else the dataset directory's name.
fn index_name(dataset: &Path) -> Result<String, Failure> {
    if dataset.join(zaitaku::import::MANIFEST_FILE).exists() {
        return Ok(zaitaku::import::Manifest::load(dataset)?.name);
    }
    dataset
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| {
            zaitaku::import::ImportError::file(
                dataset,
                "cannot derive an index name from the dataset directory; pass --name",
            )
            .into()
        })
}
