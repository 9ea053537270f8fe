//! Command-line arguments (clap derive): one variant per subcommand, whose arguments live
//! with its code in `commands/`. Values stay strings where the library validates them, so
//! the CLI and HTTP share error messages.

use clap::{Parser, Subcommand};

use crate::commands::{
    check, demo_data, diff, fetch, geocode, index, inspect, search, serve, survey, team,
};

#[derive(Parser, Debug)]
#[command(
    name = "zaitaku",
    version,
    about = "在宅医療・介護資源の検索エンジン (home-medical-care resource search)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write the deterministic demo dataset (fictional facilities) as CSV.
    DemoData(demo_data::Args),
    /// Build an index from a dataset into <index-root>/<dataset name>.
    Index(index::Args),
    /// Validate a dataset without writing anything.
    Check(check::Args),
    /// Download a dataset's official files (listed in its dataset.toml) into its raw
    /// directory: resumable, checked, unzipped and filtered to the dataset's municipalities.
    Fetch(fetch::Args),
    /// Show what an official file holds: its format (recognised from the header), data
    /// date, rows, institutions, counts per 受理記号 and the capabilities they map to, and
    /// the rows that cannot be used. Reads CSV, xlsx, or a zip of either.
    Inspect(inspect::Args),
    /// Turn an address or postal code into a point (町丁目 / 町 / ward level), offline.
    Geocode(geocode::Args),
    /// Search facilities.
    Search(Box<search::Args>),
    /// Serve the JSON API and the map page (one binary; reload the index with SIGHUP or
    /// `curl -H "Authorization: Bearer $ZAITAKU_ADMIN_TOKEN" -X POST http://127.0.0.1:PORT/admin/reload`
    /// after `zaitaku index`; the endpoint needs the token set in ZAITAKU_ADMIN_TOKEN).
    Serve(serve::Args),
    /// The ward office's survey loop: `survey export --ward 東淀川区` writes the ward's
    /// Excel sheet; `survey import FILE.xlsx [--apply]` checks it and writes its answers.
    Survey(survey::Args),
    /// A home-care team for one address: for each role (訪問診療医, 訪問看護, 居宅介護支援,
    /// 薬局, 歯科, 後方支援病院, 地域包括, 相談支援室) the facilities that reach it, and with
    /// `--pick ID --pdf FILE` the referral sheet as a one-page A4 PDF.
    Team(Box<team::Args>),
    /// What changed between two indexes (PDCA), per ward: facilities opened and closed,
    /// capabilities gained and lost, towns whose coverage fell to one provider or none.
    Diff(diff::Args),
}

impl Command {
    pub fn run(self) -> Result<(), crate::commands::Failure> {
        match self {
            Self::DemoData(a) => demo_data::run(a),
            Self::Index(a) => index::run(a),
            Self::Check(a) => check::run(a),
            Self::Fetch(a) => fetch::run(a),
            Self::Inspect(a) => inspect::run(a),
            Self::Geocode(a) => geocode::run(a),
            Self::Search(a) => search::run(*a),
            Self::Serve(a) => serve::run(a),
            Self::Survey(a) => survey::run(a),
            Self::Team(a) => team::run(*a),
            Self::Diff(a) => diff::run(a),
        }
    }
}
