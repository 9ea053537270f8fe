//! Issue 16, the planners' view: supply tables against a brute-force count (and each figure
//! against the search it links to), the rule checks on fixtures made to fail one rule per
//! area, town coverage against the search's own covers answers, and the changes between
//! two generations (library, CLI and HTTP).

use std::collections::BTreeSet;

use serde_json::Value;
use zaitaku::coverage::{changes, rules, supply};
use zaitaku::geocode::{write_towns, TownRow};
use zaitaku::import::{write_facilities, FACILITIES_FILE, TOWNS_FILE};
use zaitaku::model::metric::{metrics, town_metrics, Metric};
use zaitaku::model::{Accepting, Capability, Day, Facility, Kind, LatLon, WardCode};
use zaitaku::search::Sort;
use zaitaku::{search, SearchIndex, SearchParams, SearchQuery};

use crate::support::cli::ok;
use crate::support::server::Server;
use crate::support::{build, build_dataset, demo};

/// The demo index as `zaitaku index` builds it: with its fictional towns and population.
fn demo_index() -> &'static SearchIndex {
    static INDEX: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::open(&demo::dir().join("index/demo")).unwrap())
}

/// Search parameters from a query string such as `kind=clinic,hospital&cap=home_visit&ward=27102`.
fn params(query: &str) -> SearchParams {
    let mut p = SearchParams::default();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        match k {
            "kind" => p.kind.push(v.into()),
            "cap" => p.cap.push(v.into()),
            "ward" => p.ward.push(v.into()),
            "area" => p.area.push(v.into()),
            other => panic!("unexpected parameter {other}"),
        }
    }
    p
}

fn total(index: &SearchIndex, p: SearchParams) -> usize {
    let mut q = SearchQuery::parse(&p, &index.regions).unwrap_or_else(|e| panic!("{e}"));
    q.limit = 0;
    search(index, &q).unwrap().total
}

fn counts(m: &Metric, f: &Facility) -> bool {
    f.kinds.iter().any(|k| m.kinds.contains(k)) && m.requires.iter().all(|c| f.has_capability(*c))
}

#[test]
fn supply_matches_a_brute_force_count_and_each_figure_is_its_search() {
    let index = demo_index();
    let today = Day::today();
    let s = supply::supply(index, today);
    let all: Vec<Facility> = (0..index.len() as u32).map(|o| index.facility(o)).collect();
    let population = index
        .population
        .as_deref()
        .expect("the demo has a population table");
    let levels: BTreeSet<&str> = s.areas.iter().map(|a| a.level).collect();
    assert_eq!(
        levels,
        BTreeSet::from(["kihon", "municipality", "niji", "ward"])
    );
    assert_eq!(s.areas.iter().filter(|a| a.level == "ward").count(), 24);
    for a in &s.areas {
        let members: Vec<WardCode> = match a.level {
            "ward" | "municipality" => index.regions.leaves_of(WardCode(a.code.parse().unwrap())),
            _ => index
                .regions
                .leaves_in_area(index.regions.area(&a.code).unwrap()),
        };
        let here: Vec<&Facility> = all
            .iter()
            .filter(|f| f.ward_code.is_some_and(|w| members.contains(&w)))
            .collect();
        assert_eq!(a.facilities, here.len(), "{}", a.name);
        assert_eq!(a.facilities, total(index, params(&a.place)), "{}", a.place);
        let current = here
            .iter()
            .filter(|f| f.accepting_on(today) != Accepting::Unknown)
            .count();
        assert_eq!(a.status_current, current, "{}", a.name);
        for (n, m) in metrics().iter().enumerate() {
            let brute = here.iter().filter(|f| counts(m, f)).count();
            assert_eq!(a.counts[n], brute, "{} {}", a.name, m.code);
            // The figure's link: the same number of facilities.
            let link = format!("{}&{}", s.metrics[n].query, a.place);
            assert_eq!(total(index, params(&link)), brute, "{link}");
        }
        // Rates per 10,000 aged 65+, from the wards' rows (summed for areas).
        let rows: Vec<_> = members
            .iter()
            .map(|w| population.get(&w.0.to_string()).unwrap())
            .collect();
        let age65: u64 = rows.iter().map(|r| r.age65).sum();
        let p = a.population.as_ref().unwrap();
        assert_eq!(p.age65, age65, "{}", a.name);
        let rates = a.per_10k_65.as_ref().unwrap();
        for (n, r) in rates.iter().enumerate() {
            let want = a.counts[n] as f64 * 10_000.0 / age65 as f64;
            assert!((r - want).abs() < 0.006, "{} {}: {r} vs {want}", a.name, n);
        }
    }
    // Some figure is not zero for every metric the demo has: the test was not vacuous.
    let city = s.areas.iter().find(|a| a.level == "municipality").unwrap();
    assert!(
        city.counts.iter().filter(|n| **n > 0).count() >= 9,
        "{:?}",
        city.counts
    );
    let (head, rows) = supply::table(&s);
    assert_eq!(rows.len(), s.areas.len());
    assert!(
        head.iter().any(|h| h == "訪問診療（65歳以上1万人あたり）"),
        "{head:?}"
    );
}

