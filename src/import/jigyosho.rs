//! MHLW 介護サービス情報公表システム open data, `jigyosho_<service>.csv` (24 columns,
//! UTF-8 with BOM, CRLF). Columns are found by header name; the service kind comes from
//! `サービスの種類` (or the service code in the file name).

use std::path::Path;

use super::record::{non_empty, read_point, FileRead, RecordKey, SourceRecord};
use super::ImportError;
use crate::model::Kind;
use crate::table::Table;

/// 介護サービス (code in the file name, name in `サービスの種類`) → our kind. Services
/// that are not home-care resources of a kind we list are rejected with this table named.
pub const SERVICES: &[(&str, &str, Kind)] = &[
    ("130", "訪問看護", Kind::VisitingNursing),
    ("430", "居宅介護支援", Kind::CareManagement),
];

pub fn read_jigyosho(path: &Path, source: &str) -> Result<FileRead, ImportError> {
    let t = Table::read(path)?;
    let number = t.require(&["事業所番号"])?;
    let name = t.require(&["事業所名"])?;
    let address = t.require(&["住所"])?;
    let service = t.column(&["サービスの種類"]);
    let muni = t.column(&["都道府県コード又は市町村コード", "市区町村コード"]);
    let (lat, lon) = (t.column(&["緯度"]), t.column(&["経度"]));
    let kana = t.column(&["事業所名カナ"]);
    let (phone, fax, url) = (
        t.column(&["電話番号"]),
        t.column(&["FAX番号"]),
        t.column(&["URL"]),
    );
    let corp = t.column(&["法人の名称"]);
    let file_code = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("jigyosho_"))
        .unwrap_or("");
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    for r in &t.rows {
        let line = &r.line;
        let no = r.get(&number);
        if no.len() != 10 || !no.bytes().all(|b| b.is_ascii_digit()) {
            out.rejected.push(t.cell_error(
                *line,
                &number,
                format!("事業所番号 '{no}' is not 10 digits"),
            ));
            continue;
        }
        let svc = r.opt(&service);
        let kind = SERVICES
            .iter()
            .find(|(code, label, _)| {
                if svc.is_empty() {
                    *code == file_code
                } else {
                    *label == svc
                }
            })
            .map(|s| s.2);
        let Some(kind) = kind else {
            let col = service.clone().unwrap_or(number.clone());
            out.rejected.push(t.cell_error(
                *line,
                &col,
                format!(
                    "service '{svc}' is not one zaitaku lists ({})",
                    SERVICES.iter().map(|s| s.1).collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        let n = r.get(&name);
        if n.is_empty() {
            out.rejected
                .push(t.cell_error(*line, &name, "事業所名 is empty"));
            continue;
        }
        let addr = r.get(&address);
        if addr.is_empty() {
            out.rejected
                .push(t.cell_error(*line, &address, "住所 is empty"));
            continue;
        }
        let point = read_point(&t, *line, &lat, r.opt(&lat), r.opt(&lon), "緯度/経度")
            .unwrap_or_else(|e| {
                out.rejected.push(e);
                None
            });
        let municipality_code = Some(r.opt(&muni))
            .filter(|c| c.len() >= 5 && c.bytes().all(|b| b.is_ascii_digit()))
            .map(|c| c[..5].to_string());
        let mut notes = Vec::new();
        if let Some(c) = non_empty(r.opt(&corp)) {
            notes.push(format!("運営法人: {c}"));
        }
        let key = RecordKey::Jigyosho(no.to_string());
        let mut record = SourceRecord::new(&t, r, source, key, kind, n, (addr, &address));
        record.name_kana = r.opt(&kana).to_string();
        record.code_missing = muni.is_some() && municipality_code.is_none();
        record.municipality_code = municipality_code;
        record.point = point;
        record.phone = non_empty(r.opt(&phone));
        record.fax = non_empty(r.opt(&fax));
        record.url = non_empty(r.opt(&url));
        record.notes = notes;
        out.records.push(record);
    }
    Ok(out)
}
