//! Running the real `zaitaku` binary in a directory: any outcome, success (its stdout), or
//! a failure on bad input (exit code 2 and one line naming the problem).

use std::path::Path;
use std::process::{Command, Output};

pub fn zaitaku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zaitaku"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run zaitaku")
}

pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = zaitaku(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command expected to fail on bad input: exit 2, one error line naming `needle`.
pub fn bad(dir: &Path, args: &[&str], needle: &str) -> String {
    let out = zaitaku(dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(needle),
        "{args:?}: expected '{needle}' in: {err}"
    );
    assert!(out.stdout.is_empty());
    err
}
