//! What an import did, printed by `zaitaku index`: rows read per file, joins, how each
//! facility was placed, and every row that was rejected, fell outside the dataset's
//! wards or states a ward its point is not in. Nothing is dropped without a line here.

use std::fmt;
use std::path::PathBuf;

use super::record::RowOrigin;
use super::todokede::join::JoinReport;
use super::ImportError;
use crate::geocode::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joined {
    /// A 訪問看護 / 居宅介護支援 office run by a hospital or clinic (事業所番号 = 27 1 code).
    MedicalOffice,
    /// The same 事業所番号 in two service lists.
    SameOffice,
    /// A ナビイ hospital matched to its 厚生局 row.
    Navii,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub origin: RowOrigin,
    pub name: String,
    pub address: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FileSummary {
    pub path: PathBuf,
    pub format: &'static str,
    pub rows: usize,
    pub records: usize,
}

#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    pub files: Vec<FileSummary>,
    pub towns: usize,
    pub postal_codes: usize,
    pub wards: usize,
    pub rejected: Vec<ImportError>,
    pub joins: Vec<(Joined, String, RowOrigin)>,
    pub navii_unmatched: Vec<(RowOrigin, String)>,
    pub navii_ambiguous: Vec<(RowOrigin, String, Vec<String>)>,
    /// Facilities placed from their address, with the level reached.
    pub geocoded: Vec<(Level, RowOrigin)>,
    pub official_points: usize,
    pub outside: Vec<Placement>,
    /// Rows whose stated ward differs from the polygon of the publisher's point.
    pub ward_mismatches: Vec<Placement>,
    /// Of those, the rows placed at their address instead (its 町丁目 resolves inside the
    /// stated ward).
    pub address_wins: usize,
    /// Rows of a list with municipality codes whose code is missing (their address drops
    /// the ward, 郡 or town): placed all the same, and listed here.
    pub without_code: Vec<Placement>,
    pub overlay_rows: usize,
    /// Per ward survey file (`overlay/27114.csv`): who answered, who did not, who is stale.
    pub ward_surveys: Vec<WardSurvey>,
    pub overlay_applied: usize,
    pub facilities: usize,
    /// Every row with a publisher's point was also geocoded from its address: the level
    /// reached and the distance to the publisher's point (`None` = not found).
    pub geocoder_checks: Vec<Option<(Level, f64)>>,
    /// What each 届出 list gave, and what did not join.
    pub filings: Vec<JoinReport>,
    /// A survey (overlay) says "no" where an official 届出 says "yes": both are kept, the
    /// official value wins.
    pub capability_conflicts: Vec<CapabilityConflict>,
    /// Optional files of the manifest that are not in the raw directory.
    pub missing_optional: Vec<String>,
}

/// An overlay value that disagrees with an official 届出.
#[derive(Clone, Debug, PartialEq)]
pub struct CapabilityConflict {
    pub facility: String,
    pub name: String,
    pub capability: crate::model::Capability,
    /// The official claim, described.
    pub official: String,
    /// The overlay row that says otherwise.
    pub overlay: RowOrigin,
    pub overlay_source: String,
}

impl ImportReport {
    pub fn joins_of(&self, what: Joined) -> usize {
        self.joins.iter().filter(|j| j.0 == what).count()
    }

    /// The geocoder measured against the publishers' points.
    pub fn geocoder_quality(&self) -> crate::geocode::quality::QualityReport {
        crate::geocode::quality::summarize(&self.geocoder_checks)
    }

    pub fn geocoded_at(&self, level: Level) -> usize {
        self.geocoded.iter().filter(|g| g.0 == level).count()
    }
}