fn fixture(id: &str, kind: Kind, caps: &[Capability], at: LatLon, ward: u32) -> Facility {
    crate::support::fixture(id, kind, caps, at, Some(ward))
}

/// Osaka City's wards with their representative points.
fn wards() -> Vec<(WardCode, LatLon)> {
    crate::support::city_regions()
        .leaves()
        .map(|r| (r.code, r.point.unwrap()))
        .collect()
}

/// Every ward has its 相談支援室 but 北区; one 積極的医療機関 in 北区 declares every ward
/// but 西成区: the hub rule fails for 北区 only, the reach rule for 西成区 only, the
/// 二次医療圏 rule holds. Without the 積極的医療機関 the 二次医療圏 rule fails too.
#[test]
fn each_rule_fails_where_the_fixture_breaks_it() {
    const KITA: u32 = 27127;
    const NISHINARI: u32 = 27126;
    let mut facilities: Vec<Facility> = wards()
        .iter()
        .filter(|(w, _)| w.0 != KITA)
        .map(|(w, p)| {
            fixture(
                &format!("S{}", w.0),
                Kind::HomeCareSupportOffice,
                &[],
                *p,
                w.0,
            )
        })
        .collect();
    let kita = wards().iter().find(|(w, _)| w.0 == KITA).unwrap().1;
    let mut active = fixture(
        "A",
        Kind::Clinic,
        &[Capability::ActiveRole, Capability::HomeVisit],
        kita,
        KITA,
    );
    active.service_wards = wards()
        .iter()
        .map(|(w, _)| *w)
        .filter(|w| w.0 != NISHINARI)
        .collect();
    facilities.push(active);
    let built = build(&facilities);
    let checks = rules::check(&built.index);
    let failing: Vec<(&str, &str)> = checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| (c.rule, c.code.as_str()))
        .collect();
    assert_eq!(failing, [("hub", "27127"), ("active_reach", "27126")]);
    let niji = checks.iter().find(|c| c.rule == "active_in_niji").unwrap();
    assert!(niji.ok);
    assert_eq!(niji.facilities[0].id, "A");
    let hub = checks
        .iter()
        .find(|c| c.rule == "hub" && c.code == "27102")
        .unwrap();
    assert_eq!(hub.facilities[0].id, "S27102");
    assert!(hub.message.contains("施設S27102"), "{}", hub.message);
    assert_eq!(
        checks.iter().filter(|c| c.rule == "active_reach").count(),
        24
    );

    // No 積極的医療機関 at all: the 二次医療圏 and every ward's reach fail.
    facilities.pop();
    let built = build(&facilities);
    let checks = rules::check(&built.index);
    assert!(
        !checks
            .iter()
            .find(|c| c.rule == "active_in_niji")
            .unwrap()
            .ok
    );
    assert!(checks
        .iter()
        .filter(|c| c.rule == "active_reach")
        .all(|c| !c.ok));
}

