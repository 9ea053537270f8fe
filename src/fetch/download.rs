//! Resumable HTTP download into `raw/.partial/<name>`, with a plain-text progress bar.
//!
//! A partial file survives a broken connection; the next run asks for the rest with
//! `Range: bytes=N-`. A `<name>.url` marker beside it records which url the bytes came
//! from, so a partial file is never continued with another url's bytes.

use std::fs::OpenOptions;
use std::io::{BufWriter, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{human_bytes, unit_for, FetchError};

/// What one download did.
pub(super) struct Got {
    pub bytes_downloaded: u64,
    pub resumed_from: u64,
}

/// One agent for the whole run. Status codes are checked here (to name the url), and
/// `identity` encoding keeps the bytes on disk equal to the published file, which is what
/// `size`, `sha256` and byte ranges refer to.
pub(super) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        // A stalled server fails after this long without data; a slow but steady download
        // of a large national file is never cut.
        .timeout_per_read(Some(Duration::from_secs(120)))
        .accept_encoding("identity")
        .user_agent(concat!("zaitaku/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Deletes a partial download and its url marker (missing files are fine).
pub(super) fn discard(partial: &Path) {
    let _ = std::fs::remove_file(partial);
    let _ = std::fs::remove_file(marker(partial));
}

fn marker(partial: &Path) -> PathBuf {
    let mut name = partial.file_name().unwrap_or_default().to_os_string();
    name.push(".url");
    partial.with_file_name(name)
}

/// Downloads `url` into `partial`, continuing an earlier partial download of the same url.
pub(super) fn fetch(
    agent: &ureq::Agent,
    url: &str,
    partial: &Path,
    label: &str,
    progress: &mut dyn Write,
) -> Result<Got, FetchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| FetchError::Io { path, source: e }
    };
    if let Some(dir) = partial.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let same_url = std::fs::read_to_string(marker(partial)).is_ok_and(|u| u == url);
    let mut offset = if same_url {
        std::fs::metadata(partial).map_or(0, |m| m.len())
    } else {
        0
    };
    if offset == 0 {
        discard(partial);
        std::fs::write(marker(partial), url).map_err(io(&marker(partial)))?;
    }

    // At most one restart: when the server cannot continue the partial file.
    for _ in 0..2 {
        let mut request = agent.get(url);
        if offset > 0 {
            request = request.header("Range", format!("bytes={offset}-"));
        }
        let response = request.call().map_err(|e| FetchError::Request {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let content_range = response
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .map(parse_content_range);
        let length = response.body().content_length();

        let (append, total) = match status {
            206 => match content_range {
                Some(Some((Some(start), total))) if start == offset => {
                    (true, total.or(length.map(|l| offset + l)))
                }
                _ if offset > 0 => {
                    offset = 0;
                    discard(partial);
                    std::fs::write(marker(partial), url).map_err(io(&marker(partial)))?;
                    continue;
                }
                _ => {
                    return Err(FetchError::Request {
                        url: url.to_string(),
                        reason: "the server sent a partial response that was not asked for".into(),
                    })
                }
            },
            // The range starts at the end: the partial file may already be whole.
            416 if offset > 0 => {
                if matches!(content_range, Some(Some((None, Some(total)))) if total == offset) {
                    return Ok(Got {
                        bytes_downloaded: 0,
                        resumed_from: offset,
                    });
                }
                offset = 0;
                discard(partial);
                std::fs::write(marker(partial), url).map_err(io(&marker(partial)))?;
                continue;
            }
            200..=299 => {
                // The server ignored the range (or none was asked): start over.
                offset = 0;
                (false, length)
            }
            _ => {
                return Err(FetchError::Http {
                    url: url.to_string(),
                    status,
                })
            }
        };

        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(partial)
            .map_err(io(partial))?;
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        let mut reader = response.into_body().into_reader();
        let mut bar = Bar::new(label, total);
        let mut buf = vec![0u8; 64 * 1024];
        let mut received = 0u64;
        let broke = loop {
            match reader.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => {
                    if let Err(e) = out.write_all(&buf[..n]) {
                        bar.finish(offset + received, progress);
                        return Err(io(partial)(e));
                    }
                    received += n as u64;
                    bar.update(offset + received, progress);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Some(e.to_string()),
            }
        };
        // What arrived is kept either way: it is where the next run resumes.
        let flushed = out.flush();
        bar.finish(offset + received, progress);
        flushed.map_err(io(partial))?;
        let short = length.is_some_and(|l| received < l);
        if let Some(reason) = broke.or_else(|| short.then(|| "connection closed early".into())) {
            return Err(FetchError::Interrupted {
                url: url.to_string(),
                partial_bytes: offset + received,
                reason,
            });
        }
        return Ok(Got {
            bytes_downloaded: received,
            resumed_from: offset,
        });
    }
    Err(FetchError::Request {
        url: url.to_string(),
        reason: "the server cannot continue the partial download and did not restart it".into(),
    })
}

/// `bytes START-END/TOTAL` → (Some(START), Some(TOTAL)); `bytes */TOTAL` → (None, TOTAL);
/// `None` when it is not a byte range.
fn parse_content_range(v: &str) -> Option<(Option<u64>, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok();
    if range.trim() == "*" {
        return Some((None, total));
    }
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((Some(start), total))
}

/// `name  [#####.....]  52% 1.2/2.3 MB`, redrawn in place with `\r` at most ten times a
/// second; bytes only when the size is unknown. Write errors are ignored: a closed stderr
/// must not fail a download.
struct Bar<'a> {
    label: &'a str,
    total: Option<u64>,
    last_draw: Option<Instant>,
    last_done: Option<u64>,
    last_width: usize,
}

const BAR_WIDTH: usize = 20;

impl<'a> Bar<'a> {
    fn new(label: &'a str, total: Option<u64>) -> Self {
        Self {
            label,
            total: total.filter(|t| *t > 0),
            last_draw: None,
            last_done: None,
            last_width: 0,
        }
    }

    fn update(&mut self, done: u64, out: &mut dyn Write) {
        if self
            .last_draw
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.draw(done, out);
    }

    fn finish(&mut self, done: u64, out: &mut dyn Write) {
        if self.last_done != Some(done) {
            self.draw(done, out);
        }
        let _ = writeln!(out);
        let _ = out.flush();
    }

    fn draw(&mut self, done: u64, out: &mut dyn Write) {
        self.last_draw = Some(Instant::now());
        self.last_done = Some(done);
        let line = match self.total {
            Some(total) => {
                let fraction = (done as f64 / total as f64).min(1.0);
                let filled = (fraction * BAR_WIDTH as f64).floor() as usize;
                let (div, unit) = unit_for(total);
                let amount = |n: u64| {
                    if div == 1 {
                        n.to_string()
                    } else {
                        format!("{:.1}", n as f64 / div as f64)
                    }
                };
                format!(
                    "{}  [{}{}] {:>3}% {}/{} {unit}",
                    self.label,
                    "#".repeat(filled),
                    ".".repeat(BAR_WIDTH - filled),
                    (fraction * 100.0).floor() as u32,
                    amount(done),
                    amount(total),
                )
            }
            None => format!("{}  {}", self.label, human_bytes(done)),
        };
        // Blank out the tail of a longer previous frame.
        let width = line.chars().count();
        let pad = self.last_width.saturating_sub(width);
        self.last_width = width;
        let _ = write!(out, "\r{line}{}", " ".repeat(pad));
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 10-19/20"),
            Some((Some(10), Some(20)))
        );
        assert_eq!(parse_content_range("bytes 10-19/*"), Some((Some(10), None)));
        assert_eq!(parse_content_range("bytes */20"), Some((None, Some(20))));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }

    #[test]
    fn bar_frames() {
        let mut out = Vec::new();
        let mut bar = Bar::new("f.csv", Some(2_411_724));
        bar.draw(1_258_291, &mut out);
        bar.finish(2_411_724, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\rf.csv  [##########..........]  52% 1.2/2.3 MB"),
            "{text:?}"
        );
        assert!(
            text.ends_with("[####################] 100% 2.3/2.3 MB\n"),
            "{text:?}"
        );

        let mut out = Vec::new();
        Bar::new("g", None).finish(1536, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\rg  1.5 KB\n");

        // Updates within 100 ms of a frame are not drawn; the final frame always is.
        let mut out = Vec::new();
        let mut bar = Bar::new("h", Some(100));
        for done in [10, 20, 30] {
            bar.update(done, &mut out);
        }
        bar.finish(100, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\r').count(), 2, "{text:?}");
        assert!(text.contains(" 10% 10/100 B") && text.ends_with("100% 100/100 B\n"));
    }
}
