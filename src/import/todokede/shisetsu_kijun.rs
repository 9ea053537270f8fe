//! 地方厚生局 施設基準の届出受理医療機関名簿 (医科 / 歯科 / 薬局), as the bureau publishes it:
//! one sheet, title rows with the data date (`[令和７年１０月１日 現在 ]…`), a header row,
//! then one row per (医療機関 × 届出). An institution without 届出 has one row with the 届出
//! columns empty. All cells are text: 和暦 dates, full-width digits in symbols.

use std::path::Path;

use super::{Filing, FilingFormat, FilingList, Holder, Listed};
use crate::table::{fold_code, wareki, Col, Header, ImportError, Row, Table};

/// The columns read, found by header name; adjust the names here if the bureau renames
/// them.
struct Columns {
    number: Col,
    prefecture: Option<Col>,
    section: Option<Col>,
    name: Col,
    address: Option<Col>,
    phone: Option<Col>,
    title: Col,
    symbol: Col,
    receipt: Option<Col>,
    since: Option<Col>,
}

const NUMBER: &[&str] = &["医療機関番号", "医療機関コード"];
const NAME: &[&str] = &["医療機関名称", "医療機関名"];
const TITLE: &[&str] = &["受理届出名称"];
const SYMBOL: &[&str] = &["受理記号"];

/// Whether a header row is this format's (for `zaitaku inspect`).
pub(crate) const SIGNATURE: &[&[&str]] = &[NUMBER, NAME, TITLE, SYMBOL];

impl Columns {
    fn find(t: &Table) -> Result<Self, ImportError> {
        Ok(Self {
            number: t.require(NUMBER)?,
            prefecture: t.column(&["都道府県コード"]),
            section: t.column(&["区分"]),
            name: t.require(NAME)?,
            address: t.column(&["医療機関所在地(住所)", "医療機関所在地", "住所"]),
            phone: t.column(&["電話番号"]),
            title: t.require(TITLE)?,
            symbol: t.require(SYMBOL)?,
            receipt: t.column(&["受理番号"]),
            since: t.column(&["算定開始年月日"]),
        })
    }

    /// 都道府県 (2) + 点数表 (医科 1, 歯科 3, 薬局 4) + 医療機関番号 (7).
    fn code10(&self, r: &Row, default_pref: Option<&str>) -> Result<String, (Col, String)> {
        let number = fold_code(r.get(&self.number));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let number = match number.len() {
            7 if digits(&number) => number,
            // Some lists write the 9- or 10-digit form.
            9 | 10 if digits(&number) => return Ok(expand(&number)),
            _ => {
                return Err((
                    self.number.clone(),
                    format!("医療機関番号 '{}' is not 7 digits", r.get(&self.number)),
                ))
            }
        };
        let pref = fold_code(r.opt(&self.prefecture));
        let pref = match (pref.len(), default_pref) {
            (2, _) if digits(&pref) => pref,
            (0, Some(p)) => p.to_string(),
            _ => {
                let col = self.prefecture.clone().unwrap_or(self.number.clone());
                return Err((col, format!("都道府県コード '{pref}' is not 2 digits")));
            }
        };
        let table = match r.opt(&self.section) {
            "" | "医科" => '1',
            "歯科" => '3',
            "薬局" | "調剤" => '4',
            other => {
                let col = self.section.clone().expect("value read");
                return Err((col, format!("区分 '{other}' is not 医科, 歯科 or 薬局")));
            }
        };
        Ok(format!("{pref}{table}{number}"))
    }
}

/// 9 digits (都道府県 + 7, 医科) or 10 digits → the 10-digit code.
fn expand(code: &str) -> String {
    if code.len() == 9 {
        format!("{}1{}", &code[..2], &code[2..])
    } else {
        code.to_string()
    }
}

pub fn read(path: &Path, t: Table, default_pref: Option<&str>) -> Result<FilingList, ImportError> {
    let cols = Columns::find(&t)?;
    let mut list = FilingList::new(path, &t, FilingFormat::ShisetsuKijun);
    for r in &t.rows {
        let code = match cols.code10(r, default_pref) {
            Ok(c) => c,
            Err((col, reason)) => {
                list.rejected.push(t.cell_error(r.line, &col, reason));
                continue;
            }
        };
        list.listed
            .entry(Holder::Code(code.clone()))
            .or_insert_with(|| Listed {
                line: r.line,
                name: r.get(&cols.name).to_string(),
                address: r.opt(&cols.address).to_string(),
                phone: r.opt(&cols.phone).to_string(),
            });
        let symbol = r.get(&cols.symbol);
        if symbol.is_empty() {
            continue;
        }
        let since = match r.opt(&cols.since) {
            "" => None,
            d => match wareki::parse_date(d) {
                Some(iso) => Some(iso),
                None => {
                    let col = cols.since.as_ref().expect("value read");
                    list.rejected.push(t.cell_error(
                        r.line,
                        col,
                        format!("算定開始年月日 '{d}' is not a date; the 届出 is kept without it"),
                    ));
                    None
                }
            },
        };
        list.filings.push(Filing {
            line: r.line,
            holder: Holder::Code(code),
            holder_name: r.get(&cols.name).to_string(),
            address: r.opt(&cols.address).to_string(),
            phone: r.opt(&cols.phone).to_string(),
            symbol: symbol.to_string(),
            symbol_column: (cols.symbol.index + 1, cols.symbol.name.clone()),
            title: r.get(&cols.title).to_string(),
            receipt: Some(r.opt(&cols.receipt).to_string()).filter(|s| !s.is_empty()),
            since,
        });
    }
    Ok(list)
}

/// Reads a file known to be in this layout.
pub fn read_file(path: &Path, default_pref: Option<&str>) -> Result<FilingList, ImportError> {
    let t = Table::read_with(path, Header::Containing(SIGNATURE))?;
    read(path, t, default_pref)
}
