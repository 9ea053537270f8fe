//! The HTTP API: in-process through the router (every endpoint, every parameter, error
//! shapes), and a real server on 127.0.0.1:0 (the binary: logs, reload, shutdown).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use zaitaku::api::{router, AppState, ServerConfig};
use zaitaku::import::{write_facilities, FACILITIES_FILE};
use zaitaku::{SearchIndex, SearchParams};

use crate::support::{build_dataset, hit_ids, ids, run};

use crate::support::demo::dir as demo_dir;
use crate::support::server::{encode, Server};

pub(crate) fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            AppState::open(&demo_dir().join("index/demo"), ServerConfig::default()).unwrap()
        })
        .clone()
}

pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

struct Got {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// GET through the router, in process. `uri` may hold raw UTF-8; it is percent-encoded.
fn get(uri: &str) -> Got {
    let uri = encode(uri);
    runtime().block_on(async {
        let response = router(state())
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 26)
            .await
            .unwrap()
            .to_vec();
        Got {
            status,
            headers,
            body,
        }
    })
}

/// The error answer of `uri`: its status, its exact code and parameter, and a message in
/// Japanese only (no English words).
fn error_of(uri: &str, status: StatusCode, code: &str, parameter: Option<&str>) -> Value {
    let g = get(uri);
    assert_eq!(
        g.status,
        status,
        "{uri}: {}",
        String::from_utf8_lossy(&g.body)
    );
    let v = g.json();
    let e = &v["error"];
    assert_eq!(e["code"], code, "{uri}: {v}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message
            .chars()
            .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
        "message is Japanese: {message}"
    );
    // Entirely Japanese: no English sentence after it (parameter names and values aside).
    for word in [" is ", " not ", " must ", "parameter ", " the "] {
        assert!(
            !message.contains(word),
            "{uri}: English in the message: {message}"
        );
    }
    assert_eq!(e["parameter"].as_str(), parameter, "{uri}: {v}");
    v
}

/// The same search through the library, for comparing.
fn library(p: SearchParams) -> Vec<String> {
    let index = SearchIndex::open(&demo_dir().join("index/demo")).unwrap();
    ids(&run(&index, p))
}

#[test]
fn every_search_parameter_matches_the_library() {
    let s = |v: &str| Some(v.to_string());
    let cases: Vec<(&str, SearchParams)> = vec![
        (
            "text=訪問看護 北区",
            SearchParams {
                text: s("訪問看護 北区"),
                ..Default::default()
            },
        ),
        (
            "kind=clinic&kind=hospital",
            SearchParams {
                kind: vec!["clinic".into(), "hospital".into()],
                ..Default::default()
            },
        ),
        (
            "cap=24h,看取り",
            SearchParams {
                cap: vec!["24h,看取り".into()],
                ..Default::default()
            },
        ),
        (
            "wheelchair=true&kind=clinic",
            SearchParams {
                wheelchair: s("true"),
                kind: vec!["clinic".into()],
                ..Default::default()
            },
        ),
        (
            "pediatric=true",
            SearchParams {
                pediatric: s("true"),
                ..Default::default()
            },
        ),
        (
            "accepting_new=true&ward=東淀川区",
            SearchParams {
                accepting_new: s("true"),
                ward: vec!["東淀川区".into()],
                ..Default::default()
            },
        ),
        (
            "area=south&kind=care_management",
            SearchParams {
                area: vec!["south".into()],
                kind: vec!["care_management".into()],
                ..Default::default()
            },
        ),
        (
            "near=34.70,135.50&radius_km=2",
            SearchParams {
                near: s("34.70,135.50"),
                radius_km: s("2"),
                ..Default::default()
            },
        ),
        (
            "covers=34.7433,135.5308&kind=訪問看護&cap=24h",
            SearchParams {
                covers: s("34.7433,135.5308"),
                kind: vec!["訪問看護".into()],
                cap: vec!["24h".into()],
                ..Default::default()
            },
        ),
        (
            "bbox=135.48,34.68,135.52,34.72&sort=name",
            SearchParams {
                bbox: s("135.48,34.68,135.52,34.72"),
                sort: s("name"),
                ..Default::default()
            },
        ),
        (
            "kind=clinic&limit=7&offset=14",
            SearchParams {
                kind: vec!["clinic".into()],
                limit: s("7"),
                offset: s("14"),
                ..Default::default()
            },
        ),
    ];
    for (q, p) in cases {
        let g = get(&format!("/api/v1/search?{q}"));
        assert_eq!(g.status, StatusCode::OK, "{q}");
        let v = g.json();
        let want = library(p);
        assert!(!want.is_empty(), "{q} finds something");
        assert_eq!(hit_ids(&v), want, "{q}");
        assert!(v["total"].as_u64().unwrap() >= want.len() as u64);
        assert!(v["facets"]["kind"].is_array());
    }
    // Hits carry distance and the explanation.
    let v = get("/api/v1/search?covers=34.7433,135.5308&kind=visiting_nursing").json();
    let h = &v["hits"][0];
    assert!(h["distance_m"].as_f64().unwrap() >= 0.0);
    assert!(h["explanation"].as_str().unwrap().contains("訪問範囲"));
    assert_eq!(v["point"]["source"], "covers");
    // Each says whether the facility declares a service area, and that the home's ward is
    // in it when it does.
    let v = get("/api/v1/search?covers=34.7433,135.5308&limit=200").json();
    let mut declared = 0;
    for h in v["hits"].as_array().unwrap() {
        let why = h["explanation"].as_str().unwrap();
        if h["service_wards"].as_array().unwrap().is_empty() {
            assert!(why.contains(" 以内・対応地域の指定なし）"), "{why}");
        } else {
            declared += 1;
            assert!(why.contains(" 以内・東淀川区は対応地域）"), "{why}");
        }
    }
    assert!(
        declared > 0,
        "some facility around the point declares its wards"
    );
}

