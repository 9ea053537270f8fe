//! `zaitaku inspect`: what an official file holds.

use std::path::PathBuf;

use super::{Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file, as downloaded (e.g. 2025.10_sisetukijun_osaka_ika.xlsx).
    file: PathBuf,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let inspection = zaitaku::import::inspect::inspect(&a.file)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&inspection).internal()?);
    } else {
        print!("{inspection}");
    }
    Ok(())
}
