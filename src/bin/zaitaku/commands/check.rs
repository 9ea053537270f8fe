//! `zaitaku check`: validate a dataset without writing anything.

use super::{ensure_demo_dataset, DatasetArgs, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    data: DatasetArgs,
}

pub fn run(Args { data: a }: Args) -> Result<(), Failure> {
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
