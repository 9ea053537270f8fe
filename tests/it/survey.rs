//! Issue 14: the ward office's survey loop on the official fixtures. Export a ward's sheet,
//! fill answers as a ward clerk would (a new workbook with the same cells plus answers),
//! import it without and with --apply, rebuild, and see the answers in searches, facets and
//! the status expiry; then every bad sheet is refused by cell with nothing written.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use zaitaku::model::{Accepting, Day, WardCode};
use zaitaku::survey::{self, FIELDS, KEY_COLUMNS, README_SHEET, SHEET};
use zaitaku::table::read_sheet;
use zaitaku::{search, SearchIndex, SearchParams, SearchQuery};

use crate::official::Copy;

const KITA: WardCode = WardCode(27127);

/// The fixture dataset with a ward overlay directory, built.
fn dataset() -> (Copy, SearchIndex) {
    let c = Copy::new();
    let toml = c.dataset().join("dataset.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text.replace(
        "[overlay]\nfile = \"overlay.csv\"",
        "[overlay]\nfile = \"overlay.csv\"\ndir = \"overlay\"\naccepting_valid_days = 90",
    );
    assert!(text.contains("dir = \"overlay\""), "{text}");
    std::fs::write(&toml, text).unwrap();
    let (index, _) = c.build().unwrap();
    (c, index)
}

/// The column of an answer.
fn col(header: &str) -> u16 {
    let i = FIELDS.iter().position(|f| f.header == header).unwrap();
    (KEY_COLUMNS.len() + 2 * i + 1) as u16
}

/// Copies the exported workbook `from` to `to` with `answers` typed into the survey sheet
/// ((row, column, text), 0-based) and `extra` done to it.
fn fill(
    from: &Path,
    to: &Path,
    answers: &[(u32, u16, &str)],
    extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) {
    let mut book = Workbook::new();
    for name in [SHEET, README_SHEET] {
        let cells = read_sheet(from, name).unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in cells.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
        if name == SHEET {
            for (r, c, v) in answers {
                sheet.write_string(*r, *c, *v).unwrap();
            }
        }
    }
    extra(book.worksheet_from_name(SHEET).unwrap());
    book.save(to).unwrap();
}

/// The first facility row of the sheet whose id is `id` (0-based row).
fn row_of(sheet: &Path, id: &str) -> u32 {
    let cells = read_sheet(sheet, SHEET).unwrap();
    (1..cells.rows.len())
        .find(|r| cells.get(*r, 0) == id)
        .unwrap_or_else(|| panic!("{id} not in the sheet")) as u32
}

fn today() -> Day {
    Day::parse("2026-12-06").unwrap()
}