fn write_filing(f: &mut fmt::Formatter<'_>, j: &JoinReport) -> fmt::Result {
    let Some(s) = &j.summary else { return Ok(()) };
    writeln!(
        f,
        "届出: {} {} ({} 現在): {} rows, {} institutions, {} 届出",
        s.source,
        s.path.display(),
        s.data_date.as_deref().unwrap_or("date unknown"),
        s.rows,
        s.institutions,
        s.filings
    )?;
    writeln!(
        f,
        "  {:>5} institutions joined to facilities ({} by phone, {} by name + 市区町村); {} capability values given",
        j.matched, j.matched_by_phone, j.matched_by_name, j.claims
    )?;
    writeln!(
        f,
        "  {:>5} institutions outside the dataset's municipalities ({} rows, skipped)",
        j.outside, j.outside_rows
    )?;
    writeln!(
        f,
        "  {:>5} facilities of this list's kind have no row in it",
        j.facilities_without_row
    )?;
    writeln!(
        f,
        "  {:>5} institutions in the area match no facility",
        j.unmatched.len()
    )?;
    for (line, name, code) in j.unmatched.iter().take(20) {
        writeln!(f, "        {}:{line}: {name} ({code})", s.path.display())?;
    }
    if j.unmatched.len() > 20 {
        writeln!(f, "        … and {} more", j.unmatched.len() - 20)?;
    }
    let caps: Vec<String> = s
        .capabilities
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    writeln!(f, "  capabilities (institutions): {}", caps.join(", "))?;
    let unknown: usize = s.unknown_symbols.len();
    writeln!(
        f,
        "  {unknown} 受理記号 not in data/todokede/ (not home-care 届出, or new: see `zaitaku inspect`)"
    )?;
    for (sym, title) in &s.unknown_home_care {
        writeln!(f, "        home-care 届出 not mapped: {sym} 「{title}」")?;
    }
    for e in &s.name_mismatches {
        writeln!(f, "        {e}")?;
    }
    Ok(())
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.files {
            writeln!(
                f,
                "read {:>5} rows ({} usable) from {} [{}]",
                s.rows,
                s.records,
                s.path.display(),
                s.format
            )?;
        }
        writeln!(
            f,
            "reference: {} ward boundaries, {} 町丁目 points, {} postal codes",
            self.wards, self.towns, self.postal_codes
        )?;
        writeln!(f, "merged into {} facilities:", self.facilities)?;
        writeln!(
            f,
            "  {:>5} 訪問看護/居宅 offices joined to their hospital or clinic (事業所番号 = 27 1 医療機関コード)",
            self.joins_of(Joined::MedicalOffice)
        )?;
        writeln!(
            f,
            "  {:>5} offices listed under two services joined by 事業所番号",
            self.joins_of(Joined::SameOffice)
        )?;
        writeln!(
            f,
            "  {:>5} ナビイ hospitals matched to 厚生局 rows; {} unmatched, {} ambiguous (kept as separate facilities)",
            self.joins_of(Joined::Navii),
            self.navii_unmatched.len(),
            self.navii_ambiguous.len()
        )?;
        writeln!(
            f,
            "placed: {} by the publisher's point, {} geocoded from the address ({} 町丁目, {} 町, {} 区)",
            self.official_points,
            self.geocoded.len(),
            self.geocoded_at(Level::Chome),
            self.geocoded_at(Level::Town),
            self.geocoded_at(Level::Ward)
        )?;
        if !self.geocoder_checks.is_empty() {
            writeln!(
                f,
                "geocoder checked against the publishers' points of {} rows:",
                self.geocoder_checks.len()
            )?;
            for line in self.geocoder_quality().to_string().lines() {
                writeln!(f, "  {line}")?;
            }
        }
        for j in &self.filings {
            write_filing(f, j)?;
        }
        for m in &self.missing_optional {
            writeln!(f, "optional file '{m}' not in the raw directory: skipped")?;
        }
        if self.overlay_rows > 0 {
            writeln!(
                f,
                "overlay: {} of {} rows applied",
                self.overlay_applied, self.overlay_rows
            )?;
        }
        for w in &self.ward_surveys {
            writeln!(
                f,
                "ward survey {} ({}): {} surveyed, {} not surveyed, {} stale, {} conflicting with a 届出",
                w.ward,
                w.file.display(),
                w.surveyed,
                w.not_surveyed,
                w.stale,
                w.conflicts
            )?;
        }
        if !self.capability_conflicts.is_empty() {
            writeln!(
                f,
                "overlay values that disagree with a 届出 ({}; both kept, the 届出 wins):",
                self.capability_conflicts.len()
            )?;
            for c in &self.capability_conflicts {
                writeln!(
                    f,
                    "  {}: {} {}: {} says no; {}",
                    c.overlay, c.facility, c.name, c.overlay_source, c.official
                )?;
            }
        }
        let section = |f: &mut fmt::Formatter<'_>, title: &str, n: usize| {
            if n > 0 {
                writeln!(f, "{title} ({n}):")
            } else {
                Ok(())
            }
        };
        section(
            f,
            "rows and values not used (file:line:column)",
            self.rejected.len(),
        )?;
        for e in &self.rejected {
            writeln!(f, "  {e}")?;
        }
        section(f, "points outside the dataset's wards", self.outside.len())?;
        for p in &self.outside {
            writeln!(
                f,
                "  {}: {} ({}): {}",
                p.origin, p.name, p.address, p.detail
            )?;
        }
        section(
            f,
            &format!(
                "ward mismatches ({} placed at the address, whose 町丁目 is in the ward it names; else the polygon decides)",
                self.address_wins
            ),
            self.ward_mismatches.len(),
        )?;
        for p in &self.ward_mismatches {
            writeln!(
                f,
                "  {}: {} ({}): {}",
                p.origin, p.name, p.address, p.detail
            )?;
        }
        section(
            f,
            "rows without a 市区町村コード (placed)",
            self.without_code.len(),
        )?;
        for p in &self.without_code {
            writeln!(
                f,
                "  {}: {} ({}): {}",
                p.origin, p.name, p.address, p.detail
            )?;
        }
        section(
            f,
            "ナビイ rows without a 厚生局 match",
            self.navii_unmatched.len(),
        )?;
        for (o, name) in &self.navii_unmatched {
            writeln!(f, "  {o}: {name}")?;
        }
        section(
            f,
            "ナビイ rows with several 厚生局 candidates",
            self.navii_ambiguous.len(),
        )?;
        for (o, name, c) in &self.navii_ambiguous {
            writeln!(f, "  {o}: {name}: {}", c.join(", "))?;
        }
        let low: Vec<&RowOrigin> = self
            .geocoded
            .iter()
            .filter(|g| g.0 == Level::Ward)
            .map(|g| &g.1)
            .collect();
        section(
            f,
            "placed only at ward level (check the address)",
            low.len(),
        )?;
        for o in low {
            writeln!(f, "  {o}")?;
        }
        Ok(())
    }
}

