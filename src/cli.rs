//! Command-line arguments (clap derive), one variant per subcommand. Values stay strings
//! here and are validated once by the library, so the CLI and HTTP share error messages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use zaitaku::SearchParams;

pub const DEFAULT_INDEX: &str = "index/demo";
pub const DEFAULT_DATASET: &str = "data/demo";
pub const DEFAULT_GEOCODE_INDEX: &str = "index/osaka";

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
    DemoData {
        /// Directory to write facilities.csv into.
        #[arg(long, default_value = DEFAULT_DATASET)]
        out: PathBuf,
        #[arg(long, default_value_t = zaitaku::demo::DEFAULT_SEED)]
        seed: u64,
        /// 1.0 = Osaka City (~5,700 facilities).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// National scale instead: facilities spread like Japan's population.
        #[arg(long)]
        national: bool,
        /// With --national: how many facilities (Japan has about 300,000).
        #[arg(long, default_value_t = 300_000)]
        count: usize,
    },
    /// Build an index from a dataset into <index-root>/<dataset name>.
    Index {
        /// Dataset directory (the demo dataset is generated if it is missing). A directory
        /// with a dataset.toml (e.g. data/osaka) is built from official open-data files.
        #[arg(long, default_value = DEFAULT_DATASET)]
        dataset: PathBuf,
        /// Where the official files of a dataset.toml are (default: <dataset>/raw).
        #[arg(long)]
        raw: Option<PathBuf>,
        /// Where indexes live.
        #[arg(long, default_value = "index")]
        index_root: PathBuf,
        /// Index name (default: the dataset directory's name).
        #[arg(long)]
        name: Option<String>,
        /// Build even when a source has far fewer rows than in the serving index (by
        /// default more than 20% fewer stops the build: usually a broken download).
        #[arg(long)]
        accept_shrink: bool,
    },
    /// Validate a dataset without writing anything.
    Check {
        #[arg(long, default_value = DEFAULT_DATASET)]
        dataset: PathBuf,
        /// Where the official files of a dataset.toml are (default: <dataset>/raw).
        #[arg(long)]
        raw: Option<PathBuf>,
    },
    /// Download a dataset's official files (listed in its dataset.toml) into its raw
    /// directory: resumable, checked, unzipped and filtered to the dataset's municipalities.
    Fetch {
        #[arg(long, default_value = "data/osaka")]
        dataset: PathBuf,
        /// Where to put the files (default: <dataset>/raw).
        #[arg(long)]
        raw: Option<PathBuf>,
        /// Download again even when a file is already complete.
        #[arg(long)]
        force: bool,
    },
    /// Show what an official file holds: its format (recognised from the header), data
    /// date, rows, institutions, counts per 受理記号 and the capabilities they map to, and
    /// the rows that cannot be used. Reads CSV, xlsx, or a zip of either.
    Inspect {
        /// The file, as downloaded (e.g. 2025.10_sisetukijun_osaka_ika.xlsx).
        file: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Turn an address or postal code into a point (町丁目 / 町 / ward level), offline.
    Geocode {
        /// The address (大阪市東淀川区豊新2丁目5-1) or postal code (533-0001).
        address: Vec<String>,
        /// An index built from a dataset with an address reference table.
        #[arg(long, default_value = DEFAULT_GEOCODE_INDEX)]
        index: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Search facilities.
    Search(Box<SearchArgs>),
    /// Serve the JSON API and the map page (one binary; reload the index with SIGHUP or
    /// `curl -H "Authorization: Bearer $ZAITAKU_ADMIN_TOKEN" -X POST http://127.0.0.1:PORT/admin/reload`
    /// after `zaitaku index`; the endpoint needs the token set in ZAITAKU_ADMIN_TOKEN).
    Serve {
        /// Index directory (default: the demo index, built on first run).
        #[arg(long)]
        index: Option<PathBuf>,
        /// Address to listen on; port 0 picks a free port (printed on the first line).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Base map tiles (XYZ template); default 地理院タイル 標準地図.
        #[arg(long)]
        tile_url: Option<String>,
        /// HTML attribution shown for the tiles.
        #[arg(long)]
        tile_attribution: Option<String>,
        /// Seconds a client has to send a request's headers (also while a kept-alive
        /// connection is idle); then the connection is closed.
        #[arg(long, default_value_t = 10.0)]
        header_read_timeout: f64,
    },
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Free text: name, reading, address, kind, capability (e.g. 訪問看護 北区).
    pub text: Vec<String>,
    /// Index directory.
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Sort by distance from LAT,LON.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub near: Option<String>,
    /// With --near: only facilities within this many km (max 50).
    #[arg(long, value_name = "KM", allow_hyphen_values = true)]
    pub radius_km: Option<String>,
    /// Who can visit this point (patient's home): distance within each facility's reach
    /// and the point's ward inside its declared service area.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub covers: Option<String>,
    /// A written address or postal code, placed by the index's geocoder; used as --near,
    /// or as --covers with `--address-use covers`.
    #[arg(long)]
    pub address: Option<String>,
    /// near (default) or covers.
    #[arg(long, value_name = "near|covers")]
    pub address_use: Option<String>,
    /// Ward (東淀川区, 27114 …); repeat or comma-separate for any of several.
    #[arg(long)]
    pub ward: Vec<String>,
    /// 基本保健医療圏 (北部 …) or 二次医療圏 (豊能 …).
    #[arg(long)]
    pub area: Vec<String>,
    /// Kind (訪問看護, clinic …); any of several.
    #[arg(long)]
    pub kind: Vec<String>,
    /// Capability (24時間対応, 在支診, 看取り …); all of several.
    #[arg(long)]
    pub cap: Vec<String>,
    /// Only facilities that accept children (小児).
    #[arg(long)]
    pub pediatric: bool,
    /// Only wheelchair-accessible facilities (車いす).
    #[arg(long)]
    pub wheelchair: bool,
    /// Only facilities accepting new patients.
    #[arg(long)]
    pub accepting_new: bool,
    /// WEST,SOUTH,EAST,NORTH in degrees.
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// distance, relevance or name (kana order).
    #[arg(long)]
    pub sort: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub limit: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub offset: Option<String>,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl SearchArgs {
    pub fn params(&self) -> SearchParams {
        let flag = |b: bool| b.then(|| "true".to_string());
        SearchParams {
            text: (!self.text.is_empty()).then(|| self.text.join(" ")),
            kind: self.kind.clone(),
            cap: self.cap.clone(),
            wheelchair: flag(self.wheelchair),
            pediatric: flag(self.pediatric),
            accepting_new: flag(self.accepting_new),
            ward: self.ward.clone(),
            area: self.area.clone(),
            near: self.near.clone(),
            radius_km: self.radius_km.clone(),
            covers: self.covers.clone(),
            bbox: self.bbox.clone(),
            sort: self.sort.clone(),
            limit: self.limit.clone(),
            offset: self.offset.clone(),
            facets: None,
            total: None,
            address: self.address.clone(),
            address_use: self.address_use.clone(),
        }
    }
}
