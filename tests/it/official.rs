//! Official-format imports on small fixtures written for each edge case
//! (`tests/fixtures/official/`): two fictional square "wards" with real JIS codes,
//! a geolonia town table, and rows in the MHLW / ナビイ / 厚生局 layouts with the quirks of
//! the real files (missing ward, typo'd city, full-width digits, building names, points
//! outside the city, `0.0,0.0`, bad codes), plus a curated overlay.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;
use zaitaku::geocode::Level;
use zaitaku::import::report::Joined;
use zaitaku::import::{load_dataset, ImportReport};

use crate::support::build_dataset;
use zaitaku::model::{Capability, Kind, WardCode};
use zaitaku::{SearchIndex, SearchParams};

use crate::support::cli::{bad, ok};
use crate::support::{ids, run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/official")
}

/// A writable copy of the fixture dataset and raw directory.
pub(crate) struct Copy {
    pub(crate) dir: TempDir,
}

impl Copy {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["dataset", "raw"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
            for e in fs::read_dir(fixtures().join(sub)).unwrap() {
                let e = e.unwrap();
                fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
            }
        }
        Self { dir }
    }
    pub(crate) fn dataset(&self) -> PathBuf {
        self.dir.path().join("dataset")
    }
    pub(crate) fn raw(&self) -> PathBuf {
        self.dir.path().join("raw")
    }
    pub(crate) fn build(&self) -> Result<(SearchIndex, ImportReport), Box<dyn std::error::Error>> {
        let root = self.dir.path().join("index");
        let (report, _) = build_dataset(&self.dataset(), Some(&self.raw()), &root, "fixture")?;
        Ok((
            SearchIndex::open(&root.join("fixture")).unwrap(),
            report.expect("official datasets report"),
        ))
    }
}

pub(crate) fn facility(index: &SearchIndex, id: &str) -> zaitaku::model::Facility {
    let ord = index.find(id).unwrap_or_else(|| panic!("{id} not indexed"));
    index.facility(ord)
}

