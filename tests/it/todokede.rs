//! The official 届出 lists: the real 近畿厚生局 施設基準 file for 奈良県 (counts established
//! independently with openpyxl, not with this parser), fixture workbooks in the bureau's
//! layout written here with an xlsx writer (title rows, 和暦 dates, an institution with 20
//! 届出, unknown symbols, a malformed code, a zip around the workbook, a header that moved),
//! a 訪問看護 届出 list, and the join into a dataset with a conflicting overlay.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{Workbook, Worksheet};
use serde_json::Value;
use zaitaku::import::inspect::inspect;
use zaitaku::model::{Capability, CapabilityStatus};

use crate::support::cli::ok;
use crate::support::shared_data;

/// The bureau's 24 columns (施設基準の届出受理医療機関名簿).
pub const KIJUN_HEADER: [&str; 24] = [
    "項番",
    "都道府県コード",
    "都道府県名",
    "区分",
    "医療機関番号",
    "併設医療機関番号",
    "医療機関記号番号",
    "医療機関名称",
    "医療機関所在地（郵便番号）",
    "医療機関所在地（住所）",
    "電話番号",
    "FAX番号",
    "病床数",
    "受理届出名称",
    "受理記号",
    "受理番号",
    "算定開始年月日",
    "個別有効開始年月日",
    "備考（見出し）",
    "備考（データ）",
    "市町村コード",
    "市町村名",
    "種別コード",
    "種別",
];

/// One row of a 施設基準 list: an institution and one of its 届出 (empty symbol = none).
#[derive(Clone)]
pub struct KijunRow {
    pub number: String,
    pub name: String,
    pub address: String,
    pub title: String,
    pub symbol: String,
    pub receipt: String,
    pub since: String,
}

impl KijunRow {
    pub fn new(
        number: &str,
        name: &str,
        address: &str,
        symbol: &str,
        title: &str,
        since: &str,
    ) -> Self {
        Self {
            number: number.into(),
            name: name.into(),
            address: address.into(),
            title: title.into(),
            symbol: symbol.into(),
            receipt: if symbol.is_empty() {
                String::new()
            } else {
                "第101号".into()
            },
            since: since.into(),
        }
    }
}

/// Writes a workbook in the bureau's layout: row 2 the title with the data date, the header
/// on `header_row` (1-based; the bureau's is 4), data below; every cell is text. With
/// `cover`, an empty sheet comes first.
pub fn write_kijun(path: &Path, pref: &str, header_row: u32, rows: &[KijunRow], cover: bool) {
    let mut book = Workbook::new();
    if cover {
        book.add_worksheet().set_name("表紙").unwrap();
    }
    let sheet = titled_sheet(
        &mut book,
        &[
            "",
            "[令和７年１０月１日 現在 ]令和７年１０月１日作成 全医療機関出力",
        ],
    );
    for (c, h) in KIJUN_HEADER.iter().enumerate() {
        sheet.write_string(header_row - 1, c as u16, *h).unwrap();
    }
    let mut item = 0;
    let mut last = String::new();
    for (i, r) in rows.iter().enumerate() {
        if r.number != last {
            item += 1;
            last = r.number.clone();
        }
        let cells = [
            item.to_string(),
            pref.to_string(),
            "大阪府".into(),
            "医科".into(),
            r.number.clone(),
            String::new(),
            String::new(),
            r.name.clone(),
            "530-0001".into(),
            r.address.clone(),
            "06(0000)0000".into(),
            String::new(),
            String::new(),
            r.title.clone(),
            r.symbol.clone(),
            r.receipt.clone(),
            r.since.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet
                .write_string(header_row + i as u32, c as u16, v)
                .unwrap();
        }
    }
    book.save(path).unwrap();
}

/// A sheet named Sheet1 whose first rows hold these titles (empty = a blank row), as the
/// bureaus' files begin.
fn titled_sheet<'a>(book: &'a mut Workbook, titles: &[&str]) -> &'a mut Worksheet {
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1").unwrap();
    for (row, title) in titles.iter().enumerate() {
        if !title.is_empty() {
            sheet.write_string(row as u32, 0, *title).unwrap();
        }
    }
    sheet
}

