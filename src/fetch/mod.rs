//! `zaitaku fetch`: downloads the official files a dataset manifest lists into the raw
//! directory, resuming broken downloads, checking size and SHA-256, unpacking zip archives
//! and keeping only the rows of the dataset's municipalities.
//!
//! Each file is written under its final name only when it is complete (temp file, then
//! `rename`), so a file that exists in the raw directory is always a finished one and a
//! re-run fetches only what is missing.

mod archive;
mod download;
mod filter;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::import::manifest::{glob_match, DownloadEntry, Manifest};
use crate::import::ImportError;

/// Where unfinished downloads are kept between runs, inside the raw directory.
pub const PARTIAL_DIR: &str = ".partial";

#[derive(Clone, Debug, Default)]
pub struct FetchOptions {
    /// Download again even when the file is already in the raw directory.
    pub force: bool,
}

/// What happened to one manifest entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedFile {
    /// The file in the raw directory (for skipped entries without a url: the manifest's
    /// name, which may hold `*`).
    pub file: PathBuf,
    /// Bytes received over the network in this run.
    pub bytes_downloaded: u64,
    /// Where this run resumed an earlier partial download (0: from the start).
    pub resumed_from: u64,
    /// Rows (features for GeoJSON) kept; `None` when the file is kept whole or skipped.
    pub rows_kept: Option<usize>,
    /// Rows outside the dataset's municipalities.
    pub rows_dropped: Option<usize>,
    /// Why nothing was downloaded, when nothing was.
    pub skipped: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchSummary {
    pub files: Vec<FetchedFile>,
}

impl fmt::Display for FetchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            write!(f, "{}: ", file.file.display())?;
            if let Some(reason) = &file.skipped {
                writeln!(f, "skipped ({reason})")?;
                continue;
            }
            write!(f, "{} downloaded", human_bytes(file.bytes_downloaded))?;
            if file.resumed_from > 0 {
                write!(f, " (resumed at {})", human_bytes(file.resumed_from))?;
            }
            match (file.rows_kept, file.rows_dropped) {
                (Some(kept), Some(dropped)) => writeln!(
                    f,
                    ", {kept} kept, {dropped} dropped as outside the dataset's municipalities"
                )?,
                _ => writeln!(f, ", kept whole")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: the server answered HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("{url}: cannot download: {reason}")]
    Request { url: String, reason: String },
    #[error(
        "{url}: the download broke off ({reason}); the {partial_bytes} bytes received are \
         kept, run fetch again to resume"
    )]
    Interrupted {
        url: String,
        partial_bytes: u64,
        reason: String,
    },
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{url}: SHA-256 mismatch: the manifest expects {expected}, the download has {actual}; \
         the download was deleted"
    )]
    Checksum {
        url: String,
        expected: String,
        actual: String,
    },
    #[error(
        "{url}: size mismatch: the manifest expects {expected} bytes, the download has \
         {actual}; the download was deleted"
    )]
    Size {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("{url}: bad zip archive: {reason}")]
    Archive { url: String, reason: String },
    #[error(
        "{url}: the downloaded file '{name}' does not match the manifest's file pattern \
         '{pattern}'; fix `file` (or `archive_member`) in the manifest"
    )]
    FileName {
        url: String,
        name: String,
        pattern: String,
    },
    #[error("cannot filter the download: {0}")]
    Filter(#[from] ImportError),
}

impl FetchError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Downloads every manifest entry that has a url into `raw_dir`, drawing a progress bar on
/// `progress`. Stops at the first error; files finished before it stay, so running again
/// fetches only the rest.
pub fn fetch_dataset(
    manifest: &Manifest,
    raw_dir: &Path,
    opts: &FetchOptions,
    progress: &mut dyn Write,
) -> Result<FetchSummary, FetchError> {
    std::fs::create_dir_all(raw_dir).map_err(|e| FetchError::io(raw_dir, e))?;
    let agent = download::agent();
    let mut summary = FetchSummary::default();
    for entry in manifest.downloads() {
        let fetched = fetch_one(&agent, manifest, &entry, raw_dir, opts, progress)?;
        summary.files.push(fetched);
    }
    // Only empty once every download finished; a leftover partial is kept for resuming.
    let _ = std::fs::remove_dir(raw_dir.join(PARTIAL_DIR));
    Ok(summary)
}

