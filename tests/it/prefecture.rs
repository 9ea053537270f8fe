//! The real Osaka Prefecture index (issue 12), built from `../shared/data/osaka-pref/`
//! with `data/osaka-pref/dataset.toml`: all 43 市町村 and 8 二次医療圏. Under `CI=true` a
//! missing directory fails the tests; elsewhere they are skipped with a printed reason.

use std::path::Path;
use std::sync::OnceLock;

use tempfile::TempDir;
use zaitaku::import::ImportReport;
use zaitaku::model::{LatLon, WardCode};
use zaitaku::{search, SearchIndex, SearchParams, SearchQuery};

use crate::support::{build_dataset, shared_data};

struct Pref {
    _dir: TempDir,
    index_dir: std::path::PathBuf,
    index: SearchIndex,
    report: ImportReport,
}

fn pref() -> Option<&'static Pref> {
    static PREF: OnceLock<Option<Pref>> = OnceLock::new();
    PREF.get_or_init(|| {
        let shared = shared_data()?;
        let dir = tempfile::tempdir().unwrap();
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osaka-pref");
        let (report, _) = build_dataset(
            &data,
            Some(&shared.join("osaka-pref")),
            &dir.path().join("index"),
            "osaka-pref",
        )
        .unwrap_or_else(|e| panic!("the prefecture builds: {e}"));
        let index = SearchIndex::open(&dir.path().join("index/osaka-pref")).unwrap();
        Some(Pref {
            index_dir: dir.path().join("index/osaka-pref"),
            _dir: dir,
            index,
            report: report.expect("an official dataset reports"),
        })
    })
    .as_ref()
}

fn query(index: &SearchIndex, p: SearchParams) -> zaitaku::SearchResult {
    let q = SearchQuery::parse(&p, &index.regions).unwrap_or_else(|e| panic!("{e}"));
    search(index, &q).unwrap()
}

#[test]
fn the_prefecture_index_has_every_source_and_every_facility_inside_its_polygon() {
    let Some(p) = pref() else { return };
    let rows: Vec<(String, usize)> = p
        .report
        .files
        .iter()
        .map(|f| {
            (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                f.rows,
            )
        })
        .collect();
    for (file, n) in [
        ("jigyosho_130.csv", 1858),
        ("jigyosho_430.csv", 3325),
        ("01-1_hospital_facility_info_20250601.csv", 166),
        ("kouseikyoku_ika_27_202508.csv", 8809),
    ] {
        assert!(rows.contains(&(file.to_string(), n)), "{file}: {rows:?}");
    }
    let index = &p.index;
    // About 14,000 facilities after joining offices to their clinics.
    assert!((13_000..15_000).contains(&index.len()), "{}", index.len());
    assert_eq!(index.regions.leaves().count(), 72);
    let boundaries = index.boundaries.as_ref().expect("polygons");
    assert_eq!(boundaries.shapes().len(), 72);
    let mut per_niji = std::collections::BTreeMap::new();
    for ord in 0..index.len() as u32 {
        let f = index.facility(ord);
        let ward = f
            .ward_code
            .unwrap_or_else(|| panic!("{} has no ward", f.name));
        assert_eq!(
            boundaries.locate(f.location),
            Some(ward),
            "{} ({}) at {} is not inside {}",
            f.name,
            f.address,
            f.location,
            index.regions.full_name(ward)
        );
        *per_niji
            .entry(index.regions.niji_of(ward).unwrap().code.clone())
            .or_insert(0usize) += 1;
    }
    // Every 二次医療圏 has facilities, and Osaka City the most.
    assert_eq!(per_niji.len(), 8, "{per_niji:?}");
    assert!(per_niji.values().all(|n| *n > 300), "{per_niji:?}");
    let most = per_niji.iter().max_by_key(|(_, n)| **n).unwrap().0;
    assert_eq!(most, "osaka_city");
    // The geocoder's bar holds on the prefecture.
    let q = p.report.geocoder_quality();
    assert!(q.below_bar().is_none(), "{q:?}");
}

