//! 地方厚生局 コード内容別医療機関一覧表 (医科), as the bureau publishes it (Excel, title
//! rows above the header) or saved as CSV: 医療機関コード, name, postal code, address. No
//! coordinates: every row is geocoded.

use std::path::Path;

use super::record::{non_empty, FileRead, RecordKey, SourceRecord};
use super::ImportError;
use crate::model::Kind;
use crate::table::{fold_code, Col, Header, Row, Table};

/// The columns this reader uses, found by header name.
struct Columns {
    /// 都道府県 (2) + 7 digits, or the 10-digit form.
    code9: Option<Col>,
    code7: Option<Col>,
    name: Col,
    address: Col,
    postal: Option<Col>,
    phone: Option<Col>,
}

const CODE9: &[&str] = &["医療機関コード(9)", "医療機関コード（9）"];
const CODE7: &[&str] = &["医療機関コード(7)", "医療機関コード（7）", "医療機関コード"];
const NAME: &[&str] = &["医療機関名称", "医療機関名"];
const ADDRESS: &[&str] = &["住所", "医療機関所在地"];

impl Columns {
    fn find(t: &Table) -> Result<Self, ImportError> {
        let code9 = t.column(CODE9);
        let code7 = t.column(CODE7);
        if code9.is_none() && code7.is_none() {
            return Err(t.require(&["医療機関コード"]).unwrap_err());
        }
        Ok(Self {
            code9,
            code7,
            name: t.require(NAME)?,
            address: t.require(ADDRESS)?,
            postal: t.column(&["郵便番号"]),
            phone: t.column(&["電話番号"]),
        })
    }

    /// The 10-digit code (都道府県 + 点数表 1 + 7), from the 9- or 10-digit column, or the
    /// 7-digit one with the prefecture of the 9-digit column. Full-width digits are folded.
    fn code10(&self, r: &Row) -> Result<String, String> {
        let c9 = fold_code(r.opt(&self.code9));
        let c7 = fold_code(r.opt(&self.code7));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match (c9.len(), c7.len()) {
            (9, _) if digits(&c9) => Ok(format!("{}1{}", &c9[..2], &c9[2..])),
            (10, _) if digits(&c9) => Ok(c9),
            (_, 7) if digits(&c7) && c9.len() >= 2 && digits(&c9[..2]) => {
                Ok(format!("{}1{c7}", &c9[..2]))
            }
            _ => Err(format!(
                "医療機関コード '{}' is not 9 digits (都道府県 + 7)",
                if c9.is_empty() { c7 } else { c9 }
            )),
        }
    }
}

pub fn read_kouseikyoku_ika(path: &Path, source: &str) -> Result<FileRead, ImportError> {
    let wanted: &[&[&str]] = &[CODE9, CODE7, NAME, ADDRESS];
    let t = Table::read_with(path, Header::MostOf(wanted))?;
    let cols = Columns::find(&t)?;
    let code_col = cols.code9.clone().or(cols.code7.clone()).expect("checked");
    let mut out = FileRead {
        rows: t.rows.len(),
        ..FileRead::default()
    };
    for r in &t.rows {
        let code10 = match cols.code10(r) {
            Ok(c) => c,
            Err(reason) => {
                out.rejected.push(t.cell_error(r.line, &code_col, reason));
                continue;
            }
        };
        let (n, addr) = (r.get(&cols.name), r.get(&cols.address));
        if n.is_empty() || addr.is_empty() {
            let col = if n.is_empty() {
                &cols.name
            } else {
                &cols.address
            };
            out.rejected
                .push(t.cell_error(r.line, col, format!("{} is empty", col.name)));
            continue;
        }
        let postal_code = fold_code(r.opt(&cols.postal)).replace(['-', '〒'], "");
        let postal_ok = postal_code.len() == 7 && postal_code.bytes().all(|b| b.is_ascii_digit());
        if let (false, Some(col)) = (postal_code.is_empty() || postal_ok, &cols.postal) {
            out.rejected.push(t.cell_error(
                r.line,
                col,
                format!("郵便番号 '{postal_code}' is not 7 digits; ignored"),
            ));
        }
        // The list does not say hospital or clinic; the name decides until ナビイ's
        // hospital list confirms it (see merge).
        let kind = if n.contains("病院") {
            Kind::Hospital
        } else {
            Kind::Clinic
        };
        let key = RecordKey::Medical(code10);
        let mut record = SourceRecord::new(&t, r, source, key, kind, n, (addr, &cols.address));
        record.postal_code = Some(postal_code).filter(|_| postal_ok);
        record.phone = non_empty(r.opt(&cols.phone));
        out.records.push(record);
    }
    Ok(out)
}