fn fetch_one(
    agent: &ureq::Agent,
    manifest: &Manifest,
    entry: &DownloadEntry<'_>,
    raw_dir: &Path,
    opts: &FetchOptions,
    progress: &mut dyn Write,
) -> Result<FetchedFile, FetchError> {
    let skipped = |file: PathBuf, reason: &str| FetchedFile {
        file,
        bytes_downloaded: 0,
        resumed_from: 0,
        rows_kept: None,
        rows_dropped: None,
        skipped: Some(reason.to_string()),
    };
    let Some(dl) = &entry.download else {
        return Ok(skipped(
            raw_dir.join(entry.file),
            "no url in the manifest: place it by hand",
        ));
    };
    // A dated url (`…/{YYYY.MM}_sisetukijun_osaka_ika.xlsx`) is tried for this month, then
    // for each month before it: the bureaus publish monthly, a few days into the month.
    let candidates = candidate_urls(dl.url);
    let mut at = 0;
    let (url, basename, partial, got) = loop {
        let url = candidates[at].as_str();
        let basename = url_basename(url);
        if !opts.force {
            if let Some(done) = existing_file(raw_dir, entry.file, dl.archive_member, &basename) {
                return Ok(skipped(done, "already complete"));
            }
        }
        let partial = raw_dir.join(PARTIAL_DIR).join(&basename);
        if opts.force {
            download::discard(&partial);
        }
        match download::fetch(agent, url, &partial, &basename, progress) {
            Ok(got) => break (url, basename, partial, got),
            Err(FetchError::Http { status: 404, .. }) if at + 1 < candidates.len() => at += 1,
            Err(e) => return Err(e),
        }
    };

    let bytes = std::fs::read(&partial).map_err(|e| FetchError::io(&partial, e))?;
    if let Err(e) = verify(url, &bytes, dl.size, dl.sha256) {
        // A wrong file cannot be resumed into a right one: the next run starts clean.
        download::discard(&partial);
        return Err(e);
    }

    // An Excel workbook is a zip too, but one to keep whole.
    let is_zip = !crate::table::is_workbook(&bytes)
        && (basename.to_ascii_lowercase().ends_with(".zip") || bytes.starts_with(b"PK\x03\x04"));
    let (name, content) = if is_zip {
        archive::extract(url, &bytes, dl.archive_member)?
    } else {
        (basename.clone(), bytes)
    };

    let final_name = if entry.file.contains('*') {
        if !glob_match(entry.file, &name) {
            return Err(FetchError::FileName {
                url: url.to_string(),
                name,
                pattern: entry.file.to_string(),
            });
        }
        name.clone()
    } else {
        entry.file.to_string()
    };
    let target = raw_dir.join(&final_name);

    // Errors name the file the way an operator finds it: the download, and the member.
    let source_path = if is_zip {
        partial.join(&name)
    } else {
        partial.clone()
    };
    let filtered = filter::filter(entry.kind, manifest, &source_path, content)?;
    write_atomically(&target, &filtered.bytes)?;
    download::discard(&partial);

    Ok(FetchedFile {
        file: target,
        bytes_downloaded: got.bytes_downloaded,
        resumed_from: got.resumed_from,
        rows_kept: filtered.kept,
        rows_dropped: filtered.dropped,
        skipped: None,
    })
}

/// The finished file of an entry, when it is already in the raw directory. With a `*`
/// pattern the name comes from the archive member or the url; a zip without a named member
/// is taken as done when a matching file has the zip's stem (`X.zip` → `X.csv`), so a new
/// release under a new url is still fetched.
fn existing_file(
    raw_dir: &Path,
    pattern: &str,
    member: Option<&str>,
    basename: &str,
) -> Option<PathBuf> {
    if !pattern.contains('*') {
        let p = raw_dir.join(pattern);
        return p.is_file().then_some(p);
    }
    if let Some(member) = member {
        let p = raw_dir.join(archive::member_basename(member));
        return p.is_file().then_some(p);
    }
    let lower = basename.to_ascii_lowercase();
    if !lower.ends_with(".zip") {
        let p = raw_dir.join(basename);
        return p.is_file().then_some(p);
    }
    let stem = &basename[..basename.len() - 4];
    std::fs::read_dir(raw_dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_file()
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    glob_match(pattern, n) && n.rsplit_once('.').is_some_and(|(s, _)| s == stem)
                })
        })
}