#[test]
fn address_is_geocoded_for_near_or_covers() {
    let v = get("/api/v1/search?address=大阪市東淀川区&address_use=covers&kind=訪問看護").json();
    assert_eq!(v["point"]["source"], "address");
    assert_eq!(v["point"]["geocoded"]["ward_code"], 27114);
    let (lat, lon) = (
        v["point"]["lat"].as_f64().unwrap(),
        v["point"]["lon"].as_f64().unwrap(),
    );
    let same = get(&format!("/api/v1/search?covers={lat},{lon}&kind=訪問看護")).json();
    assert_eq!(hit_ids(&v), hit_ids(&same));
    let near = get("/api/v1/search?address=大阪市東淀川区").json();
    assert_eq!(near["sort"], "distance");
    error_of(
        "/api/v1/search?address=東京都千代田区",
        StatusCode::NOT_FOUND,
        "address_not_found",
        Some("address"),
    );
    error_of(
        "/api/v1/search?address=大阪市北区&near=34.7,135.5",
        StatusCode::BAD_REQUEST,
        "conflict",
        Some("address"),
    );
    error_of(
        "/api/v1/search?address_use=covers",
        StatusCode::BAD_REQUEST,
        "missing_parameter",
        Some("address_use"),
    );
}

#[test]
fn bad_parameters_get_one_error_shape() {
    let bad = StatusCode::BAD_REQUEST;
    error_of(
        "/api/v1/search?limit=abc",
        bad,
        "invalid_value",
        Some("limit"),
    );
    error_of(
        "/api/v1/search?limit=501",
        bad,
        "out_of_range",
        Some("limit"),
    );
    error_of(
        "/api/v1/search?offset=-1",
        bad,
        "invalid_value",
        Some("offset"),
    );
    error_of(
        "/api/v1/search?near=91,135",
        bad,
        "out_of_range",
        Some("near"),
    );
    error_of(
        "/api/v1/search?covers=34.7,200",
        bad,
        "out_of_range",
        Some("covers"),
    );
    error_of(
        "/api/v1/search?near=34.7,135.5&radius_km=51",
        bad,
        "out_of_range",
        Some("radius_km"),
    );
    error_of(
        "/api/v1/search?kind=spaceport",
        bad,
        "unknown_value",
        Some("kind"),
    );
    error_of(
        "/api/v1/search?cap=teleport",
        bad,
        "unknown_value",
        Some("cap"),
    );
    error_of(
        "/api/v1/search?ward=渋谷区",
        bad,
        "unknown_value",
        Some("ward"),
    );
    error_of(
        "/api/v1/search?bbox=1,2,3",
        bad,
        "invalid_value",
        Some("bbox"),
    );
    error_of(
        "/api/v1/search?sort=random",
        bad,
        "unknown_value",
        Some("sort"),
    );
    error_of(
        "/api/v1/search?scene=picnic",
        bad,
        "unknown_value",
        Some("scene"),
    );
    error_of(
        "/api/v1/search?colour=red",
        bad,
        "unknown_parameter",
        Some("colour"),
    );
    error_of(
        "/api/v1/search?limit=1&limit=2",
        bad,
        "duplicate_parameter",
        Some("limit"),
    );
    error_of(
        &format!("/api/v1/search?text={}", "a".repeat(5000)),
        bad,
        "too_long",
        Some("query"),
    );
    error_of("/api/v1/geocode", bad, "missing_parameter", Some("q"));
    error_of("/api/v1/geocode?q=", bad, "invalid_value", Some("q"));
    error_of(
        "/api/v1/facilities/NOPE-1",
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    error_of(
        "/api/v1/no-such-endpoint",
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    // Injection-like text is just text: no error, no match, nothing echoed as markup.
    for t in [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\"; DROP TABLE f; --",
        "../../etc/passwd",
    ] {
        let g = get(&format!("/api/v1/search?text={}", urlencode(t)));
        assert_eq!(g.status, StatusCode::OK, "{t}");
        assert_eq!(g.json()["total"], 0, "{t}");
        assert_eq!(g.headers["content-type"], "application/json");
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn facility_nearby_regions_vocabulary_config() {
    let first = get("/api/v1/search?kind=hospital&limit=1").json();
    let id = first["hits"][0]["id"].as_str().unwrap().to_string();
    let f = get(&format!("/api/v1/facilities/{id}")).json();
    assert_eq!(f["id"], id.as_str());
    assert!(f["distance_m"].is_null());
    let near = get(&format!(
        "/api/v1/facilities/{id}/nearby?kind=visiting_nursing&limit=5"
    ))
    .json();
    let got = hit_ids(&near);
    assert_eq!(got.len(), 5);
    assert!(!got.contains(&id));
    let d: Vec<f64> = near["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["distance_m"].as_f64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    error_of(
        &format!("/api/v1/facilities/{id}/nearby?near=34.7,135.5"),
        StatusCode::BAD_REQUEST,
        "conflict",
        Some("near"),
    );

    let r = get("/api/v1/regions").json();
    let wards = r["wards"].as_array().unwrap();
    assert_eq!(wards.len(), 24);
    let sum: u64 = wards.iter().map(|w| w["count"].as_u64().unwrap()).sum();
    let total = get("/api/v1/search?limit=0").json()["total"]
        .as_u64()
        .unwrap();
    assert_eq!(sum, total);
    assert_eq!(r["kihon_areas"].as_array().unwrap().len(), 4);
    // The demo is Osaka City: one 二次医療圏, and 大阪市 the one 市町村.
    assert_eq!(r["niji_areas"].as_array().unwrap().len(), 1);
    assert_eq!(r["municipalities"].as_array().unwrap().len(), 1);
    assert_eq!(r["municipalities"][0]["count"].as_u64().unwrap(), total);
    assert_eq!(r["niji_areas"][0]["count"].as_u64().unwrap(), total);
    let g = get("/api/v1/regions.geojson");
    assert_eq!(g.headers["content-type"], "application/geo+json");
    assert_eq!(
        g.json()["features"].as_array().unwrap().len(),
        0,
        "demo has no boundaries"
    );

    let v = get("/api/v1/vocabulary").json();
    assert_eq!(v["kinds"].as_array().unwrap().len(), 8);
    assert!(v["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "24h" && c["label"] == "24時間対応"));
    assert_eq!(v["legal_radius_km"], 16.0);

    let c = get("/api/v1/config").json();
    assert!(c["tile_url"]
        .as_str()
        .unwrap()
        .contains("cyberjapandata.gsi.go.jp"));
    assert_eq!(c["dataset"]["facility_count"].as_u64().unwrap(), total);
    // The page's limits are the library's: a sheet is one A4 page of MAX_PICKS.
    assert_eq!(c["team"]["max_picks"], zaitaku::team::sheet::MAX_PICKS);
    assert_eq!(c["team"]["max_per_role"], zaitaku::team::MAX_PER_ROLE);
    assert_eq!(
        c["team"]["default_per_role"],
        zaitaku::team::DEFAULT_PER_ROLE
    );

    let g = get("/api/v1/geocode?q=大阪市東淀川区豊新2-5-1").json();
    assert_eq!(g["ward_code"], 27114);
    assert_eq!(g["level"], "ward");
}

/// The fields a result list shows (`view=list`), each hit's own additions included.
const LIST_KEYS: [&str; 20] = [
    "accepting_new",
    "address",
    "backup_beds",
    "capabilities",
    "distance_m",
    "explanation",
    "id",
    "kinds",
    "location",
    "name",
    "pediatric",
    "phone",
    "postal_code",
    "score",
    "updated_at",
    "ward_code",
    "ward_name",
    "wheelchair",
    "accepting_expired",
    "backup_beds_expired",
];

#[test]
fn list_view_carries_what_a_row_shows_and_the_record_stays_whole() {
    let q = "/api/v1/search?text=在宅&near=34.70,135.50&limit=50";
    let full = get(q).json();
    let list = get(&format!("{q}&view=list"));
    let list_bytes = list.body.len();
    let list = list.json();
    assert_eq!(list["view"], "list");
    assert_eq!(full["view"], "full");
    // The same answer, hit for hit: only the fields differ.
    assert_eq!(hit_ids(&list), hit_ids(&full));
    assert_eq!(list["total"], full["total"]);
    assert_eq!(list["facets"], full["facets"]);
    let hits = list["hits"].as_array().unwrap();
    assert!(hits.len() >= 20, "{}", hits.len());
    let mut claims = 0;
    for (l, f) in hits.iter().zip(full["hits"].as_array().unwrap()) {
        let l = l.as_object().unwrap();
        let f = f.as_object().unwrap();
        for (k, v) in l {
            assert!(LIST_KEYS.contains(&k.as_str()), "{k} is not a list field");
            assert_eq!(v, &f[k], "{k} of {}", l["id"]);
        }
        // Every list field the full hit has (backup_beds and the expiry flags only when set).
        for k in LIST_KEYS {
            assert_eq!(l.contains_key(k), f.contains_key(k), "{k} of {}", l["id"]);
        }
        for k in [
            "name_kana",
            "sources",
            "notes",
            "service_wards",
            "departments",
        ] {
            assert!(f.contains_key(k) && !l.contains_key(k), "{k}");
        }
        claims += usize::from(f.contains_key("capability_claims"));
        // The whole record is at /facilities/{id}: the full hit without the search's words.
        let id = l["id"].as_str().unwrap();
        let one = get(&format!("/api/v1/facilities/{id}")).json();
        for (k, v) in f {
            if !["distance_m", "explanation", "score"].contains(&k.as_str()) {
                assert_eq!(&one[k], v, "{k} of {id}");
            }
        }
    }
    assert!(
        claims > 0,
        "some hits carry 届出 claims, left out of the list"
    );
    assert!(
        list_bytes * 10 < get(q).body.len() * 8,
        "the list view is at least a fifth smaller: {list_bytes} bytes"
    );
    // Nearby takes the view too; a bad view is refused by name.
    let id = hits[0]["id"].as_str().unwrap();
    let near = get(&format!("/api/v1/facilities/{id}/nearby?limit=3&view=list")).json();
    assert!(near["hits"][0].get("sources").is_none());
    assert!(near["hits"][0]["name"].is_string());
    let e = error_of(
        "/api/v1/search?view=short",
        StatusCode::BAD_REQUEST,
        "unknown_value",
        Some("view"),
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("list"),
        "{e}"
    );
    error_of(
        "/api/v1/search?view=list&view=full",
        StatusCode::BAD_REQUEST,
        "duplicate_parameter",
        Some("view"),
    );
    // Exports always write every column.
    let csv = get("/api/v1/search.csv?text=在宅&limit=3&view=list");
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        String::from_utf8_lossy(&csv.body).lines().next(),
        String::from_utf8_lossy(&get("/api/v1/search.csv?text=在宅&limit=3").body)
            .lines()
            .next()
    );
}

#[test]
fn openapi_documents_every_route() {
    let spec = get("/api/v1/openapi.json").json();
    let paths: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let routes = [
        "/search",
        "/search.csv",
        "/search.geojson",
        "/search.xlsx",
        "/facilities/{id}",
        "/facilities/{id}/nearby",
        "/regions",
        "/regions.geojson",
        "/vocabulary",
        "/geocode",
        "/config",
        "/openapi.json",
        "/lists/{which}/{file}",
        "/team",
        "/team/sheet.pdf",
        "/coverage/{file}",
    ];
    let mut want = routes.to_vec();
    want.sort();
    let mut got = paths.clone();
    got.sort();
    assert_eq!(got, want);
    // Every documented search parameter is accepted by the server.
    for p in spec["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
    {
        let name = p["name"].as_str().unwrap();
        let g = get(&format!("/api/v1/search?{name}=x"));
        if g.status == StatusCode::BAD_REQUEST {
            assert_ne!(
                g.json()["error"]["message"].as_str().unwrap(),
                format!("不明なパラメータ「{name}」です。")
            );
        }
    }
    // The limits it documents are the library's (the one place they are kept).
    for p in spec["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
    {
        let d = p["description"].as_str().unwrap_or_default();
        match p["name"].as_str().unwrap() {
            "limit" => {
                assert_eq!(p["schema"]["maximum"], zaitaku::search::MAX_LIMIT);
                let want = format!(
                    "≤{}, 既定 {}",
                    zaitaku::search::MAX_LIMIT,
                    zaitaku::search::DEFAULT_LIMIT
                );
                assert!(d.contains(&want), "{d}");
            }
            "radius_km" => {
                assert!(
                    d.contains(&format!("≤{}", zaitaku::model::RadiusKm::MAX)),
                    "{d}"
                )
            }
            _ => {}
        }
    }
    // The team's limits too, and every team parameter is accepted by /team.
    for p in spec["paths"]["/team"]["get"]["parameters"]
        .as_array()
        .unwrap()
    {
        let name = p["name"].as_str().unwrap();
        if name == "per_role" {
            assert_eq!(p["schema"]["maximum"], zaitaku::team::MAX_PER_ROLE);
            assert!(p["description"]
                .as_str()
                .unwrap()
                .contains(&format!("既定 {}", zaitaku::team::DEFAULT_PER_ROLE)));
        }
        let g = get(&format!("/api/v1/team?{name}=x"));
        assert_ne!(
            g.json()["error"]["message"].as_str().unwrap_or_default(),
            format!("不明なパラメータ「{name}」です。")
        );
    }
    // Every documented route is served (not the API's "no such endpoint" fallback).
    let fallback = get("/api/v1/no-such-endpoint").json()["error"]["message"].clone();
    for r in routes {
        let uri = format!(
            "/api/v1{}",
            r.replace("{id}", "NOPE")
                .replace("{which}", "ward")
                .replace("{file}", "27127")
        );
        let g = get(&uri);
        let message = serde_json::from_slice::<Value>(&g.body)
            .ok()
            .map(|v| v["error"]["message"].clone());
        assert_ne!(message, Some(fallback.clone()), "{uri}");
    }
}

#[test]
fn exports_csv_and_geojson() {
    let g = get("/api/v1/search.csv?kind=clinic&cap=24h&limit=3");
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.headers["content-type"], "text/csv; charset=utf-8");
    assert!(g.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert!(g.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(g.body[3..].to_vec()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .unwrap()
        .iter()
        .take(3)
        .map(String::from)
        .collect();
    assert_eq!(header, ["ID", "名称", "種別"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|row| row[10].contains("24時間対応")));
    // Without limit, an export is every match (streamed), in the search's order, more
    // than a page holds; the same for GeoJSON and xlsx.
    let total = get("/api/v1/search?kind=clinic&limit=0").json()["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(total > zaitaku::search::MAX_LIMIT, "{total}");
    let all = get("/api/v1/search.csv?kind=clinic");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&all.body[3..])
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), total);
    let first = get("/api/v1/search?kind=clinic&limit=500").json();
    let ids: Vec<&str> = rows.iter().take(500).map(|r| &r[0]).collect();
    assert_eq!(ids, crate::support::hit_ids(&first));
    let gj = get("/api/v1/search.geojson?kind=clinic").json();
    assert_eq!(gj["features"].as_array().unwrap().len(), total);
    assert_eq!(gj["total"], total);
    let x = get("/api/v1/search.xlsx?kind=clinic");
    assert_eq!(x.status, StatusCode::OK);
    let sheet = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(x.body)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut s,
        )
        .unwrap();
        s
    };
    assert_eq!(
        sheet.matches("<row ").count(),
        total + 1,
        "header and every match"
    );
    assert!(!sheet.contains("<f>"), "no formulas: every cell is text");

    let gj =
        get("/api/v1/search.geojson?covers=34.7433,135.5308&kind=visiting_nursing&limit=4").json();
    assert_eq!(gj["type"], "FeatureCollection");
    let f = &gj["features"][0];
    assert_eq!(f["geometry"]["type"], "Point");
    let c = f["geometry"]["coordinates"].as_array().unwrap();
    assert!(
        c[0].as_f64().unwrap() > 135.0 && c[1].as_f64().unwrap() < 35.0,
        "[lon, lat]"
    );
    error_of(
        "/api/v1/search.csv?limit=x",
        StatusCode::BAD_REQUEST,
        "invalid_value",
        Some("limit"),
    );
}

#[test]
fn page_assets_headers_and_health() {
    let g = get("/");
    assert_eq!(g.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&g.body).contains("lang=\"ja\""));
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "content-security-policy",
    ] {
        assert!(g.headers.contains_key(h), "{h}");
    }
    assert_eq!(
        get("/vendor/leaflet/leaflet.js").status,
        StatusCode::OK,
        "run npm ci --prefix web"
    );
    assert_eq!(get("/nope.js").status, StatusCode::NOT_FOUND);
    // Large responses are compressed when the client accepts gzip.
    let gz = runtime().block_on(async {
        router(state())
            .oneshot(
                Request::get("/api/v1/search?limit=200")
                    .header("accept-encoding", "gzip")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap()
    });
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(get("/healthz").body, b"ok");
    assert!(String::from_utf8_lossy(&get("/readyz").body).starts_with("ready"));
}

fn small_index(dir: &Path, scale: f64) -> PathBuf {
    let data = dir.join(format!("data-{scale}"));
    std::fs::create_dir_all(&data).unwrap();
    let f = zaitaku::demo::generate(7, scale);
    write_facilities(&data.join(FACILITIES_FILE), &f).unwrap();
    build_dataset(&data, None, &dir.join("index"), "live").unwrap();
    dir.join("index/live")
}

#[test]
fn real_server_reloads_without_failing_requests_and_never_logs_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let index = small_index(dir.path(), 0.2);
    let server = Server::start(dir.path(), &index);
    let count = |s: &Server| -> u64 {
        let (status, body) = s.get("/api/v1/config");
        assert_eq!(status, 200);
        serde_json::from_str::<Value>(&body).unwrap()["dataset"]["facility_count"]
            .as_u64()
            .unwrap()
    };
    let before = count(&server);

    // Searches keep running while a new index is built and swapped in.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let base = server.base.clone();
    let load = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let r = agent
                    .get(&format!(
                        "{base}/api/v1/search?covers=34.70,135.50&kind=visiting_nursing"
                    ))
                    .call()
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
                n += 1;
            }
            n
        })
    };
    small_index(dir.path(), 0.4);
    // Loopback alone is not enough: the token is required.
    for token in [None, Some("wrong-token")] {
        let (status, body) = server.post_with("/admin/reload", token);
        assert_eq!(status, 403, "{token:?}: {body}");
        assert!(body.contains("管理トークン"), "{body}");
    }
    let (status, body) = server.post("/admin/reload");
    assert_eq!(status, 200, "{body}");
    let after = count(&server);
    assert!(after > before, "{before} → {after}");
    // SIGHUP reloads too (same index again: the count stays).
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    server.wait_for("SIGHUP reload", |log| {
        log.contains("index reloaded (SIGHUP)")
    });
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(load.join().unwrap() > 0);

    // A searched address and point never reach the logs.
    let (status, _) = server.get("/api/v1/search?address=大阪市東淀川区豊新2-5-1&covers_x=1");
    assert_eq!(status, 400);
    let (status, _) = server.get("/api/v1/team?address=大阪市東淀川区豊新2-5-1");
    assert_eq!(status, 200);
    let (status, _) = server.get("/team/sheet?address=大阪市東淀川区豊新2-5-1&pick=nobody");
    assert_eq!(status, 400);
    let (status, _) = server.get("/api/v1/team/sheet.pdf?covers=34.70,135.50&pick=nobody");
    assert!(status == 400 || status == 503, "{status}");
    let (status, _) = server.get("/api/v1/geocode?q=大阪市東淀川区豊新2-5-1");
    assert_eq!(status, 200);
    server.wait_for("request log", |log| log.contains("/api/v1/geocode"));
    // Without each line's timestamp (09:11:34.701Z holds "34.70").
    let log: String = server
        .stderr
        .lock()
        .unwrap()
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n");
    for secret in ["豊新", "34.70,135.50", "34.70", "%E8%B1%8A"] {
        assert!(!log.contains(secret), "log leaks '{secret}':\n{log}");
    }
    assert!(log.contains("route=\"/api/v1/search\""), "{log}");
    assert!(log.contains("route=\"/api/v1/team\""), "{log}");
    assert!(log.contains("route=\"/team/sheet\""), "{log}");
}

