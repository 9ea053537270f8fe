//! A ward's own entries, which no official list has: its 在宅医療・介護連携相談支援室 and its
//! 地域包括支援センター (and their branches). Two shapes:
//! - the curated list (`data/offices.example.csv`): 種別, 名称, 郵便番号, 住所, 電話, FAX,
//!   受付時間, 担当区域 (wards or 市町村), URL, 備考 — checked like the overlay;
//! - 大阪市's 地域包括支援センター・ブランチ list as published: a title row, the ward named
//!   once per group, then 名称, 〒, 住所 (sometimes without 大阪市), 電話, FAX, URL, mail; in
//!   any encoding. Each centre serves its ward (the list gives no finer area).
//!
//! Both have no codes: an entry's id is made from its kind, name and address, so it stays
//! the same from one release to the next.

use std::path::Path;

use super::record::{non_empty, FileRead, RecordKey, SourceRecord};
use super::ImportError;
use crate::model::{Kind, Place, Regions};
use crate::table::{Header, Table};

/// The curated list's columns.
pub const OFFICE_COLUMNS: [&str; 10] = [
    "種別",
    "名称",
    "郵便番号",
    "住所",
    "電話",
    "FAX",
    "受付時間",
    "担当区域",
    "URL",
    "備考",
];

fn office_id(kind: Kind, name: &str, address: &str) -> String {
    let digest = crate::index::sha256_hex(format!("{}\n{name}\n{address}", kind.code()).as_bytes());
    format!("{}-{}", kind.code(), &digest[..10])
}

fn kind_of(s: &str) -> Option<Kind> {
    match s.trim() {
        "相談支援室" | "在宅医療・介護連携相談支援室" => {
            Some(Kind::HomeCareSupportOffice)
        }
        "地域包括支援センター" | "包括" | "ブランチ" | "地域包括支援センター・ブランチ" => {
            Some(Kind::CommunityCareCenter)
        }
        _ => None,
    }
}

/// Reads the curated list. Row problems are reported with their cell and the row is left
/// out; a file without the columns is an error.
pub fn read_offices(path: &Path, source: &str, regions: &Regions) -> Result<FileRead, ImportError> {
    let t = Table::read(path)?;
    let col = |n: &str| t.require(&[n]);
    let (kind, name, address) = (col("種別")?, col("名称")?, col("住所")?);
    let area = col("担当区域")?;
    let postal = t.column(&["郵便番号", "〒"]);
    let (phone, fax, hours, url, notes) = (
        t.column(&["電話"]),
        t.column(&["FAX"]),
        t.column(&["受付時間"]),
        t.column(&["URL"]),
        t.column(&["備考"]),
    );
    for (i, h) in t.header.iter().enumerate() {
        if !h.is_empty()
            && !OFFICE_COLUMNS
                .iter()
                .any(|c| crate::table::header_key(c) == *h)
        {
            return Err(t.cell_error(
                t.header_line,
                &crate::table::Col {
                    index: i,
                    name: h.clone(),
                },
                format!(
                    "unknown column '{h}'; the columns are {}",
                    OFFICE_COLUMNS.join(", ")
                ),
            ));
        }
    }
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    for r in &t.rows {
        let line = r.line;
        let Some(k) = kind_of(r.get(&kind)) else {
            out.rejected.push(t.cell_error(
                line,
                &kind,
                format!(
                    "種別 '{}' is not 相談支援室 or 地域包括支援センター",
                    r.get(&kind)
                ),
            ));
            continue;
        };
        let (n, a) = (r.get(&name), r.get(&address));
        if n.is_empty() || a.is_empty() {
            let c = if n.is_empty() { &name } else { &address };
            out.rejected
                .push(t.cell_error(line, c, "名称 and 住所 are needed"));
            continue;
        }
        // Wards or 市町村, or towns of the entry's own ward (checked once it is placed).
        let mut wards = Vec::new();
        let mut towns = Vec::new();
        for w in r
            .get(&area)
            .split(['・', '、', ';', ','])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            match regions.place(w) {
                Ok(p @ Place::Region(_)) => wards.extend(regions.leaves_of_place(&p)),
                _ => towns.push(w.to_string()),
            }
        }
        if !wards.is_empty() && !towns.is_empty() {
            out.rejected.push(t.cell_error(
                line,
                &area,
                "担当区域 names wards or towns of the entry's ward, not both",
            ));
            continue;
        }
        if wards.is_empty() && towns.is_empty() && k == Kind::CommunityCareCenter {
            out.rejected.push(t.cell_error(
                line,
                &area,
                "a 地域包括支援センター needs its 担当区域",
            ));
            continue;
        }
        wards.sort();
        wards.dedup();
        let mut rec = SourceRecord::new(
            &t,
            r,
            source,
            RecordKey::Office(office_id(k, n, a)),
            k,
            n,
            (a, &address),
        );
        rec.postal_code = non_empty(r.opt(&postal)).map(|p| p.replace(['-', '〒'], ""));
        rec.phone = non_empty(r.opt(&phone));
        rec.fax = non_empty(r.opt(&fax));
        rec.url = non_empty(r.opt(&url));
        rec.notes
            .extend(non_empty(r.opt(&hours)).map(|h| format!("受付時間: {h}")));
        rec.notes.extend(non_empty(r.opt(&notes)));
        rec.service_wards = wards;
        rec.service_towns = towns;
        out.records.push(rec);
    }
    Ok(out)
}

