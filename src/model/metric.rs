//! What planners count: the metrics of `data/coverage_metrics.csv` (compiled in), each a
//! set of kinds (any of) and capabilities (all of), which is exactly a search: every
//! figure links to the search that produced it. `towns = yes` marks the roles counted per
//! 町丁目 for the coverage-gap map (stored in the index at build time).

use std::sync::OnceLock;

use super::{CapSet, Capability, Kind};

pub const METRICS_TABLE: &str = include_str!("../../data/coverage_metrics.csv");

#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub code: String,
    pub label: String,
    pub kinds: Vec<Kind>,
    /// Each needed (one capability per group: the search's `cap=` means all of them).
    pub requires: Vec<Capability>,
    /// Counted per 町丁目 for the coverage map.
    pub towns: bool,
}

impl Metric {
    /// Whether a facility with these kind bits and capabilities counts.
    pub fn matches(&self, kind_bits: u8, caps: CapSet) -> bool {
        let kinds = self.kinds.iter().fold(0u8, |m, k| m | 1 << (*k as u8));
        kind_bits & kinds != 0 && self.requires.iter().all(|cap| caps.contains(*cap))
    }

    /// The search that lists what the metric counts: `kind=clinic,hospital&cap=home_visit`.
    pub fn query(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.code()).collect();
        let mut q = format!("kind={}", kinds.join(","));
        for c in &self.requires {
            q.push_str(&format!("&cap={}", c.code()));
        }
        q
    }
}

/// The metrics, in table order.
pub fn metrics() -> &'static [Metric] {
    static METRICS: OnceLock<Vec<Metric>> = OnceLock::new();
    METRICS.get_or_init(|| {
        parse(METRICS_TABLE).expect("the compiled-in metrics table is valid (tested)")
    })
}

/// The metrics counted per town (訪問診療, 24h 訪問看護, 訪問歯科, 訪問薬剤).
pub fn town_metrics() -> impl Iterator<Item = &'static Metric> {
    metrics().iter().filter(|m| m.towns)
}

/// A metric by its code.
pub fn find(code: &str) -> Option<&'static Metric> {
    metrics().iter().find(|m| m.code == code.trim())
}

/// Parses the table; an error names its line.
pub fn parse(text: &str) -> Result<Vec<Metric>, String> {
    let mut out: Vec<Metric> = Vec::new();
    for row in crate::data_table::rows::<5>("data/coverage_metrics.csv", text) {
        let row = row?;
        let at = |e: String| row.error(e);
        let [code, label, kinds, requires, towns] = row.cells;
        let kinds = kinds
            .split('|')
            .map(|k| Kind::parse(k).map_err(|e| at(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        if requires.contains('|') {
            return Err(at(format!(
                "'{requires}': one capability per group (a search's cap= means all of them)"
            )));
        }
        let requires = requires
            .split(';')
            .filter(|c| !c.trim().is_empty())
            .map(|c| Capability::parse(c.trim()).map_err(|e| at(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let towns = match towns {
            "yes" => true,
            "" => false,
            other => return Err(at(format!("towns '{other}' is not yes or empty"))),
        };
        if out.iter().any(|m| m.code == code) {
            return Err(at(format!("metric {code} twice")));
        }
        out.push(Metric {
            code: code.to_string(),
            label: label.to_string(),
            kinds,
            requires,
            towns,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_counts_what_matters_at_home() {
        let codes: Vec<&str> = metrics().iter().map(|m| m.code.as_str()).collect();
        for want in [
            "home_visit",
            "support_clinic",
            "enhanced_single",
            "enhanced_linked",
            "support_hospital",
            "backup_hospital",
            "nursing_24h",
            "care_management",
            "home_dental",
            "home_pharmacy",
            "active_role",
        ] {
            assert!(codes.contains(&want), "{want}");
        }
        let towns: Vec<&str> = town_metrics().map(|m| m.code.as_str()).collect();
        assert_eq!(
            towns,
            ["home_visit", "nursing_24h", "home_dental", "home_pharmacy"]
        );
        assert_eq!(
            find("home_visit").unwrap().query(),
            "kind=clinic,hospital&cap=home_visit"
        );
        assert_eq!(
            find("care_management").unwrap().query(),
            "kind=care_management"
        );
    }

    #[test]
    fn a_bad_table_names_its_line() {
        let head = "code,label,kinds,requires,towns\n";
        let bad = |row: &str| parse(&format!("{head}{row}\n")).unwrap_err();
        assert!(bad("x,X,spaceport,,").contains("coverage_metrics.csv:2"));
        assert!(bad("x,X,clinic,home_visit|house_call,").contains("one capability"));
        assert!(bad("x,X,clinic,,maybe").contains("maybe"));
        assert!(bad("x,X,clinic,").contains("5 expected"));
    }
}
