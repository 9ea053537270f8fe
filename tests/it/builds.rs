//! Builds that cannot lose data (issue 11, high findings): concurrent `zaitaku index` runs
//! of one index, a new generation checked by opening it before the switch, rows listed
//! twice, and 医療機関コード as Excel users type them.

use std::fs;
use std::path::Path;
use std::process::Command;

use zaitaku::index::{build_index, BuildError, BuildLock, IndexInput};
use zaitaku::SearchIndex;

use crate::support::cli::ok;

/// Generation directories of `name` under `root` (not the link, the lock or a temp link).
fn generations(root: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.");
    let mut out: Vec<String> = fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && !n.ends_with(".lock") && !n.contains(".link-"))
        .collect();
    out.sort();
    out
}

#[test]
fn concurrent_builds_of_one_index_leave_it_serving() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["demo-data", "--scale", "0.2"]);
    for round in 0..3 {
        let children: Vec<_> = (0..3)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_zaitaku"))
                    .arg("index")
                    .current_dir(dir.path())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The link points at a generation that opens, and only it and the one before are
        // kept.
        let root = dir.path().join("index");
        let index =
            SearchIndex::open(&root.join("demo")).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(!index.is_empty());
        let gens = generations(&root, "demo");
        assert!((1..=2).contains(&gens.len()), "round {round}: {gens:?}");
        let target = fs::read_link(root.join("demo")).unwrap();
        assert!(gens.contains(&target.to_string_lossy().into_owned()));
    }
}

#[test]
fn a_generation_that_does_not_open_is_never_switched_in() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let facilities = zaitaku::demo::generate(zaitaku::demo::DEFAULT_SEED, 0.05);
    let empty = zaitaku::geocode::GeocoderData::default();
    let input = |f: &'static [zaitaku::model::Facility]| IndexInput {
        facilities: f,
        boundaries: &[],
        geocoder: &empty,
        regions: crate::support::city_regions(),
        origin: Path::new("test"),
        source_rows: &[],
        max_shrink: None,
        population: None,
    };
    let good: &'static [_] = Box::leak(facilities.clone().into_boxed_slice());
    // A repeated id (as a list with a row twice gave) makes records that cannot open.
    let mut twice = facilities.clone();
    twice.push(facilities[0].clone());
    let twice: &'static [_] = Box::leak(twice.into_boxed_slice());

    let lock = BuildLock::acquire(root, "t").unwrap();
    build_index(input(good), &lock).unwrap();
    let before = fs::read_link(root.join("t")).unwrap();
    let e = build_index(input(twice), &lock).unwrap_err();
    assert!(matches!(e, BuildError::Check { .. }), "{e}");
    assert!(e.to_string().contains("duplicate id"), "{e}");
    assert_eq!(
        fs::read_link(root.join("t")).unwrap(),
        before,
        "link unchanged"
    );
    assert_eq!(
        SearchIndex::open(&root.join("t")).unwrap().len(),
        good.len()
    );
    assert_eq!(
        generations(root, "t").len(),
        1,
        "the failed generation is removed"
    );
}

#[test]
fn a_row_listed_twice_is_reported_with_both_positions() {
    let c = crate::official::Copy::new();
    let navii = c.raw().join("01-1_hospital_facility_info_20250601.csv");
    let text = fs::read_to_string(&navii).unwrap();
    let second = text.lines().nth(2).unwrap().to_string();
    fs::write(
        &navii,
        format!(
            "{}{second}\r\n",
            text.trim_end_matches(['\r', '\n']).to_string() + "\r\n"
        ),
    )
    .unwrap();
    let (index, report) = c.build().unwrap();
    assert_eq!(index.len(), 7, "the repeat is not a second facility");
    let e = report
        .rejected
        .iter()
        .find(|e| e.reason.contains("duplicate id navii-2711020000002"))
        .unwrap_or_else(|| panic!("{:?}", report.rejected));
    assert!(
        e.reason.contains("already on ") && e.reason.contains(":3;"),
        "{e}"
    );
    assert_eq!(e.line, Some(text.lines().count() as u64 + 1));
}