/// Reads 大阪市's 地域包括支援センター・ブランチ list in its published shape.
pub fn read_osaka_houkatsu(
    path: &Path,
    source: &str,
    regions: &Regions,
) -> Result<FileRead, ImportError> {
    let t = Table::read_with(path, Header::Containing(&[&["名称"], &["住所"]]))?;
    let name = t.require(&["名称"])?;
    let address = t.require(&["住所"])?;
    let ward_col = t.column(&["区名", "区", "行政区"]);
    let postal = t.column(&["〒", "郵便番号"]);
    let (phone, fax, url) = (
        t.column(&["電話", "電話番号"]),
        t.column(&["FAX", "ファックス"]),
        t.column(&["URL", "ホームページ"]),
    );
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    let mut ward = String::new();
    for r in &t.rows {
        let line = r.line;
        // The ward is named once, on its group's first row.
        let w = r.opt(&ward_col);
        if !w.is_empty() {
            ward = w.to_string();
        }
        let (n, a) = (r.get(&name), r.get(&address));
        if n.is_empty() && a.is_empty() {
            continue;
        }
        if n.is_empty() || a.is_empty() {
            let c = if n.is_empty() { &name } else { &address };
            out.rejected
                .push(t.cell_error(line, c, "名称 and 住所 are needed"));
            continue;
        }
        let found = regions.find(&ward);
        let Some(w) = found.first().filter(|_| found.len() == 1) else {
            let c = ward_col.as_ref().unwrap_or(&name);
            out.rejected.push(t.cell_error(
                line,
                c,
                format!("the group's ward '{ward}' is not a ward of this dataset"),
            ));
            continue;
        };
        // 住所 is written with or without 大阪市 (and sometimes without the ward).
        let full = if a.starts_with("大阪") {
            a.to_string()
        } else if a.starts_with(&w.name) {
            format!("大阪市{a}")
        } else {
            format!("{}{a}", regions.full_name(w.code))
        };
        let k = Kind::CommunityCareCenter;
        let mut rec = SourceRecord::new(
            &t,
            r,
            source,
            RecordKey::Office(office_id(k, n, &full)),
            k,
            n,
            (&full, &address),
        );
        rec.postal_code = non_empty(r.opt(&postal)).map(|p| p.replace(['-', '〒'], ""));
        rec.phone = non_empty(r.opt(&phone));
        rec.fax = non_empty(r.opt(&fax));
        rec.url = non_empty(r.opt(&url));
        rec.service_wards = vec![w.code];
        out.records.push(rec);
    }
    Ok(out)
}

/// A 包括 in both lists is one facility: the city's row (its address and phone, as
/// published) with the curated row's 担当区域 and notes. Matched by kind and name.
pub fn join_curated(records: &mut Vec<SourceRecord>) {
    let city = super::manifest::SourceFormat::OsakaHoukatsu.label();
    let curated = super::manifest::SourceFormat::Offices.label();
    let key = |r: &SourceRecord| crate::text::normalize(&r.name).replace(' ', "");
    let is = |r: &SourceRecord, label: &str| {
        matches!(r.key, RecordKey::Office(_)) && r.origin.source.starts_with(label)
    };
    let mut taken = Vec::new();
    for i in 0..records.len() {
        if !is(&records[i], city) {
            continue;
        }
        let name = key(&records[i]);
        let kinds = records[i].kinds.clone();
        if let Some(j) = (0..records.len()).find(|&j| {
            is(&records[j], curated)
                && !taken.contains(&j)
                && key(&records[j]) == name
                && records[j].kinds == kinds
        }) {
            let (wards, towns, notes) = (
                records[j].service_wards.clone(),
                records[j].service_towns.clone(),
                records[j].notes.clone(),
            );
            if !wards.is_empty() {
                records[i].service_wards = wards;
            }
            records[i].service_towns = towns;
            records[i].notes.extend(notes);
            taken.push(j);
        }
    }
    taken.sort_unstable();
    for j in taken.into_iter().rev() {
        records.remove(j);
    }
}
