//! What a search returns. Field names `total`, `hits`, `facets` and each hit's `id`, `name`
//! and `distance_m` are a stable contract for scripts and the HTTP API.

use serde::Serialize;

use crate::model::Facility;

#[derive(Clone, Debug, Serialize)]
pub struct SearchResult {
    /// Every match, or (with `total=false`) at least this many.
    pub total: usize,
    /// `total` was not counted to the end (`total=false`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_is_lower_bound: bool,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub offset: usize,
    pub limit: usize,
    pub sort: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub facility: Facility,
    pub ward_name: Option<&'static str>,
    /// Great-circle metres from the `near` / `covers` point.
    pub distance_m: Option<f64>,
    /// Text relevance (BM25) when the query had text.
    pub score: Option<f32>,
    /// Why this facility matched, in Japanese, e.g. "3.2 km（訪問範囲 16 km 以内・東淀川区は対応地域）".
    pub explanation: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    pub code: String,
    pub label: String,
    pub count: usize,
}

/// Counts over the whole filtered set (not just the page), every value listed.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Facets {
    pub kind: Vec<FacetCount>,
    pub ward: Vec<FacetCount>,
    pub capability: Vec<FacetCount>,
}
