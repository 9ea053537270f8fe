//! The `zaitaku` binary end to end, in a fresh temp dir per test: the default paths
//! contract, JSON shape, table output, error lines and exit codes, and that a failed build
//! leaves the previous index serving.

use std::path::Path;

use serde_json::Value;

use crate::support::cli::{bad, ok, zaitaku};
use crate::support::demo::dir as demo_dir;

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).unwrap()
}

#[test]
fn who_can_visit_this_address_as_json() {
    let v = json(
        demo_dir(),
        &[
            "--covers",
            "34.7433,135.5308",
            "--kind",
            "訪問看護",
            "--cap",
            "24時間対応",
            "--limit",
            "10",
        ],
    );
    let total = v["total"].as_u64().unwrap();
    assert!(total > 10, "{total}");
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10);
    let mut last = 0.0;
    for h in hits {
        assert!(h["id"].as_str().unwrap().starts_with("DEMO-"));
        assert!(h["name"].as_str().unwrap().starts_with("【デモ】"));
        let d = h["distance_m"].as_f64().unwrap();
        assert!(d >= last, "sorted by distance");
        last = d;
        assert!(d <= 16_000.0);
        assert!(h["kinds"]
            .as_array()
            .unwrap()
            .contains(&Value::from("visiting_nursing")));
        assert!(h["capabilities"]
            .as_array()
            .unwrap()
            .contains(&Value::from("24h")));
        assert!(h["explanation"].as_str().unwrap().contains("訪問範囲"));
    }
    let kinds = v["facets"]["kind"].as_array().unwrap();
    let nursing = kinds
        .iter()
        .find(|k| k["code"] == "visiting_nursing")
        .unwrap();
    assert_eq!(nursing["count"].as_u64().unwrap(), total);
    assert_eq!(v["facets"]["ward"].as_array().unwrap().len(), 24);
}

#[test]
fn table_output_and_text_search() {
    let out = ok(
        demo_dir(),
        &["search", "在支診", "--ward", "東淀川区", "--limit", "3"],
    );
    assert!(out.starts_with("名称"), "{out}");
    assert!(out.contains("東淀川区"));
    assert!(out.contains("支援診"));
    assert!(out.contains("件中 1–3 件を表示"), "{out}");
    // --view shapes the JSON only: the table is the same with it.
    let list = ok(
        demo_dir(),
        &[
            "search",
            "在支診",
            "--ward",
            "東淀川区",
            "--limit",
            "3",
            "--view",
            "list",
        ],
    );
    assert_eq!(list, out);
    let v = json(demo_dir(), &["ﾎｳﾓﾝｶﾝｺﾞ", "--limit", "1"]);
    assert!(v["total"].as_u64().unwrap() >= 700);
}

#[test]
fn kana_sort_and_filters() {
    let v = json(
        demo_dir(),
        &[
            "--kind",
            "clinic",
            "--pediatric",
            "--wheelchair",
            "--sort",
            "name",
            "--limit",
            "50",
        ],
    );
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        assert_eq!(h["pediatric"], Value::Bool(true));
        assert_eq!(h["wheelchair"], Value::Bool(true));
    }
    let kana: Vec<String> = hits
        .iter()
        .map(|h| zaitaku::text::kana_sort_key(h["name_kana"].as_str().unwrap()))
        .collect();
    assert!(kana.windows(2).all(|w| w[0] <= w[1]), "kana order");
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let dir = demo_dir();
    bad(
        dir,
        &["search", "--near", "135.5,34.7"],
        "(parameter 'near': latitude 135.5 is outside Japan",
    );
    bad(
        dir,
        &["search", "--covers", "nowhere"],
        "parameter 'covers'",
    );
    bad(
        dir,
        &["search", "--ward", "堺区"],
        "unknown ward or 市町村 '堺区'; valid places: ",
    );
    bad(dir, &["search", "--kind", "温泉"], "unknown kind '温泉'");
    let e = bad(
        dir,
        &["search", "--cap", "空飛ぶ"],
        "unknown capability '空飛ぶ'",
    );
    assert!(e.contains("24h (24時間対応)"));
    assert_eq!(e.lines().count(), 1, "{e}");
    // Japanese first (as the API says it), then the English detail.
    let e = bad(
        dir,
        &["search", "--near", "34.7,135.5", "--radius-km", "80"],
        "error: 「radius_km」の値「80」は範囲外です。0 より大きく 50 以下（km）で指定してください。 (parameter 'radius_km': 80 km is not above 0 and at most 50 km)",
    );
    assert_eq!(e.lines().count(), 1, "{e}");
    bad(dir, &["search", "--limit", "100000"], "parameter 'limit'");
}

