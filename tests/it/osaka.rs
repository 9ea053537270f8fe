//! The real Osaka City index, built from `../shared/data/osaka/` (official layouts, real
//! rows; never copied into this repository). Under `CI=true` a missing directory fails
//! the tests; elsewhere they are skipped with a printed reason.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tempfile::TempDir;
use zaitaku::import::report::Joined;
use zaitaku::import::ImportReport;
use zaitaku::model::{Kind, WardCode};
use zaitaku::{SearchIndex, SearchParams};

use crate::support::{build_dataset, run, shared_data};

struct Osaka {
    _dir: TempDir,
    shared: PathBuf,
    index: SearchIndex,
    report: ImportReport,
}

/// One build for all tests: a raw directory of links to the shared files (plus the
/// Japan Post codes, which live beside them), indexed with `data/osaka/dataset.toml`.
fn osaka() -> Option<&'static Osaka> {
    static OSAKA: OnceLock<Option<Osaka>> = OnceLock::new();
    OSAKA
        .get_or_init(|| {
            let shared = shared_data()?;
            let dir = tempfile::tempdir().unwrap();
            let raw = dir.path().join("raw");
            std::fs::create_dir(&raw).unwrap();
            for e in std::fs::read_dir(shared.join("osaka")).unwrap() {
                let e = e.unwrap();
                std::os::unix::fs::symlink(e.path(), raw.join(e.file_name())).unwrap();
            }
            std::os::unix::fs::symlink(
                shared.join("geo/osaka_pref_postal_codes.csv"),
                raw.join("postal_codes.csv"),
            )
            .unwrap();
            let dataset = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osaka");
            let (report, summary) =
                build_dataset(&dataset, Some(&raw), &dir.path().join("index"), "osaka").unwrap();
            let report = report.unwrap();
            println!("{report}{summary}");
            let index = SearchIndex::open(&dir.path().join("index/osaka")).unwrap();
            Some(Osaka {
                _dir: dir,
                shared,
                index,
                report,
            })
        })
        .as_ref()
}

fn csv_column(path: &Path, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    let i = headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == column)
        .unwrap();
    r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
}

fn with_kind(o: &Osaka, kind: Kind) -> BTreeSet<String> {
    o.index
        .facilities()
        .iter()
        .filter(|f| f.has_kind(kind))
        .map(|f| f.id.0.clone())
        .collect()
}

#[test]
fn every_care_office_row_is_indexed() {
    let Some(o) = osaka() else { return };
    let rows: HashMap<String, usize> = o
        .report
        .files
        .iter()
        .map(|f| (f.path.file_name().unwrap().to_string_lossy().into(), f.rows))
        .collect();
    assert_eq!(rows["jigyosho_130.csv"], 667);
    assert_eq!(rows["jigyosho_430.csv"], 1247);
    assert_eq!(rows["01-1_hospital_facility_info_20250601.csv"], 166);
    assert_eq!(rows["kouseikyoku_ika_27_202508.csv"], 3536);
    for (file, kind, n) in [
        ("jigyosho_130.csv", Kind::VisitingNursing, 667),
        ("jigyosho_430.csv", Kind::CareManagement, 1247),
    ] {
        let expected: BTreeSet<String> =
            csv_column(&o.shared.join("osaka").join(file), "事業所番号")
                .into_iter()
                .collect();
        assert_eq!(expected.len(), n);
        assert_eq!(with_kind(o, kind), expected, "{file}");
    }
}

#[test]
fn every_medical_row_is_geocoded_or_reported() {
    let Some(o) = osaka() else { return };
    let path = o.shared.join("osaka/kouseikyoku_ika_27_202508.csv");
    let codes = csv_column(&path, "医療機関コード(9)");
    assert_eq!(codes.len(), 3536);
    let indexed: BTreeSet<String> = o.index.facilities().into_iter().map(|f| f.id.0).collect();
    let reported: BTreeSet<u64> = o
        .report
        .rejected
        .iter()
        .filter(|e| e.file.ends_with("kouseikyoku_ika_27_202508.csv"))
        .filter_map(|e| e.line)
        .collect();
    let mut missing = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let id = format!("{}1{}", &c[..2], &c[2..]);
        let line = i as u64 + 2;
        if !indexed.contains(id.as_str()) && !reported.contains(&line) {
            missing.push((line, id));
        }
    }
    assert!(
        missing.is_empty(),
        "neither indexed nor reported: {missing:?}"
    );
    // The list is clean enough that nearly all rows are indexed.
    assert!(reported.len() < 10, "{} reported", reported.len());
}

#[test]
fn hospital_and_clinic_nursing_offices_are_merged() {
    let Some(o) = osaka() else { return };
    let stations = with_kind(o, Kind::VisitingNursing);
    let merged: Vec<&String> = stations
        .iter()
        .filter(|id| {
            let f = o.index.facility(o.index.find(id).unwrap());
            f.has_kind(Kind::Hospital) || f.has_kind(Kind::Clinic)
        })
        .collect();
    assert_eq!(merged.len(), 19, "{merged:?}");
    assert!(merged.iter().all(|id| id.starts_with("271")));
    let nursing_joins = o
        .report
        .joins
        .iter()
        .filter(|(j, _, origin)| {
            *j == Joined::MedicalOffice && origin.file.ends_with("jigyosho_130.csv")
        })
        .count();
    assert_eq!(nursing_joins, 19);
    // ナビイ hospitals: nearly all find their 厚生局 row; the rest are reported.
    let navii = o.report.joins_of(Joined::Navii);
    assert_eq!(
        navii + o.report.navii_unmatched.len() + o.report.navii_ambiguous.len(),
        166
    );
    assert!(navii >= 160, "{navii} matched");
}

