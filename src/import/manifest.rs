//! The dataset manifest (`<dataset>/dataset.toml`): which official files make up a
//! dataset, in which format, where each is downloaded from, and which municipalities the
//! dataset keeps. `zaitaku index` reads the files it lists from the raw directory;
//! `zaitaku fetch` downloads them there.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ImportError;

/// The manifest's file name inside a dataset directory.
pub const MANIFEST_FILE: &str = "dataset.toml";
/// Where `fetch` writes and `index` reads official files when `--raw` is not given.
pub const DEFAULT_RAW_DIR: &str = "raw";

/// Formats of facility lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// MHLW 介護サービス情報公表システム open data `jigyosho_<service>.csv`.
    Jigyosho,
    /// MHLW 医療情報ネット（ナビイ）施設票 `0N-1_*_facility_info_*.csv`.
    Navii,
    /// 地方厚生局 コード内容別医療機関一覧 (医科), as published (Excel) or saved as CSV.
    KouseikyokuIka,
    /// 地方厚生局 施設基準の届出受理医療機関名簿 (医科 / 歯科 / 薬局): capabilities.
    ShisetsuKijun,
    /// 地方厚生局 届出受理指定訪問看護事業所名簿: 訪問看護 stations' capabilities.
    HoumonKango,
    /// A ward's curated list of its 相談支援室 and 地域包括支援センター
    /// (`data/offices.example.csv`).
    Offices,
    /// 大阪市's 地域包括支援センター・ブランチ list, as published.
    OsakaHoukatsu,
}

impl SourceFormat {
    /// The format's name in the manifest and reports.
    pub fn code(self) -> &'static str {
        match self {
            Self::Jigyosho => "jigyosho",
            Self::Navii => "navii",
            Self::KouseikyokuIka => "kouseikyoku_ika",
            Self::ShisetsuKijun => "shisetsu_kijun",
            Self::HoumonKango => "houmon_kango",
            Self::Offices => "offices",
            Self::OsakaHoukatsu => "osaka_houkatsu",
        }
    }

    /// The publisher's name of the list, shown as the source of its values.
    pub fn label(self) -> &'static str {
        match self {
            Self::Jigyosho => "介護サービス情報公表",
            Self::Navii => "医療情報ネット（ナビイ）",
            Self::KouseikyokuIka => "近畿厚生局 医療機関一覧",
            Self::ShisetsuKijun => super::todokede::FilingFormat::ShisetsuKijun.source_name(),
            Self::HoumonKango => super::todokede::FilingFormat::HoumonKango.source_name(),
            Self::Offices => "区の相談窓口リスト",
            Self::OsakaHoukatsu => "大阪市 地域包括支援センター・ブランチ一覧",
        }
    }

    /// Lists of 届出 (capabilities of facilities other lists give), not of facilities.
    pub fn is_filing_list(self) -> bool {
        matches!(self, Self::ShisetsuKijun | Self::HoumonKango)
    }
}

/// Formats of the reference files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceFormat {
    /// 国土数値情報 行政区域 N03 as GeoJSON.
    N03,
    /// geolonia japanese-addresses `latest.csv`.
    Geolonia,
    /// Japan Post 郵便番号データ (KEN_ALL layout, or the flattened layout with a header).
    JapanPost,
}

/// Where a file comes from and how to check it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download<'a> {
    /// Official download URL (http or https). A `.zip` is unpacked.
    pub url: &'a str,
    /// The member to take out of the zip archive (default: the only `.csv`/`.geojson`).
    pub archive_member: Option<&'a str>,
    /// Expected SHA-256 of the downloaded file (hex), when the publisher gives one.
    pub sha256: Option<&'a str>,
    /// Expected size in bytes of the downloaded file.
    pub size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile<F> {
    pub format: F,
    /// File name in the raw directory; `*` matches any text (the newest match wins, by
    /// name, so dated files such as `…_20250601.csv` pick the latest).
    pub file: String,
    /// Official download URL (http or https); a `.zip` is unpacked.
    #[serde(default)]
    pub url: Option<String>,
    /// The member to take out of a zip archive (default: the only `.csv`/`.geojson`).
    #[serde(default)]
    pub archive_member: Option<String>,
    /// Expected SHA-256 (hex) of the downloaded file, when the publisher gives one.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Expected size in bytes of the downloaded file.
    #[serde(default)]
    pub size: Option<u64>,
    /// Free-text description shown in reports.
    #[serde(default)]
    pub title: Option<String>,
    /// A missing file is reported and skipped instead of failing the build (lists a ward
    /// office may not have downloaded, such as the 歯科 and 薬局 届出).
    #[serde(default)]
    pub optional: bool,
}

impl<F> SourceFile<F> {
    pub fn download(&self) -> Option<Download<'_>> {
        Some(Download {
            url: self.url.as_deref()?,
            archive_member: self.archive_member.as_deref(),
            sha256: self.sha256.as_deref(),
            size: self.size,
        })
    }
}