#[test]
fn rows_merge_place_and_report() {
    let c = Copy::new();
    let (index, report) = c.build().unwrap();
    let rows: Vec<(String, usize)> = report
        .files
        .iter()
        .map(|f| (f.path.file_name().unwrap().to_string_lossy().into(), f.rows))
        .collect();
    assert_eq!(
        rows,
        [
            ("jigyosho_130.csv".to_string(), 7),
            ("01-1_hospital_facility_info_20250601.csv".into(), 3),
            ("kouseikyoku_ika_27_202508.csv".into(), 4),
        ]
    );
    let mut got = ids_of(&index);
    got.sort();
    assert_eq!(
        got,
        [
            "2710000010", // 厚生局 + its 訪問看護 office + ナビイ
            "2710000011",
            "2760000001",
            "2760000002",
            "2760000005",
            "2760000007",
            "navii-2711020000002",
        ]
    );

    // The hospital: three sources, the publisher's point replaces the geocoded one.
    let h = facility(&index, "2710000010");
    assert_eq!(h.kinds, [Kind::Hospital, Kind::VisitingNursing]);
    assert_eq!((h.location.lat, h.location.lon), (34.705, 135.51));
    assert_eq!(h.ward_code, Some(WardCode(27127)));
    assert_eq!(h.url.as_deref(), Some("http://example.invalid/"));
    assert_eq!(
        h.source_of("url"),
        Some("医療情報ネット（ナビイ） 01-1_hospital_facility_info_20250601.csv")
    );
    assert_eq!(
        h.source_of("location"),
        Some("介護サービス情報公表 jigyosho_130.csv")
    );
    assert_eq!(
        h.source_of("name"),
        Some("近畿厚生局 医療機関一覧 kouseikyoku_ika_27_202508.csv")
    );
    assert_eq!(report.joins_of(Joined::MedicalOffice), 1);
    assert_eq!(report.joins_of(Joined::Navii), 1);

    // No ward in the address (大阪市見本町…): the polygon decides.
    assert_eq!(
        facility(&index, "2760000002").ward_code,
        Some(WardCode(27102))
    );
    // A clinic from the 厚生局 list only: geocoded at 町丁目 level, source says so.
    let clinic = facility(&index, "2710000011");
    assert_eq!(clinic.kinds, [Kind::Clinic]);
    assert_eq!((clinic.location.lat, clinic.location.lon), (34.70, 135.53));
    assert_eq!(clinic.source_of("location"), Some("住所から推定（町丁目）"));
    // ナビイ 0.0,0.0 = not geocoded: placed from its address, reported as unmatched.
    let n = facility(&index, "navii-2711020000002");
    assert_eq!(n.ward_code, Some(WardCode(27102)));
    assert_eq!(report.navii_unmatched.len(), 1);
    assert_eq!(report.navii_unmatched[0].0.line, 3);

    // Outside the city: placed at the address when it is inside, else not indexed.
    let moved = facility(&index, "2760000005");
    assert_eq!((moved.location.lat, moved.location.lon), (34.71, 135.50));
    let outside: Vec<(u64, bool)> = report
        .outside
        .iter()
        .map(|p| (p.origin.line, p.detail.contains("not indexed")))
        .collect();
    assert_eq!(outside, [(6, false), (7, true)]);

    let rejected: Vec<String> = report.rejected.iter().map(|e| e.to_string()).collect();
    let has = |needle: &str| {
        assert!(
            rejected.iter().any(|r| r.contains(needle)),
            "'{needle}' not in {rejected:#?}"
        )
    };
    has("jigyosho_130.csv:5:16 (事業所番号): 事業所番号 '27600X0004' is not 10 digits");
    has("jigyosho_130.csv:8:10 (緯度): 緯度/経度 'abc,135.5' ignored");
    has("01-1_hospital_facility_info_20250601.csv:4:3 (機関区分)");
    has("kouseikyoku_ika_27_202508.csv:4:1 (医療機関コード(9)): 医療機関コード '27000001X'");
    has("kouseikyoku_ika_27_202508.csv:5:5 (住所): 住所不明医院 has no point");
    has("overlay.csv:5:2 (事業所番号): no facility has the code 2760009999");
    has("overlay.csv:6:6 (車いす): '△' is not a boolean");
    assert_eq!(rejected.len(), 7, "{rejected:#?}");
    // The bad-latitude row is still indexed, from its address.
    assert_eq!(
        facility(&index, "2760000007").source_of("location"),
        Some("住所から推定（町丁目）")
    );

    // Geocoder measured on rows with a publisher's point (the 堺市北区 row is not found).
    let q = report.geocoder_quality();
    assert_eq!((q.total, q.failed), (6, 1));
    assert_eq!(report.geocoded_at(Level::Chome), 4);

    // Every facility lies inside the polygon of its ward.
    let b = index.boundaries.as_ref().expect("boundaries loaded");
    for f in index.facilities() {
        assert_eq!(b.locate(f.location), f.ward_code, "{}", f.id);
    }
}

fn ids_of(index: &SearchIndex) -> Vec<String> {
    index.facilities().iter().map(|f| f.id.0.clone()).collect()
}

#[test]
fn overlay_sets_capabilities_and_service_areas() {
    let (index, report) = Copy::new().build().unwrap();
    assert_eq!((report.overlay_rows, report.overlay_applied), (5, 3));
    let h = facility(&index, "2710000010");
    assert_eq!(
        h.capabilities,
        [
            Capability::HomeVisit,
            Capability::Around24h,
            Capability::SupportHospital
        ]
    );
    assert_eq!(h.wheelchair, Some(true));
    assert_eq!(h.updated_at.as_deref(), Some("2026-04-01"));
    assert_eq!(
        h.source_of("capabilities"),
        Some("北区 在宅医療資源調査 (2026-04-01)")
    );
    // 7-digit 医療機関コード joins with the dataset's prefecture; the default source is the
    // file name.
    let c = facility(&index, "2710000011");
    assert_eq!(c.capabilities, [Capability::HouseCall]);
    assert_eq!((c.pediatric, c.service_radius_km), (Some(true), Some(4.0)));
    assert_eq!(c.source_of("pediatric"), Some("overlay.csv (2026-04-01)"));

    // Search by capability reaches real records only through the overlay.
    let r = run(
        &index,
        SearchParams {
            cap: vec!["24時間対応".into()],
            ..Default::default()
        },
    );
    let mut got = ids(&r);
    got.sort();
    assert_eq!(got, ["2710000010", "2760000001"]);
}

