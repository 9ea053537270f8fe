//! The dataset downloader against a tiny HTTP/1.1 server on 127.0.0.1: filtering per
//! official layout, zip members, resuming a cut download, size/SHA-256 checks, HTTP errors
//! and re-runs. Fixtures in `tests/fixtures/fetch/` are fictional rows in official layouts.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use zaitaku::fetch::{fetch_dataset, FetchError, FetchOptions, FetchSummary};
use zaitaku::import::Manifest;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fetch")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One logged request: path and the `Range` header, if any.
type Logged = (String, Option<String>);

#[derive(Default)]
struct State {
    routes: HashMap<String, Vec<u8>>,
    /// Paths whose next response sends half the body, then closes the connection.
    cut_next: HashSet<String>,
    log: Vec<Logged>,
}

/// A one-connection-at-a-time HTTP/1.1 server for GET, with `Range: bytes=N-` support.
/// Dropping it stops the thread.
struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: Vec<(&str, Vec<u8>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            routes: routes
                .into_iter()
                .map(|(p, b)| (p.to_string(), b))
                .collect(),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let _ = serve(stream, &state);
                    }
                }
            })
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn cut_next(&self, path: &str) {
        self.state.lock().unwrap().cut_next.insert(path.to_string());
    }

    fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    let (body, cut) = {
        let mut s = state.lock().unwrap();
        s.log.push((path.clone(), range.clone()));
        let cut = s.cut_next.remove(&path);
        (s.routes.get(&path).cloned(), cut)
    };
    let mut out = stream;
    let Some(body) = body else {
        let msg = b"not found";
        write!(
            out,
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            msg.len()
        )?;
        return out.write_all(msg);
    };
    let start: Option<usize> = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok());
    let (head, part) = match start {
        Some(n) if n >= body.len() => {
            let head = format!(
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n",
                body.len()
            );
            return out.write_all(head.as_bytes());
        }
        Some(n) => (
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {n}-{}/{}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len() - 1,
                body.len(),
                body.len() - n
            ),
            &body[n..],
        ),
        None => (
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ),
            &body[..],
        ),
    };
    out.write_all(head.as_bytes())?;
    if cut {
        out.write_all(&part[..part.len() / 2])?;
        out.flush()?;
        return out.shutdown(std::net::Shutdown::Both);
    }
    out.write_all(part)
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sjis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// A manifest keeping 都島区 (27102) only: `sources` holds `[[source]]` (and optionally
/// `[postal_codes]`) tables, `boundaries`/`addresses` the bodies of those tables.
fn manifest(dir: &Path, sources: &str, boundaries: &str, addresses: &str) -> Manifest {
    let text = format!(
        "name = \"t\"\nmunicipalities = [\"27102\"]\n{sources}\n[boundaries]\nformat = \"n03\"\n\
         {boundaries}\n[addresses]\nformat = \"geolonia\"\n{addresses}\n"
    );
    let path = dir.join("dataset.toml");
    std::fs::write(&path, &text).unwrap();
    Manifest::parse(&path, &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const NO_URL_BOUNDARIES: &str = "file = \"N03.geojson\"";
const NO_URL_ADDRESSES: &str = "file = \"latest.csv\"";

fn run(m: &Manifest, raw: &Path, force: bool) -> (Result<FetchSummary, FetchError>, String) {
    let mut progress = Vec::new();
    let r = fetch_dataset(m, raw, &FetchOptions { force }, &mut progress);
    (r, String::from_utf8(progress).unwrap())
}

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

/// Names in `raw` other than the partial-download directory.
fn listing(raw: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(raw)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fetches_filters_and_unzips_a_whole_dataset() {
    let ken_all = sjis(&read(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fetch/ken_all_layout.csv"),
    ));
    let latest = fixture("latest.csv");
    let server = Server::start(vec![
        ("/jigyosho_130.csv", fixture("jigyosho_130.csv")),
        (
            "/01-1_hospital_facility_info_20250601.zip",
            zip(&[
                ("readme.txt", b"fictional"),
                (
                    "01-1_hospital_facility_info_20250601.csv",
                    &fixture("01-1_hospital_facility_info_20250601.csv"),
                ),
            ]),
        ),
        (
            "/N03_GML.zip",
            zip(&[
                ("N03-20250101_27_GML/N03-20250101_27.shp", b"not used"),
                (
                    "N03-20250101_27_GML/N03-20250101_27.geojson",
                    &fixture("N03-20250101_27.geojson"),
                ),
            ]),
        ),
        ("/data/latest.csv", latest.clone()),
        ("/27osaka.zip", zip(&[("27OSAKA.CSV", &ken_all)])),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let sources = format!(
        r#"
[[source]]
format = "jigyosho"
file = "jigyosho_130.csv"
url = "{}"
[[source]]
format = "navii"
file = "01-1_hospital_facility_info_*.csv"
url = "{}"
[[source]]
format = "kouseikyoku_ika"
file = "kouseikyoku_ika_27_*.csv"
[postal_codes]
format = "japan_post"
file = "postal_codes.csv"
url = "{}"
archive_member = "27OSAKA.CSV"
"#,
        server.url("/jigyosho_130.csv"),
        server.url("/01-1_hospital_facility_info_20250601.zip"),
        server.url("/27osaka.zip"),
    );
    let boundaries = format!(
        "file = \"N03_osaka_city_wards.geojson\"\nurl = \"{}\"\narchive_member = \"N03-20250101_27.geojson\"",
        server.url("/N03_GML.zip")
    );
    let addresses = format!(
        "file = \"japanese_addresses_osaka_city.csv\"\nurl = \"{}\"\nsize = {}\nsha256 = \"{}\"",
        server.url("/data/latest.csv"),
        latest.len(),
        sha256_hex(&latest).to_uppercase(),
    );
    let m = manifest(dir.path(), &sources, &boundaries, &addresses);
    let raw = dir.path().join("raw");

    let (summary, progress) = run(&m, &raw, false);
    let summary = summary.unwrap_or_else(|e| panic!("{e}"));
    let by_name = |name: &str| {
        summary
            .files
            .iter()
            .find(|f| f.file.file_name().unwrap() == name)
            .unwrap_or_else(|| panic!("{name} not in {summary:#?}"))
    };
    let counts = |name: &str| (by_name(name).rows_kept, by_name(name).rows_dropped);

    // Jigyosho: 271021 kept, 272035 and 131016 dropped; the row without a code but in
    // 大阪府 is kept for the importer to place by address.
    assert_eq!(counts("jigyosho_130.csv"), (Some(2), Some(2)));
    let j = read(&raw.join("jigyosho_130.csv"));
    let lines: Vec<&str> = j.lines().collect();
    assert!(
        lines[0].starts_with("都道府県コード又は市町村コード,No,"),
        "{j}"
    );
    assert!(
        lines[0].contains("方書（ビル名等）"),
        "original header text: {j}"
    );
    assert_eq!(lines[0].split(',').count(), 24);
    assert!(lines[1].starts_with("271021,2760000001,"), "{j}");
    assert!(
        lines[1].contains("\"さくらビル2階, 201号\""),
        "quoting kept: {j}"
    );
    assert!(lines[2].starts_with(",2760000003,"), "{j}");
    assert_eq!(lines.len(), 3, "{j}");

    // Navii from a zip without archive_member: the only .csv, named after the member.
    assert_eq!(
        counts("01-1_hospital_facility_info_20250601.csv"),
        (Some(1), Some(1))
    );
    let n = read(&raw.join("01-1_hospital_facility_info_20250601.csv"));
    assert!(
        n.contains("架空記念病院") && !n.contains("架空中央病院"),
        "{n}"
    );

    // N03 from a member nested in a folder.
    assert_eq!(counts("N03_osaka_city_wards.geojson"), (Some(1), Some(1)));
    let geo: serde_json::Value =
        serde_json::from_str(&read(&raw.join("N03_osaka_city_wards.geojson"))).unwrap();
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["properties"]["N03_007"], "27102");
    assert_eq!(geo["type"], "FeatureCollection");

    // Geolonia, checked against size and (upper-case) sha256.
    assert_eq!(
        counts("japanese_addresses_osaka_city.csv"),
        (Some(2), Some(1))
    );
    let a = read(&raw.join("japanese_addresses_osaka_city.csv"));
    assert!(a.starts_with("都道府県コード,"), "{a}");
    assert!(!a.contains("豊中市"), "{a}");

    // KEN_ALL in Shift_JIS: decoded, filtered, written as headerless UTF-8.
    assert_eq!(counts("postal_codes.csv"), (Some(2), Some(1)));
    let p = read(&raw.join("postal_codes.csv"));
    assert!(p.starts_with("27102,534  ,5349999,ｵｵｻｶﾌ,"), "{p}");
    assert!(p.contains("架空南町") && !p.contains("豊中市"), "{p}");

    // No url: skipped, not an error.
    let k = by_name("kouseikyoku_ika_27_*.csv");
    assert_eq!(
        k.skipped.as_deref(),
        Some("no url in the manifest: place it by hand")
    );
    assert_eq!(summary.files.len(), 6);
    assert_eq!(
        by_name("jigyosho_130.csv").bytes_downloaded,
        fixture("jigyosho_130.csv").len() as u64
    );

    // Progress: a bar per download, each ending with a newline; the summary: one line
    // per file.
    assert!(
        progress.starts_with("\rjigyosho_130.csv  [####################] 100% 1.5/1.5 KB\n"),
        "{progress:?}"
    );
    assert_eq!(progress.matches('\n').count(), 5, "{progress}");
    let shown = summary.to_string();
    assert_eq!(shown.lines().count(), 6, "{shown}");
    assert!(
        shown.contains("jigyosho_130.csv: 1.5 KB downloaded, 2 kept, 2 dropped as outside"),
        "{shown}"
    );
    assert!(shown.contains("skipped (no url in the manifest"), "{shown}");

    // Only final files in raw: no temp files, and the partial directory is gone.
    assert_eq!(
        listing(&raw),
        [
            "01-1_hospital_facility_info_20250601.csv",
            "N03_osaka_city_wards.geojson",
            "japanese_addresses_osaka_city.csv",
            "jigyosho_130.csv",
            "postal_codes.csv",
        ]
    );

    // Re-running fetches nothing; force fetches everything again.
    let requests = server.log().len();
    assert_eq!(requests, 5);
    let (again, _) = run(&m, &raw, false);
    let again = again.unwrap();
    assert_eq!(
        server.log().len(),
        requests,
        "no request on a complete re-run"
    );
    let complete = again
        .files
        .iter()
        .filter(|f| f.skipped.as_deref() == Some("already complete"))
        .count();
    assert_eq!(complete, 5, "{again:#?}");
    let (forced, _) = run(&m, &raw, true);
    assert!(forced
        .unwrap()
        .files
        .iter()
        .all(|f| f.skipped.is_none() || f.file.to_string_lossy().contains("kouseikyoku")));
    assert_eq!(server.log().len(), 2 * requests);
}

#[test]
fn headered_postal_codes_are_filtered_by_municipality_code() {
    let server = Server::start(vec![("/postal_codes.csv", fixture("postal_codes.csv"))]);
    let dir = tempfile::tempdir().unwrap();
    let sources = format!(
        "[[source]]\nformat = \"kouseikyoku_ika\"\nfile = \"k_*.csv\"\n[postal_codes]\n\
         format = \"japan_post\"\nfile = \"postal.csv\"\nurl = \"{}\"",
        server.url("/postal_codes.csv")
    );
    let m = manifest(dir.path(), &sources, NO_URL_BOUNDARIES, NO_URL_ADDRESSES);
    let raw = dir.path().join("raw");
    let summary = run(&m, &raw, false).0.unwrap();
    let postal = summary.files.last().unwrap();
    assert_eq!((postal.rows_kept, postal.rows_dropped), (Some(2), Some(1)));
    assert_eq!(
        read(&raw.join("postal.csv")),
        "postal_code,municipality_code,municipality_name,town,town_kana,note,has_chome,\
         multi_town_code,one_town_multi_codes\r\n\
         5340000,27102,大阪市都島区,,,以下に掲載がない場合,0,0,0\r\n\
         5349999,27102,大阪市都島区,架空町,カクウチョウ,,1,0,0\r\n"
    );
}

/// A prefecture list (kept whole, so the output is the download byte for byte) large
/// enough that half of it is many reads.
fn big_list() -> Vec<u8> {
    let mut s = String::from("医療機関コード(9),医療機関コード(7),医療機関名称,郵便番号,住所\r\n");
    for i in 0..4000 {
        s.push_str(&format!(
            "27{i:07},{i:07},架空クリニック{i},5340000,大阪市都島区架空町{i}\r\n"
        ));
    }
    s.into_bytes()
}

fn one_source(dir: &Path, format: &str, file: &str, url: &str, extra: &str) -> Manifest {
    let sources =
        format!("[[source]]\nformat = \"{format}\"\nfile = \"{file}\"\nurl = \"{url}\"\n{extra}");
    manifest(dir, &sources, NO_URL_BOUNDARIES, NO_URL_ADDRESSES)
}

#[test]
fn resumes_a_cut_download_with_a_range_request() {
    let body = big_list();
    let server = Server::start(vec![("/ika/kouseikyoku_ika_27_202508.csv", body.clone())]);
    let url = server.url("/ika/kouseikyoku_ika_27_202508.csv");
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(
        dir.path(),
        "kouseikyoku_ika",
        "kouseikyoku_ika_27_*.csv",
        &url,
        &format!("sha256 = \"{}\"", sha256_hex(&body)),
    );
    let raw = dir.path().join("raw");
    let partial = raw.join(".partial/kouseikyoku_ika_27_202508.csv");

    server.cut_next("/ika/kouseikyoku_ika_27_202508.csv");
    let (first, progress) = run(&m, &raw, false);
    match first {
        Err(FetchError::Interrupted {
            url: u,
            partial_bytes,
            ..
        }) => {
            assert_eq!(u, url);
            assert_eq!(partial_bytes, body.len() as u64 / 2);
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    assert!(progress.ends_with('\n'), "{progress:?}");
    assert_eq!(
        std::fs::metadata(&partial).unwrap().len(),
        body.len() as u64 / 2
    );
    assert!(!raw.join("kouseikyoku_ika_27_202508.csv").exists());

    let summary = run(&m, &raw, false).0.unwrap_or_else(|e| panic!("{e}"));
    let f = &summary.files[0];
    assert_eq!(f.resumed_from, body.len() as u64 / 2);
    assert_eq!(f.bytes_downloaded, (body.len() - body.len() / 2) as u64);
    assert_eq!((f.rows_kept, f.rows_dropped), (None, None));
    assert_eq!(
        server.log()[1].1.as_deref(),
        Some(format!("bytes={}-", body.len() / 2).as_str())
    );
    assert_eq!(server.log()[0].1, None);
    let out = raw.join("kouseikyoku_ika_27_202508.csv");
    assert_eq!(f.file, out);
    assert!(std::fs::read(&out).unwrap() == body, "byte-identical");
    assert!(!raw.join(".partial").exists());
    assert!(summary.to_string().contains("(resumed at "), "{summary}");
}

#[test]
fn a_partial_file_of_another_url_is_not_resumed() {
    let body = big_list();
    let server = Server::start(vec![("/b/list.csv", body.clone())]);
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    std::fs::create_dir_all(raw.join(".partial")).unwrap();
    std::fs::write(raw.join(".partial/list.csv"), b"bytes of another file").unwrap();
    std::fs::write(
        raw.join(".partial/list.csv.url"),
        "http://127.0.0.1:1/a/list.csv",
    )
    .unwrap();
    let m = one_source(
        dir.path(),
        "kouseikyoku_ika",
        "list.csv",
        &server.url("/b/list.csv"),
        "",
    );
    let f = run(&m, &raw, false).0.unwrap().files.remove(0);
    assert_eq!(f.resumed_from, 0);
    assert_eq!(server.log()[0].1, None, "no Range request");
    assert!(std::fs::read(raw.join("list.csv")).unwrap() == body);
}

#[test]
fn sha256_mismatch_names_url_and_both_hashes_and_leaves_nothing() {
    let body = fixture("jigyosho_130.csv");
    let server = Server::start(vec![("/jigyosho_130.csv", body.clone())]);
    let url = server.url("/jigyosho_130.csv");
    let wrong = "0".repeat(64);
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(
        dir.path(),
        "jigyosho",
        "jigyosho_130.csv",
        &url,
        &format!("sha256 = \"{wrong}\""),
    );
    let raw = dir.path().join("raw");
    let e = run(&m, &raw, false).0.unwrap_err();
    assert!(matches!(e, FetchError::Checksum { .. }), "{e:?}");
    let msg = e.to_string();
    for part in [url.as_str(), wrong.as_str(), sha256_hex(&body).as_str()] {
        assert!(msg.contains(part), "{msg} lacks {part}");
    }
    assert!(!raw.join("jigyosho_130.csv").exists());
    assert!(!raw.join(".partial/jigyosho_130.csv").exists());
    assert_eq!(listing(&raw), [".partial"]);
    assert_eq!(listing(&raw.join(".partial")), Vec::<String>::new());
}

#[test]
fn size_mismatch_is_an_error() {
    let body = fixture("latest.csv");
    let server = Server::start(vec![("/latest.csv", body.clone())]);
    let url = server.url("/latest.csv");
    let dir = tempfile::tempdir().unwrap();
    let addresses = format!("file = \"latest.csv\"\nurl = \"{url}\"\nsize = 10");
    let m = manifest(
        dir.path(),
        "[[source]]\nformat = \"jigyosho\"\nfile = \"j.csv\"",
        NO_URL_BOUNDARIES,
        &addresses,
    );
    let raw = dir.path().join("raw");
    let e = run(&m, &raw, false).0.unwrap_err();
    match &e {
        FetchError::Size {
            url: u,
            expected,
            actual,
        } => {
            assert_eq!(
                (u.as_str(), *expected, *actual),
                (url.as_str(), 10, body.len() as u64)
            );
        }
        other => panic!("expected Size, got {other:?}"),
    }
    assert!(e.to_string().contains(&format!("{} bytes", 10)), "{e}");
    assert!(!raw.join("latest.csv").exists());
}

#[test]
fn http_404_names_the_url_and_status() {
    let server = Server::start(vec![]);
    let url = server.url("/missing/jigyosho_130.csv");
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(dir.path(), "jigyosho", "jigyosho_130.csv", &url, "");
    let raw = dir.path().join("raw");
    let e = run(&m, &raw, false).0.unwrap_err();
    match &e {
        FetchError::Http { url: u, status } => {
            assert_eq!((u.as_str(), *status), (url.as_str(), 404))
        }
        other => panic!("expected Http, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains(&url) && msg.contains("404"), "{msg}");
    assert!(!raw.join("jigyosho_130.csv").exists());
}

#[test]
fn a_dated_url_falls_back_month_by_month_and_a_workbook_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("w.xlsx");
    let rows = vec![crate::todokede::KijunRow::new(
        "0000011",
        "見本クリニック",
        "大阪市都島区見本町",
        crate::todokede::SHIEN_SHIN[2].0,
        crate::todokede::SHIEN_SHIN[2].1,
        "令和 6年 6月 1日",
    )];
    crate::todokede::write_kijun(&xlsx, "27", 4, &rows, false);
    let bytes = std::fs::read(&xlsx).unwrap();
    let template = "/kinki/{YYYY.MM}_sisetukijun_osaka_ika.xlsx";
    // This month's list is not out yet: only last month's is on the server.
    let paths = zaitaku::fetch::candidate_urls(template);
    let server = Server::start(vec![(paths[1].as_str(), bytes.clone())]);
    let m = one_source(
        dir.path(),
        "shisetsu_kijun",
        "*_sisetukijun_osaka_ika.xlsx",
        &server.url(template),
        "optional = true\n",
    );
    let raw = dir.path().join("raw");
    let (summary, _) = run(&m, &raw, false);
    summary.unwrap_or_else(|e| panic!("{e}"));
    let name = paths[1].rsplit('/').next().unwrap();
    // Kept as published: an xlsx is a zip, but not one to unpack.
    assert_eq!(std::fs::read(raw.join(name)).unwrap(), bytes);
    let requested: Vec<String> = server.log().into_iter().map(|(p, _)| p).collect();
    assert_eq!(requested, vec![paths[0].clone(), paths[1].clone()]);
    // Run again: last month's file is there, nothing more is downloaded.
    let (summary, _) = run(&m, &raw, false);
    let summary = summary.unwrap();
    assert_eq!(
        summary.files[0].skipped.as_deref(),
        Some("already complete")
    );
    assert_eq!(
        server.log().len(),
        3,
        "one more 404 for this month, no download"
    );
}

#[test]
fn zip_with_several_candidates_lists_them() {
    let server = Server::start(vec![(
        "/two.zip",
        zip(&[("a.csv", b"x\n"), ("b.CSV", b"y\n"), ("c.txt", b"z")]),
    )]);
    let url = server.url("/two.zip");
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(dir.path(), "kouseikyoku_ika", "k.csv", &url, "");
    let e = run(&m, &dir.path().join("raw"), false).0.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, FetchError::Archive { .. }), "{e:?}");
    assert!(msg.contains(&url) && msg.contains("a.csv, b.CSV"), "{msg}");
    assert!(msg.contains("archive_member"), "{msg}");

    let m = one_source(
        dir.path(),
        "kouseikyoku_ika",
        "k.csv",
        &url,
        "archive_member = \"b.CSV\"",
    );
    let raw = dir.path().join("raw2");
    run(&m, &raw, false).0.unwrap();
    assert_eq!(std::fs::read(raw.join("k.csv")).unwrap(), b"y\n");
}

#[test]
fn a_name_outside_the_pattern_asks_to_fix_the_manifest() {
    let server = Server::start(vec![("/other_name.csv", b"x\n".to_vec())]);
    let url = server.url("/other_name.csv");
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(
        dir.path(),
        "kouseikyoku_ika",
        "kouseikyoku_ika_27_*.csv",
        &url,
        "",
    );
    let raw = dir.path().join("raw");
    let e = run(&m, &raw, false).0.unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, FetchError::FileName { .. }), "{e:?}");
    assert!(
        msg.contains("other_name.csv") && msg.contains("fix `file`"),
        "{msg}"
    );
    assert!(!raw.join("other_name.csv").exists());
}

#[test]
fn a_broken_source_file_is_a_filter_error_naming_the_download() {
    let server = Server::start(vec![("/jigyosho_130.csv", b"\xff\xfe broken".to_vec())]);
    let url = server.url("/jigyosho_130.csv");
    let dir = tempfile::tempdir().unwrap();
    let m = one_source(dir.path(), "jigyosho", "jigyosho_130.csv", &url, "");
    let raw = dir.path().join("raw");
    let e = run(&m, &raw, false).0.unwrap_err();
    assert!(matches!(e, FetchError::Filter(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("jigyosho_130.csv") && msg.contains("byte offset 0"),
        "{msg}"
    );
    assert!(!raw.join("jigyosho_130.csv").exists());
}

#[test]
fn a_complete_partial_file_is_used_when_the_server_answers_416() {
    let body = big_list();
    let server = Server::start(vec![("/list.csv", body.clone())]);
    let url = server.url("/list.csv");
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    // As left by a run that stopped after the transfer but before writing the file.
    std::fs::create_dir_all(raw.join(".partial")).unwrap();
    std::fs::write(raw.join(".partial/list.csv"), &body).unwrap();
    std::fs::write(raw.join(".partial/list.csv.url"), &url).unwrap();
    let m = one_source(dir.path(), "kouseikyoku_ika", "list.csv", &url, "");
    let f = run(&m, &raw, false).0.unwrap().files.remove(0);
    assert_eq!((f.bytes_downloaded, f.resumed_from), (0, body.len() as u64));
    assert_eq!(server.log().len(), 1);
    assert!(std::fs::read(raw.join("list.csv")).unwrap() == body);
}

/// The whole path an operator takes: `zaitaku fetch` downloads the official files (one a
/// zip) from the manifest's URLs, then `zaitaku index` builds from what was fetched.
#[test]
fn fetch_then_index_with_the_binary() {
    let official = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/official");
    let raw_fixture = |n: &str| std::fs::read(official.join("raw").join(n)).unwrap();
    let server = Server::start(vec![
        ("/jigyosho_130.csv", raw_fixture("jigyosho_130.csv")),
        (
            "/01-1_hospital_facility_info_20250601.zip",
            zip(&[(
                "01-1_hospital_facility_info_20250601.csv",
                &raw_fixture("01-1_hospital_facility_info_20250601.csv"),
            )]),
        ),
        (
            "/kouseikyoku_ika_27_202508.csv",
            raw_fixture("kouseikyoku_ika_27_202508.csv"),
        ),
        ("/N03_wards.geojson", raw_fixture("N03_wards.geojson")),
        ("/latest.csv", raw_fixture("japanese_addresses.csv")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("fixture");
    std::fs::create_dir(&dataset).unwrap();
    let manifest = std::fs::read_to_string(official.join("dataset/dataset.toml"))
        .unwrap()
        .replace(
            "file = \"jigyosho_130.csv\"",
            &format!(
                "file = \"jigyosho_130.csv\"\nurl = \"{}\"",
                server.url("/jigyosho_130.csv")
            ),
        )
        .replace(
            "file = \"01-1_hospital_facility_info_*.csv\"",
            &format!(
                "file = \"01-1_hospital_facility_info_*.csv\"\nurl = \"{}\"",
                server.url("/01-1_hospital_facility_info_20250601.zip")
            ),
        )
        .replace(
            "file = \"kouseikyoku_ika_27_*.csv\"",
            &format!(
                "file = \"kouseikyoku_ika_27_202508.csv\"\nurl = \"{}\"",
                server.url("/kouseikyoku_ika_27_202508.csv")
            ),
        )
        .replace(
            "file = \"N03_wards.geojson\"",
            &format!(
                "file = \"N03_wards.geojson\"\nurl = \"{}\"",
                server.url("/N03_wards.geojson")
            ),
        )
        .replace(
            "file = \"japanese_addresses.csv\"",
            &format!(
                "file = \"japanese_addresses.csv\"\nurl = \"{}\"",
                server.url("/latest.csv")
            ),
        );
    std::fs::write(dataset.join("dataset.toml"), manifest).unwrap();

    let out = crate::support::cli::zaitaku(dir.path(), &["fetch", "--dataset", "fixture"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("postal_codes.csv: skipped (no url"),
        "{stdout}"
    );
    // The geolonia table is filtered to the dataset's wards (the 豊中市 row is dropped).
    assert!(stdout.contains("5 kept, 1 dropped"), "{stdout}");
    assert!(stderr.contains("100%"), "progress bar: {stderr}");
    let raw = dataset.join("raw");
    assert!(raw
        .join("01-1_hospital_facility_info_20250601.csv")
        .exists());

    let out = crate::support::cli::ok(dir.path(), &["index", "--dataset", "fixture"]);
    assert!(out.contains("merged into 7 facilities"), "{out}");
    assert!(
        out.contains("indexed 7 facilities into index/fixture"),
        "{out}"
    );

    // A second fetch downloads nothing.
    let before = server.log().len();
    crate::support::cli::ok(dir.path(), &["fetch", "--dataset", "fixture"]);
    assert_eq!(server.log().len(), before);
}
