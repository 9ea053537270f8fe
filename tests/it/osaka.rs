//! The real Osaka City index, built from `../shared/data/osaka/` (official layouts, real
//! rows; never copied into this repository). Under `CI=true` a missing directory fails
//! the tests; elsewhere they are skipped with a printed reason.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tempfile::TempDir;
use zaitaku::import::report::Joined;
use zaitaku::import::ImportReport;
use zaitaku::model::{Kind, WardCode};
use zaitaku::{SearchIndex, SearchParams};

use crate::support::{build_dataset, hit_ids, run, shared_data};

struct Osaka {
    _dir: TempDir,
    shared: PathBuf,
    index: SearchIndex,
    index_dir: PathBuf,
    report: ImportReport,
    /// Real 医療機関コード (10 digits) given 届出 by the test's own 施設基準 file: two
    /// with 支援診 (the first also 在医総管), one with 在医総管 only.
    support: [String; 2],
    home_visit_only: String,
}

/// Writes a 施設基準 list in the bureau's layout that gives 支援診２ + 在医総管 to the first
/// clinic of 北区 in the real 厚生局 list, 支援診３ to the second and 在医総管 alone to the
/// third. Nothing derived from the shared files is committed: codes are read at run time.
fn write_filings(shared: &Path, raw: &Path) -> ([String; 2], String) {
    let path = shared.join("osaka/kouseikyoku_ika_27_202508.csv");
    let codes = csv_column(&path, "医療機関コード(7)");
    let names = csv_column(&path, "医療機関名称");
    let addresses = csv_column(&path, "住所");
    let clinics: Vec<usize> = (0..codes.len())
        .filter(|&i| addresses[i].starts_with("大阪市北区") && !names[i].contains("病院"))
        .take(3)
        .collect();
    use crate::todokede::{KijunRow, SHIEN_SHIN, ZAI_I_SOU_KAN};
    let row = |i: usize, (symbol, title): (&str, &str), since: &str| {
        KijunRow::new(&codes[i], &names[i], &addresses[i], symbol, title, since)
    };
    let rows = vec![
        row(clinics[0], SHIEN_SHIN[1], "令和 6年 6月 1日"),
        row(clinics[0], ZAI_I_SOU_KAN, "令和 2年 4月 1日"),
        row(clinics[1], SHIEN_SHIN[2], "平成30年 4月 1日"),
        row(clinics[2], ZAI_I_SOU_KAN, "令和 5年10月 1日"),
    ];
    crate::todokede::write_kijun(
        &raw.join("2025.10_sisetukijun_osaka_ika.xlsx"),
        "27",
        4,
        &rows,
        false,
    );
    let code10 = |i: usize| format!("271{}", codes[i]);
    ([code10(clinics[0]), code10(clinics[1])], code10(clinics[2]))
}

/// `dir/raw` holding links to the shared Osaka files (never copies).
pub(crate) fn link_raw(shared: &Path, dir: &Path) -> PathBuf {
    let raw = dir.join("raw");
    std::fs::create_dir(&raw).unwrap();
    for e in std::fs::read_dir(shared.join("osaka")).unwrap() {
        let e = e.unwrap();
        std::os::unix::fs::symlink(e.path(), raw.join(e.file_name())).unwrap();
    }
    raw
}

