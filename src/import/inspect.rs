//! `zaitaku inspect FILE`: what an official download holds, before anyone indexes it. The
//! format is recognised from the header (CSV, xlsx, or a zip of either), then the file is
//! read by its own reader and counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::record::FileRead;
use super::todokede::{self, FilingList};
use super::{read_jigyosho, read_kouseikyoku_ika, read_navii, SourceFormat};
use crate::table::{Header, ImportError, Table};

/// What a file holds. `institutions_by_symbol` counts distinct institutions per 受理記号
/// (届出 lists) or per kind of facility (facility lists).
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    pub format: &'static str,
    pub title: &'static str,
    pub path: PathBuf,
    pub data_date: Option<String>,
    pub rows: usize,
    pub institutions: usize,
    pub institutions_by_symbol: BTreeMap<String, usize>,
    /// Capability code → institutions it maps to.
    pub capabilities: BTreeMap<&'static str, usize>,
    /// 受理記号 not in `data/todokede/` → institutions.
    pub unknown_symbols: BTreeMap<String, usize>,
    /// Unknown symbols whose 届出 name speaks of home care, with that name.
    pub unknown_home_care: BTreeMap<String, String>,
    pub rejected: Vec<Rejected>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rejected {
    pub position: String,
    pub reason: String,
}

impl From<&ImportError> for Rejected {
    fn from(e: &ImportError) -> Self {
        Self {
            position: e.position(),
            reason: e.reason.clone(),
        }
    }
}

/// Header words that identify each facility-list format.
const FACILITY_LISTS: [(SourceFormat, &[&[&str]]); 3] = [
    (
        SourceFormat::Jigyosho,
        &[&["事業所番号"], &["事業所名"], &["住所"]],
    ),
    (
        SourceFormat::Navii,
        &[&["ID"], &["正式名称"], &["機関区分"]],
    ),
    (
        SourceFormat::KouseikyokuIka,
        &[&["医療機関名称", "医療機関名"], &["住所", "医療機関所在地"]],
    ),
];

pub fn inspect(path: &Path) -> Result<Inspection, ImportError> {
    if let Ok(list) = todokede::read_filing_file(path, None) {
        return Ok(from_filings(&list));
    }
    for (format, signature) in FACILITY_LISTS {
        if Table::read_with(path, Header::Containing(signature)).is_ok() {
            let label = format.label();
            let read = match format {
                SourceFormat::Jigyosho => read_jigyosho(path, label)?,
                SourceFormat::Navii => read_navii(path, label)?,
                _ => read_kouseikyoku_ika(path, label)?,
            };
            return Ok(from_facilities(path, format, &read));
        }
    }
    // Not recognised: say why with the reader's own error (unreadable file, no header).
    let t = Table::read(path)?;
    Err(ImportError {
        line: Some(t.header_line),
        ..ImportError::file(
            path,
            format!(
                "not a format zaitaku reads: the header has {}; expected a 施設基準 or 訪問看護 届出 list (受理届出名称, 受理記号 …), jigyosho, ナビイ or 厚生局 医療機関一覧",
                t.header.join(", ")
            ),
        )
    })
}

fn from_filings(list: &FilingList) -> Inspection {
    let s = list.summary();
    let mut rejected: Vec<Rejected> = s.rejected.iter().map(Rejected::from).collect();
    rejected.extend(s.name_mismatches.iter().map(Rejected::from));
    Inspection {
        format: list.format.code(),
        title: list.format.source_name(),
        path: list.path.clone(),
        data_date: s.data_date,
        rows: s.rows,
        institutions: s.institutions,
        institutions_by_symbol: s.institutions_by_symbol,
        capabilities: s.capabilities,
        unknown_symbols: s.unknown_symbols,
        unknown_home_care: s.unknown_home_care,
        rejected,
    }
}

fn from_facilities(path: &Path, format: SourceFormat, read: &FileRead) -> Inspection {
    let mut by_kind: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &read.records {
        for k in &r.kinds {
            by_kind
                .entry(k.label().to_string())
                .or_default()
                .insert(r.key.facility_id());
        }
    }
    let ids: BTreeSet<String> = read.records.iter().map(|r| r.key.facility_id()).collect();
    Inspection {
        format: format.code(),
        title: format.label(),
        path: path.to_path_buf(),
        data_date: None,
        rows: read.rows,
        institutions: ids.len(),
        institutions_by_symbol: by_kind.into_iter().map(|(k, v)| (k, v.len())).collect(),
        capabilities: BTreeMap::new(),
        unknown_symbols: BTreeMap::new(),
        unknown_home_care: BTreeMap::new(),
        rejected: read.rejected.iter().map(Rejected::from).collect(),
    }
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} [{}]",
            self.path.display(),
            self.title,
            self.format
        )?;
        writeln!(
            f,
            "data date: {}",
            self.data_date.as_deref().unwrap_or("not stated")
        )?;
        writeln!(
            f,
            "rows: {}, institutions: {}",
            self.rows, self.institutions
        )?;
        let mut by: Vec<(&String, &usize)> = self.institutions_by_symbol.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        writeln!(f, "institutions per 受理記号 / kind ({}):", by.len())?;
        for (sym, n) in by {
            let mark = if self.unknown_symbols.contains_key(sym) {
                ""
            } else {
                "  ✓"
            };
            writeln!(f, "  {n:>6}  {sym}{mark}")?;
        }
        if !self.capabilities.is_empty() {
            writeln!(f, "capabilities (institutions):")?;
            for (code, n) in &self.capabilities {
                let label = crate::model::Capability::parse(code).map_or("", |c| c.label());
                writeln!(f, "  {n:>6}  {code} {label}")?;
            }
        }
        for (sym, title) in &self.unknown_home_care {
            writeln!(f, "home-care 届出 not in data/todokede/: {sym} 「{title}」")?;
        }
        writeln!(f, "rejected ({}):", self.rejected.len())?;
        for r in &self.rejected {
            writeln!(f, "  {}: {}", r.position, r.reason)?;
        }
        Ok(())
    }
}