#[test]
fn export_fill_import_apply_rebuild() {
    let (c, index) = dataset();
    let dir = c.dir.path();
    let sheet = dir.join("kita.xlsx");
    let s = survey::export(&index, KITA, &sheet, today()).unwrap();
    assert_eq!(s.ward, "大阪市北区");
    // The sheet: keys and the current value with its source, for every facility of the ward.
    let cells = read_sheet(&sheet, SHEET).unwrap();
    assert_eq!(cells.rows.len() - 1, s.facilities);
    assert!(s.facilities >= 2, "{}", s.facilities);
    assert_eq!(cells.get(0, 0), "ID");
    assert_eq!(cells.get(0, col("車いす") as usize), "車いす");
    assert_eq!(cells.get(0, col("車いす") as usize - 1), "現在: 車いす");
    let readme = read_sheet(&sheet, README_SHEET).unwrap();
    assert!(readme.rows.iter().any(|r| r.iter().any(|c| c == "27127")));
    // The station the fixture's overlay marks: its current 受入状況 and its source.
    let station = "2760000001";
    let r = row_of(&sheet, station) as usize;
    let current = cells.get(r, col("受入状況") as usize - 1);
    assert!(
        current.contains("受入可") && current.contains("調査"),
        "{current}"
    );

    // A clerk answers for the station (車いす ○, 看取り ○, 要相談 confirmed on 11/20) and
    // for the hospital (積極的医療機関: both, 入退院支援 ○).
    let filled = dir.join("filled.xlsx");
    let r = r as u32;
    let h = row_of(&sheet, "2710000010");
    fill(
        &sheet,
        &filled,
        &[
            (r, col("車いす"), "○"),
            (r, col("看取り"), "○"),
            (r, col("受入状況"), "要相談"),
            (r, col("確認日"), "2026-11-20"),
            (r, col("調査者"), "北区 保健福祉課"),
            (h, col("積極的医療機関"), "両方"),
            (h, col("入退院支援"), "○"),
            (h, col("後方病床"), "空床あり"),
            (h, col("確認日"), "2026-11-21"),
        ],
        |_| {},
    );
    let read = survey::read(&filled, &index, today()).unwrap();
    assert_eq!(read.ward, KITA);
    assert_eq!(read.rows.len(), 2);
    let changes: Vec<String> = survey::diff(&read, &index)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        changes
            .iter()
            .any(|c| c.contains("看取り 追加") && c.contains("「○」")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.contains("受入状況 変更: 「受入可」→「要相談」")),
        "{changes:?}"
    );
    // Without --apply nothing is written.
    let overlay = c.dataset().join("overlay");
    assert!(!overlay.join("27127.csv").exists());
    let (path, rows) = survey::apply(&read, &overlay, "大阪市北区").unwrap();
    assert_eq!((path, rows), (overlay.join("27127.csv"), 2));

    // Rebuilt, the answers are in the index.
    let (index, report) = c.build().unwrap();
    let f = crate::official::facility(&index, station);
    assert_eq!(f.wheelchair, Some(true));
    assert!(f.has_capability(zaitaku::model::Capability::EndOfLife));
    assert_eq!(f.accepting_new, Accepting::Consult);
    assert_eq!(
        f.accepting_until.as_deref(),
        Some("2027-02-18"),
        "11/20 + 90 days"
    );
    let w = &report.ward_surveys;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].ward, w[0].surveyed), (KITA, 2));
    assert_eq!(w[0].not_surveyed, s.facilities - 2);
    // The ward's printed lists show the answers.
    let list = zaitaku::lists::ward_list(&index, KITA, today());
    let all: Vec<&zaitaku::lists::Entry> = list.sections.iter().flat_map(|s| &s.entries).collect();
    assert_eq!(all.len(), s.facilities);
    let e = all.iter().find(|e| e.id == station).unwrap();
    assert_eq!(
        (e.wheelchair.as_str(), e.accepting.as_str()),
        ("○", "要相談")
    );
    assert_eq!(e.confirmed, "2026-11-20");
    assert!(
        e.capabilities
            .iter()
            .any(|c| c.starts_with("在宅看取り（") && c.contains("調査")),
        "{:?}",
        e.capabilities
    );
    let csv = String::from_utf8(zaitaku::lists::to_csv(&list, false)).unwrap();
    assert!(
        csv.contains("訪問看護ステーション") && csv.lines().last().unwrap().starts_with("データ: "),
        "{csv}"
    );
    let active = zaitaku::lists::active_list(&index, KITA, today());
    let a = &active.sections[0].entries;
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].id, "2710000010");
    assert_eq!(a[0].roles, ["入院対応", "往診対応"]);
    // 後方病床 holds with its date, then reads 要確認.
    assert_eq!(a[0].backup_beds, "空床あり（2026-11-21 確認）");
    let later = zaitaku::lists::active_list(&index, KITA, Day::parse("2027-03-01").unwrap());
    assert_eq!(
        later.sections[0].entries[0].backup_beds,
        "要確認（最終確認 2026-11-21）"
    );
    let hospital = crate::official::facility(&index, "2710000010");
    assert_eq!(
        hospital
            .backup_beds
            .as_ref()
            .map(|b| (b.value.as_str(), b.until.as_str())),
        Some(("空床あり", "2027-02-19"))
    );
    assert!(
        a[0].functions.iter().any(|f| f == "入退院支援"),
        "{:?}",
        a[0].functions
    );
    // As xlsx: a workbook with the title and the rows.
    let xlsx = dir.join("active.xlsx");
    std::fs::write(&xlsx, zaitaku::lists::to_xlsx(&active, true).unwrap()).unwrap();
    let sheet_cells = read_sheet(&xlsx, "積極的医療機関").unwrap();
    assert!(sheet_cells.get(0, 0).contains("積極的役割を担う医療機関"));
    assert_eq!(sheet_cells.get(3, 4), "入院対応・往診対応");
    assert_eq!(sheet_cells.get(3, 6), "空床あり（2026-11-21 確認）");
    // 要相談 matches while it holds, and reads 要確認 (unknown) after its end.
    let count = |accepting: &str, day: &str| {
        let mut q = SearchQuery::parse(
            &SearchParams {
                accepting_new: Some(accepting.into()),
                ward: vec!["北区".into()],
                ..Default::default()
            },
            &index.regions,
        )
        .unwrap();
        q.today = Day::parse(day).unwrap();
        search(&index, &q)
            .unwrap()
            .hits
            .iter()
            .filter(|h| h.facility().id.0 == station)
            .map(|h| h.accepting_expired)
            .collect::<Vec<_>>()
    };
    assert_eq!(count("consult", "2027-02-18"), [false]);
    assert_eq!(count("consult", "2027-02-19"), Vec::<bool>::new());
    assert_eq!(count("unknown", "2027-02-19"), [true]);
    // Facets count the surveyed answer.
    let r = search(
        &index,
        &SearchQuery::parse(
            &SearchParams {
                ward: vec!["北区".into()],
                ..Default::default()
            },
            &index.regions,
        )
        .unwrap(),
    )
    .unwrap();
    let end_of_life = r
        .facets
        .capability
        .iter()
        .find(|f| f.code == "end_of_life")
        .unwrap();
    assert!(end_of_life.count >= 1);

    // A second import for the same ward keeps the first answers of other facilities and
    // replaces this one's.
    let again = dir.join("again.xlsx");
    let exported = dir.join("kita2.xlsx");
    survey::export(&index, KITA, &exported, today()).unwrap();
    let r = row_of(&exported, station);
    fill(
        &exported,
        &again,
        &[
            (r, col("受入状況"), "停止中"),
            (r, col("確認日"), "2026-12-01"),
        ],
        |_| {},
    );
    let read = survey::read(&again, &index, today()).unwrap();
    survey::apply(&read, &overlay, "大阪市北区").unwrap();
    let text = std::fs::read_to_string(overlay.join("27127.csv")).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains("停止中") && !text.contains("要相談"),
        "{text}"
    );
}

