//! JSON shapes of the API that are not library types. Search results and facilities are
//! the library's own `SearchResult` / `Hit` (their serde form is the contract, see
//! `openapi.json`).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::geocode::Geocoded;
use crate::search::SearchResult;

#[derive(Serialize)]
pub struct SearchResponse {
    #[serde(flatten)]
    pub result: SearchResult,
    /// The point the search measured from, and where it came from.
    pub point: Option<PointDto>,
}

impl IntoResponse for SearchResponse {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Point {
            point: Option<PointDto>,
        }
        // A point is often a patient's home: no cache along the way may keep it.
        let cache = if self.point.is_some() {
            "no-store"
        } else {
            "no-cache"
        };
        let body = self.result.to_json_with(Point { point: self.point });
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, cache),
            ],
            body,
        )
            .into_response()
    }
}

#[derive(Serialize)]
pub struct PointDto {
    pub lat: f64,
    pub lon: f64,
    /// `near`, `covers` or `address`.
    pub source: &'static str,
    pub geocoded: Option<Geocoded>,
}

#[derive(Clone, Copy, Serialize)]
pub struct WardCount {
    pub code: u32,
    pub name: &'static str,
    pub kana: &'static str,
    pub kihon: &'static str,
    pub count: usize,
}

#[derive(Clone, Copy, Serialize)]
pub struct AreaCount {
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct RegionsDto {
    pub wards: Vec<WardCount>,
    pub kihon_areas: Vec<AreaCount>,
    pub niji_areas: Vec<AreaCount>,
}

#[derive(Serialize)]
pub struct Labelled {
    pub code: &'static str,
    pub label: &'static str,
    pub short: &'static str,
}

#[derive(Serialize)]
pub struct VocabularyDto {
    pub kinds: Vec<Labelled>,
    pub capabilities: Vec<Labelled>,
    pub wards: Vec<WardCount>,
    pub kihon_areas: Vec<AreaCount>,
    pub accepting: Vec<Labelled>,
    pub legal_radius_km: f64,
}

#[derive(Serialize)]
pub struct DatasetDto {
    pub name: String,
    pub facility_count: usize,
    pub built_at: u64,
    pub has_boundaries: bool,
    pub has_towns: bool,
}

#[derive(Serialize)]
pub struct CenterDto {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Serialize)]
pub struct ConfigDto {
    pub tile_url: String,
    pub tile_attribution: String,
    pub data_attribution: &'static str,
    pub dataset: DatasetDto,
    pub center: CenterDto,
}
