//! Request handlers: extract, call one library function (off the async threads when it
//! touches the index), map to a DTO.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::dto::{
    CenterDto, ConfigDto, DatasetDto, Labelled, PointDto, SearchResponse, VocabularyDto,
};
use super::params::{pairs, search_params, AddressUse};
use super::state::Loaded;
use super::{ApiError, AppState};
use crate::model::{Accepting, CAPABILITIES, KINDS, LEGAL_HOME_VISIT_RADIUS_KM};
use crate::search::{Hit, SearchQuery, SearchResult};

/// Runs blocking index work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(&e))?
}

/// Parses the search parameters of a query string and runs the search.
pub(super) async fn run_search(
    state: &AppState,
    raw: Option<String>,
    default_limit: Option<&str>,
) -> Result<SearchResponse, ApiError> {
    let loaded = state.current()?;
    let pairs = pairs(raw.as_deref())?;
    let mut p = search_params(&pairs, &[])?;
    if p.search.limit.is_none() {
        p.search.limit = default_limit.map(String::from);
    }
    // Geocoding and parsing are in memory and quick.
    let (q, point) = {
        let mut point = None;
        if let Some(address) = &p.address {
            if p.search.near.is_some() || p.search.covers.is_some() {
                return Err(ApiError::bad_parameter(
                    "address",
                    "address は near / covers と同時に指定できません。",
                ));
            }
            let g = loaded
                .index
                .geocoder
                .geocode(address)
                .map_err(|e| ApiError::geocode("address", &e))?;
            let at = format!("{},{}", g.lat, g.lon);
            match p.address_use.unwrap_or(AddressUse::Near) {
                AddressUse::Near => p.search.near = Some(at),
                AddressUse::Covers => p.search.covers = Some(at),
            }
            point = Some(PointDto {
                lat: g.lat,
                lon: g.lon,
                source: "address",
                geocoded: Some(g),
            });
        } else if p.address_use.is_some() {
            return Err(ApiError::bad_parameter(
                "address_use",
                "address_use は address と一緒に指定してください。",
            ));
        }
        let q = SearchQuery::parse(&p.search, &loaded.index.regions)?;
        if point.is_none() {
            point = q
                .covers
                .map(|c| (c, "covers"))
                .or(q.near.map(|n| (n, "near")))
                .map(|(c, source)| PointDto {
                    lat: c.lat,
                    lon: c.lon,
                    source,
                    geocoded: None,
                });
        }
        (q, point)
    };
    // Most searches take tens of microseconds: cheaper to run here than to hand to the
    // blocking pool. Text with a word not in the word cache, or ranked by relevance, can
    // take milliseconds and goes to the pool.
    let quick = q.is_quick(&loaded.index);
    let run = move || {
        let result = crate::search(&loaded.index, &q).map_err(|e| ApiError::internal(&e))?;
        Ok(SearchResponse { result, point })
    };
    if quick {
        run()
    } else {
        blocking(run).await
    }
}

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<SearchResponse, ApiError> {
    run_search(&state, raw, None).await
}

fn hit(loaded: &Loaded, ord: u32) -> Hit {
    let index = &loaded.index;
    Hit {
        ord,
        record: index.records().raw(ord).into(),
        ward_name: index.columns.ward[ord as usize].and_then(|w| index.regions.label(w)),
        distance_m: None,
        score: None,
        explanation: String::new(),
    }
}

fn find(loaded: &Loaded, id: &str) -> Result<u32, ApiError> {
    loaded
        .facility(id)
        .ok_or_else(|| ApiError::not_found(format!("ID「{id}」の施設は見つかりません。")))
}