/// What one ward's survey file covers.
#[derive(Clone, Debug, PartialEq)]
pub struct WardSurvey {
    pub ward: crate::model::WardCode,
    pub file: std::path::PathBuf,
    /// Facilities of the ward the file has a row for.
    pub surveyed: usize,
    /// Facilities of the ward it has none for.
    pub not_surveyed: usize,
    /// Rows whose 更新日 is older than the dataset's stale age.
    pub stale: usize,
    /// Answers that say "no" to a capability an official 届出 gives (kept, not applied).
    pub conflicts: usize,
}

/// The ward files among `files` (named by their JIS code) and what they cover.
pub fn ward_surveys(
    files: &[std::path::PathBuf],
    rows: &[(std::path::PathBuf, String, Option<String>)],
    facilities: &[crate::model::Facility],
    stale_months: u32,
) -> Vec<WardSurvey> {
    let oldest = crate::model::Day::today()
        .plus(-(stale_months as i32) * 365 / 12)
        .to_string();
    files
        .iter()
        .filter_map(|file| {
            let code: u32 = file.file_stem()?.to_str()?.parse().ok()?;
            let ward = crate::model::WardCode(code);
            let mine: Vec<&(std::path::PathBuf, String, Option<String>)> =
                rows.iter().filter(|r| &r.0 == file).collect();
            let in_ward: Vec<&crate::model::Facility> = facilities
                .iter()
                .filter(|f| f.ward_code == Some(ward))
                .collect();
            let surveyed = in_ward
                .iter()
                .filter(|f| mine.iter().any(|r| r.1 == f.id.0))
                .count();
            Some(WardSurvey {
                ward,
                file: file.clone(),
                surveyed,
                not_surveyed: in_ward.len() - surveyed,
                stale: mine
                    .iter()
                    .filter(|r| r.2.as_deref().is_none_or(|d| d < oldest.as_str()))
                    .count(),
                conflicts: 0,
            })
        })
        .collect()
}