#[test]
fn graceful_shutdown_on_sigterm() {
    let server = Server::start(demo_dir(), &demo_dir().join("index/demo"));
    assert_eq!(server.get("/healthz").0, 200);
    let mut server = server;
    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status}");
    server.wait_for("shutdown log", |log| log.contains("shutting down"));
}

#[test]
fn reload_of_a_broken_index_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let index = small_index(dir.path(), 0.2);
    let server = Server::start(dir.path(), &index);
    // Point the index name at a directory that is not an index.
    let broken = dir.path().join("index/.live.broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::remove_file(dir.path().join("index/live")).unwrap();
    std::os::unix::fs::symlink(".live.broken", dir.path().join("index/live")).unwrap();
    let (status, body) = server.post("/admin/reload");
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("reload_failed"), "{body}");
    assert_eq!(server.get("/api/v1/search?limit=1").0, 200);
}

#[test]
fn boundaries_and_town_geocoding_on_an_official_index() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/official");
    let dir = tempfile::tempdir().unwrap();
    build_dataset(
        &fixtures.join("dataset"),
        Some(&fixtures.join("raw")),
        dir.path(),
        "fixture",
    )
    .unwrap();
    let state = AppState::open(&dir.path().join("fixture"), ServerConfig::default()).unwrap();
    let get = |uri: &str| {
        let uri = encode(uri);
        runtime().block_on(async {
            let r = router(state.clone())
                .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{uri}");
            let body = axum::body::to_bytes(r.into_body(), 1 << 26).await.unwrap();
            serde_json::from_slice::<Value>(&body).unwrap()
        })
    };
    let gj = get("/api/v1/regions.geojson");
    let names: Vec<&str> = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["都島区", "北区"]);
    assert_eq!(gj["features"][0]["geometry"]["type"], "MultiPolygon");
    let g = get("/api/v1/geocode?q=〒534-0001");
    assert_eq!(
        (g["level"].as_str(), g["ward_code"].as_u64()),
        (Some("town"), Some(27102))
    );
    let c = get("/api/v1/config");
    assert_eq!(c["dataset"]["has_boundaries"], true);
    assert!(c["data_attribution"]
        .as_str()
        .unwrap()
        .contains("国土数値情報"));
    // Who can visit, by address: the overlay's 都島区-only station covers 見本町.
    let v = get(
        "/api/v1/search?address=大阪市都島区見本町1-2&address_use=covers&kind=visiting_nursing",
    );
    assert!(hit_ids(&v).contains(&"2760000001".to_string()), "{v}");
}

