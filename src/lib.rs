//! # zaitaku — 在宅医療・介護資源の検索エンジン
//!
//! A search engine for home-medical-care resources: which clinics, 訪問看護 stations and
//! care offices can serve a patient's home, filtered by what they can do.
//!
//! - [`api`]: the HTTP server (JSON API + embedded map page).
//! - [`model`]: facilities, kinds, capabilities, wards and areas (the vocabulary table).
//! - [`text`]: Japanese normalisation and the bigram tokenizer.
//! - [`geo`]: great-circle maths, the R-tree, locating a point's ward.
//! - [`geocode`]: the offline address geocoder (町丁目 / 町 / ward).
//! - [`table`]: reading CSV (any encoding) and Excel sheets, columns by header name, cell
//!   positions in every error; below `import`, `geocode` and `fetch`.
//! - [`import`]: reading datasets: one reader per official format, merge, overlay.
//! - [`fetch`]: downloading a manifest's official files, resumable, checked and filtered.
//! - [`index`]: building (atomically) and opening indexes.
//! - [`search`]: validated queries and the one search function.
//! - [`lists`]: a ward's printed lists (resources by kind; 積極的役割を担う医療機関), JSON/CSV/xlsx.
//! - [`survey`]: the ward office's survey loop: an Excel sheet per ward out, checked answers in.
//! - [`demo`]: the deterministic demo dataset generator.
//! - [`data_table`]: the compiled-in tables of `data/` (scenes, roles, metrics, kanji variants).
//! - [`fault`]: whose fault an error is (the CLI's exit code), and printing its causes once.
// `unsafe` in the crate: `mi_collect` after an index is opened (api/state.rs), and the
// mapping of an index's records with its UTF-8 slices (index/records.rs).
#![deny(unsafe_code)]

/// mimalloc instead of glibc's malloc, for the server, the CLI, the tests and the benches
/// alike. A search allocates a few dozen small blocks and one answer of ~10 KB; under load
/// glibc spent a tenth of the server's time on them (consolidating its fast bins before
/// each larger block), and the mixed load rose by a third with mimalloc (README,
/// Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod api;
pub mod coverage;
pub mod data_table;
pub mod demo;
pub mod fault;
pub mod fetch;
pub mod geo;
pub mod geocode;
pub mod import;
pub mod index;
pub mod lists;
pub mod model;
pub mod search;
pub mod survey;
pub mod table;
pub mod team;
pub mod text;

pub use index::SearchIndex;
pub use search::{search, SearchParams, SearchQuery, SearchResult};