#[test]
fn every_facility_is_inside_its_ward_polygon() {
    let Some(o) = osaka() else { return };
    let b = o.index.boundaries.as_ref().expect("N03 boundaries");
    assert_eq!(b.shapes().len(), 24);
    for f in o.index.facilities() {
        let ward = f
            .ward_code
            .unwrap_or_else(|| panic!("{} has no ward", f.id));
        assert_eq!(b.locate(f.location), Some(ward), "{} {}", f.id, f.address);
    }
    // The three 訪問看護 rows with an empty municipality code (no ward in the address).
    for (id, ward) in [
        ("2765290263", 27102), // 大阪市都島南通…
        ("2762390454", 27119), // 大阪市阪南町…
        ("2764190365", 27127), // 大阪市長柄中…
    ] {
        let f = o.index.facility(o.index.find(id).unwrap());
        assert_eq!(f.ward_code, Some(WardCode(ward)), "{id}");
    }
    // Ward mismatches are reported with file and line.
    assert!(!o.report.ward_mismatches.is_empty());
    assert!(o.report.ward_mismatches.iter().all(|m| m.origin.line > 1));
}

#[test]
fn geocoder_meets_the_quality_bar() {
    let Some(o) = osaka() else { return };
    let q = o.report.geocoder_quality();
    println!("{q}");
    // 667 + 1,247 + 166 rows carry official points.
    assert_eq!(q.total, 667 + 1247 + 166);
    assert!(q.chome_share() >= 0.99, "{q}");
    assert!(q.median_m <= 300.0, "{q}");
    assert!(q.p95_m <= 1000.0, "{q}");
}

#[test]
fn searches_over_real_records() {
    let Some(o) = osaka() else { return };
    // Who can visit a home in 東淀川区, typed as an address.
    let home = o
        .index
        .geocoder
        .geocode("大阪市東淀川区豊新2丁目5-1")
        .unwrap();
    assert_eq!(home.ward_code, Some(WardCode(27114)));
    let r = run(
        &o.index,
        SearchParams {
            covers: Some(format!("{},{}", home.lat, home.lon)),
            kind: vec!["訪問看護".into()],
            limit: Some("500".into()),
            ..Default::default()
        },
    );
    assert!(r.total > 50, "{}", r.total);
    for h in &r.hits {
        let reach = h.facility().reach().unwrap();
        assert!(h.distance_m.unwrap() <= reach.radius_km * 1000.0 + 1e-6);
    }
    // Text: a hospital by name, and the same with a different width / old kanji form.
    for q in ["住友病院", "joeクリニック", "曾根崎"] {
        let r = run(
            &o.index,
            SearchParams {
                text: Some(q.into()),
                ..Default::default()
            },
        );
        assert!(r.total > 0, "{q}");
    }
    let r = run(
        &o.index,
        SearchParams {
            text: Some("住友病院".into()),
            ..Default::default()
        },
    );
    assert!(r.hits[0].facility().name.contains("住友病院"));
    assert!(r.hits[0].facility().has_kind(Kind::Hospital));
    // Ward filter agrees with the polygons.
    let r = run(
        &o.index,
        SearchParams {
            ward: vec!["北区".into()],
            limit: Some("1".into()),
            ..Default::default()
        },
    );
    let in_kita = o
        .index
        .facilities()
        .iter()
        .filter(|f| f.ward_code == Some(WardCode(27127)))
        .count();
    assert_eq!(r.total, in_kita);
}

#[test]
fn written_forms_of_one_address_resolve_alike() {
    let Some(o) = osaka() else { return };
    let g = &o.index.geocoder;
    let base = g.geocode("大阪府大阪市東淀川区豊新2丁目5-1").unwrap();
    for a in [
        "大阪市東淀川区豊新二丁目5番1号",
        "東淀川区豊新2-5-1",
        "大阪府阪市東淀川区豊新２－５－１",
        "大阪府大阪市東淀川区豊新２丁目５番１号　豊新ハイツ２０１",
    ] {
        let r = g.geocode(a).unwrap_or_else(|e| panic!("{a}: {e}"));
        assert_eq!(
            (r.lat, r.lon, r.level),
            (base.lat, base.lon, base.level),
            "{a}"
        );
        assert_eq!(r.normalized, base.normalized, "{a}");
    }
    // A postal code resolves to its town (Japan Post: 533-0011 is 大桐).
    let p = g.geocode("〒533-0011").unwrap();
    assert_eq!(p.ward_code, Some(WardCode(27114)));
    assert!(p.normalized.contains("大桐"), "{}", p.normalized);
    // 大阪府北区… without 大阪市 is 堺市北区 unless the town is in 大阪市北区.
    assert!(g.geocode("大阪府北区百舌鳥梅町1丁").is_err());
    assert_eq!(
        g.geocode("大阪府北区梅田1丁目").unwrap().ward_code,
        Some(WardCode(27127))
    );
}
