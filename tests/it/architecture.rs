//! The module graph of the library: `crate::X` references between the folders of `src/`
//! must form no cycle (the layers read bottom-up: model, text, table, geo, geocode, import,
//! index, search, api). Run alone with `cargo test --test it architecture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Folder (top-level module) → the folders it refers to, from every `.rs` file below it.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let Some(top) = rel.components().next() else {
                continue;
            };
            let top = top
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if path.extension().is_none_or(|x| x != "rs") || rel.components().count() < 2 {
                // lib.rs, main.rs and the binary's files sit at the top: not a layer.
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let deps = out.entry(top.clone()).or_default();
            for (at, _) in text.match_indices("crate::") {
                let name: String = text[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top && src.join(&name).is_dir() {
                    deps.insert(name);
                }
            }
        }
    }
    out
}

/// A cycle as a path of folders, if there is one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(n, g, &mut Vec::new(), &mut done))
}

#[test]
fn folders_form_no_cycle() {
    let g = graph();
    for (from, to) in &g {
        println!(
            "{from} → {}",
            to.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(g.contains_key("import") && g.contains_key("table"), "{g:?}");
    if let Some(cycle) = find_cycle(&g) {
        panic!("the module graph has a cycle: {}", cycle.join(" → "));
    }
    // The layers the issue named: file reading is below import, geocode and fetch; index
    // never reads datasets; geocode does not reach up into import.
    assert!(
        g["table"].iter().all(|d| d == "model"),
        "table uses only model: {:?}",
        g["table"]
    );
    assert!(!g["index"].contains("import"), "{:?}", g["index"]);
    assert!(!g["index"].contains("search"), "{:?}", g["index"]);
    assert!(!g["geocode"].contains("import"), "{:?}", g["geocode"]);
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).unwrap(), vec!["a", "b", "c", "a"]);
}