/// The real 支援診/在医総管 texts of the 2024 (令和6年度) lists.
pub const SHIEN_SHIN: [(&str, &str); 3] = [
    (
        "支援診１",
        "別添１の「第９」の１の(１)に規定する在宅療養支援診療所",
    ),
    (
        "支援診２",
        "別添１の「第９」の１の(２)に規定する在宅療養支援診療所",
    ),
    (
        "支援診３",
        "別添１の「第９」の１の(３)に規定する在宅療養支援診療所",
    ),
];
pub const ZAI_I_SOU_KAN: (&str, &str) = (
    "在医総管１",
    "在宅時医学総合管理料及び施設入居時等医学総合管理料",
);

fn zip_file(path: &Path, member: &str, bytes: &[u8]) {
    let mut z = zip::ZipWriter::new(fs::File::create(path).unwrap());
    z.start_file(member, zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(bytes).unwrap();
    z.finish().unwrap();
}

#[test]
fn the_real_nara_file_counts_as_openpyxl_counts_it() {
    let Some(shared) = shared_data() else { return };
    let path = shared.join("kinki/2025.10_sisetukijun_nara_ika.xlsx");
    let i = inspect(&path).unwrap();
    assert_eq!(i.format, "shisetsu_kijun");
    assert_eq!(i.data_date.as_deref(), Some("2025-10-01"));
    assert_eq!(i.rows, 9555);
    assert_eq!(i.institutions, 1130);
    assert_eq!(i.institutions_by_symbol.len(), 652);
    assert!(
        i.rejected.is_empty(),
        "{:?}",
        &i.rejected[..3.min(i.rejected.len())]
    );
    // Distinct institutions per 受理記号, counted with openpyxl from the sheet's XML.
    let expected = [
        ("支援診１", 4),
        ("支援診２", 45),
        ("支援診３", 152),
        ("支援病１", 5),
        ("支援病２", 4),
        ("支援病３", 13),
        ("在後病", 5),
        ("在医総管１", 335),
        ("在医総管２", 2),
        ("在総", 160),
        ("在緩診実", 24),
        ("在緩診病", 2),
        ("在宅ＤＸ", 71),
        ("訪看充", 3),
        ("訪看専", 3),
        // Symbols some institutions file twice (rows ≠ institutions).
        ("療", 39),
        ("看補", 20),
    ];
    for (symbol, n) in expected {
        assert_eq!(i.institutions_by_symbol.get(symbol), Some(&n), "{symbol}");
    }
    // らくじクリニック holds 支援診２ and 支援診３: 200 clinics in all, not 201.
    assert_eq!(i.capabilities["support_clinic"], 200);
    assert_eq!(i.capabilities["support_hospital"], 22);
    assert_eq!(i.capabilities["enhanced_linked"], 45 + 4);
    assert!(i.unknown_home_care.is_empty(), "{:?}", i.unknown_home_care);

    // The command prints the same as JSON, with the keys ward offices' checks read.
    let dir = tempfile::tempdir().unwrap();
    let json: Value = serde_json::from_str(&ok(
        dir.path(),
        &["inspect", path.to_str().unwrap(), "--json"],
    ))
    .unwrap();
    for key in [
        "format",
        "data_date",
        "rows",
        "institutions",
        "institutions_by_symbol",
        "capabilities",
        "rejected",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["institutions_by_symbol"]["支援診２"], 45);
    assert_eq!(json["rows"], 9555);
}

/// An institution with 20 届出, another with a 支援診 whose name text does not match, an
/// unknown home-care symbol, a malformed code and a date that is not a date.
fn fixture_rows() -> Vec<KijunRow> {
    let mut rows = Vec::new();
    let a = |symbol: &str, title: &str, since: &str| {
        KijunRow::new(
            "0110011",
            "医療法人架空会　架空在宅クリニック",
            "大阪市北区試験通１番",
            symbol,
            title,
            since,
        )
    };
    rows.push(a(SHIEN_SHIN[1].0, SHIEN_SHIN[1].1, "令和 4年 5月 1日"));
    rows.push(a(ZAI_I_SOU_KAN.0, ZAI_I_SOU_KAN.1, "平成31年 4月 1日"));
    rows.push(a("在総", "在宅がん医療総合診療料", "令和元年 5月 1日"));
    for n in 0..17 {
        rows.push(a(
            &format!("外来{n}"),
            &format!("外来の加算{n}"),
            "令和 6年 6月 1日",
        ));
    }
    rows.push(KijunRow::new(
        "0110022",
        "見本医院",
        "大阪市北区試験通２番",
        "支援診１",
        SHIEN_SHIN[2].1,
        "令和 6年 6月 1日",
    ));
    rows.push(KijunRow::new(
        "0110033",
        "新記号医院",
        "大阪市北区試験通３番",
        "在新連",
        "在宅医療新連携加算",
        "令和 7年 6月 1日",
    ));
    rows.push(KijunRow::new(
        "01100X4",
        "番号誤り医院",
        "大阪市北区試験通４番",
        "支援診３",
        SHIEN_SHIN[2].1,
        "令和 6年 6月 1日",
    ));
    rows.push(KijunRow::new(
        "０１１００５５",
        "全角番号医院",
        "大阪市北区試験通５番",
        "支援診３",
        SHIEN_SHIN[2].1,
        "令和 6年13月 1日",
    ));
    rows.push(KijunRow::new(
        "0110066",
        "届出なし医院",
        "大阪市北区試験通６番",
        "",
        "",
        "",
    ));
    rows
}

fn check_fixture(i: &zaitaku::import::inspect::Inspection, sheet_row: impl Fn(usize) -> u32) {
    assert_eq!(i.format, "shisetsu_kijun");
    assert_eq!(i.data_date.as_deref(), Some("2025-10-01"));
    assert_eq!(i.rows, 25);
    // Six institutions: the malformed code is rejected, the full-width one read.
    assert_eq!(i.institutions, 5);
    assert_eq!(i.institutions_by_symbol["在医総管１"], 1);
    assert_eq!(i.institutions_by_symbol["外来16"], 1);
    assert_eq!(i.institutions_by_symbol["支援診３"], 1);
    assert_eq!(i.unknown_symbols["在新連"], 1);
    assert_eq!(i.unknown_home_care["在新連"], "在宅医療新連携加算");
    assert_eq!(
        i.capabilities["support_clinic"], 2,
        "支援診２ and the full-width 支援診３"
    );
    assert_eq!(i.capabilities["home_visit"], 1);
    let positions: BTreeMap<&str, &str> = i
        .rejected
        .iter()
        .map(|r| (r.position.rsplit(':').next().unwrap(), r.reason.as_str()))
        .collect();
    // Row 24 (data row 23): the malformed code, at column E (医療機関番号).
    let code_cell = format!("Sheet1!E{}", sheet_row(23));
    assert!(
        positions[code_cell.as_str()].contains("'01100X4' is not 7 digits"),
        "{positions:?}"
    );
    let date_cell = format!("Sheet1!Q{}", sheet_row(24));
    assert!(
        positions[date_cell.as_str()].contains("'令和 6年13月 1日' is not a date"),
        "{positions:?}"
    );
    // 支援診１ whose 名称 says (３): not applied, reported at its 受理記号 cell.
    let sym_cell = format!("Sheet1!O{}", sheet_row(21));
    assert!(
        positions[sym_cell.as_str()].contains("not applied"),
        "{positions:?}"
    );
    assert_eq!(i.rejected.len(), 3, "{:?}", i.rejected);
}

#[test]
fn fixture_workbooks_in_the_bureaus_layout() {
    let dir = tempfile::tempdir().unwrap();
    let rows = fixture_rows();
    // As published: header on row 4, data from row 5.
    let xlsx = dir.path().join("2025.10_sisetukijun_osaka_ika.xlsx");
    write_kijun(&xlsx, "27", 4, &rows, false);
    check_fixture(&inspect(&xlsx).unwrap(), |n| 4 + n as u32);

    // Zipped, as ward offices sometimes download it.
    let zipped = dir.path().join("sisetukijun.zip");
    zip_file(
        &zipped,
        "2025.10_sisetukijun_osaka_ika.xlsx",
        &fs::read(&xlsx).unwrap(),
    );
    let i = inspect(&zipped).unwrap();
    check_fixture(&i, |n| 4 + n as u32);
    assert!(i.rejected[0]
        .position
        .contains("sisetukijun.zip/2025.10_sisetukijun_osaka_ika.xlsx:Sheet1!"));

    // The header moved down three rows, behind a cover sheet: found by its names.
    let moved = dir.path().join("moved.xlsx");
    write_kijun(&moved, "27", 7, &rows, true);
    check_fixture(&inspect(&moved).unwrap(), |n| 7 + n as u32);

    // The claims keep the 届出, its 算定開始 as an ISO date and the list's date.
    let list = zaitaku::import::todokede::read_filing_file(&xlsx, None).unwrap();
    let f = list
        .filings
        .iter()
        .find(|f| f.symbol == "支援診２")
        .unwrap();
    let claims = list.capabilities_of(f).unwrap();
    let support = claims
        .iter()
        .find(|c| c.capability == Capability::SupportClinic)
        .unwrap();
    assert_eq!(support.since.as_deref(), Some("2022-05-01"));
    assert_eq!(support.as_of.as_deref(), Some("2025-10-01"));
    assert_eq!(support.receipt.as_deref(), Some("第101号"));
    assert!(support.official && !support.implied);
    let implied: Vec<Capability> = claims
        .iter()
        .filter(|c| c.implied)
        .map(|c| c.capability)
        .collect();
    assert_eq!(
        implied,
        vec![
            Capability::HouseCall,
            Capability::Around24h,
            Capability::EndOfLife
        ]
    );

    // A file of another kind is named as such, with what its header holds.
    let other = dir.path().join("other.csv");
    fs::write(&other, "a,b\n1,2\n").unwrap();
    let e = inspect(&other).unwrap_err().to_string();
    assert!(
        e.contains("not a format zaitaku reads: the header has a, b"),
        "{e}"
    );
}

/// A 訪問看護 届出 list in the layout described by the bureau: multi-line cells, the 届出 in
/// one cell with (訪看NN) codes.
pub fn write_nursing(path: &Path, rows: &[[&str; 5]]) {
    let mut book = Workbook::new();
    let sheet = titled_sheet(
        &mut book,
        &[
            "届出受理指定訪問看護事業所名簿",
            "[令和７年１０月１日 現在 ]",
        ],
    );
    let header = [
        "項番",
        "開設者名\n事業所名称",
        "〒\n所在地",
        "電話番号\nFAX番号",
        "受理届出名称",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            sheet.write_string(4 + i as u32, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn nursing_filings_are_read_by_name_not_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("houmonkango_osaka.xlsx");
    write_nursing(
        &path,
        &[
            [
                "1",
                "株式会社あおば\n訪問看護ステーションあおば",
                "〒530-0001\n大阪市北区試験通１",
                "06-0000-1111\n06-0000-1112",
                "24時間対応体制加算(訪看12)\n特別管理加算(訪看15)",
            ],
            [
                "2",
                "合同会社みどり\nみどり訪問看護",
                "〒534-0001\n大阪市都島区見本町２",
                "06-0000-2222",
                "機能強化型訪問看護管理療養費１（訪看20）\n新しい加算(訪看99)",
            ],
        ],
    );
    let i = inspect(&path).unwrap();
    assert_eq!(i.format, "houmon_kango");
    assert_eq!((i.rows, i.institutions), (2, 2));
    assert_eq!(i.data_date.as_deref(), Some("2025-10-01"));
    assert_eq!(
        i.capabilities["24h"], 2,
        "24時間対応体制加算, and implied by 機能強化型"
    );
    assert_eq!(i.capabilities["special_management"], 2);
    assert_eq!(i.capabilities["enhanced_nursing"], 1);
    assert_eq!(i.unknown_symbols["新しい加算"], 1);
}

/// The fixture dataset with a 施設基準 list and a 訪問看護 list added, and an overlay that
/// says "no 24時間" for a clinic whose 届出 says 支援診.
#[test]
fn filings_join_the_dataset_and_beat_a_conflicting_overlay() {
    let c = crate::official::Copy::new();
    let manifest = c.dataset().join("dataset.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let text = text.replace(
        "[boundaries]",
        "[[source]]\nformat = \"shisetsu_kijun\"\nfile = \"*_sisetukijun_osaka_ika.xlsx\"\noptional = true\n\n[[source]]\nformat = \"shisetsu_kijun\"\nfile = \"*_sisetukijun_osaka_shika.xlsx\"\noptional = true\n\n[[source]]\nformat = \"houmon_kango\"\nfile = \"houmonkango.xlsx\"\n\n[boundaries]",
    );
    fs::write(&manifest, text).unwrap();
    // 見本クリニック (0000011, 都島区) files 支援診２; the hospital (0000010) 在医総管;
    // one code of the area matches nothing; one institution is in 堺市.
    let rows = vec![
        KijunRow::new(
            "0000011",
            "見本クリニック",
            "大阪市都島区見本町一丁目２番３号",
            SHIEN_SHIN[1].0,
            SHIEN_SHIN[1].1,
            "令和 6年 6月 1日",
        ),
        KijunRow::new(
            "0000010",
            "医療法人架空会　架空第一病院",
            "大阪市北区試験通５番地",
            ZAI_I_SOU_KAN.0,
            ZAI_I_SOU_KAN.1,
            "令和 2年 4月 1日",
        ),
        KijunRow::new(
            "0000099",
            "どこにもない医院",
            "大阪市北区架空町９",
            SHIEN_SHIN[2].0,
            SHIEN_SHIN[2].1,
            "令和 6年 6月 1日",
        ),
        KijunRow::new(
            "0000098",
            "堺の医院",
            "堺市堺区試験町１",
            SHIEN_SHIN[2].0,
            SHIEN_SHIN[2].1,
            "令和 6年 6月 1日",
        ),
    ];
    write_kijun(
        &c.raw().join("2025.10_sisetukijun_osaka_ika.xlsx"),
        "27",
        4,
        &rows,
        false,
    );
    write_nursing(
        &c.raw().join("houmonkango.xlsx"),
        &[
            // By phone: 【試験】架空訪問看護ステーション has 06-0000-0001.
            [
                "1",
                "株式会社架空\n架空ステーション（旧名）",
                "〒530-0001\n大阪市北区架空町1丁目2-3",
                "06-0000-0001",
                "24時間対応体制加算(訪看12)",
            ],
            // By name + 市区町村: 【試験】見本訪問看護 has no phone.
            [
                "2",
                "株式会社見本\n【試験】見本訪問看護",
                "〒534-0000\n大阪市都島区見本町1-5-1",
                "",
                "特別管理加算(訪看15)",
            ],
            [
                "3",
                "未登録\n未登録ステーション",
                "大阪市北区試験通９",
                "06-9999-9999",
                "24時間対応体制加算(訪看12)",
            ],
        ],
    );
    // The ward's survey says 見本クリニック has no 24時間対応.
    let overlay = c.dataset().join("overlay.csv");
    let text = fs::read_to_string(&overlay).unwrap();
    fs::write(
        &overlay,
        text.replace(
            "0000011,,見本クリニック,往診,,",
            "0000011,,見本クリニック,往診,×,",
        ),
    )
    .unwrap();

    let (index, report) = c.build().unwrap();
    let clinic = crate::official::facility(&index, "2710000011");
    assert!(clinic.has_capability(Capability::SupportClinic));
    assert!(clinic.has_capability(Capability::EnhancedLinked));
    // The 届出 wins; both values are kept.
    assert_eq!(
        clinic.capability_status(Capability::Around24h),
        CapabilityStatus::Yes
    );
    let sources: Vec<(bool, bool)> = clinic
        .claims_for(Capability::Around24h)
        .map(|c| (c.official, c.value))
        .collect();
    assert_eq!(sources, vec![(true, true), (false, false)]);
    assert_eq!(report.capability_conflicts.len(), 1);
    assert_eq!(
        report.capability_conflicts[0].capability,
        Capability::Around24h
    );
    // Not in any list is unknown, never "no".
    assert_eq!(
        clinic.capability_status(Capability::Ventilator),
        CapabilityStatus::Unknown
    );
    let hospital = crate::official::facility(&index, "2710000010");
    assert!(hospital.has_capability(Capability::HomeVisit));

    let kijun = &report.filings[0];
    assert_eq!(kijun.matched, 2);
    assert_eq!(kijun.outside, 1);
    assert_eq!(kijun.unmatched.len(), 1);
    assert_eq!(kijun.unmatched[0].2, "2710000099");
    let nursing = &report.filings[1];
    assert_eq!((nursing.matched_by_phone, nursing.matched_by_name), (1, 1));
    assert_eq!(nursing.unmatched.len(), 1);
    let station = crate::official::facility(&index, "2760000001");
    assert!(station.has_capability(Capability::Around24h));
    let other = crate::official::facility(&index, "2760000002");
    assert!(other.has_capability(Capability::SpecialManagement));
    assert_eq!(
        report.missing_optional,
        vec!["*_sisetukijun_osaka_shika.xlsx".to_string()]
    );

    // The import summary says all of it.
    let shown = report.to_string();
    for needle in [
        "届出: 厚生局 施設基準の届出",
        "(2025-10-01 現在)",
        "2 institutions joined to facilities",
        "1 institutions outside the dataset's municipalities (1 rows, skipped)",
        "1 institutions in the area match no facility",
        "どこにもない医院 (2710000099)",
        "(1 by phone, 1 by name + 市区町村)",
        "overlay values that disagree with a 届出 (1; both kept, the 届出 wins)",
        "optional file '*_sisetukijun_osaka_shika.xlsx' not in the raw directory",
    ] {
        assert!(shown.contains(needle), "{needle} not in:\n{shown}");
    }
}

/// The 厚生局 コード内容別医療機関一覧表 as the bureau publishes it: Excel, title rows above
/// the header, codes typed in full width by someone. No "save as CSV" step.
#[test]
fn the_bureaus_code_list_is_read_as_published_excel() {
    let c = crate::official::Copy::new();
    let csv_path = c.raw().join("kouseikyoku_ika_27_202508.csv");
    let text = fs::read_to_string(&csv_path).unwrap();
    fs::remove_file(&csv_path).unwrap();
    let manifest = c.dataset().join("dataset.toml");
    let m = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        m.replace("kouseikyoku_ika_27_*.csv", "kouseikyoku_ika_27_*"),
    )
    .unwrap();
    let mut book = Workbook::new();
    let sheet = titled_sheet(
        &mut book,
        &[
            "コード内容別医療機関一覧表（医科）",
            "[令和７年８月１日 現在 ]",
        ],
    );
    for (r, line) in text.lines().enumerate() {
        for (col, cell) in line.split(',').enumerate() {
            // The first clinic's 7-digit code typed in full width.
            let cell = if cell == "0000011" {
                "０００００１１"
            } else {
                cell
            };
            sheet.write_string(3 + r as u32, col as u16, cell).unwrap();
        }
    }
    book.save(c.raw().join("kouseikyoku_ika_27_202508.xlsx"))
        .unwrap();

    let (index, report) = c.build().unwrap();
    assert_eq!(index.len(), 7, "as from the CSV");
    assert!(index.find("2710000011").is_some());
    // The malformed code is reported at its cell, in the sheet's own coordinates.
    let bad = report
        .rejected
        .iter()
        .find(|e| e.reason.contains("27000001X"))
        .unwrap_or_else(|| panic!("{:?}", report.rejected));
    assert!(
        bad.to_string()
            .contains("kouseikyoku_ika_27_202508.xlsx:Sheet1!A7"),
        "{bad}"
    );
}