#[test]
fn bad_sheets_are_refused_by_cell_and_nothing_is_written() {
    let (c, index) = dataset();
    let dir = c.dir.path();
    let sheet = dir.join("kita.xlsx");
    survey::export(&index, KITA, &sheet, today()).unwrap();
    let station = "2760000001";
    let r = row_of(&sheet, station);
    let overlay = c.dataset().join("overlay");
    type Edit = Box<dyn FnOnce(&mut rust_xlsxwriter::Worksheet)>;
    /// What is wrong, the answers typed, what else is done to the sheet, the error's words.
    type Case<'a> = (&'a str, Vec<(u32, u16, &'a str)>, Edit, &'a str);
    let cases: Vec<Case> = vec![
        (
            "a wrong mark",
            vec![(r, col("車いす"), "まる"), (r, col("確認日"), "2026-11-20")],
            Box::new(|_| {}),
            "調査!",
        ),
        (
            "a date in the future",
            vec![(r, col("車いす"), "○"), (r, col("確認日"), "2027-01-01")],
            Box::new(|_| {}),
            "未来の日付",
        ),
        (
            "an answer without its date",
            vec![(r, col("車いす"), "○")],
            Box::new(|_| {}),
            "確認日を入力してください",
        ),
        (
            "an unknown id",
            vec![
                (r, 0, "2769999999"),
                (r, col("車いす"), "○"),
                (r, col("確認日"), "2026-11-20"),
            ],
            Box::new(|_| {}),
            "ID「2769999999」の施設はこの索引にありません",
        ),
        (
            "a moved column",
            vec![(0, col("車いす"), "小児")],
            Box::new(|_| {}),
            "見出しが「小児」ですが「車いす」のはずです",
        ),
        (
            "a formula",
            vec![(r, col("確認日"), "2026-11-20")],
            Box::new(move |s| {
                s.write_formula(r, col("車いす"), "=\"○\"").unwrap();
            }),
            "数式は使えません",
        ),
        (
            "a merged cell",
            vec![(r, col("確認日"), "2026-11-20")],
            Box::new(move |s| {
                s.merge_range(
                    r,
                    col("備考"),
                    r,
                    col("調査者"),
                    "x",
                    &rust_xlsxwriter::Format::new(),
                )
                .unwrap();
            }),
            "結合されたセルは使えません",
        ),
    ];
    for (what, answers, extra, needle) in cases {
        let bad = dir.join(format!("{what}.xlsx"));
        fill(&sheet, &bad, &answers, extra);
        let e = survey::read(&bad, &index, today())
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert!(e.contains(needle), "{what}: {e}");
        assert!(
            e.contains(&format!("{what}.xlsx:調査!")),
            "{what}: names the cell: {e}"
        );
        assert!(!overlay.exists(), "{what}: nothing written");
    }
    // A duplicated row names both rows.
    let dup = dir.join("dup.xlsx");
    let cells = read_sheet(&sheet, SHEET).unwrap();
    let next = cells.rows.len() as u32;
    let mut answers: Vec<(u32, u16, String)> = cells.rows[r as usize]
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(c, v)| (next, c as u16, v.clone()))
        .collect();
    answers.push((r, col("車いす"), "○".into()));
    answers.push((r, col("確認日"), "2026-11-20".into()));
    let refs: Vec<(u32, u16, &str)> = answers
        .iter()
        .map(|(a, b, c)| (*a, *b, c.as_str()))
        .collect();
    fill(&sheet, &dup, &refs, |_| {});
    let e = survey::read(&dup, &index, today()).unwrap_err().to_string();
    assert!(e.contains("行が2つあります"), "{e}");
    // A sheet from another ward: its 区コード says 都島区, its rows are 北区's.
    let other = dir.join("other.xlsx");
    let mut book = Workbook::new();
    for name in [SHEET, README_SHEET] {
        let cells = read_sheet(&sheet, name).unwrap();
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (ri, row) in cells.rows.iter().enumerate() {
            for (ci, v) in row.iter().enumerate() {
                let v = if v == "27127" && name == README_SHEET {
                    "27102"
                } else {
                    v.as_str()
                };
                if !v.is_empty() {
                    ws.write_string(ri as u32, ci as u16, v).unwrap();
                }
            }
        }
    }
    book.save(&other).unwrap();
    let e = survey::read(&other, &index, today())
        .unwrap_err()
        .to_string();
    assert!(e.contains("この調査票は大阪市都島区のものです"), "{e}");

    // Two imports at once: the second fails clearly while the first holds the lock.
    let good = dir.join("good.xlsx");
    fill(
        &sheet,
        &good,
        &[(r, col("車いす"), "○"), (r, col("確認日"), "2026-11-20")],
        |_| {},
    );
    let read = survey::read(&good, &index, today()).unwrap();
    std::fs::create_dir_all(&overlay).unwrap();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(overlay.join(".lock"))
        .unwrap();
    held.lock().unwrap();
    let e = survey::apply(&read, &overlay, "大阪市北区")
        .unwrap_err()
        .to_string();
    assert!(e.contains("another survey import"), "{e}");
    assert!(!overlay.join("27127.csv").exists());
    drop(held);
    survey::apply(&read, &overlay, "大阪市北区").unwrap();
    assert!(overlay.join("27127.csv").exists());
}