/// A home in 東淀川区 by the city line (豊里, on the 摂津市 side): facilities of 吹田市 and
/// 摂津市 within reach cover it, and say where they are.
#[test]
fn who_can_visit_crosses_the_city_line() {
    let Some(p) = pref() else { return };
    let index = &p.index;
    let home = LatLon::new(34.7560, 135.5420).unwrap();
    assert_eq!(
        index.wards.locate(home),
        Some(WardCode(27114)),
        "the home is in 東淀川区"
    );
    let r = query(
        index,
        SearchParams {
            covers: Some(format!("{},{}", home.lat, home.lon)),
            kind: vec!["clinic,visiting_nursing".into()],
            limit: Some("500".into()),
            ..Default::default()
        },
    );
    let outside: Vec<_> = r
        .hits
        .iter()
        .filter(|h| {
            let w = h.facility().ward_code.unwrap();
            w == WardCode(27205) || w == WardCode(27224)
        })
        .collect();
    assert!(
        !outside.is_empty(),
        "no facility of 吹田市 or 摂津市 covers the home"
    );
    for h in &outside {
        assert!(
            h.explanation.starts_with("吹田市（市外）")
                || h.explanation.starts_with("摂津市（市外）"),
            "{}",
            h.explanation
        );
        assert!(h.distance_m.unwrap() <= 16_000.0);
    }
    // One of another ward of Osaka City says 区外; one of 東淀川区 says neither.
    for h in &r.hits {
        let w = h.facility().ward_code.unwrap();
        let rel = index.regions.relation(w, WardCode(27114));
        match rel.as_deref() {
            None => assert!(!h.explanation.contains("外）"), "{}", h.explanation),
            Some(rel) => assert!(
                h.explanation.contains(&format!("（{rel}）")),
                "{}",
                h.explanation
            ),
        }
    }
}

#[test]
fn sakai_postal_codes_and_addresses_resolve() {
    let Some(p) = pref() else { return };
    let g = &p.index.geocoder;
    let r = g.geocode("〒590-0829").unwrap();
    assert_eq!(r.ward_code, Some(WardCode(27141)), "{r:?}");
    // 吹田市's 〒564–565 too.
    let r = g.geocode("565-0871").unwrap();
    assert_eq!(r.ward_code, Some(WardCode(27205)), "{r:?}");
    // 堺市 writes 丁, not 丁目.
    let r = g.geocode("堺市堺区翁橋町1丁9番1号").unwrap();
    assert_eq!(
        (r.ward_code, r.level),
        (Some(WardCode(27141)), zaitaku::geocode::Level::Chome)
    );
    // 大阪府北区… resolves by the town.
    let r = g.geocode("大阪府北区中百舌鳥町2丁").unwrap();
    assert_eq!(r.ward_code, Some(WardCode(27146)), "{r:?}");
    // A town without its 郡, and 四条畷 for N03's 四條畷.
    assert_eq!(
        g.geocode("大阪府島本町広瀬3丁目").unwrap().ward_code,
        Some(WardCode(27301))
    );
    assert_eq!(
        g.geocode("大阪府四条畷市中野1丁目").unwrap().ward_code,
        Some(WardCode(27229))
    );
}

/// The row that states 阿倍野区 and whose point lies across the line in 西成区 is placed at
/// its address, in 阿倍野区, and reported.
#[test]
fn the_address_wins_over_a_point_across_the_line() {
    let Some(p) = pref() else { return };
    let found = p
        .report
        .ward_mismatches
        .iter()
        .find(|m| m.address.contains("阿倍野区北畠3-3-44"))
        .expect("the row is reported");
    assert!(
        found.detail.contains("placed at the address"),
        "{}",
        found.detail
    );
    let index = &p.index;
    let ord = (0..index.len() as u32)
        .find(|o| index.facility(*o).address.contains("阿倍野区北畠3-3-44"))
        .unwrap();
    assert_eq!(index.facility(ord).ward_code, Some(WardCode(27119)));
    assert!(p.report.address_wins >= 30, "{}", p.report.address_wins);
}

#[test]
fn filters_by_niji_and_municipality_agree_with_a_brute_force_count() {
    let Some(p) = pref() else { return };
    let index = &p.index;
    let all: Vec<_> = (0..index.len() as u32).map(|o| index.facility(o)).collect();
    let regions = &index.regions;
    for (param, value, expect) in [
        (
            "area",
            "豊能二次医療圏",
            Box::new(|w: WardCode| regions.niji_of(w).is_some_and(|a| a.code == "toyono"))
                as Box<dyn Fn(WardCode) -> bool>,
        ),
        (
            "area",
            "堺市",
            Box::new(|w: WardCode| {
                regions
                    .municipality(w)
                    .is_some_and(|m| m.code == WardCode(27140))
            }),
        ),
        // The 二次医療圏 by its bare name, not 豊能町.
        (
            "area",
            "豊能",
            Box::new(|w: WardCode| regions.niji_of(w).is_some_and(|a| a.code == "toyono")),
        ),
        (
            "ward",
            "豊能町",
            Box::new(|w: WardCode| w == WardCode(27321)),
        ),
        (
            "ward",
            "吹田市",
            Box::new(|w: WardCode| w == WardCode(27205)),
        ),
        (
            "ward",
            "27205",
            Box::new(|w: WardCode| w == WardCode(27205)),
        ),
        (
            "area",
            "三島郡島本町",
            Box::new(|w: WardCode| w == WardCode(27301)),
        ),
        (
            "area",
            "北部",
            Box::new(|w: WardCode| {
                regions
                    .get(w)
                    .is_some_and(|r| r.kihon.as_deref() == Some("north"))
            }),
        ),
        (
            "ward",
            "堺市北区",
            Box::new(|w: WardCode| w == WardCode(27146)),
        ),
    ] {
        let mut params = SearchParams {
            limit: Some("0".into()),
            ..Default::default()
        };
        match param {
            "ward" => params.ward = vec![value.into()],
            _ => params.area = vec![value.into()],
        }
        let r = query(index, params);
        let brute = all
            .iter()
            .filter(|f| f.ward_code.is_some_and(&expect))
            .count();
        assert!(brute > 0, "{value}");
        assert_eq!(r.total, brute, "{param}={value}");
    }
    // 北区 alone is two wards: an error that names both.
    let e = SearchQuery::parse(
        &SearchParams {
            ward: vec!["北区".into()],
            ..Default::default()
        },
        regions,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("大阪市北区") && e.contains("堺市北区"), "{e}");
    // Facets count by 市町村 too, and agree with the filter.
    let r = query(
        index,
        SearchParams {
            limit: Some("0".into()),
            facets: Some("true".into()),
            ..Default::default()
        },
    );
    let sakai = r
        .facets
        .municipality
        .iter()
        .find(|m| m.code == "27140")
        .unwrap();
    let brute = all
        .iter()
        .filter(|f| {
            f.ward_code
                .is_some_and(|w| regions.municipality(w).unwrap().code == WardCode(27140))
        })
        .count();
    assert_eq!(sakai.count, brute);
    assert_eq!(r.facets.municipality.len(), 43);
}