/// Every town's stored figures are what the search answers at its point: `covers` with
/// the metric's filters for the count, the nearest of the metric for the distance.
pub fn check_towns(index: &SearchIndex, every: usize) {
    let coverage = index
        .coverage
        .as_ref()
        .expect("the index has town coverage");
    let ms: Vec<&Metric> = town_metrics().collect();
    assert_eq!(coverage.metrics.len(), ms.len());
    let mut nonzero = 0;
    for t in coverage.towns.iter().step_by(every) {
        let at = format!("{},{}", t.lat, t.lon);
        for (slot, m) in ms.iter().enumerate() {
            let mut p = params(&m.query());
            p.covers = Some(at.clone());
            assert_eq!(
                t.counts[slot] as usize,
                total(index, p),
                "{} {}",
                t.name,
                m.code
            );
            nonzero += usize::from(t.counts[slot] > 0);
            let mut p = params(&m.query());
            p.near = Some(at.clone());
            let mut q = SearchQuery::parse(&p, &index.regions).unwrap();
            q.sort = Sort::Distance;
            q.limit = 1;
            let nearest = search(index, &q)
                .unwrap()
                .hits
                .first()
                .and_then(|h| h.distance_m);
            match (t.nearest_m[slot], nearest) {
                (Some(a), Some(b)) => assert!((a as f64 - b).abs() < 1.0, "{}: {a} vs {b}", t.name),
                (a, b) => assert_eq!(a.is_none(), b.is_none(), "{}", t.name),
            }
        }
    }
    assert!(nonzero > 0, "every count was zero: the check was vacuous");
}

#[test]
fn town_coverage_is_what_search_answers_on_the_demo() {
    let index = demo_index();
    assert_eq!(index.coverage.as_ref().unwrap().towns.len(), 24 * 9);
    check_towns(index, 1);
    // The demo has thin towns for the planners' map: some with one visiting dentist or none.
    let c = index.coverage.as_ref().unwrap();
    let slot = c.slot("home_dental").unwrap();
    assert!(c.towns.iter().any(|t| t.counts[slot] <= 1));
}

fn town(code: u32, name: &str, at: LatLon) -> TownRow {
    TownRow {
        code,
        municipality: "大阪市北区".into(),
        name: name.into(),
        lat: at.lat,
        lon: at.lon,
    }
}

/// Two generations from fixtures: one dental clinic closes (a town falls from two visiting
/// dentists to one), another gains 訪問歯科, a pharmacy opens. The diff says exactly that,
/// by the library, `zaitaku diff` and `/api/v1/coverage/changes`.
#[test]
fn changes_between_two_generations() {
    const KITA: u32 = 27127;
    let home = LatLon {
        lat: 34.7055,
        lon: 135.4983,
    };
    let near = |dlon: f64| LatLon {
        lat: home.lat,
        lon: home.lon + dlon,
    };
    let dental = |id: &str, caps: &[Capability], dlon: f64| {
        let mut f = fixture(id, Kind::DentalClinic, caps, near(dlon), KITA);
        f.service_radius_km = Some(3.0);
        f
    };
    let first = vec![
        dental("D1", &[Capability::HomeDental], 0.01),
        dental("D2", &[Capability::HomeDental], 0.02),
        dental("D3", &[], 0.03),
    ];
    let mut second = vec![
        first[0].clone(),
        dental("D3", &[Capability::HomeDental], 0.03),
    ];
    second[1].service_radius_km = Some(1.0); // 2.7 km away: does not reach the town
    second.push(fixture("P1", Kind::Pharmacy, &[], near(0.0), KITA));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("index");
    let build_from = |facilities: &[Facility]| {
        let data = dir.path().join("data");
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        write_facilities(&data.join(FACILITIES_FILE), facilities).unwrap();
        write_towns(&data.join(TOWNS_FILE), &[town(KITA, "梅田一丁目", home)]).unwrap();
        build_dataset(&data, None, &root, "t").unwrap();
    };
    build_from(&first);
    let old_dir = std::fs::canonicalize(root.join("t")).unwrap();
    build_from(&second);
    let old = SearchIndex::open(&old_dir).unwrap();
    let new = SearchIndex::open(&root.join("t")).unwrap();
    let slot = new.coverage.as_ref().unwrap().slot("home_dental").unwrap();
    assert_eq!(old.coverage.as_ref().unwrap().towns[0].counts[slot], 2);
    assert_eq!(new.coverage.as_ref().unwrap().towns[0].counts[slot], 1);

    let c = changes::diff(&old, &new);
    assert_eq!(c.wards.len(), 1);
    let w = &c.wards[0];
    assert_eq!((w.code, w.name.as_str()), (KITA, "大阪市北区"));
    let ids = |v: &[zaitaku::coverage::Named]| v.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&w.opened), ["P1"]);
    assert_eq!(ids(&w.closed), ["D2"]);
    assert_eq!(w.gained.len(), 1);
    assert_eq!(
        (w.gained[0].id.as_str(), w.gained[0].capability),
        ("D3", Capability::HomeDental)
    );
    assert!(w.lost.is_empty());
    assert_eq!(w.thinned.len(), 1);
    let t = &w.thinned[0];
    assert_eq!(
        (t.town.as_str(), t.metric.as_str(), t.before, t.after),
        ("梅田一丁目", "home_dental", 2, 1)
    );
    assert_eq!(
        c.title,
        format!("前回（{}）からの変化", old.meta.built_day())
    );
    assert_eq!(
        c.since.generation,
        old_dir.file_name().unwrap().to_string_lossy()
    );

    // The CLI.
    let out = ok(
        dir.path(),
        &[
            "diff",
            old_dir.to_str().unwrap(),
            root.join("t").to_str().unwrap(),
        ],
    );
    for want in [
        "■ 大阪市北区",
        "開設  施設P1",
        "廃止  施設D2",
        "対応追加  施設D3: 訪問歯科",
        "手薄に  梅田一丁目 home_dental: 2 → 1",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    // A missing index is named (exit 1, as for every index that cannot be opened).
    let out = crate::support::cli::zaitaku(
        dir.path(),
        &["diff", "no-such-index", root.join("t").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index at no-such-index"));

    // The API: the previous generation by default, or named; an unknown one refused.
    let server = Server::start(dir.path(), &root.join("t"));
    let (status, body) = server.get("/api/v1/coverage/changes");
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["wards"][0]["closed"][0]["id"], "D2");
    assert_eq!(v["since"]["generation"], c.since.generation.as_str());
    let (status, _) = server.get(&format!(
        "/api/v1/coverage/changes?since={}",
        c.since.generation
    ));
    assert_eq!(status, 200);
    let (status, body) = server.get("/api/v1/coverage/changes?since=.t.1-1");
    assert_eq!(status, 400, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            v["error"]["code"].as_str(),
            v["error"]["parameter"].as_str()
        ),
        (Some("unknown_value"), Some("since"))
    );
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&c.since.generation));
}

