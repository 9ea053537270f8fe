//! `zaitaku search`: the library's search, printed as a table or JSON.

use std::path::PathBuf;

use zaitaku::search::QueryPoint;
use zaitaku::{search, SearchIndex, SearchParams, SearchQuery};

use super::{index_dir, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
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
    /// A care scene (入退院支援, 日常の療養支援, 急変時の対応, 看取り, 認知症, 災害・感染症時の対応,
    /// or their codes): only the kinds it names, each with what it asks (data/scenes.csv).
    #[arg(long)]
    pub scene: Option<String>,
    /// Ward or 市町村 (東淀川区, 27114, 吹田市 …); repeat or comma-separate for any of several.
    #[arg(long)]
    pub ward: Vec<String>,
    /// 二次医療圏 (豊能 …), 基本保健医療圏 (北部 …), or a ward or 市町村.
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
    /// With --json: `list` (the fields a result list shows) or `full` (whole records, the
    /// default).
    #[arg(long, value_name = "list|full")]
    pub view: Option<String>,
    /// Search the words exactly as typed: no typo tolerance (在宅医寮 is not searched as
    /// 在宅医療).
    #[arg(long)]
    pub no_typo: bool,
}

impl Args {
    /// The flags as the library's parameters (validated there, as for HTTP).
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
            scene: self.scene.clone(),
            view: self.view.clone(),
            typo: self.no_typo.then(|| "false".to_string()),
        }
    }
}

pub fn run(a: Args) -> Result<(), Failure> {
    let params = a.params();
    let index = match SearchIndex::open(&index_dir(a.index.as_deref())?) {
        Ok(index) => index,
        Err(e) => {
            // A bad query is the first thing to fix: say so even without an index (the
            // address aside: placing it needs the index).
            let without_address = SearchParams {
                address: None,
                address_use: None,
                ..params.clone()
            };
            SearchQuery::parse(&without_address, &zaitaku::geo::regions::osaka())?;
            return Err(e.into());
        }
    };
    let resolved = SearchQuery::resolve(&params, &index)?;
    let mut query = resolved.query;
    // The table is made from whole records: --view shapes the JSON only.
    if !a.json {
        query.view = zaitaku::search::View::Full;
    }
    let result = search(&index, &query)?;
    if a.json {
        #[derive(serde::Serialize)]
        struct Point {
            point: Option<QueryPoint>,
        }
        let point = Point {
            point: resolved.point,
        };
        println!("{}", String::from_utf8_lossy(&result.to_json_with(point)));
    } else {
        if let Some(g) = resolved.point.as_ref().and_then(|p| p.geocoded.as_ref()) {
            println!(
                "{}（{}）{:.6},{:.6}",
                g.normalized, g.level_label, g.lat, g.lon
            );
        }
        if let Some(c) = &result.corrected {
            println!("{}（そのままの語で探すには --no-typo）", c.message);
        }
        print!("{}", crate::output::table(&result));
    }
    Ok(())
}
