//! Request handlers: extract, call one library function (off the async threads when it
//! touches the index), map to a DTO.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::dto::{ConfigDto, PointField, SearchJson, SearchResponse, VocabularyDto};
use super::params::{pairs, search_params, Pair};
use super::state::Loaded;
use super::{ApiError, AppState};
use crate::fault::report;
use crate::index::SearchIndex;
use crate::search::{geocode_error, Hit, NearbyError, QueryPoint, Resolved, SearchQuery, View};

/// Runs blocking index work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(&e))?
}

/// A search request, parsed and resolved against the index it will run on.
pub(super) struct Asked {
    loaded: std::sync::Arc<Loaded>,
    query: SearchQuery,
    point: Option<QueryPoint>,
}

/// Parses the search parameters of a query string; the hits carry `view` whatever the
/// query asks (exports decode whole records).
pub(super) fn ask(
    state: &AppState,
    raw: Option<&str>,
    view: Option<View>,
) -> Result<Asked, ApiError> {
    let loaded = state.current()?;
    let p = search_params(pairs(raw)?)?;
    // Parsing and geocoding are in memory and quick.
    let Resolved { mut query, point } = SearchQuery::resolve(&p, &loaded.index)?;
    query.view = view.unwrap_or(query.view);
    Ok(Asked {
        loaded,
        query,
        point,
    })
}

impl Asked {
    /// Runs `f` with the index, the query and its point. Most searches take tens of
    /// microseconds: cheaper here than on the blocking pool. Text with a word not in the
    /// word cache, or ranked by relevance, goes to the pool.
    async fn run<T: Send + 'static>(
        self,
        f: impl FnOnce(&SearchIndex, &SearchQuery, Option<QueryPoint>) -> Result<T, ApiError>
            + Send
            + 'static,
    ) -> Result<T, ApiError> {
        let quick = self.query.is_quick(&self.loaded.index);
        let run = move || f(&self.loaded.index, &self.query, self.point);
        if quick {
            run()
        } else {
            blocking(run).await
        }
    }
}

/// Runs a search for its hits (exports).
pub(super) async fn run_search(asked: Asked) -> Result<SearchResponse, ApiError> {
    asked
        .run(|index, query, point| {
            let result = crate::search(index, query).map_err(|e| ApiError::internal(&e))?;
            Ok(SearchResponse { result, point })
        })
        .await
}

/// `/search`: the answer is written as JSON by the search itself (`search_json`), each
/// hit's record copied from the index into it.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<SearchJson, ApiError> {
    ask(&state, raw.as_deref(), None)?
        .run(|index, query, point| {
            let body = crate::search::search_json(index, query, &PointField { point: &point })
                .map_err(|e| ApiError::internal(&e))?;
            Ok(SearchJson::new(body, point.is_some()))
        })
        .await
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
    Ok(Json(Hit::of(&loaded.index, ord)))
}

/// Facilities around a facility (discharge partners around a hospital).
pub async fn nearby(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<SearchResponse, ApiError> {
    let loaded = state.current()?;
    let ord = find(&loaded, &id)?;
    let p = search_params(pairs(raw.as_deref())?)?;
    blocking(
        move || match crate::search::nearby(&loaded.index, ord, &p) {
            Ok((result, point)) => Ok(SearchResponse {
                result,
                point: Some(point),
            }),
            Err(NearbyError::Query(e)) => Err(e.into()),
            Err(NearbyError::Search(e)) => Err(ApiError::internal(&e)),
        },
    )
    .await
}

/// An address or postal code (`q`) → a point. The answer echoes the address: never cached.
pub async fn geocode(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let q = single(&pairs(raw.as_deref())?, "q")?;
    let g = blocking(move || {
        let g = loaded.index.geocoder.geocode(&q);
        g.map_err(|e| geocode_error("q", &q, &e).into())
    })
    .await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(g)).into_response())
}

/// The one value of `name`, the query string's only parameter.
fn single(pairs: &[Pair<'_>], name: &'static str) -> Result<String, ApiError> {
    match pairs {
        [(k, v)] if k == name => Ok(v.to_string()),
        [] => Err(ApiError::parameter(
            "missing_parameter",
            name,
            format!("「{name}」（住所または郵便番号）を指定してください。"),
        )),
        [(k, _)] => Err(ApiError::unknown_parameter(k)),
        _ => Err(ApiError::parameter(
            "duplicate_parameter",
            name,
            format!("「{name}」だけを1つ指定してください。"),
        )),
    }
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
    Ok(Json(VocabularyDto::new(&*state.current()?)))
}

pub async fn config(State(state): State<AppState>) -> Result<Json<ConfigDto>, ApiError> {
    Ok(Json(ConfigDto::new(&*state.current()?, state.config())))
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
    authorize_admin(&peer, &headers, state.config().admin_token.as_deref())?;
    let n = blocking(move || {
        state.reload().map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "reload_failed",
            // Only loopback callers get here: the operator needs the reason.
            message: format!(
                "索引を読み込めませんでした（現在の索引のまま）: {}",
                report(&e)
            ),
            parameter: None,
        })
    })
    .await?;
    tracing::info!(facilities = n, "index reloaded");
    Ok(Json(serde_json::json!({"reloaded": true, "facility_count": n})).into_response())
}

/// Admin calls come from loopback and carry the token (`Authorization: Bearer …`).
fn authorize_admin(
    peer: &std::net::SocketAddr,
    headers: &axum::http::HeaderMap,
    token: Option<&str>,
) -> Result<(), ApiError> {
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
    let Some(token) = token else {
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
    Ok(())
}

/// Compares secrets without stopping at the first difference.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
