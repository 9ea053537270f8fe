//! 地方厚生局 コード内容別医療機関一覧 (医科), saved as CSV with a header row:
//! 医療機関コード, name, postal code, address. No coordinates: every row is geocoded.

use std::path::Path;

use super::record::{non_empty, FileRead, RecordKey, RowOrigin, SourceRecord};
use super::table::{cell, Table};
use super::ImportError;
use crate::model::Kind;

pub fn read_kouseikyoku_ika(path: &Path, source: &str) -> Result<FileRead, ImportError> {
    let t = Table::read(path)?;
    let code9 = t.column(&["医療機関コード(9)", "医療機関コード（9）"]);
    let code7 = t.column(&["医療機関コード(7)", "医療機関コード（7）", "医療機関コード"]);
    let Some(code_col) = code9.clone().or(code7.clone()) else {
        return Err(t.require(&["医療機関コード"]).unwrap_err());
    };
    let name = t.require(&["医療機関名称", "医療機関名"])?;
    let address = t.require(&["住所", "医療機関所在地"])?;
    let postal = t.column(&["郵便番号"]);
    let phone = t.column(&["電話番号"]);
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    for (line, r) in &t.rows {
        // 9 digits = 都道府県 (2) + 7; the 7-digit form needs the prefecture from the 9.
        let c9 = cell(r, &code9);
        let c7 = cell(r, &code7);
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let code10 = if digits(c9, 9) {
            format!("{}1{}", &c9[..2], &c9[2..])
        } else if digits(c9, 10) {
            c9.to_string()
        } else if digits(c7, 7) && !c9.is_empty() && digits(&c9[..2.min(c9.len())], 2) {
            format!("{}1{c7}", &c9[..2])
        } else {
            out.rejected.push(t.cell_error(
                *line,
                &code_col,
                format!(
                    "医療機関コード '{}' is not 9 digits (都道府県 + 7)",
                    if c9.is_empty() { c7 } else { c9 }
                ),
            ));
            continue;
        };
        let (n, addr) = (
            cell(r, &Some(name.clone())),
            cell(r, &Some(address.clone())),
        );
        if n.is_empty() || addr.is_empty() {
            let col = if n.is_empty() { &name } else { &address };
            out.rejected
                .push(t.cell_error(*line, col, format!("{} is empty", col.name)));
            continue;
        }
        let postal_code = non_empty(&cell(r, &postal).replace(['-', '－', '〒'], ""));
        if let (Some(p), Some(col)) = (&postal_code, &postal) {
            if p.len() != 7 || !p.bytes().all(|b| b.is_ascii_digit()) {
                out.rejected.push(t.cell_error(
                    *line,
                    col,
                    format!("郵便番号 '{p}' is not 7 digits; ignored"),
                ));
            }
        }
        // The list does not say hospital or clinic; the name decides until ナビイ's
        // hospital list confirms it (see merge).
        let kind = if n.contains("病院") {
            Kind::Hospital
        } else {
            Kind::Clinic
        };
        out.records.push(SourceRecord {
            origin: RowOrigin {
                file: path.to_path_buf(),
                line: *line,
                source: source.to_string(),
            },
            key: RecordKey::Medical(code10),
            kinds: vec![kind],
            name: n.to_string(),
            name_kana: String::new(),
            postal_code: postal_code
                .filter(|p| p.len() == 7 && p.bytes().all(|b| b.is_ascii_digit())),
            address: addr.to_string(),
            address_column: (address.index + 1, address.name.clone()),
            municipality_code: None,
            point: None,
            phone: non_empty(cell(r, &phone)),
            fax: None,
            url: None,
            notes: Vec::new(),
        });
    }
    Ok(out)
}