/// Issue 11, low findings: answers that echo a searched home are never cached, and a text
/// that normalises to nothing is refused instead of matching every facility.
#[test]
fn searched_homes_are_not_cached_and_empty_words_are_refused() {
    let cache = |uri: &str| {
        let g = get(uri);
        assert_eq!(g.status, StatusCode::OK, "{uri}");
        g.headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        cache("/api/v1/geocode?q=大阪市北区").as_deref(),
        Some("no-store")
    );
    assert_eq!(
        cache("/api/v1/search?covers=34.70,135.50").as_deref(),
        Some("no-store")
    );
    assert_eq!(
        cache("/api/v1/search?near=34.70,135.50").as_deref(),
        Some("no-store")
    );
    assert_eq!(
        cache("/api/v1/search?ward=北区").as_deref(),
        Some("no-cache")
    );
    assert_eq!(
        cache("/api/v1/team?covers=34.70,135.50").as_deref(),
        Some("no-store")
    );
    for text in ["%3F", "%F0%9F%8F%A5", "%E2%80%8B", "%E3%83%BB%E3%83%BB"] {
        let v = error_of(
            &format!("/api/v1/search?text={text}"),
            StatusCode::BAD_REQUEST,
            "invalid_value",
            Some("text"),
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("text"),
            "{v}"
        );
    }
}

