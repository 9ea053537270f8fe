//! `zaitaku geocode`: an address or postal code → a point, offline.

use std::path::PathBuf;

use super::{Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The address (大阪市東淀川区豊新2丁目5-1) or postal code (533-0001).
    address: Vec<String>,
    /// An index built from a dataset with an address reference table.
    #[arg(long, default_value = "index/osaka")]
    index: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let geocoder = zaitaku::SearchIndex::open(&a.index)?.geocoder;
    let g = geocoder.geocode(&a.address.join(" "))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&g).internal()?);
    } else {
        println!(
            "{:.6},{:.6}\t{}\t{}\t{}",
            g.lat, g.lon, g.level_label, g.ward_name, g.normalized
        );
    }
    Ok(())
}