#[test]
fn codes_typed_in_full_width_and_a_second_export_glued_on_do_not_crash() {
    let c = crate::official::Copy::new();
    let path = c.raw().join("kouseikyoku_ika_27_202508.csv");
    let text = fs::read_to_string(&path).unwrap();
    let header = text.lines().next().unwrap().to_string();
    let text = text.replace("270000011,0000011", "２７０００００１１,０００００１１");
    // Two exports concatenated: a BOM and a header in the middle of the file.
    let glued =
        format!("{text}\u{feff}{header}\r\n270000012,0000012,追加医院,,大阪市北区試験通７\r\n");
    fs::write(&path, glued).unwrap();
    let (index, report) = c.build().unwrap();
    assert!(index.find("2710000011").is_some(), "full-width code read");
    assert!(
        index.find("2710000012").is_some(),
        "the glued export's row read"
    );
    let header_row = report
        .rejected
        .iter()
        .find(|e| e.reason.contains("医療機関コード(9)"))
        .unwrap_or_else(|| panic!("{:?}", report.rejected));
    assert_eq!(
        header_row.line,
        Some(text.lines().count() as u64 + 1),
        "{header_row}"
    );
}

#[test]
fn only_regular_files_of_bounded_size_and_cells_are_read() {
    use zaitaku::table::{Table, MAX_CELL_BYTES};
    let dir = tempfile::tempdir().unwrap();
    // A FIFO would block the build for ever; /dev/zero would be read until memory runs out.
    let fifo = dir.path().join("jigyosho_130.csv");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let e = Table::read(&fifo).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let zero = dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let e = Table::read(&zero).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    // A 1 MB address: a located error, not gigabytes of geocoding.
    let huge = dir.path().join("huge.csv");
    let address = "大".repeat(MAX_CELL_BYTES);
    fs::write(
        &huge,
        format!("事業所番号,事業所名,住所\n2760000001,あ,{address}\n"),
    )
    .unwrap();
    let e = Table::read(&huge).unwrap_err();
    assert_eq!(
        (e.line, e.column.as_ref().map(|c| c.0)),
        (Some(2), Some(3)),
        "{e}"
    );
    assert!(
        e.reason.contains("cells above 65536 bytes are not read"),
        "{e}"
    );

    // Through a whole build: the file named in the manifest is an error, the index stays.
    let c = crate::official::Copy::new();
    c.build().unwrap();
    let jigyosho = c.raw().join("jigyosho_130.csv");
    fs::remove_file(&jigyosho).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&jigyosho)
        .status()
        .unwrap()
        .success());
    let e = c.build().err().expect("a FIFO fails the build").to_string();
    assert!(e.contains("jigyosho_130.csv: not a regular file"), "{e}");
    assert_eq!(
        SearchIndex::open(&c.dir.path().join("index/fixture"))
            .unwrap()
            .len(),
        7
    );
}