/// The CLI runs the same loop: export, import (changes only), import --apply.
#[test]
fn the_cli_runs_the_loop() {
    let (c, _) = dataset();
    let d = c.dir.path();
    let index = d.join("index/fixture");
    let index = index.to_str().unwrap();
    let out = crate::support::cli::ok(
        d,
        &[
            "survey", "export", "--ward", "北区", "--index", index, "-o", "t.xlsx",
        ],
    );
    assert!(out.contains("大阪市北区"), "{out}");
    let r = row_of(&d.join("t.xlsx"), "2760000001");
    fill(
        &d.join("t.xlsx"),
        &d.join("f.xlsx"),
        &[(r, col("小児"), "○"), (r, col("確認日"), "2026-11-20")],
        |_| {},
    );
    let dataset = c.dataset();
    let args = [
        "survey",
        "import",
        "f.xlsx",
        "--index",
        index,
        "--dataset",
        dataset.to_str().unwrap(),
    ];
    let shown = crate::support::cli::ok(d, &args);
    assert!(
        shown.contains("小児 追加") && shown.contains("nothing written"),
        "{shown}"
    );
    assert!(!dataset.join("overlay/27127.csv").exists());
    let mut apply = args.to_vec();
    apply.push("--apply");
    let done = crate::support::cli::ok(d, &apply);
    assert!(done.contains("27127.csv"), "{done}");
    crate::support::cli::bad(
        d,
        &["survey", "export", "--ward", "渋谷区", "--index", index],
        "「ward」の値「渋谷区」は使えません",
    );
}

