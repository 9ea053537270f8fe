//! 届出受理指定訪問看護事業所名簿 (per prefecture, Excel): title rows, a header, then one row
//! per station. Cells hold several lines (`法人名\n事業所名`, `〒\n住所`, `電話\nFAX`), and
//! the accepted 届出 are listed in one cell as names with `(訪看NN)` codes. 届出 are mapped
//! by their name, never by the number (public parsers disagree on what the numbers mean).
//!
//! No real file of this list was at hand when this reader was written: the header words
//! below come from the layout as described, and are the one place to adjust.

use std::path::Path;

use super::{Filing, FilingFormat, FilingList, Holder, Listed};
use crate::table::{wareki, Col, ImportError, Table};

/// Header words of each column (compared without spaces and line breaks, NFKC).
const NAME: &[&str] = &[
    "開設者名事業所名称",
    "開設者名・事業所名称",
    "法人名事業所名",
    "事業所名称",
    "事業所名",
];
const ADDRESS: &[&str] = &["〒所在地", "事業所所在地", "所在地", "住所"];
const PHONE: &[&str] = &["電話番号FAX番号", "電話番号・FAX番号", "電話番号"];
const FILINGS: &[&str] = &["受理届出名称", "届出受理状況", "受理届出"];
const SINCE: &[&str] = &["算定開始年月日", "受理年月日"];

pub(crate) const SIGNATURE: &[&[&str]] = &[NAME, ADDRESS, FILINGS];

struct Columns {
    name: Col,
    address: Col,
    phone: Option<Col>,
    filings: Col,
    since: Option<Col>,
}

pub fn read(path: &Path, t: Table) -> Result<FilingList, ImportError> {
    let cols = Columns {
        name: t.require(NAME)?,
        address: t.require(ADDRESS)?,
        phone: t.column(PHONE),
        filings: t.require(FILINGS)?,
        since: t.column(SINCE),
    };
    let mut list = FilingList::new(path, &t, FilingFormat::HoumonKango);
    for r in &t.rows {
        let name = last_line(r.get(&cols.name));
        if name.is_empty() {
            list.rejected
                .push(t.cell_error(r.line, &cols.name, "事業所名 is empty"));
            continue;
        }
        let address = lines(r.get(&cols.address))
            .filter(|l| !l.starts_with('〒'))
            .collect::<Vec<_>>()
            .join("");
        let phone = lines(r.opt(&cols.phone)).next().unwrap_or("").to_string();
        list.listed.insert(
            Holder::Station(r.line),
            Listed {
                line: r.line,
                name: name.to_string(),
                address: address.clone(),
                phone: phone.clone(),
            },
        );
        let since = match r.opt(&cols.since) {
            "" => None,
            d => wareki::parse_date(lines(d).next().unwrap_or("")),
        };
        for item in r.get(&cols.filings).split(['\n', '、', '，']) {
            let title = strip_code(item.trim());
            if title.is_empty() {
                continue;
            }
            list.filings.push(Filing {
                line: r.line,
                holder: Holder::Station(r.line),
                holder_name: name.to_string(),
                address: address.clone(),
                phone: phone.clone(),
                symbol: title.to_string(),
                symbol_column: (cols.filings.index + 1, cols.filings.name.clone()),
                title: title.to_string(),
                receipt: code_of(item.trim()),
                since: since.clone(),
            });
        }
    }
    Ok(list)
}

fn lines(cell: &str) -> impl Iterator<Item = &str> {
    cell.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// `法人名\n事業所名` → the station's name.
fn last_line(cell: &str) -> &str {
    lines(cell).last().unwrap_or("")
}

/// `24時間対応体制加算(訪看12)` → `24時間対応体制加算`.
fn strip_code(item: &str) -> &str {
    match item.rfind(['(', '（']) {
        Some(at) if item[at..].contains("訪看") => item[..at].trim(),
        _ => item,
    }
}

/// The `(訪看NN)` code, kept as the 届出's number.
fn code_of(item: &str) -> Option<String> {
    let at = item.rfind(['(', '（'])?;
    let code = item[at..].trim_matches(['(', ')', '（', '）']);
    code.contains("訪看").then(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_cells() {
        assert_eq!(
            strip_code("24時間対応体制加算(訪看12)"),
            "24時間対応体制加算"
        );
        assert_eq!(strip_code("特別管理加算（訪看15）"), "特別管理加算");
        assert_eq!(
            strip_code("精神科訪問看護基本療養費"),
            "精神科訪問看護基本療養費"
        );
        assert_eq!(code_of("特別管理加算（訪看15）").as_deref(), Some("訪看15"));
        assert_eq!(
            last_line("株式会社あおば\n訪問看護ステーションあおば"),
            "訪問看護ステーションあおば"
        );
    }
}
