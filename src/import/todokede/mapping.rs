//! Which capabilities a 届出 gives. The tables are data (`data/todokede/*.csv`, compiled
//! in), not code, because each 診療報酬改定 renames symbols: every entry records its 改定,
//! and the words its 受理届出名称 must contain, so a renamed or reused symbol is caught
//! instead of guessed.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use crate::model::Capability;

/// The 施設基準 table: one row per 受理記号.
pub const SHISETSU_KIJUN_TABLE: &str = include_str!("../../../data/todokede/shisetsu_kijun.csv");
/// The 訪問看護 table: one row per words of the 届出 name.
pub const HOUMON_KANGO_TABLE: &str = include_str!("../../../data/todokede/houmon_kango.csv");

/// One entry of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// 受理記号 as written in the table (empty in the 訪問看護 table).
    pub symbol: String,
    /// 医科 / 歯科 / 薬局 (施設基準) or empty.
    pub section: String,
    /// 診療報酬改定 the entry belongs to (R6 = 令和6年度).
    pub revision: String,
    /// Words the 受理届出名称 must contain (NFKC-folded).
    pub name_contains: Vec<String>,
    pub capabilities: Vec<Capability>,
    /// Capabilities that follow from the filing's definition.
    pub implied: Vec<Capability>,
    pub reason: String,
}

impl Rule {
    /// Whether a 受理届出名称 matches the entry's words.
    pub fn name_matches(&self, title: &str) -> bool {
        let t = fold(title);
        self.name_contains.iter().all(|w| t.contains(w.as_str()))
    }

    /// Granted, then implied, without repeats.
    pub fn all_capabilities(&self) -> impl Iterator<Item = (Capability, bool)> + '_ {
        self.capabilities.iter().map(|c| (*c, false)).chain(
            self.implied
                .iter()
                .filter(|c| !self.capabilities.contains(c))
                .map(|c| (*c, true)),
        )
    }
}

/// Symbols and names are compared NFKC-folded without spaces: 支援診１ = 支援診1,
/// 訪看ＤⅩ = 訪看DX.
pub fn fold(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The 施設基準 table by folded symbol.
pub fn symbols() -> &'static HashMap<String, Rule> {
    static TABLE: OnceLock<HashMap<String, Rule>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(SHISETSU_KIJUN_TABLE, true)
            .expect("data/todokede/shisetsu_kijun.csv is checked by a test")
            .into_iter()
            .map(|r| (fold(&r.symbol), r))
            .collect()
    })
}

/// The 訪問看護 table, in order.
pub fn nursing_rules() -> &'static [Rule] {
    static TABLE: OnceLock<Vec<Rule>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(HOUMON_KANGO_TABLE, false)
            .expect("data/todokede/houmon_kango.csv is checked by a test")
    })
}

/// Parses a table; errors name the line and column.
pub fn parse(text: &str, by_symbol: bool) -> Result<Vec<Rule>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("line 1: column '{name}' is missing"))
    };
    let caps_col = col("capabilities")?;
    let implied_col = col("implied")?;
    let revision_col = col("改定")?;
    let reason_col = col("根拠")?;
    let (symbol_col, section_col, name_col) = if by_symbol {
        (
            Some(col("受理記号")?),
            Some(col("区分")?),
            col("名称に含む")?,
        )
    } else {
        (None, None, col("届出名称に含む")?)
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        let caps = |c: usize| -> Result<Vec<Capability>, String> {
            get(c)
                .split(';')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    Capability::parse(s.trim())
                        .map_err(|e| format!("line {line}, column {}: {e}", header[c]))
                })
                .collect()
        };
        let name_contains: Vec<String> = get(name_col)
            .split(';')
            .map(fold)
            .filter(|s| !s.is_empty())
            .collect();
        if name_contains.is_empty() {
            return Err(format!("line {line}, column {}: empty", header[name_col]));
        }
        let symbol = symbol_col.map_or(String::new(), |c| get(c).to_string());
        if by_symbol && symbol.is_empty() {
            return Err(format!("line {line}, column 受理記号: empty"));
        }
        out.push(Rule {
            symbol,
            section: section_col.map_or(String::new(), |c| get(c).to_string()),
            revision: get(revision_col).to_string(),
            name_contains,
            capabilities: caps(caps_col)?,
            implied: caps(implied_col)?,
            reason: get(reason_col).to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    #[test]
    fn tables_parse_and_say_what_each_filing_gives() {
        let t = parse(SHISETSU_KIJUN_TABLE, true).unwrap();
        let mut seen = std::collections::HashSet::new();
        for r in &t {
            assert!(seen.insert(fold(&r.symbol)), "{} twice", r.symbol);
            assert!(!r.revision.is_empty(), "{} has no 改定", r.symbol);
        }
        let s = symbols();
        let get = |sym: &str| s.get(&fold(sym)).unwrap();
        assert_eq!(
            get("支援診1").capabilities,
            vec![SupportClinic, EnhancedSingle]
        );
        assert_eq!(
            get("支援診２").capabilities,
            vec![SupportClinic, EnhancedLinked]
        );
        assert_eq!(get("支援病３").capabilities, vec![SupportHospital]);
        // Every 支援診/支援病 implies 往診 and 24時間対応; the 機能強化型 tiers 看取り.
        for sym in [
            "支援診１",
            "支援診２",
            "支援診３",
            "支援病１",
            "支援病２",
            "支援病３",
        ] {
            let implied = &get(sym).implied;
            assert!(
                implied.contains(&HouseCall) && implied.contains(&Around24h),
                "{sym}"
            );
            assert_eq!(implied.contains(&EndOfLife), !sym.ends_with('３'), "{sym}");
        }
        assert_eq!(get("在医総管１").capabilities, vec![HomeVisit]);
        assert_eq!(get("在総").capabilities, vec![HomeVisit, HomeCancer]);
        assert_eq!(get("在後病").capabilities, vec![BackupHospital]);
        assert_eq!(
            get("歯援診１").capabilities,
            vec![SupportDental, HomeDental]
        );
        assert_eq!(get("在調").capabilities, vec![HomePharmacy]);
        assert!(get("在宅ＤＸ").capabilities.is_empty());
        assert!(get("訪看ＤⅩ").name_matches("在宅患者訪問看護・指導料の注17"));
        assert!(nursing_rules()
            .iter()
            .any(|r| r.capabilities == vec![SpecialManagement]));
    }

    #[test]
    fn names_are_checked() {
        let r = symbols().get(&fold("支援診２")).unwrap();
        assert!(r.name_matches("別添１の「第９」の１の(２)に規定する在宅療養支援診療所"));
        assert!(!r.name_matches("別添１の「第９」の１の(３)に規定する在宅療養支援診療所"));
        assert!(!r.name_matches("在宅療養支援病院"));
    }

    #[test]
    fn bad_tables_name_line_and_column() {
        let e = parse(
            "受理記号,区分,改定,名称に含む,capabilities,implied,根拠\nX,医科,R6,x,空飛ぶ,,\n",
            true,
        )
        .unwrap_err();
        assert!(
            e.starts_with("line 2, column capabilities: unknown capability '空飛ぶ'"),
            "{e}"
        );
    }
}
