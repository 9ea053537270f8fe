//! Any bytes as a source file (CSV in any encoding, xlsx, zip): no panic, and every error
//! names the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zaitaku::table::{Header, Table};

fuzz_target!(|bytes: &[u8]| {
    let wanted: &[&[&str]] = &[&["医療機関番号"], &["受理記号"]];
    for header in [
        Header::FirstRow,
        Header::Containing(wanted),
        Header::MostOf(wanted),
    ] {
        if let Err(e) = Table::from_bytes(Path::new("f.csv"), bytes, header) {
            assert!(e.file.starts_with("f.csv") && !e.reason.is_empty());
        }
    }
});
