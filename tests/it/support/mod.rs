//! Shared test support: building an index from facilities in a fresh temp dir, running
//! searches, the binary's runners (`cli`), the demo index (`demo`), and the rule for
//! tests that need something only CI is sure to have (`require`).

pub mod cli;
pub mod demo;
pub mod server;

use std::path::Path;

use tempfile::TempDir;
use zaitaku::import::{load_dataset, write_facilities, ImportReport, FACILITIES_FILE};
use zaitaku::index::{build_index, BuildLock, BuildSummary};
use zaitaku::model::Facility;
use zaitaku::{SearchIndex, SearchParams, SearchQuery, SearchResult};

pub struct Built {
    pub _dir: TempDir,
    pub index: SearchIndex,
}

/// Writes `facilities` as a dataset (through the CSV format, so the round trip is tested
/// too), builds it and opens it.
pub fn build(facilities: &[Facility]) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write_facilities(&data.join(FACILITIES_FILE), facilities).unwrap();
    build_dataset(&data, None, &dir.path().join("index"), "t").unwrap();
    let index = SearchIndex::open(&dir.path().join("index/t")).unwrap();
    Built { _dir: dir, index }
}

/// Loads a dataset directory and builds `root/name` from it, as `zaitaku index` does;
/// returns the import report (official datasets only) and the build summary.
pub fn build_dataset(
    data: &Path,
    raw: Option<&Path>,
    root: &Path,
    name: &str,
) -> Result<(Option<ImportReport>, BuildSummary), Box<dyn std::error::Error>> {
    let lock = BuildLock::acquire(root, name)?;
    let ds = load_dataset(data, raw)?;
    let input = ds.index_input(None);
    let summary = build_index(input, &lock)?;
    Ok((ds.report, summary))
}

/// A facility of `kind` with `caps` at `at`, in `ward` if given; everything else empty
/// (unknown status, no declared area, one source `test`).
pub fn fixture(
    id: &str,
    kind: zaitaku::model::Kind,
    caps: &[zaitaku::model::Capability],
    at: zaitaku::model::LatLon,
    ward: Option<u32>,
) -> Facility {
    Facility {
        id: zaitaku::model::FacilityId(id.into()),
        name: format!("施設{id}"),
        name_kana: format!("しせつ{id}"),
        kinds: vec![kind],
        postal_code: None,
        address: "大阪市".into(),
        location: at,
        ward_code: ward.map(zaitaku::model::WardCode),
        phone: None,
        fax: None,
        url: None,
        capabilities: caps.to_vec(),
        capability_claims: Vec::new(),
        wheelchair: None,
        pediatric: None,
        service_radius_km: None,
        service_wards: vec![],
        departments: vec![],
        notes: String::new(),
        accepting_new: zaitaku::model::Accepting::Unknown,
        accepting_until: None,
        active_roles: Vec::new(),
        backup_beds: None,
        service_towns: Vec::new(),
        updated_at: None,
        sources: vec![zaitaku::model::ValueSource {
            source: "test".into(),
            fields: vec![],
        }],
    }
}

pub fn run(index: &SearchIndex, p: SearchParams) -> SearchResult {
    let q = SearchQuery::parse(&p, &index.regions).unwrap_or_else(|e| panic!("{e}"));
    zaitaku::search(index, &q).unwrap()
}

pub fn ids(r: &SearchResult) -> Vec<String> {
    r.hits.iter().map(|h| h.facility().id.0).collect()
}

/// The ids of a JSON search answer's hits, in order.
pub fn hit_ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

pub fn demo_index() -> &'static SearchIndex {
    use std::sync::OnceLock;
    static DEMO: OnceLock<Built> = OnceLock::new();
    &DEMO
        .get_or_init(|| build(&zaitaku::demo::generate(zaitaku::demo::DEFAULT_SEED, 1.0)))
        .index
}

/// Whether a test that needs `what` can run: yes when it is there; under `CI=true` a
/// missing `what` fails the test; elsewhere the test is skipped with a printed reason.
pub fn require(there: bool, what: &str) -> bool {
    if there {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is missing: CI must provide it");
    }
    eprintln!("skipped: {what} is missing");
    false
}

/// `../shared/data` beside the project (real public data, never copied into it), as
/// [`require`] says.
pub fn shared_data() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let there = dir.join("osaka/jigyosho_130.csv").exists();
    require(there, &format!("{} (real public data)", dir.display())).then_some(dir)
}

/// The regions of the demo and of datasets in Osaka City: the compiled-in table cut to
/// the city's 24 wards (so 北区 is 大阪市北区).
pub fn city_regions() -> &'static zaitaku::model::Regions {
    static R: std::sync::OnceLock<zaitaku::model::Regions> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let all = zaitaku::geo::regions::osaka();
        let city = all.leaves_of(zaitaku::model::WardCode(27100));
        all.restrict(|c| city.contains(&c))
    })
}