/// The seven 訪問看護 rows without a 市区町村コード (their addresses drop the ward, the 郡 or
/// the town) are placed and reported, each in the polygon of its point.
#[test]
fn rows_without_a_municipality_code_are_placed_and_reported() {
    let Some(p) = pref() else { return };
    let rows = &p.report.without_code;
    assert_eq!(rows.len(), 7, "{rows:#?}");
    let shijonawate = rows
        .iter()
        .find(|r| r.address.contains("四条畷市"))
        .expect("the 四条畷市 row");
    assert!(
        shijonawate.detail.contains("四條畷市"),
        "{}",
        shijonawate.detail
    );
    let misaki = rows
        .iter()
        .find(|r| r.address.contains("淡輪"))
        .expect("the 淡輪 row");
    assert!(misaki.detail.contains("岬町"), "{}", misaki.detail);
    // Not taken for a statement of another ward.
    assert!(
        !p.report
            .ward_mismatches
            .iter()
            .any(|m| m.address.contains("淡輪")),
        "{:?}",
        p.report
            .ward_mismatches
            .iter()
            .find(|m| m.address.contains("淡輪"))
    );
}

/// `/regions` and `/regions.geojson` cover the prefecture: 72 places, 43 市町村, 8
/// 二次医療圏 with their 市町村, counts that add up.
#[test]
fn regions_endpoints_cover_the_prefecture() {
    use tower::ServiceExt;
    let Some(p) = pref() else { return };
    let state =
        zaitaku::api::AppState::open(&p.index_dir, zaitaku::api::ServerConfig::default()).unwrap();
    let get = |uri: &str| -> serde_json::Value {
        crate::api::runtime().block_on(async {
            let r = zaitaku::api::router(state.clone())
                .oneshot(
                    axum::http::Request::get(uri)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{uri}");
            let body = axum::body::to_bytes(r.into_body(), 1 << 28).await.unwrap();
            serde_json::from_slice(&body).unwrap()
        })
    };
    let r = get("/api/v1/regions");
    let count = |list: &serde_json::Value| -> u64 {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| x["count"].as_u64().unwrap())
            .sum()
    };
    let total = p.index.len() as u64;
    assert_eq!(r["wards"].as_array().unwrap().len(), 72);
    assert_eq!(r["municipalities"].as_array().unwrap().len(), 43);
    assert_eq!(r["niji_areas"].as_array().unwrap().len(), 8);
    assert_eq!(count(&r["wards"]), total);
    assert_eq!(count(&r["municipalities"]), total);
    assert_eq!(count(&r["niji_areas"]), total);
    let toyono = r["niji_areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "toyono")
        .unwrap();
    assert_eq!(toyono["members"].as_array().unwrap().len(), 6);
    assert!(toyono["members"]
        .as_array()
        .unwrap()
        .contains(&27205.into()));
    let sakai_kita = r["wards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == 27146)
        .unwrap();
    assert_eq!(sakai_kita["name"], "堺市北区");
    assert_eq!(sakai_kita["city"], 27140);
    let g = get("/api/v1/regions.geojson");
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), 72);
    let suita = features
        .iter()
        .find(|f| f["properties"]["code"] == 27205)
        .unwrap();
    assert_eq!(suita["properties"]["full_name"], "吹田市");
    assert_eq!(suita["properties"]["niji"], "toyono");
}