fn verify(
    url: &str,
    bytes: &[u8],
    size: Option<u64>,
    sha256: Option<&str>,
) -> Result<(), FetchError> {
    if let Some(expected) = size {
        if bytes.len() as u64 != expected {
            return Err(FetchError::Size {
                url: url.to_string(),
                expected,
                actual: bytes.len() as u64,
            });
        }
    }
    if let Some(expected) = sha256 {
        let actual: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(FetchError::Checksum {
                url: url.to_string(),
                expected: expected.to_ascii_lowercase(),
                actual,
            });
        }
    }
    Ok(())
}

/// Writes to a temp file next to `target` and renames it, so `target` is either absent or
/// complete, never half-written.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        FetchError::io(target, e)
    })
}

/// The placeholder for a monthly file's date in a manifest url.
pub const DATED: &str = "{YYYY.MM}";
/// Months tried back from the current one for a dated url.
const DATED_MONTHS: i32 = 6;

/// The urls to try for a manifest url: itself, or with [`DATED`] replaced by this month and
/// each of the [`DATED_MONTHS`] before it, newest first.
fn expand_dated(url: &str, (year, month): (i32, i32)) -> Vec<String> {
    if !url.contains(DATED) {
        return vec![url.to_string()];
    }
    (0..DATED_MONTHS)
        .map(|back| {
            let m = year * 12 + (month - 1) - back;
            url.replace(DATED, &format!("{}.{:02}", m / 12, m % 12 + 1))
        })
        .collect()
}

/// The urls `fetch` tries for a manifest url, in order (the dated ones from this month).
pub fn candidate_urls(url: &str) -> Vec<String> {
    expand_dated(url, current_year_month())
}

/// (year, month) now, in UTC.
fn current_year_month() -> (i32, i32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as i32)
}

/// The last path segment of a url, without query or fragment; never empty, `.` or `..`, so
/// it is safe as a file name.
fn url_basename(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let after_host = path.split_once("://").map_or(path, |(_, rest)| rest);
    let last = after_host
        .split_once('/')
        .map_or("", |(_, p)| p.rsplit('/').next().unwrap_or(""));
    let clean: String = last
        .chars()
        .map(|c| if c == '\\' || c.is_control() { '_' } else { c })
        .collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "download".into()
    } else {
        clean
    }
}

/// `1.2 MB`, `340.0 KB`, `12 B`.
pub(crate) fn human_bytes(n: u64) -> String {
    let (div, unit) = unit_for(n);
    if div == 1 {
        format!("{n} B")
    } else {
        format!("{:.1} {unit}", n as f64 / div as f64)
    }
}

/// The unit progress and summaries use for a byte count of this size.
pub(crate) fn unit_for(n: u64) -> (u64, &'static str) {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * 1024 * 1024;
    match n {
        _ if n >= GB => (GB, "GB"),
        _ if n >= MB => (MB, "MB"),
        _ if n >= KB => (KB, "KB"),
        _ => (1, "B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_basenames_are_safe_file_names() {
        assert_eq!(
            url_basename("https://h/a/b/jigyosho_130.csv"),
            "jigyosho_130.csv"
        );
        assert_eq!(url_basename("https://h/a/x.zip?v=2#f"), "x.zip");
        assert_eq!(url_basename("https://h/"), "download");
        assert_eq!(url_basename("https://h"), "download");
        assert_eq!(url_basename("https://h/a/.."), "download");
        assert_eq!(url_basename("https://h/a\\b"), "a_b");
    }

    #[test]
    fn dated_urls_go_back_month_by_month() {
        let urls = expand_dated("https://h/{YYYY.MM}_sisetukijun_osaka_ika.xlsx", (2026, 2));
        assert_eq!(urls.len(), 6);
        assert_eq!(urls[0], "https://h/2026.02_sisetukijun_osaka_ika.xlsx");
        assert_eq!(urls[1], "https://h/2026.01_sisetukijun_osaka_ika.xlsx");
        assert_eq!(urls[2], "https://h/2025.12_sisetukijun_osaka_ika.xlsx");
        assert_eq!(
            expand_dated("https://h/a.csv", (2026, 2)),
            vec!["https://h/a.csv"]
        );
        let (y, m) = current_year_month();
        assert!(y >= 2025 && (1..=12).contains(&m));
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(1_258_291), "1.2 MB");
    }
}