/// An IPv4-mapped loopback peer (a server bound to `[::]`) is loopback; another peer is
/// not. Without a token configured, reload is off for everyone.
#[test]
fn reload_knows_mapped_loopback_and_needs_a_token() {
    let post_from = |peer: &str| -> (StatusCode, String) {
        runtime().block_on(async {
            let mut request = Request::post("/admin/reload").body(Body::empty()).unwrap();
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                peer.parse::<std::net::SocketAddr>().unwrap(),
            ));
            let response = router(state()).oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        })
    };
    let (status, body) = post_from("[::ffff:127.0.0.1]:40000");
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body.contains("ZAITAKU_ADMIN_TOKEN"),
        "mapped loopback passes the peer check: {body}"
    );
    let (status, body) = post_from("10.0.0.1:40000");
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("127.0.0.1）からのみ"), "{body}");
}

/// Issue 11, low 8: errors axum or a layer produces come in the one JSON shape too.
#[test]
fn every_error_has_the_json_shape() {
    let send = |method: &str, uri: &str, body: Vec<u8>| -> (StatusCode, Value) {
        runtime().block_on(async {
            let len = body.len();
            let request = Request::builder()
                .method(method)
                .uri(uri)
                .header("content-length", len)
                .body(Body::from(body))
                .unwrap();
            let response = router(state()).oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            let v: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{method} {uri}: {status} not JSON ({e}): {bytes:?}"));
            (status, v)
        })
    };
    for (method, uri, body, status, code) in [
        (
            "POST",
            "/api/v1/search",
            vec![],
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/admin/reload",
            vec![],
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/v1/facilities/%FF%FE",
            vec![],
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/v1/",
            vec![],
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "POST",
            "/admin/reload",
            vec![b'x'; 20_000],
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ] {
        let (got, v) = send(method, uri, body);
        assert_eq!(got, status, "{method} {uri}: {v}");
        assert_eq!(v["error"]["code"], code, "{method} {uri}: {v}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

/// Issue 11, medium 6: a client that sends half a request is cut off after the
/// header-read timeout, so such connections cannot exhaust the descriptors, and one left
/// open does not hold up SIGTERM.
#[test]
fn half_open_connections_are_closed_and_do_not_hold_shutdown() {
    use std::io::Write as _;
    use std::net::TcpStream;
    let server = Server::start_with(
        demo_dir(),
        &demo_dir().join("index/demo"),
        &["--header-read-timeout", "1"],
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut half: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET /api/v1/config HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
            s
        })
        .collect();
    // Served meanwhile.
    assert_eq!(server.get("/healthz").0, 200);
    // Each half-sent request is answered (408 or closed) within the timeout, not held.
    let started = Instant::now();
    for s in &mut half {
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );

    // SIGTERM with one half-sent request open: the server still stops.
    let mut open = TcpStream::connect(&addr).unwrap();
    open.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    let mut server = server;
    server.terminate(Duration::from_secs(10));
    drop(open);
}

/// Issue 11, low 8: the answers hyper writes by itself, for a request it cannot parse
/// (400), a request line too long (414) or headers past its buffer (431), have the same
/// JSON error shape as every other error.
#[test]
fn requests_hyper_cannot_parse_get_the_json_error_shape() {
    use std::io::Write as _;
    use std::net::TcpStream;
    let server = Server::start(demo_dir(), &demo_dir().join("index/demo"));
    let addr = server.base.trim_start_matches("http://").to_string();
    let huge_header = format!(
        "GET /api/v1/config HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(600_000)
    );
    let many_headers = format!(
        "GET /api/v1/config HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("X-{i}: 1\r\n"))
            .collect::<String>()
    );
    for (request, status, code) in [
        ("GARBAGE\r\n\r\n".to_string(), 400, "bad_request"),
        (
            "GET /api/v1/config HTTP/1.1\r\nBad Header\r\n\r\n".to_string(),
            400,
            "bad_request",
        ),
        (huge_header, 431, "too_large"),
        (
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)),
            414,
            "too_large",
        ),
        (many_headers, 431, "too_large"),
    ] {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // The server may answer and close before it has read all of a huge request.
        let _ = s.write_all(request.as_bytes());
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf);
        let what = &request[..request.len().min(40)];
        assert!(
            text.starts_with(&format!("HTTP/1.1 {status} ")),
            "{what}: {text}"
        );
        let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{what}: {head}"
        );
        let v: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"));
        assert_eq!(v["error"]["code"], code, "{what}: {body}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    // The connections that follow are served as before.
    assert_eq!(server.get("/healthz").0, 200);
}

/// Issue 14: a ward's printed lists, as JSON, CSV, xlsx and a page to print.
#[test]
fn ward_lists_in_every_format() {
    let v = get("/api/v1/lists/ward/27127").json();
    assert_eq!(v["ward_name"], "大阪市北区");
    let sections = v["sections"].as_array().unwrap();
    assert!(!sections.is_empty());
    let n: usize = sections
        .iter()
        .map(|s| s["entries"].as_array().unwrap().len())
        .sum();
    let total = get("/api/v1/search?ward=27127&limit=0").json()["total"]
        .as_u64()
        .unwrap();
    assert_eq!(n as u64, total, "every facility of the ward, once");
    let csv = get("/api/v1/lists/ward/27127.csv");
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = String::from_utf8(csv.body).unwrap();
    assert!(
        text.starts_with("\u{feff}種別,名称,住所,電話,車いす,小児,受入状況"),
        "{text}"
    );
    assert_eq!(text.lines().count(), n + 2, "header, rows, footer");
    let xlsx = get("/api/v1/lists/active/27127.xlsx");
    assert!(xlsx.body.starts_with(b"PK"), "a workbook");
    assert!(xlsx.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("27127_active.xlsx"));
    let page = get("/lists/ward/27127");
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        html.contains("size:A4 landscape") && html.contains("data-testid=\"list-footer\""),
        "{html}"
    );
    assert!(html.contains("【デモ】"));
    error_of(
        "/api/v1/lists/ward/99999",
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    error_of(
        "/api/v1/lists/other/27127",
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
}

/// Issue 15: the scenes are offered with what they expand to, and `scene=` narrows the search.
#[test]
fn scenes_are_offered_and_applied() {
    let v = get("/api/v1/vocabulary").json();
    let scenes = v["scenes"].as_array().unwrap();
    assert_eq!(scenes.len(), 6);
    let e = scenes.iter().find(|s| s["code"] == "emergency").unwrap();
    assert_eq!(e["label"], "急変時の対応");
    assert!(e["expands_to"]
        .as_str()
        .unwrap()
        .contains("診療所: 往診・24時間対応"));
    let all = get("/api/v1/search?limit=0").json()["total"]
        .as_u64()
        .unwrap();
    let r = get("/api/v1/search?scene=emergency&covers=34.70,135.50&limit=5").json();
    let n = r["total"].as_u64().unwrap();
    assert!(n > 0 && n < all, "{n} of {all}");
    assert!(r["hits"][0]["explanation"]
        .as_str()
        .unwrap()
        .contains("急変時の対応："));
}