/// Issue 11, medium 7: a generation whose parts went missing or changed after the build is
/// refused at open (and so at reload), whatever part it is.
#[test]
fn a_damaged_or_incomplete_generation_does_not_open() {
    let c = crate::official::Copy::new();
    c.build().unwrap();
    let gen = fs::canonicalize(c.dir.path().join("index/fixture")).unwrap();
    let copy = |to: &str| {
        let dir = c.dir.path().join(to);
        assert!(Command::new("cp")
            .arg("-r")
            .arg(&gen)
            .arg(&dir)
            .status()
            .unwrap()
            .success());
        dir
    };
    assert!(SearchIndex::open(&gen).is_ok());

    // An official index without its boundaries would pass for demo data.
    let d = copy("no-boundaries");
    fs::remove_file(d.join("boundaries.json")).unwrap();
    let e = SearchIndex::open(&d).err().unwrap().to_string();
    assert!(
        e.contains("boundaries.json") && e.contains("missing"),
        "{e}"
    );

    // One byte changed in the records.
    let d = copy("flipped-records");
    let path = d.join("records.jsonl");
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    fs::write(&path, bytes).unwrap();
    let e = SearchIndex::open(&d).err().unwrap().to_string();
    assert!(e.contains("checksum mismatch"), "{e}");

    // One byte changed in a text index file.
    let d = copy("flipped-text");
    let segment = fs::read_dir(d.join("text"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx" || x == "term"))
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = fs::read(&segment).unwrap();
    bytes[0] ^= 0xff;
    fs::write(&segment, bytes).unwrap();
    let e = SearchIndex::open(&d).err().unwrap().to_string();
    assert!(e.contains("checksum mismatch"), "{e}");
}

/// Issue 11, high 4: broken source files fail the build with a located error, and the index
/// that serves stays as it was.
#[test]
fn broken_source_files_fail_the_build_and_keep_the_index() {
    let c = crate::official::Copy::new();
    let (index, _) = c.build().unwrap();
    let facilities = index.len();
    let raw = c.raw();
    let read = |name: &str| fs::read_to_string(raw.join(name)).unwrap();
    let header_only = |text: &str| format!("{}\r\n", text.lines().next().unwrap());
    let swapped = {
        let mut geo: serde_json::Value = serde_json::from_str(&read("N03_wards.geojson")).unwrap();
        fn swap(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Array(a) if a.len() == 2 && a.iter().all(|x| x.is_f64()) => {
                    a.swap(0, 1)
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(swap),
                _ => {}
            }
        }
        for f in geo["features"].as_array_mut().unwrap() {
            swap(&mut f["geometry"]["coordinates"]);
        }
        geo.to_string()
    };
    let jigyosho = read("jigyosho_130.csv");
    let cut = {
        let t = jigyosho.trim_end_matches(['\r', '\n']);
        t[..t.len() - 12].to_string()
    };
    let doubled = jigyosho.replacen("事業所名カナ", "事業所名", 1);
    let faults: Vec<(&str, String, &str)> = vec![
        (
            "kouseikyoku_ika_27_202508.csv",
            header_only(&read("kouseikyoku_ika_27_202508.csv")),
            "has a header but no rows",
        ),
        (
            "japanese_addresses.csv",
            header_only(&read("japanese_addresses.csv")),
            "the file has no rows",
        ),
        ("postal_codes.csv", String::new(), "postal_codes.csv"),
        (
            "N03_wards.geojson",
            swapped,
            "is [lat, lon]; GeoJSON is [lon, lat]",
        ),
        ("jigyosho_130.csv", doubled, "'事業所名' appears twice"),
        ("jigyosho_130.csv", cut, "the last row is cut off"),
    ];
    for (file, content, needle) in faults {
        let good = fs::read(raw.join(file)).unwrap();
        fs::write(raw.join(file), &content).unwrap();
        let e = c
            .build()
            .err()
            .unwrap_or_else(|| panic!("{file}: '{needle}' built"))
            .to_string();
        assert!(
            e.contains(needle) && e.contains(file),
            "{file}: expected '{needle}' in {e}"
        );
        fs::write(raw.join(file), good).unwrap();
        assert_eq!(
            SearchIndex::open(&c.dir.path().join("index/fixture"))
                .unwrap()
                .len(),
            facilities,
            "{file}: the serving index changed"
        );
    }
    c.build().unwrap();
}

/// Issue 11, low 15: a generation a killed build left behind is removed by the next build,
/// even one that fails; the served generation and the one before it stay.
#[test]
fn generations_of_killed_builds_are_removed_by_the_next_build() {
    let c = crate::official::Copy::new();
    c.build().unwrap();
    c.build().unwrap();
    let root = c.dir.path().join("index");
    let kept = generations(&root, "fixture");
    assert_eq!(kept.len(), 2, "served and previous: {kept:?}");
    // A killed build: newer than the served one, never linked.
    let partial = root.join(".fixture.99999999999999999999-1");
    fs::create_dir(&partial).unwrap();
    fs::write(partial.join("records.jsonl"), vec![b'x'; 1 << 20]).unwrap();
    // The next build fails (an empty list), yet the partial generation is gone.
    let path = c.raw().join("kouseikyoku_ika_27_202508.csv");
    let good = fs::read(&path).unwrap();
    fs::write(
        &path,
        "医療機関コード(9),医療機関コード(7),医療機関名称,郵便番号,住所\r\n",
    )
    .unwrap();
    assert!(c.build().is_err());
    assert!(!partial.exists(), "{:?}", generations(&root, "fixture"));
    assert_eq!(generations(&root, "fixture"), kept);
    fs::write(&path, good).unwrap();
}

/// Issue 11, high 4: a source with far fewer rows than the serving index had stops the
/// build, naming the file and both counts; `--accept-shrink` builds anyway.
#[test]
fn a_source_that_shrank_stops_the_build_unless_accepted() {
    let c = crate::official::Copy::new();
    let dir = c.dir.path();
    let args = |accept: bool| {
        let mut a = vec![
            "index".to_string(),
            "--dataset".into(),
            c.dataset().display().to_string(),
            "--raw".into(),
            c.raw().display().to_string(),
            "--index-root".into(),
            dir.join("index").display().to_string(),
        ];
        if accept {
            a.push("--accept-shrink".into());
        }
        a
    };
    let run = |accept: bool| {
        let a = args(accept);
        crate::support::cli::zaitaku(dir, &a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert!(run(false).status.success());
    let before = SearchIndex::open(&dir.join("index/fixture")).unwrap().len();
    // The 介護 list loses 4 of its 7 rows.
    let path = c.raw().join("jigyosho_130.csv");
    let good = fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = good.lines().take(4).collect();
    fs::write(&path, kept.join("\r\n") + "\r\n").unwrap();
    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("jigyosho_130.csv: 7 rows in the serving index, 3 now (more than 20% fewer)")
            && err.contains("--accept-shrink"),
        "{err}"
    );
    assert_eq!(
        SearchIndex::open(&dir.join("index/fixture")).unwrap().len(),
        before
    );
    // Accepted: built, and the smaller list is the new reference.
    assert!(run(true).status.success());
    assert!(SearchIndex::open(&dir.join("index/fixture")).unwrap().len() < before);
    assert!(run(false).status.success());
}

/// Issue 11, low 14: invisible characters do not make it into names, and a link loop is
/// reported as what it is.
#[test]
fn names_are_cleaned_and_link_loops_named() {
    let c = crate::official::Copy::new();
    let path = c.raw().join("jigyosho_130.csv");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        good.replace(
            "【試験】架空訪問看護ステーション",
            "【試験】架空\u{0}訪問\u{200B}看護\u{202E}ステーション",
        ),
    )
    .unwrap();
    let (index, _) = c.build().unwrap();
    let f = crate::official::facility(&index, "2760000001");
    assert_eq!(f.name, "【試験】架空訪問看護ステーション");

    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(c.raw().join("loop-b"), c.raw().join("loop-a")).unwrap();
    std::os::unix::fs::symlink(c.raw().join("loop-a"), c.raw().join("loop-b")).unwrap();
    std::os::unix::fs::symlink(c.raw().join("loop-a"), &path).unwrap();
    let e = c.build().err().unwrap().to_string();
    assert!(
        e.contains("jigyosho_130.csv: cannot open") && e.contains("symbolic links"),
        "{e}"
    );
    assert!(!e.contains("no file matching"), "{e}");
}

/// Issue 11, low 14: a code listed twice in one list (with other values) is reported with
/// both positions instead of merged silently.
#[test]
fn conflicting_duplicate_rows_in_one_list_are_reported() {
    let c = crate::official::Copy::new();
    let path = c.raw().join("kouseikyoku_ika_27_202508.csv");
    let text = fs::read_to_string(&path).unwrap();
    let repeat = text
        .lines()
        .find(|l| l.starts_with("270000011,"))
        .unwrap()
        .replace("見本クリニック", "見本クリニック（別名）");
    fs::write(&path, format!("{}{repeat}\r\n", text)).unwrap();
    let (index, report) = c.build().unwrap();
    assert_eq!(
        crate::official::facility(&index, "2710000011").name,
        "見本クリニック"
    );
    let e = report
        .rejected
        .iter()
        .find(|e| e.reason.contains("duplicate id 2710000011"))
        .unwrap_or_else(|| panic!("{:?}", report.rejected));
    assert!(e.reason.contains(":3;"), "{e}");
}
