//! The official 届出 lists: the first source of capabilities. Every 保険医療機関 files its
//! 施設基準 with the 地方厚生局, which publishes them per prefecture as Excel
//! ([`shisetsu_kijun`]); 訪問看護 stations' 届出 come in their own list
//! ([`houmon_kango`]). [`mapping`] turns a 届出 into capabilities from the tables in
//! `data/todokede/`; [`join`] attaches them to facilities, with their source and dates.

pub mod houmon_kango;
pub mod join;
pub mod mapping;
pub mod shisetsu_kijun;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{Capability, CapabilityClaim};
use crate::table::{wareki, Header, ImportError, Table};

/// Which list a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingFormat {
    /// 施設基準の届出受理医療機関名簿 (医科 / 歯科 / 薬局).
    ShisetsuKijun,
    /// 届出受理指定訪問看護事業所名簿.
    HoumonKango,
}

impl FilingFormat {
    pub fn code(self) -> &'static str {
        match self {
            Self::ShisetsuKijun => "shisetsu_kijun",
            Self::HoumonKango => "houmon_kango",
        }
    }

    /// The source name shown with every capability it gives.
    pub fn source_name(self) -> &'static str {
        match self {
            Self::ShisetsuKijun => "厚生局 施設基準の届出",
            Self::HoumonKango => "厚生局 訪問看護の届出",
        }
    }
}

/// Who holds a 届出.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    /// 10-digit 医療機関コード (都道府県 + 点数表 + 7).
    Code(String),
    /// A 訪問看護 station, which has no key shared with the 介護 list: joined by phone, then
    /// by name + 市区町村. Identified here by its row.
    Station(u64),
}

/// An institution as the list names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub line: u64,
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// One accepted 届出 of one institution.
#[derive(Clone, Debug, PartialEq)]
pub struct Filing {
    /// Row of the file (its first row for a station).
    pub line: u64,
    pub holder: Holder,
    pub holder_name: String,
    pub address: String,
    pub phone: String,
    /// 受理記号 (施設基準) or the 届出 name (訪問看護), as written.
    pub symbol: String,
    pub symbol_column: (usize, String),
    /// 受理届出名称.
    pub title: String,
    pub receipt: Option<String>,
    pub since: Option<String>,
}

/// One 届出 file, read.
#[derive(Clone, Debug)]
pub struct FilingList {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub format: FilingFormat,
    /// The list's 「現在」 date, from its title rows (ISO).
    pub data_date: Option<String>,
    /// Data rows read.
    pub rows: usize,
    /// Every institution listed, with or without 届出: its first row.
    pub listed: BTreeMap<Holder, Listed>,
    /// Accepted 届出, one per (institution × 届出).
    pub filings: Vec<Filing>,
    /// Rows (or values) that could not be used, with their cell positions.
    pub rejected: Vec<ImportError>,
}