/// The curated overlay: one file, and/or a directory with one file per ward
/// (`overlay/27114.csv`, written by `zaitaku survey import --apply`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayFile {
    /// A file, relative to the dataset directory.
    #[serde(default)]
    pub file: Option<String>,
    /// A directory of ward files, relative to the dataset directory.
    #[serde(default)]
    pub dir: Option<String>,
    /// Days a 新規受入 status holds after its 更新日 (default 90).
    #[serde(default = "default_accepting_days")]
    pub accepting_valid_days: u32,
    /// Months after which a ward's survey answer counts as stale in the report (default 12).
    #[serde(default = "default_stale_months")]
    pub stale_months: u32,
}

fn default_accepting_days() -> u32 {
    super::overlay::DEFAULT_ACCEPTING_DAYS
}

fn default_stale_months() -> u32 {
    12
}

impl OverlayFile {
    /// The overlay files that exist: the single file, then the ward files in name order.
    pub fn files(&self, dataset: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .file
            .iter()
            .map(|f| dataset.join(f))
            .filter(|p| p.exists())
            .collect();
        if let Some(d) = &self.dir {
            let mut ward: Vec<PathBuf> = std::fs::read_dir(dataset.join(d))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            ward.sort();
            out.extend(ward);
        }
        out
    }
}

/// The dataset's regions table (`data/regions/`), paths relative to the dataset directory.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsFiles {
    /// 市町村 and wards: code, name, kana, 郡, city, 二次医療圏, 基本保健医療圏.
    pub file: String,
    /// The 二次医療圏 and 基本保健医療圏 the first file names.
    pub areas: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    /// JIS municipality codes (5 digits) kept by the dataset; rows elsewhere are reported.
    pub municipalities: Vec<String>,
    #[serde(rename = "source")]
    pub sources: Vec<SourceFile<SourceFormat>>,
    pub boundaries: SourceFile<ReferenceFormat>,
    pub addresses: SourceFile<ReferenceFormat>,
    #[serde(default)]
    pub postal_codes: Option<SourceFile<ReferenceFormat>>,
    #[serde(default)]
    pub overlay: Option<OverlayFile>,
    /// Without it, the compiled-in table of Osaka Prefecture.
    #[serde(default)]
    pub regions: Option<RegionsFiles>,
    /// People per area (`population.csv`: area code, total, 65+, 75+), for the planners'
    /// rates per 10,000; looked for in the dataset directory, then with the official files.
    #[serde(default)]
    pub population: Option<String>,
}