/// Issue 13: `--address` and `--address-use` behave as the API's address and address_use.
#[test]
fn search_by_address_from_the_cli() {
    let dir = demo_dir();
    bad(
        dir,
        &[
            "search",
            "--address",
            "大阪市東淀川区",
            "--near",
            "34.7,135.5",
        ],
        "「address」と「near」は同時に指定できません。",
    );
    bad(
        dir,
        &["search", "--address-use", "covers"],
        "「address_use」には「address」も指定してください。",
    );
    bad(
        dir,
        &[
            "search",
            "--address",
            "大阪市東淀川区",
            "--address-use",
            "home",
        ],
        "parameter 'address_use'",
    );
    bad(
        dir,
        &["search", "--address", "京都府京都市左京区"],
        "住所「京都府京都市左京区」が見つかりませんでした。",
    );
    // The demo has no address table: a ward still places the home, at the ward's point.
    let out = ok(
        dir,
        &[
            "search",
            "--address",
            "大阪市東淀川区",
            "--address-use",
            "covers",
            "--kind",
            "visiting_nursing",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["point"]["source"], "address");
    assert_eq!(v["point"]["geocoded"]["ward_code"], 27114);
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(v["hits"][0]["explanation"]
        .as_str()
        .unwrap()
        .contains("訪問範囲"));
    // The same as --covers at that point.
    let (lat, lon) = (
        v["point"]["lat"].as_f64().unwrap(),
        v["point"]["lon"].as_f64().unwrap(),
    );
    let covers = format!("{lat},{lon}");
    let same: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "search",
            "--covers",
            &covers,
            "--kind",
            "visiting_nursing",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(v["total"], same["total"]);
    assert_eq!(v["hits"], same["hits"]);
}

#[test]
fn failed_build_keeps_the_previous_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["demo-data", "--out", "ds/city", "--scale", "0.05"]);
    let built = ok(d, &["index", "--dataset", "ds/city"]);
    assert!(built.contains("into index/city"), "{built}");
    let before = std::fs::read_link(d.join("index/city")).unwrap();
    let total = |d: &Path| {
        json(d, &["--index", "index/city"])["total"]
            .as_u64()
            .unwrap()
    };
    let n = total(d);
    assert!(n > 200);

    // Corrupt the dataset: a bad coordinate on line 3.
    let csv_path = d.join("ds/city/facilities.csv");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[2] = lines[2].replace(",34.", ",94.");
    std::fs::write(&csv_path, lines.join("\n")).unwrap();
    let e = bad(
        d,
        &["index", "--dataset", "ds/city"],
        "facilities.csv:3:7 (lat): bad coordinate: latitude 94.",
    );
    assert!(e.contains("1 error(s)"), "{e}");
    bad(
        d,
        &["check", "--dataset", "ds/city"],
        "facilities.csv:3:7 (lat)",
    );

    // Same generation still linked, still searchable, no half-written generation left.
    assert_eq!(std::fs::read_link(d.join("index/city")).unwrap(), before);
    assert_eq!(total(d), n);
    let generations = std::fs::read_dir(d.join("index")).unwrap().filter(|e| {
        let name = e
            .as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .into_owned();
        name.starts_with(".city.") && name != ".city.lock"
    });
    assert_eq!(generations.count(), 1);

    // Fixed, the next build succeeds and switches generation.
    std::fs::write(&csv_path, csv).unwrap();
    ok(d, &["index", "--dataset", "ds/city"]);
    assert_ne!(std::fs::read_link(d.join("index/city")).unwrap(), before);
    assert_eq!(total(d), n);
}

#[test]
fn search_without_an_index_says_how_to_build_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = zaitaku(dir.path(), &["search", "--index", "index/none"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("build it with `zaitaku index`"));
}

#[test]
fn demo_index_from_an_older_format_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["index"]);
    let meta = dir.path().join("index/demo/zaitaku.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let old = text.replace(
        &format!("\"format_version\": {}", zaitaku::index::FORMAT_VERSION),
        "\"format_version\": 1",
    );
    assert_ne!(old, text, "the meta file names its format");
    std::fs::write(&meta, old).unwrap();
    // An explicit --index is refused with a clear message; the default demo is rebuilt.
    let refused = zaitaku(dir.path(), &["search", "--index", "index/demo", "薬局"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("rebuild it with `zaitaku index`"));
    let out = ok(dir.path(), &["search", "薬局"]);
    assert!(out.contains("薬局"), "{out}");
}

/// Issue 13 (and issue 11's finding 13): a failure prints its cause once, and the exit
/// code follows the error's type: the machine's fault is 1, bad arguments are 2.
#[test]
fn causes_print_once_and_exit_codes_follow_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["demo-data", "--out", "ds/city", "--scale", "0.02"]);
    std::fs::write(d.join("blocker"), "a file where a directory should be").unwrap();
    let out = zaitaku(
        d,
        &[
            "index",
            "--dataset",
            "ds/city",
            "--index-root",
            "blocker/index",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: cannot write "), "{err}");
    let cause = err.rsplit(": ").next().unwrap().trim();
    assert_eq!(err.matches(cause).count(), 1, "the cause twice: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Arguments out of range are refused before anything runs.
    for args in [
        &["demo-data", "--scale", "0"][..],
        &["demo-data", "--national", "--count", "0"],
        &["serve", "--header-read-timeout", "0"],
    ] {
        let out = zaitaku(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("invalid value"),
            "{args:?}"
        );
    }
}