#[test]
fn who_can_visit_uses_the_ward_polygons() {
    let (index, _) = Copy::new().build().unwrap();
    // 2760000001 sits in 北区 (34.701,135.491) but declares 都島区 as its only ward.
    let covers = |p: &str| {
        ids(&run(
            &index,
            SearchParams {
                covers: Some(p.into()),
                kind: vec!["訪問看護".into()],
                ..Default::default()
            },
        ))
    };
    let in_miyakojima = covers("34.700,135.525");
    let in_kita = covers("34.700,135.515");
    assert!(
        in_miyakojima.contains(&"2760000001".to_string()),
        "{in_miyakojima:?}"
    );
    assert!(!in_kita.contains(&"2760000001".to_string()), "{in_kita:?}");
    // Stations with no declared wards cover both points.
    assert!(in_kita.contains(&"2760000002".to_string()));
}

#[test]
fn shift_jis_files_import_the_same() {
    let c = Copy::new();
    let (before, _) = c.build().unwrap();
    for f in ["jigyosho_130.csv", "kouseikyoku_ika_27_202508.csv"] {
        let path = c.raw().join(f);
        let text = fs::read_to_string(&path).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        fs::write(&path, encoding_rs::SHIFT_JIS.encode(text).0).unwrap();
    }
    let (after, _) = c.build().unwrap();
    assert_eq!(before.facilities(), after.facilities());
}

#[test]
fn a_file_that_cannot_be_read_fails_the_build_and_keeps_the_index() {
    let c = Copy::new();
    c.build().unwrap();
    let count = |c: &Copy| {
        SearchIndex::open(&c.dir.path().join("index/fixture"))
            .unwrap()
            .len()
    };
    assert_eq!(count(&c), 7);

    // A required column missing.
    let path = c.raw().join("kouseikyoku_ika_27_202508.csv");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(&path, good.replace("医療機関名称", "名前")).unwrap();
    let e = c.build().err().expect("build must fail").to_string();
    assert!(
        e.contains("kouseikyoku_ika_27_202508.csv:1: required column '医療機関名称' is missing"),
        "{e}"
    );
    fs::write(&path, good).unwrap();

    // Broken GeoJSON names line and column.
    let n03 = c.raw().join("N03_wards.geojson");
    fs::write(
        &n03,
        "{\"type\": \"FeatureCollection\",\n \"features\": [ {,] }",
    )
    .unwrap();
    let e = c.build().err().expect("build must fail").to_string();
    assert!(
        e.contains("N03_wards.geojson:2:17 (json): not valid GeoJSON"),
        "{e}"
    );
    fs::remove_file(&n03).unwrap();
    let e = c.build().err().expect("build must fail").to_string();
    assert!(e.contains("no file matching 'N03_wards.geojson'"), "{e}");

    // Bytes that are neither UTF-8 nor Shift_JIS: the byte offset is named.
    let j = c.raw().join("jigyosho_130.csv");
    let mut bytes = b"No,x\r\n1,".to_vec();
    bytes.extend([0x81, 0x20]);
    fs::write(&j, bytes).unwrap();
    let e = c.build().err().expect("build must fail").to_string();
    assert!(e.contains("jigyosho_130.csv:2:2"), "{e}");
    assert!(e.contains("at byte offset 8"), "{e}");

    // Nothing above touched the index in use.
    assert_eq!(count(&c), 7);
}

