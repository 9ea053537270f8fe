//! What an import did, printed by `zaitaku index`: rows read per file, joins, how each
//! facility was placed, and every row that was rejected, fell outside the dataset's
//! wards or states a ward its point is not in. Nothing is dropped without a line here.

use std::fmt;
use std::path::PathBuf;

use super::record::RowOrigin;
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
    pub ward_mismatches: Vec<Placement>,
    pub overlay_rows: usize,
    pub overlay_applied: usize,
    pub facilities: usize,
    /// Every row with a publisher's point was also geocoded from its address: the level
    /// reached and the distance to the publisher's point (`None` = not found).
    pub geocoder_checks: Vec<Option<(Level, f64)>>,
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
        if self.overlay_rows > 0 {
            writeln!(
                f,
                "overlay: {} of {} rows applied",
                self.overlay_applied, self.overlay_rows
            )?;
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
            "ward mismatches (the polygon decides)",
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
