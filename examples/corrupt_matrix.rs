//! The corrupted-file matrix (issue 11): every official file of the real Osaka dataset,
//! damaged in each way an operator meets (truncated, cut mid-line, bytes flipped, half in
//! Shift_JIS, a huge field, a header fault, empty, header only, a directory, a FIFO, a link
//! loop), built against a serving index. Every outcome must be a located error (the build
//! stops and names the file), a report line naming the file, or an unchanged index; a panic
//! or a swap without a word is a failure. Run with `./scripts/corrupt.sh` (needs
//! `../shared/data/osaka`); prints a Markdown table and exits 1 on any failure.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use zaitaku::import::{load_dataset, ImportReport};
use zaitaku::index::{build_index, BuildLock, DEFAULT_MAX_SHRINK};
use zaitaku::SearchIndex;

const FAULTS: [&str; 11] = [
    "truncated at half",
    "cut mid-line",
    "20 bytes flipped",
    "second half Shift_JIS",
    "a 1 MB field",
    "header column doubled",
    "empty",
    "header only",
    "a directory",
    "a FIFO",
    "a link loop",
];

/// Outcome of one build on a damaged file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    LocatedError,
    ReportLine,
    Unchanged,
    Failure,
}

fn damage(fault: &str, good: &[u8], path: &Path, seed: usize) {
    let _ = fs::remove_file(path);
    let _ = fs::remove_dir_all(path);
    let text = String::from_utf8_lossy(good);
    let write = |b: &[u8]| fs::write(path, b).unwrap();
    match fault {
        "truncated at half" => write(&good[..good.len() / 2]),
        "cut mid-line" => {
            let end = good.len() - good.len() / 7;
            let mut cut = good[..end].to_vec();
            while cut.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                cut.pop();
            }
            write(&cut);
        }
        "20 bytes flipped" => {
            let mut b = good.to_vec();
            let mut x = 0x9E37_79B9_u64.wrapping_mul(seed as u64 + 1);
            for _ in 0..20 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = (x as usize) % b.len().max(1);
                b[at] ^= 0x5a;
            }
            write(&b);
        }
        "second half Shift_JIS" => {
            let mid = text
                .char_indices()
                .nth(text.chars().count() / 2)
                .map_or(0, |(i, _)| i);
            let mut b = text[..mid].as_bytes().to_vec();
            b.extend_from_slice(&encoding_rs::SHIFT_JIS.encode(&text[mid..]).0);
            write(&b);
        }
        "a 1 MB field" => {
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            if lines.len() > 2 {
                lines[2].push_str(&"長".repeat(350_000));
            }
            write(lines.join("\n").as_bytes());
        }
        "header column doubled" => {
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            if let Some(h) = lines.first_mut() {
                let first = h.split(',').next().unwrap_or("").to_string();
                *h = format!("{h},{first}");
            }
            write(lines.join("\n").as_bytes());
        }
        "empty" => write(b""),
        "header only" => write(format!("{}\n", text.lines().next().unwrap_or("")).as_bytes()),
        "a directory" => fs::create_dir(path).unwrap(),
        "a FIFO" => {
            std::process::Command::new("mkfifo")
                .arg(path)
                .status()
                .unwrap();
        }
        "a link loop" => {
            // The partner's name matches no manifest pattern.
            let a = path.with_file_name("loop-partner");
            let _ = fs::remove_file(&a);
            std::os::unix::fs::symlink(path, &a).unwrap();
            std::os::unix::fs::symlink(&a, path).unwrap();
        }
        other => unreachable!("{other}"),
    }
}

fn build(dataset: &Path, raw: &Path, root: &Path) -> Result<ImportReport, String> {
    let lock = BuildLock::acquire(root, "osaka").map_err(|e| e.to_string())?;
    let ds = load_dataset(dataset, Some(raw)).map_err(|e| e.to_string())?;
    let input = ds.index_input(Some(DEFAULT_MAX_SHRINK));
    build_index(input, &lock).map_err(|e| e.to_string())?;
    Ok(ds.report.expect("official"))
}

fn main() {
    let root_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root_dir.join("../shared/data");
    if !shared.join("osaka/jigyosho_130.csv").exists() {
        eprintln!("corrupt_matrix: {} is missing", shared.display());
        std::process::exit(2);
    }
    let work = tempfile::tempdir().unwrap();
    let raw = work.path().join("raw");
    fs::create_dir(&raw).unwrap();
    let mut files = Vec::new();
    for e in fs::read_dir(shared.join("osaka")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        fs::copy(e.path(), raw.join(&name)).unwrap();
        files.push(name);
    }
    fs::copy(
        shared.join("geo/osaka_pref_postal_codes.csv"),
        raw.join("postal_codes.csv"),
    )
    .unwrap();
    files.push("postal_codes.csv".into());
    files.sort();
    let dataset = root_dir.join("data/osaka");
    let index_root = work.path().join("index");
    build(&dataset, &raw, &index_root).expect("the good files build");
    let serving = SearchIndex::open(&index_root.join("osaka")).unwrap().len();
    let link = fs::read_link(index_root.join("osaka")).unwrap();

    println!("| file | {} |", FAULTS.join(" | "));
    println!(
        "|---|{}|",
        FAULTS.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    let mut totals = [0usize; 4];
    let mut failures = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let path = raw.join(file);
        let good = fs::read(&path).unwrap();
        let mut row = Vec::new();
        for (j, fault) in FAULTS.iter().enumerate() {
            damage(fault, &good, &path, i * 31 + j);
            let built = catch_unwind(AssertUnwindSafe(|| build(&dataset, &raw, &index_root)));
            let now_link = fs::read_link(index_root.join("osaka")).ok();
            let still = SearchIndex::open(&index_root.join("osaka"))
                .map(|x| x.len())
                .ok();
            let outcome = match built {
                Err(_) => Outcome::Failure,
                Ok(Err(e)) if e.contains(file.as_str()) && still == Some(serving) => {
                    Outcome::LocatedError
                }
                Ok(Err(_)) => Outcome::Failure,
                Ok(Ok(report)) => {
                    let named = report.rejected.iter().any(|e| e.file.ends_with(file));
                    if named {
                        Outcome::ReportLine
                    } else if still == Some(serving) {
                        Outcome::Unchanged
                    } else {
                        Outcome::Failure
                    }
                }
            };
            if outcome == Outcome::Failure {
                failures.push(format!("{file} / {fault}"));
            }
            totals[outcome as usize] += 1;
            row.push(match outcome {
                Outcome::LocatedError => "error",
                Outcome::ReportLine => "report",
                Outcome::Unchanged => "same",
                Outcome::Failure => "**FAIL**",
            });
            // Back to the good file and the good index for the next fault.
            let _ = fs::remove_file(&path);
            let _ = fs::remove_dir_all(&path);
            let _ = fs::remove_file(path.with_file_name("loop-partner"));
            fs::write(&path, &good).unwrap();
            if now_link.as_deref() != Some(link.as_path()) {
                build(&dataset, &raw, &index_root).expect("the good files build again");
            }
        }
        println!("| {file} | {} |", row.join(" | "));
    }
    println!(
        "\n{} cases: {} located errors, {} report lines, {} unchanged, {} failures",
        totals.iter().sum::<usize>(),
        totals[0],
        totals[1],
        totals[2],
        totals[3]
    );
    for f in &failures {
        println!("FAIL: {f}");
    }
    std::process::exit(i32::from(!failures.is_empty()));
}