#[test]
fn overlay_with_unknown_column_fails_with_its_position() {
    let c = Copy::new();
    let path = c.dataset().join("overlay.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("車いす", "車イス可否", 1)).unwrap();
    let e = load_dataset(&c.dataset(), Some(&c.raw()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("overlay.csv:1:6 (車イス可否): column '車イス可否' is neither"),
        "{e}"
    );
}

#[test]
fn index_and_geocode_commands() {
    let c = Copy::new();
    let dir = c.dir.path();
    let out = ok(
        dir,
        &[
            "index",
            "--dataset",
            "dataset",
            "--raw",
            "raw",
            "--index-root",
            "idx",
        ],
    );
    assert!(out.contains("merged into 7 facilities"), "{out}");
    assert!(
        out.contains("indexed 7 facilities into idx/fixture"),
        "{out}"
    );
    assert!(out.contains("jigyosho_130.csv:5:16 (事業所番号)"), "{out}");

    let json: Value = serde_json::from_str(&ok(
        dir,
        &[
            "geocode",
            "--index",
            "idx/fixture",
            "--json",
            "大阪府大阪市北区架空町２丁目５番１号 架空ビル３階",
        ],
    ))
    .unwrap();
    assert_eq!(json["lat"], 34.71);
    assert_eq!(json["lon"], 135.5);
    assert_eq!(json["level"], "chome");
    assert_eq!(json["ward_code"], 27127);
    assert_eq!(json["normalized"], "大阪府大阪市北区架空町二丁目5-1");
    // Postal codes (Japan Post layout) resolve to their town.
    let json: Value = serde_json::from_str(&ok(
        dir,
        &["geocode", "--index", "idx/fixture", "--json", "〒534-0001"],
    ))
    .unwrap();
    assert_eq!(json["level"], "town");
    assert_eq!(json["ward_code"], 27102);
    // Plain output: point, level, ward, normalised address.
    let line = ok(
        dir,
        &["geocode", "--index", "idx/fixture", "大阪市都島区見本町1-2"],
    );
    assert_eq!(
        line.trim(),
        "34.700000,135.530000\t町丁目\t大阪市都島区\t大阪府大阪市都島区見本町一丁目2"
    );
    bad(
        dir,
        &[
            "geocode",
            "--index",
            "idx/fixture",
            "大阪府北区百舌鳥梅町1丁",
        ],
        "堺市北区",
    );
    bad(
        dir,
        &["geocode", "--index", "idx/fixture", "〒999-9999"],
        "postal code 9999999",
    );
    let out = crate::support::cli::zaitaku(dir, &["geocode", "大阪市北区"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index at index/osaka"));
}

/// Issue 12: a row whose publisher's point lies across the line from the ward it states is
/// placed at its address when the address's 町丁目 is in that ward (and reported); when the
/// town is not in the stated ward, the polygon decides. A row without its code is placed
/// and reported.
#[test]
fn the_address_wins_only_when_its_town_is_in_the_stated_ward() {
    let c = Copy::new();
    let path = c.raw().join("jigyosho_130.csv");
    let mut text = fs::read_to_string(&path).unwrap();
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if !text.ends_with(eol) {
        text.push_str(eol);
    }
    // 北区 is 135.48–135.52 E, 都島区 135.52–135.56 E; 見本町一丁目 is in 都島区, 架空町 in 北区.
    for (no, name, address) in [
        (
            "2760000091",
            "【試験】線の向こう訪問看護",
            "大阪府大阪市都島区見本町1丁目2-3",
        ),
        (
            "2760000092",
            "【試験】町違い訪問看護",
            "大阪府大阪市都島区架空町1丁目2-3",
        ),
    ] {
        text.push_str(&format!(
            "271021,{no},大阪府,大阪市都島区,{name},,訪問看護,{address},,34.700,135.515,,,,,{no},,,,,,,,{eol}"
        ));
    }
    fs::write(&path, text).unwrap();
    let (index, report) = c.build().unwrap();
    let by_name = |name: &str| {
        (0..index.len() as u32)
            .map(|o| index.facility(o))
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} not indexed"))
    };
    let wins = by_name("【試験】線の向こう訪問看護");
    assert_eq!(wins.ward_code, Some(WardCode(27102)));
    assert!(
        (wins.location.lon - 135.53).abs() < 1e-6,
        "{}",
        wins.location
    );
    let stays = by_name("【試験】町違い訪問看護");
    assert_eq!(stays.ward_code, Some(WardCode(27127)));
    assert!(
        (stays.location.lon - 135.515).abs() < 1e-6,
        "{}",
        stays.location
    );
    let detail = |name: &str| {
        report
            .ward_mismatches
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} not reported"))
            .detail
            .clone()
    };
    assert!(detail("【試験】線の向こう訪問看護").contains("placed at the address"));
    assert!(!detail("【試験】町違い訪問看護").contains("placed at the address"));
    assert_eq!(report.address_wins, 1);
    // The fixture's row without a 市区町村コード (大阪府大阪市見本町…) is placed and listed.
    assert_eq!(report.without_code.len(), 1, "{:?}", report.without_code);
    assert!(
        report.without_code[0].detail.contains("都島区"),
        "{:?}",
        report.without_code
    );
}

/// Issue 12: the overlay's 訪問可能区 takes wards, 市町村 (a city stands for its wards) and
/// areas of the dataset; a place outside it is a located error.
#[test]
fn overlay_service_areas_take_municipalities_and_areas() {
    for (cell, expect) in [
        ("大阪市", Ok(vec![WardCode(27102), WardCode(27127)])),
        (
            "北部基本保健医療圏",
            Ok(vec![WardCode(27102), WardCode(27127)]),
        ),
        ("27127;都島", Ok(vec![WardCode(27102), WardCode(27127)])),
        ("吹田市", Err("overlay.csv:4:9")),
    ] {
        let c = Copy::new();
        let path = c.dataset().join("overlay.csv");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace(",都島区,", &format!(",{cell},"));
        fs::write(&path, text).unwrap();
        let (index, report) = c.build().unwrap();
        match expect {
            Ok(wards) => assert_eq!(
                facility(&index, "2760000001").service_wards,
                wards,
                "{cell}"
            ),
            Err(at) => {
                let e = report
                    .rejected
                    .iter()
                    .map(|e| e.to_string())
                    .find(|e| e.contains(at))
                    .unwrap_or_else(|| panic!("{cell}: no error at {at}: {:?}", report.rejected));
                assert!(e.contains("吹田市"), "{e}");
            }
        }
    }
}

/// Issue 14: a ward's own entries. The curated list (相談支援室 and 包括 with their 担当区域)
/// and 大阪市's published 包括 list (a title row, the ward named once per group, addresses
/// without 大阪市, Shift_JIS) become facilities; "who can visit" a home in 都島区 names the
/// 相談支援室 and the 包括 of 都島区, not 北区's; a bad row is reported by cell.
#[test]
fn a_wards_own_entries_serve_their_areas() {
    let c = Copy::new();
    let toml = c.dataset().join("dataset.toml");
    let text = fs::read_to_string(&toml).unwrap().replace(
        "[boundaries]",
        "[[source]]\nformat = \"offices\"\nfile = \"offices.csv\"\n\n[[source]]\nformat = \"osaka_houkatsu\"\nfile = \"houkatsu.csv\"\n\n[boundaries]",
    );
    fs::write(&toml, text).unwrap();
    fs::write(
        c.raw().join("offices.csv"),
        "種別,名称,郵便番号,住所,電話,FAX,受付時間,担当区域,URL,備考\n\
         相談支援室,【試験】都島区相談支援室,534-0000,大阪市都島区見本町1-1-1,06-0000-1111,,平日 9:00〜17:00,,,\n\
         相談支援室,【試験】北区相談支援室,530-0000,大阪市北区架空町2-3-4,06-0000-2222,,平日 9:00〜17:00,北区,,\n\
         地域包括支援センター,【試験】担当なし包括,530-0000,大阪市北区架空町1-1-1,,,,,,\n\
         温泉,【試験】種別誤り,530-0000,大阪市北区架空町1-1-1,,,,北区,,\n\
         地域包括支援センター,【試験】都島包括,534-0000,大阪市都島区都島試験通1-2-3,,,平日 9:00〜17:30,都島区・北区,,\n\
         ブランチ,【試験】見本町ブランチ,534-0000,大阪市都島区見本町1-9-9,,,,見本町,,\n\
         ブランチ,【試験】町誤りブランチ,534-0000,大阪市都島区見本町1-9-8,,,,存在しない町,,\n",
    )
    .unwrap();
    let houkatsu = "令和7年3月 地域包括支援センター・ブランチ一覧\n\
                    区名,名称,〒,住所,電話,FAX,URL,メール\n\
                    都島区,【試験】都島包括,534-0000,都島区都島試験通1-2-3,06-0000-3333,,,\n\
                    ,【試験】都島ブランチ,534-0000,大阪市都島区見本町1-5-5,06-0000-4444,,,\n\
                    北区,【試験】北包括,530-0000,北区架空町1-9-9,06-0000-5555,,,\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(houkatsu);
    fs::write(c.raw().join("houkatsu.csv"), &sjis).unwrap();
    let (index, report) = c.build().unwrap();
    let names: Vec<(String, Vec<WardCode>, Option<WardCode>)> = index
        .facilities()
        .into_iter()
        .filter(|f| {
            f.name.contains("相談支援室") || f.name.contains("包括") || f.name.contains("ブランチ")
        })
        .map(|f| (f.name, f.service_wards, f.ward_code))
        .collect();
    let find = |n: &str| {
        names
            .iter()
            .find(|x| x.0 == n)
            .unwrap_or_else(|| panic!("{n} not indexed: {names:?}"))
    };
    // A 相談支援室 without a 担当区域 serves its own ward.
    assert_eq!(find("【試験】都島区相談支援室").1, [WardCode(27102)]);
    assert_eq!(find("【試験】北区相談支援室").1, [WardCode(27127)]);
    // A 包括 in both lists is one facility: the city's row with the curated 担当区域.
    assert_eq!(
        names.iter().filter(|x| x.0 == "【試験】都島包括").count(),
        1,
        "{names:?}"
    );
    assert_eq!(
        find("【試験】都島包括").1,
        [WardCode(27102), WardCode(27127)]
    );
    let joined = index
        .facilities()
        .into_iter()
        .find(|f| f.name == "【試験】都島包括")
        .unwrap();
    assert_eq!(
        joined.phone.as_deref(),
        Some("06-0000-3333"),
        "the city's phone"
    );
    assert!(
        joined.notes.contains("受付時間: 平日 9:00〜17:30"),
        "{}",
        joined.notes
    );
    // The city's list: the ward carried down its group, addresses completed.
    assert_eq!(find("【試験】都島ブランチ").1, [WardCode(27102)]);
    assert_eq!(find("【試験】都島包括").2, Some(WardCode(27102)));
    assert_eq!(find("【試験】北包括").2, Some(WardCode(27127)));
    // Bad rows are reported by cell and left out.
    let rejected: Vec<String> = report.rejected.iter().map(|e| e.to_string()).collect();
    assert!(
        rejected
            .iter()
            .any(|e| e.contains("offices.csv:4") && e.contains("担当区域")),
        "{rejected:?}"
    );
    assert!(
        rejected
            .iter()
            .any(|e| e.contains("offices.csv:5") && e.contains("種別 '温泉'")),
        "{rejected:?}"
    );
    assert!(!names
        .iter()
        .any(|x| x.0.contains("担当なし") || x.0.contains("種別誤り")));
    // Who can visit a home in 都島区: its 相談支援室 and 包括, not 北区's.
    let r = run(
        &index,
        SearchParams {
            covers: Some("34.7000,135.5300".into()),
            kind: vec!["home_care_support_office,community_care_center".into()],
            limit: Some("50".into()),
            ..Default::default()
        },
    );
    let got: Vec<String> = r.hits.iter().map(|h| h.facility().name).collect();
    assert!(
        got.contains(&"【試験】都島区相談支援室".to_string()),
        "{got:?}"
    );
    assert!(got.contains(&"【試験】都島包括".to_string()), "{got:?}");
    assert!(!got.iter().any(|n| n.contains("北")), "{got:?}");
    // A 担当区域 by town: the branch covers a home in 見本町, not one in 都島試験通.
    let covers = |at: &str| -> Vec<String> {
        run(
            &index,
            SearchParams {
                covers: Some(at.into()),
                kind: vec!["community_care_center".into()],
                limit: Some("50".into()),
                ..Default::default()
            },
        )
        .hits
        .iter()
        .map(|h| h.facility().name)
        .collect()
    };
    assert!(covers("34.7000,135.5300").contains(&"【試験】見本町ブランチ".to_string()));
    let elsewhere = covers("34.7100,135.5400");
    assert!(
        !elsewhere.contains(&"【試験】見本町ブランチ".to_string()),
        "{elsewhere:?}"
    );
    assert!(
        elsewhere.contains(&"【試験】都島包括".to_string()),
        "{elsewhere:?}"
    );
    // A town its ward does not have is reported and the row left out.
    assert!(
        rejected
            .iter()
            .any(|e| e.contains("存在しない町") && e.contains("offices.csv:8")),
        "{rejected:?}"
    );
    assert!(!names.iter().any(|x| x.0.contains("町誤り")));
}