pub async fn facility(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Hit>, ApiError> {
    let loaded = state.current()?;
    let ord = find(&loaded, &id)?;
    Ok(Json(hit(&loaded, ord)))
}

/// Facilities around a facility (discharge partners around a hospital, or around a
/// patient's home given as a facility), nearest first, the facility itself left out.
pub async fn nearby(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<SearchResponse, ApiError> {
    let loaded = state.current()?;
    let ord = find(&loaded, &id)?;
    let pairs = pairs(raw.as_deref())?;
    let mut p = search_params(&pairs, &[])?;
    for (name, given) in [
        ("near", p.search.near.is_some()),
        ("covers", p.search.covers.is_some()),
        ("address", p.address.is_some()),
    ] {
        if given {
            return Err(ApiError::bad_parameter(
                name,
                format!("nearby では「{name}」は使えません（基準は施設の所在地です）。"),
            ));
        }
    }
    let at = loaded.index.columns.location[ord as usize];
    p.search.near = Some(format!("{},{}", at.lat, at.lon));
    let q = SearchQuery::parse(&p.search, &loaded.index.regions)?;
    let l = loaded.clone();
    let response = blocking(move || {
        // One more than asked, then the facility itself is dropped.
        let mut wider = q.clone();
        wider.limit = q.limit + 1;
        let mut result: SearchResult =
            crate::search(&l.index, &wider).map_err(|e| ApiError::internal(&e))?;
        let before = result.hits.len();
        result.hits.retain(|h| h.ord != ord);
        if result.hits.len() < before {
            result.total -= 1;
        }
        result.hits.truncate(q.limit);
        result.limit = q.limit;
        Ok(SearchResponse {
            result,
            point: Some(PointDto {
                lat: at.lat,
                lon: at.lon,
                source: "near",
                geocoded: None,
            }),
        })
    })
    .await?;
    Ok(response)
}

pub async fn geocode(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let pairs = pairs(raw.as_deref())?;
    let mut q = None;
    for (k, v) in pairs {
        match k.as_str() {
            "q" if q.is_none() => q = Some(v),
            "q" => {
                return Err(ApiError::bad_parameter(
                    "q",
                    "q は1つだけ指定してください。",
                ))
            }
            other => {
                return Err(ApiError::bad_parameter(
                    other,
                    format!("不明なパラメータ「{other}」です。"),
                ))
            }
        }
    }
    let q = q.ok_or_else(|| ApiError::bad_parameter("q", "q（住所または郵便番号）が必要です。"))?;
    let g = blocking(move || {
        loaded
            .index
            .geocoder
            .geocode(&q)
            .map_err(|e| ApiError::geocode("q", &e))
    })
    .await?;
    // The answer echoes the searched address: never cached.
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(g)).into_response())
}

pub async fn regions(State(state): State<AppState>) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    Ok(Json(&loaded.regions).into_response())
}

pub async fn regions_geojson(State(state): State<AppState>) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        loaded.regions_geojson.clone(),
    )
        .into_response())
}

pub async fn vocabulary(State(state): State<AppState>) -> Result<Json<VocabularyDto>, ApiError> {
    let loaded = state.current()?;
    let regions = &loaded.regions;
    Ok(Json(VocabularyDto {
        kinds: KINDS
            .iter()
            .map(|k| Labelled {
                code: k.code,
                label: k.label,
                short: k.short,
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
        wards: regions.wards.clone(),
        municipalities: regions.municipalities.clone(),
        kihon_areas: regions.kihon_areas.clone(),
        niji_areas: regions.niji_areas.clone(),
        accepting: [Accepting::Yes, Accepting::No, Accepting::Unknown]
            .iter()
            .map(|a| Labelled {
                code: a.code(),
                label: a.label(),
                short: a.label(),
            })
            .collect(),
        legal_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
    }))
}

pub async fn config(State(state): State<AppState>) -> Result<Json<ConfigDto>, ApiError> {
    let loaded = state.current()?;
    let index = &loaded.index;
    let real = index.boundaries.is_some();
    let c = state.config();
    Ok(Json(ConfigDto {
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
    }))
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], super::OPENAPI).into_response()
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    Ok((
        StatusCode::OK,
        format!("ready: {} facilities", loaded.index.len()),
    )
        .into_response())
}

/// `POST /admin/reload`: only from loopback (an IPv4-mapped `::ffff:127.0.0.1` counts),
/// and only with the admin token. A reverse proxy on the same host makes every client look
/// local: the token is what keeps them out.
pub async fn reload(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let forbidden = |message: &str| ApiError {
        status: StatusCode::FORBIDDEN,
        code: "forbidden",
        message: message.into(),
        parameter: None,
    };
    if !peer.ip().to_canonical().is_loopback() {
        return Err(forbidden(
            "管理操作はサーバー上（127.0.0.1）からのみ実行できます。",
        ));
    }
    let Some(token) = state.config().admin_token.as_deref() else {
        return Err(forbidden(
            "管理トークン（ZAITAKU_ADMIN_TOKEN）が設定されていないため、再読み込みは SIGHUP で行ってください。",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.as_bytes(), token.as_bytes()) {
        return Err(forbidden(
            "管理トークンが正しくありません（Authorization: Bearer …）。",
        ));
    }
    let n = blocking(move || {
        state.reload().map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "reload_failed",
            // Only loopback callers get here: the operator needs the reason.
            message: format!("索引を読み込めませんでした（現在の索引のまま）: {e}"),
            parameter: None,
        })
    })
    .await?;
    tracing::info!(facilities = n, "index reloaded");
    Ok(Json(serde_json::json!({"reloaded": true, "facility_count": n})).into_response())
}

/// Compares secrets without stopping at the first difference.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
