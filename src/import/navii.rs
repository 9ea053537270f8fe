//! MHLW 医療情報ネット（ナビイ）施設票 `0N-1_*_facility_info_*.csv` (65 columns in the
//! official file; any subset holding the needed columns works). `0.0,0.0` means "not
//! geocoded"; its `ID` is not the 医療機関コード, so rows are joined by name + address.

use std::path::Path;

use super::record::{non_empty, read_point, FileRead, RecordKey, SourceRecord};
use super::ImportError;
use crate::model::Kind;
use crate::table::Table;

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
    for r in &t.rows {
        let line = &r.line;
        let get = |c: &crate::table::Col| r.get(c);
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
        let point = read_point(&t, *line, &lat, r.opt(&lat), r.opt(&lon), "所在地座標")
            .unwrap_or_else(|e| {
                out.rejected.push(e);
                None
            });
        let municipality_code = match (r.opt(&pref), r.opt(&city)) {
            (p, c) if p.len() == 2 && !c.is_empty() && c.len() <= 3 => Some(format!("{p}{c:0>3}")),
            _ => None,
        };
        let mut notes = Vec::new();
        if let Some(b) = non_empty(r.opt(&beds)) {
            notes.push(format!("病床数 {b}"));
        }
        let key = RecordKey::Navii(the_id.to_string());
        let mut record = SourceRecord::new(&t, r, source, key, kind, n, (addr, &address));
        record.name_kana = r.opt(&kana).to_string();
        record.municipality_code = municipality_code;
        record.point = point;
        record.phone = non_empty(r.opt(&phone));
        record.url = non_empty(r.opt(&url));
        record.notes = notes;
        out.records.push(record);
    }
    Ok(out)
}