/// The planners' endpoints over HTTP on the demo: JSON, CSV and xlsx, and refusals.
#[test]
fn coverage_endpoints_over_http() {
    let server = Server::start(demo::dir(), &demo::dir().join("index/demo"));
    let (status, body) = server.get("/api/v1/coverage/regions");
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["population_source"], "population.csv");
    assert_eq!(v["town_metrics"].as_array().unwrap().len(), 4);
    let (status, csv) = server.get("/api/v1/coverage/regions.csv");
    assert_eq!(status, 200);
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains("大阪市北区") && csv.contains("訪問診療"),
        "{csv}"
    );
    let (status, xlsx) = server.get_bytes("/api/v1/coverage/regions.xlsx");
    assert_eq!(status, 200);
    assert!(xlsx.starts_with(b"PK"));
    let (status, body) = server.get("/api/v1/coverage/rules");
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["checks"].as_array().unwrap().len(), 24 + 24 + 1);
    let (status, body) = server.get("/api/v1/coverage/towns?role=home_dental");
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"].as_array().unwrap().len(), 216);
    assert_eq!(v["metric"]["query"], "kind=dental_clinic&cap=home_dental");
    let (status, csv) = server.get("/api/v1/coverage/towns.csv?role=home_pharmacy");
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 216 + 2, "header, rows, footer");
    let error = |uri: &str, status: u16, code: &str, parameter: Option<&str>| {
        let (s, body) = server.get(uri);
        assert_eq!(s, status, "{uri}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], code, "{uri}");
        assert_eq!(v["error"]["parameter"].as_str(), parameter, "{uri}");
    };
    error(
        "/api/v1/coverage/towns?role=surgeon",
        400,
        "unknown_value",
        Some("role"),
    );
    error(
        "/api/v1/coverage/towns?role=home_dental&role=home_visit",
        400,
        "duplicate_parameter",
        Some("role"),
    );
    error(
        "/api/v1/coverage/regions?ward=1",
        400,
        "unknown_parameter",
        Some("ward"),
    );
    error("/api/v1/coverage/nothing", 404, "not_found", None);
    error("/api/v1/coverage/changes", 404, "not_found", None);
}
