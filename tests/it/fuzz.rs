//! Property-based fuzzing of every input layer (issue 11): the table reader (CSV in any
//! encoding, xlsx, zip), each importer on its own file, the 和暦 dates, the manifest, the
//! geocoder, the query parser and the HTTP parameter layer. The property: no panic, and an
//! error that says where. Each target runs `ZAITAKU_FUZZ_CASES` cases (64 in the test
//! command); many more with, e.g.,
//!
//! ```sh
//! ZAITAKU_FUZZ_CASES=20000 cargo test --release --test it fuzz
//! ```

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use zaitaku::table::{Header, Table};

fn runner() -> TestRunner {
    let cases = std::env::var("ZAITAKU_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Bytes that look like the files we read: CSV punctuation, Japanese text, BOMs, quotes,
/// line breaks, Shift_JIS lead bytes, a zip signature, and random bytes.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(
            "医療機関コード(9),医療機関コード(7),医療機関名称,郵便番号,住所\n"
                .as_bytes()
                .to_vec()
        ),
        Just("事業所番号,事業所名,住所,緯度,経度\n".as_bytes().to_vec()),
        Just("ID,正式名称,機関区分,所在地\n".as_bytes().to_vec()),
        Just(
            "項番,医療機関番号,医療機関名称,受理届出名称,受理記号,算定開始年月日\n"
                .as_bytes()
                .to_vec()
        ),
        Just("２７０００００１１".as_bytes().to_vec()),
        Just("令和 4年 5月 1日".as_bytes().to_vec()),
        Just(b"PK\x03\x04".to_vec()),
        Just(vec![0x82, 0xa0, 0x83]),
        "[ -~]{0,12}".prop_map(String::into_bytes),
        "\\PC{0,6}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

#[test]
fn tables_never_panic_and_errors_say_where() {
    let wanted: &[&[&str]] = &[&["医療機関番号"], &["受理記号"]];
    runner()
        .run(&file_bytes(), |bytes| {
            for header in [
                Header::FirstRow,
                Header::Containing(wanted),
                Header::MostOf(wanted),
            ] {
                match Table::from_bytes(Path::new("f.csv"), &bytes, header) {
                    Ok(t) => {
                        for r in &t.rows {
                            prop_assert!(r.line >= 1);
                        }
                    }
                    Err(e) => {
                        prop_assert!(e.file.starts_with("f.csv"));
                        prop_assert!(!e.reason.is_empty());
                        prop_assert!(e.line.is_none_or(|l| l >= 1), "{e}");
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn importers_never_panic_on_any_file() {
    let dir = tempfile::tempdir().unwrap();
    runner()
        .run(&file_bytes(), |bytes| {
            let path = dir.path().join("jigyosho_130.csv");
            std::fs::write(&path, &bytes).unwrap();
            let located = |e: &zaitaku::import::ImportError| {
                e.file.starts_with(&path) && !e.reason.is_empty()
            };
            for read in [
                zaitaku::import::read_jigyosho(&path, "t"),
                zaitaku::import::read_navii(&path, "t"),
                zaitaku::import::read_kouseikyoku_ika(&path, "t"),
            ] {
                match read {
                    Ok(r) => {
                        prop_assert!(r.rejected.iter().all(|e| located(e) && e.line.is_some()))
                    }
                    Err(e) => prop_assert!(located(&e), "{e}"),
                }
            }
            match zaitaku::import::todokede::read_filing_file(&path, Some("27")) {
                Ok(list) => prop_assert!(list.rejected.iter().all(located)),
                Err(e) => prop_assert!(located(&e), "{e}"),
            }
            if let Err(e) = zaitaku::import::read_facilities(&path, crate::support::city_regions())
            {
                prop_assert!(e.0.iter().all(located), "{e}");
            }
            if let Err(e) = zaitaku::geocode::read_towns(&path) {
                prop_assert!(e.0.iter().all(located), "{e}");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn dates_manifests_and_queries_never_panic() {
    runner()
        .run(&"\\PC{0,40}", |s| {
            if let Some(d) = zaitaku::table::wareki::parse_date(&s) {
                prop_assert!(
                    d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-',
                    "{d}"
                );
            }
            let _ = zaitaku::table::wareki::find_date(&s);
            if let Err(e) = zaitaku::import::Manifest::parse(Path::new("dataset.toml"), &s) {
                prop_assert!(!e.reason.is_empty());
            }
            let p = zaitaku::SearchParams {
                text: Some(s.clone()),
                near: Some(s.clone()),
                cap: vec![s.clone()],
                kind: vec![s.clone()],
                ward: vec![s.clone()],
                limit: Some(s.clone()),
                ..Default::default()
            };
            if let Err(e) = zaitaku::SearchQuery::parse(&p, crate::support::city_regions()) {
                prop_assert!(e.to_string().contains("parameter '"), "{e}");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_geocoder_never_panics() {
    let towns = zaitaku::geocode::read_towns(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/official/raw/japanese_addresses.csv"),
    )
    .unwrap();
    let geocoder = zaitaku::geocode::Geocoder::new(
        zaitaku::geocode::GeocoderData {
            prefecture: "大阪府".into(),
            towns,
            postal: Vec::new(),
        },
        &zaitaku::model::Regions::default(),
    );
    let address = prop_oneof![
        "\\PC{0,40}",
        "(大阪府)?(大阪市)?(北区|都島区)?[一二三四五六七八九十0-9０-９]{0,4}(丁目|-|ー|番地|号)?[0-9]{0,3}",
        "〒?[0-9０-９]{3}-?[0-9０-９]{4}",
    ];
    runner()
        .run(&address, |a| {
            if let Ok(g) = geocoder.geocode(&a) {
                prop_assert!(g.lat.is_finite() && g.lon.is_finite());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_http_parameter_layer_never_answers_5xx() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let state = crate::api::state();
    let query = proptest::collection::vec(
        prop_oneof![
            Just("text=".to_string()),
            Just("near=".to_string()),
            Just("covers=".to_string()),
            Just("address=".to_string()),
            Just("cap=".to_string()),
            Just("limit=".to_string()),
            Just("&".to_string()),
            Just("%".to_string()),
            "%[0-9A-Fa-f]{2}",
            "[a-z_=&,.0-9+-]{0,8}",
        ],
        0..16,
    )
    .prop_map(|v| v.concat());
    runner()
        .run(&query, |q| {
            let uri = format!("/api/v1/search?{q}");
            let Ok(request) = Request::get(&uri).body(Body::empty()) else {
                return Ok(()); // not a URI at all: hyper refuses it before us
            };
            let status = crate::api::runtime().block_on(async {
                zaitaku::api::router(state.clone())
                    .oneshot(request)
                    .await
                    .unwrap()
                    .status()
            });
            prop_assert!(!status.is_server_error(), "{uri}: {status}");
            Ok(())
        })
        .unwrap();
}
