//! MHLW 医療情報ネット（ナビイ）施設票 `0N-1_*_facility_info_*.csv` (65 columns in the
//! official file; any subset holding the needed columns works). `0.0,0.0` means "not
//! geocoded"; its `ID` is not the 医療機関コード, so rows are joined by name + address.

use std::path::Path;

use super::record::{non_empty, read_point, FileRead, RecordKey, RowOrigin, SourceRecord};
use super::table::{cell, Table};
use super::ImportError;
use crate::model::Kind;

/// 機関区分: 1 病院, 2 診療所, 3 歯科診療所.
fn kind_of(code: &str) -> Option<Kind> {
    match code {
        "1" => Some(Kind::Hospital),
        "2" => Some(Kind::Clinic),
        "3" => Some(Kind::DentalClinic),
        _ => None,
    }
}

pub fn read_navii(path: &Path, source: &str) -> Result<FileRead, ImportError> {
    let t = Table::read(path)?;
    let id = t.require(&["ID"])?;
    let name = t.require(&["正式名称"])?;
    let class = t.require(&["機関区分"])?;
    let address = t.require(&["所在地"])?;
    let (pref, city) = (t.column(&["都道府県コード"]), t.column(&["市区町村コード"]));
    let lat = t.column(&["所在地座標（緯度）", "所在地座標(緯度)"]);
    let lon = t.column(&["所在地座標（経度）", "所在地座標(経度)"]);
    let kana = t.column(&["正式名称（フリガナ）", "正式名称(フリガナ)"]);
    let url = t.column(&["案内用ホームページアドレス"]);
    let phone = t.column(&["案内用電話番号", "電話番号"]);
    let beds = t.column(&["合計病床数"]);
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    for (line, r) in &t.rows {
        let get = |c: &super::table::Col| cell(r, &Some(c.clone()));
        let the_id = get(&id);
        if the_id.is_empty() {
            out.rejected.push(t.cell_error(*line, &id, "ID is empty"));
            continue;
        }
        let Some(kind) = kind_of(get(&class)) else {
            out.rejected.push(t.cell_error(
                *line,
                &class,
                format!(
                    "機関区分 '{}' is not 1 (病院), 2 (診療所) or 3 (歯科)",
                    get(&class)
                ),
            ));
            continue;
        };
        let (n, addr) = (get(&name), get(&address));
        if n.is_empty() || addr.is_empty() {
            let col = if n.is_empty() { &name } else { &address };
            out.rejected
                .push(t.cell_error(*line, col, format!("{} is empty", col.name)));
            continue;
        }
        let point = read_point(&t, *line, &lat, cell(r, &lat), cell(r, &lon), "所在地座標")
            .unwrap_or_else(|e| {
                out.rejected.push(e);
                None
            });
        let municipality_code = match (cell(r, &pref), cell(r, &city)) {
            (p, c) if p.len() == 2 && !c.is_empty() && c.len() <= 3 => Some(format!("{p}{c:0>3}")),
            _ => None,
        };
        let mut notes = Vec::new();
        if let Some(b) = non_empty(cell(r, &beds)) {
            notes.push(format!("病床数 {b}"));
        }
        out.records.push(SourceRecord {
            origin: RowOrigin {
                file: path.to_path_buf(),
                line: *line,
                source: source.to_string(),
            },
            key: RecordKey::Navii(the_id.to_string()),
            kinds: vec![kind],
            name: n.to_string(),
            name_kana: cell(r, &kana).to_string(),
            postal_code: None,
            address: addr.to_string(),
            address_column: (address.index + 1, address.name.clone()),
            municipality_code,
            point,
            phone: non_empty(cell(r, &phone)),
            fax: None,
            url: non_empty(cell(r, &url)),
            notes,
        });
    }
    Ok(out)
}
