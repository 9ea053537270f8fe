//! The demo index, built once per test run the way a user builds it: `zaitaku index` with
//! no arguments in an empty directory (the demo dataset is generated there first).

use std::path::Path;
use std::sync::OnceLock;

/// A directory holding `data/demo/facilities.csv` and the index `index/demo`.
pub fn dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = super::cli::ok(dir.path(), &["index"]);
        assert!(out.contains("indexed 58"), "{out}");
        assert!(dir.path().join("data/demo/facilities.csv").exists());
        assert!(dir.path().join("index/demo/zaitaku.json").exists());
        dir
    })
    .path()
}