/// The loop on the real Osaka City data (../shared/data): one ward's real facilities,
/// fictional answers written here, applied to a copy of the dataset and built in.
#[test]
fn the_loop_runs_on_a_real_ward() {
    let Some(shared) = crate::support::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let raw = crate::osaka::link_raw(&shared, dir.path());
    std::os::unix::fs::symlink(
        shared.join("geo/osaka_pref_postal_codes.csv"),
        raw.join("postal_codes.csv"),
    )
    .unwrap();
    // A copy of data/osaka whose overlay directory is writable.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dataset = dir.path().join("osaka");
    std::fs::create_dir(&dataset).unwrap();
    let toml = std::fs::read_to_string(repo.join("data/osaka/dataset.toml"))
        .unwrap()
        .replace(
            "\"../regions/",
            &format!("\"{}/data/regions/", repo.display()),
        );
    std::fs::write(dataset.join("dataset.toml"), toml).unwrap();
    let root = dir.path().join("index");
    crate::support::build_dataset(&dataset, Some(&raw), &root, "osaka").unwrap();
    let index = SearchIndex::open(&root.join("osaka")).unwrap();
    let ward = WardCode(27114);
    let sheet = dir.path().join("higashiyodogawa.xlsx");
    let s = survey::export(&index, ward, &sheet, today()).unwrap();
    assert!(s.facilities > 100, "{}", s.facilities);
    let cells = read_sheet(&sheet, SHEET).unwrap();
    let (a, b) = (cells.get(1, 0).to_string(), cells.get(2, 0).to_string());
    let filled = dir.path().join("filled.xlsx");
    fill(
        &sheet,
        &filled,
        &[
            (1, col("車いす"), "○"),
            (1, col("小児"), "×"),
            (1, col("受入状況"), "受入可"),
            (1, col("確認日"), "2026-11-20"),
            (2, col("医療的ケア児"), "○"),
            (2, col("確認日"), "2026-11-25"),
        ],
        |_| {},
    );
    let read = survey::read(&filled, &index, today()).unwrap();
    assert_eq!(read.rows.len(), 2);
    assert!(survey::diff(&read, &index).len() >= 3);
    survey::apply(&read, &dataset.join("overlay"), "大阪市東淀川区").unwrap();
    crate::support::build_dataset(&dataset, Some(&raw), &root, "osaka").unwrap();
    let index = SearchIndex::open(&root.join("osaka")).unwrap();
    let fa = crate::official::facility(&index, &a);
    assert_eq!((fa.wheelchair, fa.pediatric), (Some(true), Some(false)));
    assert_eq!(fa.accepting_new, Accepting::Yes);
    let fb = crate::official::facility(&index, &b);
    assert!(fb.has_capability(zaitaku::model::Capability::MedicalCareChildren));
    let list = zaitaku::lists::ward_list(&index, ward, today());
    let entry = list
        .sections
        .iter()
        .flat_map(|s| &s.entries)
        .find(|e| e.id == a)
        .unwrap();
    assert_eq!(
        (entry.wheelchair.as_str(), entry.confirmed.as_str()),
        ("○", "2026-11-20")
    );
}

/// An answer that says "no" to what an official 届出 gives is kept as a claim, not applied,
/// and counted in the ward's report line.
#[test]
fn a_survey_no_against_a_filing_is_counted_not_applied() {
    let (c, _) = dataset();
    let toml = c.dataset().join("dataset.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "[boundaries]",
        "[[source]]\nformat = \"shisetsu_kijun\"\nfile = \"*_sisetukijun_osaka_ika.xlsx\"\n\n[boundaries]",
    );
    std::fs::write(&toml, text).unwrap();
    let (symbol, title) = crate::todokede::ZAI_I_SOU_KAN;
    crate::todokede::write_kijun(
        &c.raw().join("2025.10_sisetukijun_osaka_ika.xlsx"),
        "27",
        4,
        &[crate::todokede::KijunRow::new(
            "0000010",
            "医療法人架空会 架空第一病院",
            "大阪市北区試験通５番地",
            symbol,
            title,
            "令和 6年 6月 1日",
        )],
        false,
    );
    let (index, _) = c.build().unwrap();
    let hospital = "2710000010";
    assert!(crate::official::facility(&index, hospital)
        .has_capability(zaitaku::model::Capability::HomeVisit));
    let dir = c.dir.path();
    let sheet = dir.join("kita.xlsx");
    survey::export(&index, KITA, &sheet, today()).unwrap();
    let r = row_of(&sheet, hospital);
    let filled = dir.join("no.xlsx");
    fill(
        &sheet,
        &filled,
        &[
            (r, col("日常の療養支援"), "×"),
            (r, col("確認日"), "2026-11-20"),
        ],
        |_| {},
    );
    let read = survey::read(&filled, &index, today()).unwrap();
    survey::apply(&read, &c.dataset().join("overlay"), "大阪市北区").unwrap();
    let (index, report) = c.build().unwrap();
    // The 届出 stands; the survey's no is a claim beside it, and the ward's line counts it.
    let f = crate::official::facility(&index, hospital);
    assert!(f.has_capability(zaitaku::model::Capability::HomeVisit));
    assert!(f
        .claims_for(zaitaku::model::Capability::HomeVisit)
        .any(|c| !c.value && !c.official));
    assert_eq!(
        report.ward_surveys[0].conflicts, 1,
        "{:?}",
        report.ward_surveys
    );
}
