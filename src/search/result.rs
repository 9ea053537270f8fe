//! What a search returns. Field names `total`, `hits`, `facets` and each hit's `id`, `name`
//! and `distance_m` are a stable contract for scripts and the HTTP API.

use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

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

/// One facility of the answer: its record (the JSON as stored, served without decoding)
/// and why it matched. Serializes as the record's fields followed by the fields below.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Position in the index (not stable across builds; use the record's `id`).
    pub ord: u32,
    /// The facility record as JSON.
    pub record: Box<RawValue>,
    pub ward_name: Option<&'static str>,
    /// Great-circle metres from the `near` / `covers` point.
    pub distance_m: Option<f64>,
    /// Text relevance (BM25) when the query had text.
    pub score: Option<f32>,
    /// Why this facility matched, in Japanese, e.g. "3.2 km（訪問範囲 16 km 以内・東淀川区は対応地域）".
    pub explanation: String,
}

impl Hit {
    /// The decoded record.
    pub fn facility(&self) -> Facility {
        serde_json::from_str(self.record.get()).expect("index records are valid")
    }
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Extra<'a> {
            ward_name: Option<&'static str>,
            distance_m: Option<f64>,
            score: Option<f32>,
            explanation: &'a str,
        }
        let extra = serde_json::to_string(&Extra {
            ward_name: self.ward_name,
            distance_m: self.distance_m,
            score: self.score,
            explanation: &self.explanation,
        })
        .map_err(S::Error::custom)?;
        // `{record…}` + `,` + `extra…}`: one object, the record's fields first.
        let record = self.record.get();
        let mut joined = String::with_capacity(record.len() + extra.len());
        joined.push_str(&record[..record.len() - 1]);
        joined.push(',');
        joined.push_str(&extra[1..]);
        RawValue::from_string(joined)
            .map_err(S::Error::custom)?
            .serialize(s)
    }
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