/// One build for all tests: a raw directory of links to the shared files (plus the
/// Japan Post codes, which live beside them), indexed with `data/osaka/dataset.toml`.
fn osaka() -> Option<&'static Osaka> {
    static OSAKA: OnceLock<Option<Osaka>> = OnceLock::new();
    OSAKA
        .get_or_init(|| {
            let shared = shared_data()?;
            let dir = tempfile::tempdir().unwrap();
            let raw = link_raw(&shared, dir.path());
            std::os::unix::fs::symlink(
                shared.join("geo/osaka_pref_postal_codes.csv"),
                raw.join("postal_codes.csv"),
            )
            .unwrap();
            let (support, home_visit_only) = write_filings(&shared, &raw);
            let dataset = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osaka");
            let (report, summary) =
                build_dataset(&dataset, Some(&raw), &dir.path().join("index"), "osaka").unwrap();
            let report = report.unwrap();
            println!("{report}{summary}");
            let index = SearchIndex::open(&dir.path().join("index/osaka")).unwrap();
            Some(Osaka {
                index_dir: dir.path().join("index/osaka"),
                _dir: dir,
                shared,
                index,
                report,
                support,
                home_visit_only,
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
        // Long-vowel marks and dashes typed for the hyphen between digits (issue 18).
        "東淀川区豊新2ー5ー1",
        "東淀川区豊新２―５‐１",
        "東淀川区豊新2ｰ5ｰ1",
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

#[test]
fn filings_make_real_clinics_answer_who_can_visit() {
    let Some(o) = osaka() else { return };
    let [a, b] = &o.support;
    let c = &o.home_visit_only;
    let at = |id: &str| o.index.facility(o.index.find(id).unwrap()).location;
    let home = at(a);
    let dir = tempfile::tempdir().unwrap();
    let index = o.index_dir.to_str().unwrap();
    let search = |args: &[&str]| -> Value {
        let mut all = vec!["search", "--index", index, "--json", "--limit", "500"];
        all.extend_from_slice(args);
        serde_json::from_str(&crate::support::cli::ok(dir.path(), &all)).unwrap()
    };
    let ids = |v: &Value| -> BTreeSet<String> { hit_ids(v).into_iter().collect() };
    // Who can visit a home at clinic A's door: A and B (both 在支診), not C.
    let point = format!("{},{}", home.lat, home.lon);
    let r = search(&["--covers", &point, "--cap", "在支診"]);
    let found = ids(&r);
    assert!(found.contains(a) && found.contains(b), "{found:?}");
    assert!(!found.contains(c));
    for h in r["hits"].as_array().unwrap() {
        assert!(h["distance_m"].as_f64().unwrap() <= 16_000.0, "{h}");
    }
    // The explanation and the record say where 在支診 comes from, and as of when.
    let hit = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == a.as_str())
        .unwrap();
    let explanation = hit["explanation"].as_str().unwrap();
    assert!(
        explanation.contains(
            "在宅療養支援診療所（厚生局 施設基準の届出 支援診２ 2024-06-01 算定開始・2025-10-01 現在）に対応"
        ),
        "{explanation}"
    );
    let claims = hit["capability_claims"].as_array().unwrap();
    assert!(claims.iter().any(|c| c["capability"] == "support_clinic"
        && c["since"] == "2024-06-01"
        && c["as_of"] == "2025-10-01"
        && c["filing"] == "支援診２"));
    // 20 km south of A: beyond the legal 16 km, so neither A nor B visits.
    let far = format!("{},{}", home.lat - 0.18, home.lon);
    let found = ids(&search(&["--covers", &far, "--cap", "在支診"]));
    assert!(!found.contains(a) && !found.contains(b), "{found:?}");
    // 在医総管 means 訪問診療: C is found by --cap 訪問診療, and so is A.
    let found = ids(&search(&["--cap", "訪問診療", "--ward", "北区"]));
    assert!(found.contains(c) && found.contains(a), "{found:?}");
    // The import summary counts the list.
    let j = &o.report.filings[0];
    assert_eq!(j.matched, 3);
    assert_eq!(
        j.summary.as_ref().unwrap().data_date.as_deref(),
        Some("2025-10-01")
    );
    assert!(o
        .report
        .to_string()
        .contains("3 institutions joined to facilities"));
}

/// Issue 11, high 4: an address table that lost most of its rows puts facilities at their
/// ward's centre; the geocoder then misses its documented bar and the import fails.
#[test]
fn a_cut_address_table_fails_the_geocoder_bar() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let raw = link_raw(&shared, dir.path());
    let towns = raw.join("japanese_addresses_osaka_city.csv");
    let text = std::fs::read_to_string(&towns).unwrap();
    std::fs::remove_file(&towns).unwrap();
    let kept: Vec<&str> = text.lines().take(text.lines().count() / 10).collect();
    std::fs::write(&towns, kept.join("\n") + "\n").unwrap();
    let dataset = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osaka");
    let e = zaitaku::import::load_dataset(&dataset, Some(&raw))
        .expect_err("the bar fails the import")
        .to_string();
    assert!(
        e.contains("japanese_addresses_osaka_city.csv") && e.contains("misses its bar"),
        "{e}"
    );
}

/// Issue 15 on real records: the team for a home at clinic A's door, with 在支診 asked.
/// Every member of every role is what a brute-force scan of the real index says (who
/// reaches the home, who fully fits, what each lacks, the order), and the two 在支診 of
/// the test's own 届出 are the visiting doctors that fully fit, with their 届出 named.
#[test]
fn the_team_for_a_real_home_matches_the_brute_force() {
    use zaitaku::team::{find_all, TeamParams, TeamQuery};
    let Some(o) = osaka() else { return };
    let [a, b] = &o.support;
    let home = o.index.facility(o.index.find(a).unwrap()).location;
    for scene in [None, Some("emergency")] {
        let p = TeamParams {
            covers: Some(format!("{},{}", home.lat, home.lon)),
            cap: vec!["在支診".into()],
            scene: scene.map(str::to_string),
            ..TeamParams::default()
        };
        let (q, point) = TeamQuery::resolve(&p, &o.index).unwrap();
        let team = find_all(&o.index, &q, point).unwrap();
        crate::team::check_against_brute_force(&o.index, &q, &team);
        let doctors = &team.roles[0];
        assert_eq!(doctors.role, "doctor");
        if scene.is_none() {
            let full: BTreeSet<String> = doctors
                .full
                .iter()
                .map(|m| m.facility.facility().id.0)
                .collect();
            assert_eq!(full, BTreeSet::from([a.clone(), b.clone()]));
            // C visits (在医総管) but lacks 在支診, and says so.
            let c = doctors
                .partial
                .iter()
                .find(|m| m.facility.facility().id.0 == *o.home_visit_only)
                .expect("C is a partial fit");
            assert_eq!(c.lacks, ["在宅療養支援診療所"]);
        }
        // Real offices: the ward's 相談支援室 and a 居宅介護支援 reach every home in the city.
        assert_eq!(team.ward.as_deref(), Some("大阪市北区"));
        assert!(!team.roles[2].full.is_empty() || !team.roles[2].partial.is_empty());
    }
}

/// Issue 16 on real records: the stored town coverage is what the search answers at the
/// towns' points (every 10th 町丁目 of the city), and the planners' supply figures are the
/// searches they link to.
#[test]
fn real_town_coverage_and_supply_are_what_search_answers() {
    let Some(o) = osaka() else { return };
    let coverage = o
        .index
        .coverage
        .as_ref()
        .expect("the real index has town coverage");
    assert!(coverage.towns.len() > 1500, "{}", coverage.towns.len());
    crate::coverage::check_towns(&o.index, 10);
    let s = zaitaku::coverage::supply::supply(&o.index, zaitaku::model::Day::today());
    let kita = s.areas.iter().find(|a| a.code == "27127").unwrap();
    let n = s
        .metrics
        .iter()
        .position(|m| m.code == "home_visit")
        .unwrap();
    // The test's own 届出 give 在医総管 (訪問診療) to two clinics of 北区, A and C.
    assert_eq!(kita.counts[n], 2);
    let s_n = s
        .metrics
        .iter()
        .position(|m| m.code == "support_clinic")
        .unwrap();
    assert!(kita.counts[s_n] >= 1, "{:?}", kita.counts);
}

/// Issue 18 on the real index: the precision guard (50 correctly spelled words cut from
/// real names answer the same top 10 with typo tolerance on and off), the variant and
/// look-alike classes a new user tried, and the two mistyped words that found nothing.
#[test]
fn real_names_as_people_type_them() {
    let Some(o) = osaka() else { return };
    let search = |q: &str, typo: bool| {
        run(
            &o.index,
            SearchParams {
                text: Some(q.into()),
                typo: (!typo).then(|| "false".into()),
                limit: Some("10".into()),
                ..Default::default()
            },
        )
    };
    // 50 words of 4–6 kana/kanji cut from real names, spread over the index.
    let facilities = o.index.facilities();
    let mut words: Vec<String> = Vec::new();
    for f in facilities.iter().step_by(facilities.len() / 97) {
        let chars: Vec<char> = f.name.chars().collect();
        let run_len = chars
            .iter()
            .take_while(|c| zaitaku::text::is_cjk(**c) || ('\u{30A1}'..='\u{30FC}').contains(*c))
            .count();
        let n = run_len.min(4 + words.len() % 3);
        if n >= 4 {
            let w: String = chars[..n].iter().collect();
            if !words.contains(&w) {
                words.push(w);
            }
        }
        if words.len() == 50 {
            break;
        }
    }
    assert_eq!(words.len(), 50, "{words:?}");
    for w in &words {
        let on = search(w, true);
        let off = search(w, false);
        assert!(off.total > 0, "{w}");
        assert!(on.corrected.is_none(), "{w}: {:?}", on.corrected);
        assert_eq!(on.total, off.total, "{w}");
        assert_eq!(
            on.hits.iter().map(|h| h.ord).collect::<Vec<_>>(),
            off.hits.iter().map(|h| h.ord).collect::<Vec<_>>(),
            "{w}"
        );
    }
    // Every real name written with a look-alike of the long vowel after kana is found by
    // the word typed with ー.
    let looks_alike: Vec<_> = facilities
        .iter()
        .filter(|f| {
            let c: Vec<char> = f.name.chars().collect();
            c.windows(2)
                .any(|w| ('\u{30A1}'..='\u{30F6}').contains(&w[0]) && "－‐―‒–—ｰ-".contains(w[1]))
        })
        .collect();
    println!(
        "{} real names write the long vowel with a look-alike",
        looks_alike.len()
    );
    for f in looks_alike.iter().take(20) {
        let typed: String = f
            .name
            .chars()
            .map(|c| {
                if "－‐―‒–—ｰ-".contains(c) {
                    'ー'
                } else {
                    c
                }
            })
            .collect();
        let r = run(
            &o.index,
            SearchParams {
                text: Some(typed.clone()),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        assert!(
            r.hits.iter().any(|h| h.facility().id == f.id),
            "{typed} finds {}",
            f.name
        );
    }
    // Mistyped words: each is corrected, and finds what the right word finds.
    for (typed, right) in [("訪門看護", "訪問看護"), ("クリニツク", "クリニック")]
    {
        let off = search(typed, false);
        assert_eq!(off.total, 0, "{typed}");
        let on = search(typed, true);
        let c = on.corrected.as_ref().unwrap_or_else(|| panic!("{typed}"));
        assert_eq!(c.words[0].to, right);
        assert_eq!(on.total, search(right, false).total, "{typed}");
    }
    // 在宅医療 itself is in no real name here, and no facility of this index has the
    // 在宅医療充実体制 届出: 在宅医寮 has nothing one edit away to be searched as.
    assert_eq!(search("在宅医療", false).total, 0);
    assert!(search("在宅医寮", true).corrected.is_none());
}