impl Manifest {
    /// Reads and checks `dir/dataset.toml`.
    pub fn load(dir: &Path) -> Result<Self, ImportError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| ImportError::file(&path, format!("cannot read: {e}")))?;
        Self::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ImportError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            ImportError {
                sheet: None,
                file: path.to_path_buf(),
                line: Some(line as u64),
                column: Some((column, "toml".into())),
                // toml leaves the message empty for some errors (`a=`: a missing value).
                reason: match e.message().trim() {
                    "" => "not valid TOML here (a value missing or malformed)".to_string(),
                    m => m.to_string(),
                },
            }
        })?;
        manifest.check(path)?;
        Ok(manifest)
    }

    fn check(&self, path: &Path) -> Result<(), ImportError> {
        let bad = |reason: String| Err(ImportError::file(path, reason));
        if self.municipalities.is_empty() {
            return bad("`municipalities` must list at least one 5-digit code".into());
        }
        if let Some(m) = self
            .municipalities
            .iter()
            .find(|m| m.len() != 5 || !m.bytes().all(|b| b.is_ascii_digit()))
        {
            return bad(format!("municipality code '{m}' is not a 5-digit JIS code"));
        }
        if self.sources.is_empty() {
            return bad("at least one [[source]] is needed".into());
        }
        if self.boundaries.format != ReferenceFormat::N03 {
            return bad("[boundaries] format must be \"n03\"".into());
        }
        if self.addresses.format != ReferenceFormat::Geolonia {
            return bad("[addresses] format must be \"geolonia\"".into());
        }
        if let Some(p) = &self.postal_codes {
            if p.format != ReferenceFormat::JapanPost {
                return bad("[postal_codes] format must be \"japan_post\"".into());
            }
        }
        for d in self.downloads() {
            if let Some(dl) = &d.download {
                if !(dl.url.starts_with("http://") || dl.url.starts_with("https://")) {
                    return bad(format!("url '{}' of {} is not http(s)", dl.url, d.file));
                }
                if let Some(h) = &dl.sha256 {
                    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return bad(format!("sha256 of {} is not 64 hex digits", d.file));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every file that `fetch` can download, with its format name for filtering.
    pub fn downloads(&self) -> Vec<DownloadEntry<'_>> {
        let mut out: Vec<DownloadEntry<'_>> = self
            .sources
            .iter()
            .map(|s| DownloadEntry {
                kind: FileKind::Source(s.format),
                file: &s.file,
                download: s.download(),
            })
            .collect();
        for r in [Some(&self.boundaries), Some(&self.addresses)]
            .into_iter()
            .chain([self.postal_codes.as_ref()])
            .flatten()
        {
            out.push(DownloadEntry {
                kind: FileKind::Reference(r.format),
                file: &r.file,
                download: r.download(),
            });
        }
        out
    }

    /// Whether a JIS municipality code (5 digits, or 6 with the check digit) is kept.
    /// The dataset's regions: its table cut to the municipalities it keeps. A kept code
    /// the table does not have is an error naming the manifest.
    pub fn regions(&self, dir: &Path) -> Result<crate::model::Regions, ImportError> {
        let all = match &self.regions {
            Some(r) => crate::geo::regions::read(&dir.join(&r.file), &dir.join(&r.areas))?,
            None => crate::geo::regions::osaka(),
        };
        let leaves: Vec<String> = all.leaves().map(|r| r.code.to_string()).collect();
        if let Some(m) = self.municipalities.iter().find(|m| !leaves.contains(m)) {
            return Err(ImportError::file(
                dir.join(MANIFEST_FILE),
                format!("municipality {m} is not a ward or undivided 市町村 of the regions table"),
            ));
        }
        Ok(all.restrict(|c| self.keeps_municipality(&c.to_string())))
    }

    pub fn keeps_municipality(&self, code: &str) -> bool {
        code.get(..5)
            .is_some_and(|c| self.municipalities.iter().any(|m| m == c))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Source(SourceFormat),
    Reference(ReferenceFormat),
}

#[derive(Clone, Debug)]
pub struct DownloadEntry<'a> {
    pub kind: FileKind,
    pub file: &'a str,
    pub download: Option<Download<'a>>,
}

/// Finds the file for a manifest name (with `*` wildcards) in `raw`: the last match in
/// name order, so the newest dated file wins.
pub fn resolve_file(raw: &Path, pattern: &str) -> Option<PathBuf> {
    if !pattern.contains('*') {
        let p = raw.join(pattern);
        // The entry itself: a broken link or a link loop is found, and reading it then says
        // what is wrong with it, rather than "no file matching".
        return std::fs::symlink_metadata(&p).is_ok().then_some(p);
    }
    let mut matches: Vec<PathBuf> = std::fs::read_dir(raw)
        .ok()?
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| glob_match(pattern, n))
        })
        .map(|e| e.path())
        .collect();
    matches.sort();
    matches.pop()
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_toml_error_says_something() {
        // Found by the fuzz target: toml gives no message for a missing value.
        let e = Manifest::parse(Path::new("dataset.toml"), "a=").unwrap_err();
        assert_eq!((e.line, e.column.as_ref().map(|c| c.0)), (Some(1), Some(3)));
        assert!(!e.reason.is_empty(), "{e}");
    }

    const GOOD: &str = r#"
name = "t"
municipalities = ["27102"]
[[source]]
format = "jigyosho"
file = "jigyosho_130.csv"
url = "https://example.invalid/jigyosho_130.csv"
size = 10
[boundaries]
format = "n03"
file = "N03.geojson"
[addresses]
format = "geolonia"
file = "latest.csv"
"#;

    #[test]
    fn parses_and_lists_downloads() {
        let m = Manifest::parse(Path::new("dataset.toml"), GOOD).unwrap();
        assert_eq!(m.sources[0].format, SourceFormat::Jigyosho);
        assert_eq!(m.sources[0].download().unwrap().size, Some(10));
        assert!(m.boundaries.download().is_none());
        assert_eq!(m.downloads().len(), 3);
        assert!(m.keeps_municipality("271021"));
        assert!(!m.keeps_municipality("27140"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad = GOOD.replace("format = \"jigyosho\"", "format = \"jigyo\"");
        let e = Manifest::parse(Path::new("dataset.toml"), &bad).unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.to_string().starts_with("dataset.toml:5:10"), "{e}");
        let bad = GOOD.replace("\"27102\"", "\"2710\"");
        let e = Manifest::parse(Path::new("dataset.toml"), &bad).unwrap_err();
        assert!(e.reason.contains("'2710'"), "{e}");
        let bad = GOOD.replace("https://", "ftp://");
        assert!(Manifest::parse(Path::new("d"), &bad).is_err());
        let bad = GOOD.replace("size = 10", "sise = 10");
        assert!(Manifest::parse(Path::new("d"), &bad).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("01-1_*.csv", "01-1_hospital_20250601.csv"));
        assert!(!glob_match("01-1_*.csv", "02-1_clinic.csv"));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXc"));
        assert!(glob_match("plain.csv", "plain.csv"));
    }
}