impl FilingList {
    fn new(path: &Path, t: &Table, format: FilingFormat) -> Self {
        Self {
            path: path.to_path_buf(),
            sheet: match &t.origin {
                crate::table::Origin::Sheet(s) => Some(s.clone()),
                crate::table::Origin::Csv => None,
            },
            format,
            data_date: t.preamble.iter().find_map(|p| wareki::find_date(p)),
            rows: t.rows.len(),
            listed: BTreeMap::new(),
            filings: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// A 届出's error at its symbol cell.
    pub fn filing_error(&self, f: &Filing, reason: impl Into<String>) -> ImportError {
        ImportError {
            file: self.path.clone(),
            sheet: self.sheet.clone(),
            line: Some(f.line),
            column: Some(f.symbol_column.clone()),
            reason: reason.into(),
        }
    }

    /// What each 届出 gives: claims, or why none (unknown symbol, name that does not
    /// match the table).
    pub fn capabilities_of(&self, f: &Filing) -> Result<Vec<CapabilityClaim>, Unmapped> {
        let rules: Vec<&mapping::Rule> = match self.format {
            FilingFormat::ShisetsuKijun => {
                let Some(rule) = mapping::symbols().get(&mapping::fold(&f.symbol)) else {
                    return Err(Unmapped::UnknownSymbol);
                };
                if !rule.name_matches(&f.title) {
                    return Err(Unmapped::NameMismatch {
                        expected: rule.name_contains.join("・"),
                        revision: rule.revision.clone(),
                    });
                }
                vec![rule]
            }
            FilingFormat::HoumonKango => {
                let rules: Vec<_> = mapping::nursing_rules()
                    .iter()
                    .filter(|r| r.name_matches(&f.title))
                    .collect();
                if rules.is_empty() {
                    return Err(Unmapped::UnknownSymbol);
                }
                rules
            }
        };
        let mut out: Vec<CapabilityClaim> = Vec::new();
        for rule in rules {
            for (capability, implied) in rule.all_capabilities() {
                if out.iter().any(|c| c.capability == capability && !c.implied) {
                    continue;
                }
                out.retain(|c| c.capability != capability);
                out.push(CapabilityClaim {
                    capability,
                    value: true,
                    source: self.format.source_name().to_string(),
                    official: true,
                    filing: Some(f.symbol.clone()),
                    receipt: f.receipt.clone(),
                    since: f.since.clone(),
                    as_of: self.data_date.clone(),
                    implied,
                });
            }
        }
        Ok(out)
    }

    /// Counts for `zaitaku inspect` and the import report.
    pub fn summary(&self) -> FilingSummary {
        let mut by_symbol: BTreeMap<String, BTreeSet<&Holder>> = BTreeMap::new();
        let mut by_capability: BTreeMap<&'static str, BTreeSet<&Holder>> = BTreeMap::new();
        let mut unknown: BTreeMap<String, BTreeSet<&Holder>> = BTreeMap::new();
        let mut mismatched = Vec::new();
        for f in &self.filings {
            by_symbol
                .entry(f.symbol.clone())
                .or_default()
                .insert(&f.holder);
            match self.capabilities_of(f) {
                Ok(claims) => {
                    for c in claims {
                        by_capability
                            .entry(c.capability.code())
                            .or_default()
                            .insert(&f.holder);
                    }
                }
                Err(Unmapped::UnknownSymbol) => {
                    unknown
                        .entry(f.symbol.clone())
                        .or_default()
                        .insert(&f.holder);
                }
                Err(e @ Unmapped::NameMismatch { .. }) => {
                    mismatched.push(self.filing_error(f, e.describe(&f.symbol, &f.title)));
                }
            }
        }
        fn count<K: Ord>(m: BTreeMap<K, BTreeSet<&Holder>>) -> BTreeMap<K, usize> {
            m.into_iter().map(|(k, v)| (k, v.len())).collect()
        }
        let unknown: BTreeMap<String, usize> = count(unknown);
        // Unmapped symbols whose 届出 name speaks of home care deserve a look when the
        // table is updated; the others (入院基本料 …) are simply not home-care 届出.
        let home_care_words = ["在宅", "訪問", "往診", "看取"];
        let review = self
            .filings
            .iter()
            .filter(|f| unknown.contains_key(&f.symbol))
            .filter(|f| home_care_words.iter().any(|w| f.title.contains(w)))
            .map(|f| (f.symbol.clone(), f.title.clone()))
            .collect::<BTreeMap<_, _>>();
        FilingSummary {
            format: self.format,
            source: self.format.source_name(),
            path: self.path.clone(),
            data_date: self.data_date.clone(),
            rows: self.rows,
            institutions: self.listed.len(),
            filings: self.filings.len(),
            institutions_by_symbol: count(by_symbol),
            capabilities: count(by_capability),
            unknown_symbols: unknown,
            unknown_home_care: review,
            name_mismatches: mismatched,
            rejected: self.rejected.clone(),
        }
    }
}

/// Why a 届出 gives no capability.
#[derive(Clone, Debug, PartialEq)]
pub enum Unmapped {
    /// Not in the table: counted and listed, never guessed.
    UnknownSymbol,
    /// In the table, but the file's 受理届出名称 does not say what the table expects (a
    /// symbol renamed or reused by a 改定).
    NameMismatch { expected: String, revision: String },
}

impl Unmapped {
    fn describe(&self, symbol: &str, title: &str) -> String {
        match self {
            Self::UnknownSymbol => format!("受理記号 '{symbol}' is not in data/todokede/"),
            Self::NameMismatch { expected, revision } => format!(
                "受理記号 '{symbol}' is mapped for the {revision} 改定 to a 届出 named with 「{expected}」, but the file names it 「{title}」; not applied (update data/todokede/ for the new 改定)"
            ),
        }
    }
}

/// What one 届出 file holds.
#[derive(Clone, Debug, Serialize)]
pub struct FilingSummary {
    pub format: FilingFormat,
    pub source: &'static str,
    pub path: PathBuf,
    pub data_date: Option<String>,
    pub rows: usize,
    pub institutions: usize,
    pub filings: usize,
    /// 受理記号 → distinct institutions holding it.
    pub institutions_by_symbol: BTreeMap<String, usize>,
    /// Capability code → distinct institutions it is given to.
    pub capabilities: BTreeMap<&'static str, usize>,
    /// Symbols not in the table → institutions.
    pub unknown_symbols: BTreeMap<String, usize>,
    /// Unknown symbols whose 届出 name mentions home care (在宅, 訪問 …), with the name.
    pub unknown_home_care: BTreeMap<String, String>,
    #[serde(serialize_with = "errors_as_text")]
    pub name_mismatches: Vec<ImportError>,
    #[serde(serialize_with = "errors_as_text")]
    pub rejected: Vec<ImportError>,
}

fn errors_as_text<S: serde::Serializer>(errors: &[ImportError], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry {
        position: String,
        reason: String,
    }
    s.collect_seq(errors.iter().map(|e| Entry {
        position: e.position(),
        reason: e.reason.clone(),
    }))
}

/// Recognises a 届出 file by its header and reads it. `default_pref` is the prefecture
/// code for lists without a 都道府県コード column.
pub fn read_filing_file(
    path: &Path,
    default_pref: Option<&str>,
) -> Result<FilingList, ImportError> {
    let formats: [(&[&[&str]], FilingFormat); 2] = [
        (shisetsu_kijun::SIGNATURE, FilingFormat::ShisetsuKijun),
        (houmon_kango::SIGNATURE, FilingFormat::HoumonKango),
    ];
    let mut first_error = None;
    for (signature, format) in formats {
        match Table::read_with(path, Header::Containing(signature)) {
            Ok(t) => {
                return match format {
                    FilingFormat::ShisetsuKijun => shisetsu_kijun::read(path, t, default_pref),
                    FilingFormat::HoumonKango => houmon_kango::read(path, t),
                }
            }
            // A file that cannot be read at all: no other format will do better.
            Err(e) if !e.reason.starts_with("no header row") => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let e = first_error.expect("two formats tried");
    let names = |sig: &[&[&str]]| sig.iter().map(|n| n[0]).collect::<Vec<_>>().join(", ");
    Err(ImportError {
        reason: format!(
            "not a 届出 list: no header row with the columns of a 施設基準 list ({}) or of a 訪問看護 list ({})",
            names(shisetsu_kijun::SIGNATURE),
            names(houmon_kango::SIGNATURE)
        ),
        ..e
    })
}

/// Capabilities a claim list grants, for tests and reports.
pub fn granted(claims: &[CapabilityClaim]) -> BTreeSet<Capability> {
    claims
        .iter()
        .filter(|c| c.value)
        .map(|c| c.capability)
        .collect()
}
