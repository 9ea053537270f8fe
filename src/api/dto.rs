//! JSON shapes of the API that are not library types. Search results and facilities are
//! the library's own `SearchResult` / `Hit` (their serde form is the contract, see
//! `openapi.json`).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::search::{QueryPoint, SearchResult};

#[derive(Serialize)]
pub struct SearchResponse {
    #[serde(flatten)]
    pub result: SearchResult,
    /// The point the search measured from, and where it came from.
    pub point: Option<QueryPoint>,
}

impl IntoResponse for SearchResponse {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Point {
            point: Option<QueryPoint>,
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

/// A ward or undivided 市町村 (a place facilities are in), or a 市町村 as a whole.
#[derive(Clone, Serialize)]
pub struct WardCount {
    pub code: u32,
    /// 東淀川区, 吹田市, 堺市北区 (with its city where the name alone is ambiguous).
    pub name: String,
    /// 大阪市東淀川区, 三島郡島本町.
    pub full_name: String,
    pub kana: String,
    /// The designated city of a ward (27100), else null.
    pub city: Option<u32>,
    /// 基本保健医療圏 code (`north`), or "".
    pub kihon: String,
    /// 二次医療圏 code (`toyono`), or "".
    pub niji: String,
    pub count: usize,
}

#[derive(Clone, Serialize)]
pub struct AreaCount {
    pub code: String,
    pub label: String,
    /// The 市町村 (JIS codes) of a 二次医療圏; the wards of a 基本保健医療圏.
    pub members: Vec<u32>,
    pub count: usize,
}

#[derive(Serialize)]
pub struct RegionsDto {
    /// Wards and undivided 市町村: where facilities are.
    pub wards: Vec<WardCount>,
    /// Every 市町村 (a designated city counts its wards).
    pub municipalities: Vec<WardCount>,
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
    pub municipalities: Vec<WardCount>,
    pub kihon_areas: Vec<AreaCount>,
    pub niji_areas: Vec<AreaCount>,
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
