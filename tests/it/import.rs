//! Import error reporting: every bad field named by file, line and column, all at once.

use std::path::PathBuf;

use zaitaku::import::read_facilities;
use zaitaku::model::{Kind, WardCode};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn errors(name: &str) -> Vec<String> {
    read_facilities(&fixture(name), crate::support::city_regions())
        .unwrap_err()
        .0
        .iter()
        .map(|e| {
            e.to_string()
                .rsplit_once("fixtures/")
                .unwrap()
                .1
                .to_string()
        })
        .collect()
}

#[test]
fn reports_every_bad_row_with_line_and_column() {
    let errs = errors("bad_rows.csv");
    let expect = [
        "bad_rows.csv:3:1 (id): duplicate id 'A1' (first on line 2)",
        "bad_rows.csv:4:7 (capabilities): unknown capability '空飛ぶ'",
        "bad_rows.csv:5:8 (wheelchair): 'maybe' is not a boolean",
        "bad_rows.csv:6:2 (name): required field 'name' is empty",
        "bad_rows.csv:7:5 (lat): bad coordinate: latitude 135.5 is outside Japan",
        "bad_rows.csv:8: row has 3 fields, the header has 8",
        "bad_rows.csv:9:3 (kinds): unknown kind '温泉'",
    ];
    assert_eq!(errs.len(), expect.len(), "{errs:#?}");
    for (got, want) in errs.iter().zip(expect) {
        assert!(got.starts_with(want), "got {got}\nwant {want}");
    }
    // The unknown-capability error lists the valid codes.
    assert!(errs[1].contains("24h (24時間対応)"));
}

#[test]
fn accepts_bom_crlf_reordered_and_missing_optional_columns() {
    let fs = read_facilities(
        &fixture("valid_bom_crlf.csv"),
        crate::support::city_regions(),
    )
    .unwrap();
    assert_eq!(fs.len(), 2);
    assert_eq!(fs[0].name, "テスト訪問看護ステーション, 本店");
    assert_eq!(fs[0].kinds, vec![Kind::VisitingNursing]);
    assert_eq!(fs[0].service_wards, vec![WardCode(27114), WardCode(27123)]);
    assert_eq!(fs[0].pediatric, Some(true));
    // Ward located from the point when the column is absent.
    assert_eq!(fs[0].ward_code, Some(WardCode(27114)));
    assert_eq!(fs[1].ward_code, Some(WardCode(27127)));
    assert_eq!(
        (fs[1].location.lat, fs[1].location.lon),
        (34.7052, 135.5019)
    );
}

#[test]
fn wrong_encoding_names_the_byte_offset() {
    let errs = errors("shift_jis.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    // The header is 29 bytes + CRLF, then "S1," → the first Shift_JIS byte is at offset 34.
    assert!(
        errs[0].starts_with("shift_jis.csv:2:2: not valid UTF-8 at byte offset 34 (0x83);"),
        "{}",
        errs[0]
    );
}

#[test]
fn unknown_and_missing_columns_are_errors() {
    let errs = errors("unknown_column.csv");
    assert!(
        errs[0].starts_with("unknown_column.csv:1:7 (capabilites): unknown column 'capabilites'"),
        "{errs:?}"
    );
    assert!(errs[0].contains("capabilities"));
    let errs = errors("missing_required_column.csv");
    assert_eq!(
        errs,
        vec!["missing_required_column.csv:1: required column 'kinds' is missing"]
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let e = read_facilities(&fixture("nope.csv"), crate::support::city_regions())
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope.csv: cannot open"), "{e}");
}

#[test]
fn crlf_files_report_the_right_line() {
    assert_eq!(
        errors("bad_crlf.csv"),
        vec!["bad_crlf.csv:3:6 (lon): bad coordinate: longitude 999 is outside Japan (122..154)"]
    );
}
