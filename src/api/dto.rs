//! JSON shapes of the API that are not library types. Search results and facilities are
//! the library's own `SearchResult` / `Hit` (their serde form is the contract, see
//! `openapi.json`).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::state::{Loaded, ServerConfig};
use crate::model::{Accepting, CAPABILITIES, FIELD_LABELS, KINDS, LEGAL_HOME_VISIT_RADIUS_KM};
use crate::search::{QueryPoint, SearchResult, DEFAULT_LIMIT, MAX_LIMIT};

#[derive(Serialize)]
pub struct SearchResponse {
    #[serde(flatten)]
    pub result: SearchResult,
    /// The point the search measured from, and where it came from.
    pub point: Option<QueryPoint>,
}

impl IntoResponse for SearchResponse {
    fn into_response(self) -> Response {
        let body = self.result.to_json_with(PointField { point: &self.point });
        SearchJson::new(body, self.point.is_some()).into_response()
    }
}

/// The search answer's field after the result's (`null` when no point was given).
#[derive(Serialize)]
pub struct PointField<'a> {
    pub point: &'a Option<QueryPoint>,
}

/// A search answer written as JSON. An answer about a point (an address, a patient's home)
/// is never stored by caches.
pub struct SearchJson {
    body: Vec<u8>,
    cache: &'static str,
}

impl SearchJson {
    pub fn new(body: Vec<u8>, about_a_point: bool) -> Self {
        let cache = if about_a_point {
            "no-store"
        } else {
            "no-cache"
        };
        SearchJson { body, cache }
    }
}

impl IntoResponse for SearchJson {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, self.cache),
            ],
            self.body,
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
pub struct KindDto {
    pub code: &'static str,
    pub label: &'static str,
    pub short: &'static str,
    /// The colour group of its markers (`medical`, `nursing` …).
    pub group: &'static str,
}

#[derive(Serialize)]
pub struct SceneDto {
    pub code: String,
    pub label: String,
    pub description: String,
    /// 「診療所: 往診・24時間対応、訪問看護: 24時間対応、…」.
    pub expands_to: String,
}

#[derive(Serialize)]
pub struct FieldLabel {
    pub field: &'static str,
    pub label: &'static str,
}

/// Everything the page shows in words: kinds (with their marker groups), capabilities,
/// places, statuses, field labels, and the legal home-visit radius. The page keeps no copy.
#[derive(Serialize)]
pub struct VocabularyDto {
    pub kinds: Vec<KindDto>,
    pub capabilities: Vec<Labelled>,
    pub wards: Vec<WardCount>,
    pub municipalities: Vec<WardCount>,
    pub kihon_areas: Vec<AreaCount>,
    pub niji_areas: Vec<AreaCount>,
    /// 新規受入 statuses.
    pub accepting: Vec<Labelled>,
    /// What a facility offers beyond its capabilities (車いす対応, 小児対応).
    pub flags: Vec<Labelled>,
    /// The record's fields as the page labels them.
    pub field_labels: Vec<FieldLabel>,
    /// Care scenes (`scene=`) and what each expands to.
    pub scenes: Vec<SceneDto>,
    pub legal_radius_km: f64,
}

impl VocabularyDto {
    pub fn new(loaded: &Loaded) -> Self {
        let r = &loaded.regions;
        VocabularyDto {
            kinds: KINDS
                .iter()
                .map(|k| KindDto {
                    code: k.code,
                    label: k.label,
                    short: k.short,
                    group: k.group,
                })
                .collect(),
            capabilities: CAPABILITIES
                .iter()
                .map(|c| Labelled {
                    code: c.code,
                    label: c.label,
                    short: c.short,
                })
                .collect(),
            wards: r.wards.clone(),
            municipalities: r.municipalities.clone(),
            kihon_areas: r.kihon_areas.clone(),
            niji_areas: r.niji_areas.clone(),
            accepting: [
                Accepting::Yes,
                Accepting::Consult,
                Accepting::No,
                Accepting::Unknown,
            ]
            .iter()
            .map(|a| Labelled {
                code: a.code(),
                label: a.label(),
                short: a.short(),
            })
            .collect(),
            flags: vec![
                Labelled {
                    code: "wheelchair",
                    label: "車いすで利用可",
                    short: "車いす対応",
                },
                Labelled {
                    code: "pediatric",
                    label: "小児の受け入れ可",
                    short: "小児対応",
                },
            ],
            field_labels: FIELD_LABELS
                .iter()
                .map(|(field, label)| FieldLabel { field, label })
                .collect(),
            scenes: crate::search::scene::scenes()
                .iter()
                .map(|s| SceneDto {
                    code: s.code.clone(),
                    label: s.label.clone(),
                    description: s.description.clone(),
                    expands_to: s.expands_to(),
                })
                .collect(),
            legal_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
        }
    }
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

/// Page sizes: what a search returns when it names none, and the most it may ask for.
#[derive(Serialize)]
pub struct PageDto {
    pub default_limit: usize,
    pub max_limit: usize,
}

/// The home-care team's limits: facilities per role, and per referral sheet (one A4 page).
#[derive(Serialize)]
pub struct TeamDto {
    pub default_per_role: usize,
    pub max_per_role: usize,
    pub max_picks: usize,
}

/// The page's settings. Attributions are plain text (the page never inserts them as HTML).
#[derive(Serialize)]
pub struct ConfigDto {
    pub tile_url: String,
    pub tile_attribution: String,
    pub data_attribution: &'static str,
    pub dataset: DatasetDto,
    pub center: CenterDto,
    pub page: PageDto,
    pub team: TeamDto,
}

impl ConfigDto {
    pub fn new(loaded: &Loaded, c: &ServerConfig) -> Self {
        let index = &loaded.index;
        let real = index.boundaries.is_some();
        ConfigDto {
            tile_url: c.tile_url.clone(),
            tile_attribution: c.tile_attribution.clone(),
            data_attribution: if real {
                "出典: 厚生労働省 介護サービス情報公表システム・医療情報ネット、近畿厚生局、国土数値情報（行政区域）、Geolonia 住所データ（CC BY 4.0）"
            } else {
                "デモデータ（架空の施設です）"
            },
            dataset: DatasetDto {
                name: index
                    .dir
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                facility_count: index.len(),
                built_at: index.meta.built_at,
                has_boundaries: real,
                has_towns: index.geocoder.town_count() > 0,
            },
            center: CenterDto {
                lat: 34.6937,
                lon: 135.5023,
            },
            page: PageDto {
                default_limit: DEFAULT_LIMIT,
                max_limit: MAX_LIMIT,
            },
            team: TeamDto {
                default_per_role: crate::team::DEFAULT_PER_ROLE,
                max_per_role: crate::team::MAX_PER_ROLE,
                max_picks: crate::team::sheet::MAX_PICKS,
            },
        }
    }
}
