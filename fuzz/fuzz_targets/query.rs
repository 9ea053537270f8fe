//! Any text in every search parameter: no panic, and an error names its parameter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let p = zaitaku::SearchParams {
        text: Some(s.to_string()),
        near: Some(s.to_string()),
        covers: Some(s.to_string()),
        bbox: Some(s.to_string()),
        cap: vec![s.to_string()],
        kind: vec![s.to_string()],
        ward: vec![s.to_string()],
        limit: Some(s.to_string()),
        ..Default::default()
    };
    if let Err(e) = zaitaku::SearchQuery::parse(&p) {
        assert!(e.to_string().contains("parameter '"));
    }
});
