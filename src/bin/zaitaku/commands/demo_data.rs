//! `zaitaku demo-data`: write the deterministic demo dataset (fictional facilities).

use anyhow::Context;
use std::path::PathBuf;

use super::{write_demo, write_to, Failure, Internal, DEFAULT_DATASET};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory to write facilities.csv into.
    #[arg(long, default_value = DEFAULT_DATASET)]
    out: PathBuf,
    #[arg(long, default_value_t = zaitaku::demo::DEFAULT_SEED)]
    seed: u64,
    /// 1.0 = Osaka City (~5,700 facilities); above 0, at most 1000.
    #[arg(long, default_value_t = 1.0, value_parser = scale)]
    scale: f64,
    /// National scale instead: facilities spread like Japan's population.
    #[arg(long)]
    national: bool,
    /// With --national: how many facilities (Japan has about 300,000).
    #[arg(long, default_value_t = 300_000, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    count: u32,
}

fn scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1000.0 => Ok(x),
        _ => Err(format!("'{s}' is not above 0 and at most 1000")),
    }
}

pub fn run(a: Args) -> Result<(), Failure> {
    let n = if a.national {
        let n = write_to(
            &a.out,
            &zaitaku::demo::generate_national(a.seed, a.count as usize),
        )?;
        // One 町丁目 for every two facilities (Japan has about 200,000 for 300,000).
        let towns = a.out.join(zaitaku::import::TOWNS_FILE);
        zaitaku::geocode::write_towns(
            &towns,
            &zaitaku::demo::national_towns(a.seed, a.count as usize / 2),
        )
        .with_context(|| format!("cannot write {}", towns.display()))
        .internal()?;
        n
    } else {
        write_demo(&a.out, a.seed, a.scale)?
    };
    println!(
        "wrote {n} demo facilities to {}",
        a.out.join(zaitaku::import::FACILITIES_FILE).display()
    );
    Ok(())
}
