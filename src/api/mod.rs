//! The HTTP server: a versioned JSON API under `/api/v1` (documented in `openapi.json`)
//! and the map page, both from one binary. [`router`] is used by `serve` and by every
//! test; [`serve`] takes a bound listener so tests can bind port 0.
//!
//! Logs name the method, the route template, the status and the time taken, never the
//! query string: the addresses and points people search for are patients' homes.

mod assets;
mod connection;
mod coverage;
mod dto;
mod error;
mod export;
mod handlers;
mod html;
mod limit;
mod lists;
mod metrics;
mod pages;
mod params;
mod state;
mod team;

pub use assets::missing_vendor_files;
pub use error::ApiError;
pub use limit::RateLimitConfig;
pub use metrics::metrics_router;
pub use pages::page_path;
pub use params::MAX_QUERY_BYTES;
pub use state::{AppState, Loaded, ServerConfig};

/// The environment variable holding the token `POST /admin/reload` requires.
pub const ADMIN_TOKEN_ENV: &str = "ZAITAKU_ADMIN_TOKEN";

use std::future::Future;

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Where the API's routes live.
pub const API_PREFIX: &str = "/api/v1";
/// The OpenAPI description served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");
/// A request taking longer than this is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Every endpoint is a GET (or an empty POST); bodies beyond this are refused.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub fn router(state: AppState) -> Router {
    let csp = content_security_policy(&state.config().tile_url);
    // The API's routes carry their prefix (no `nest`: one routing step, no rewritten URI).
    let api: [(&str, MethodRouter<AppState>); 16] = [
        ("/search", get(handlers::search)),
        ("/search.csv", get(export::search_csv)),
        ("/search.geojson", get(export::search_geojson)),
        ("/search.xlsx", get(export::search_xlsx)),
        ("/facilities/{id}", get(handlers::facility)),
        ("/facilities/{id}/nearby", get(handlers::nearby)),
        ("/regions", get(handlers::regions)),
        ("/regions.geojson", get(handlers::regions_geojson)),
        ("/vocabulary", get(handlers::vocabulary)),
        ("/geocode", get(handlers::geocode)),
        ("/config", get(handlers::config)),
        ("/openapi.json", get(handlers::openapi)),
        ("/lists/{which}/{file}", get(lists::list)),
        ("/coverage/{file}", get(coverage::coverage)),
        ("/team", get(team::team)),
        ("/team/sheet.pdf", get(team::sheet_pdf)),
    ];
    let app = api.into_iter().fold(Router::new(), |app, (path, route)| {
        app.route(&format!("{API_PREFIX}{path}"), route)
    });
    app.route(API_PREFIX, any(api_not_found))
        .route(&format!("{API_PREFIX}/"), any(api_not_found))
        .route(&format!("{API_PREFIX}/{{*rest}}"), any(api_not_found))
        .route("/healthz", get(handlers::healthz))
        .route("/metrics", get(metrics::metrics_main))
        .route("/readyz", get(handlers::readyz))
        .route("/admin/reload", post(handlers::reload))
        .route("/lists/{which}/{code}", get(lists::print))
        .route("/team/sheet", get(team::sheet_page))
        .route("/f/{id}", get(pages::facility_page))
        .route("/sitemap.xml", get(pages::sitemap))
        .route("/robots.txt", get(pages::robots))
        .route("/sitemaps/{file}", get(pages::sitemap_part))
        .fallback(assets::serve)
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Outside the limits and the timeout (their answers too), inside the headers.
        .layer(middleware::from_fn(json_errors))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
        ))
}

/// Scripts and data only from this server; map tiles also from the tile server's origin.
fn content_security_policy(tile_url: &str) -> HeaderValue {
    let tile_origin = tile_url
        .split_once("://")
        .map(|(scheme, rest)| format!("{scheme}://{}", rest.split('/').next().unwrap_or("")))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; img-src 'self' data: {tile_origin}; style-src 'self' 'unsafe-inline'; \
         script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("この API はありません。/api/v1/openapi.json を参照してください。")
}

/// Every error of the API (and every 405, 408, 413 anywhere) in the one JSON shape, also
/// when axum or a layer produced it as plain text or an empty body. The page's own 404s
/// stay as they are.
async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/admin/");
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let always = matches!(
        status,
        StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::REQUEST_TIMEOUT
            | StatusCode::PAYLOAD_TOO_LARGE
    );
    if (status.is_client_error() || status.is_server_error()) && !is_json && (api || always) {
        return axum::response::IntoResponse::into_response(ApiError::from_status(status));
    }
    response
}

/// One log line per request: method, route template, status, milliseconds. Never the
/// URI or query (they hold searched addresses and points).
/// Every request: the per-client rate limit (not for health, metrics and admin reload),
/// then one log line and the metrics, by route template (never the query).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "-".to_string(), |m| m.as_str().to_string());
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let exempt = matches!(
        route.as_str(),
        "/healthz" | "/readyz" | "/metrics" | "/admin/reload"
    );
    let limited = match (state.limiter(), peer) {
        (Some(l), Some(peer)) if !exempt => l
            .check(l.client(peer, req.headers()), std::time::Instant::now())
            .err(),
        _ => None,
    };
    let response = match limited {
        Some(wait) => {
            state.metrics().rate_limited();
            let mut r = ApiError::rate_limited(wait).into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            r
        }
        None => next.run(req).await,
    };
    let status = response.status().as_u16();
    let secs = started.elapsed().as_secs_f64();
    state.metrics().observe(&route, status, secs);
    if method != Method::HEAD {
        let ms = secs * 1000.0;
        tracing::info!(%method, route, status, ms = format!("{ms:.1}"), "request");
    }
    response
}

/// By default a client has this long to send a request's headers, also between the requests
/// of a kept-alive connection (the idle timeout): half-open connections cannot pile up.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; further clients wait in the kernel's backlog.
pub const MAX_CONNECTIONS: usize = 512;
/// After SIGTERM, requests in flight get this long before the server stops anyway.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(20);

/// Serves until `shutdown` resolves, then finishes the requests in flight (for at most
/// [`SHUTDOWN_DEADLINE`]). Every connection has a header-read timeout, at most
/// [`MAX_CONNECTIONS`] are open at once, and failed accepts are logged, not spun on.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let header_read_timeout = state.config().header_read_timeout;
    let app = router(state);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors (EMFILE) and the like: say so, and give the
                    // connections that hold them a moment to close.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            tower::ServiceExt::oneshot(app.clone(), req.map(axum::body::Body::new))
        });
        let connection = graceful.watch(http.serve_connection(
            TokioIo::new(connection::JsonParseErrors::new(stream)),
            service,
        ));
        tokio::spawn(async move {
            // A client that goes away or times out is not an error of the server.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_DEADLINE) => {
            tracing::warn!("requests still in flight after the shutdown deadline; stopping anyway");
        }
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Reloads the index on every SIGHUP (after `zaitaku index` built a new generation).
pub fn reload_on_sighup(state: AppState) {
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            let s = state.clone();
            match tokio::task::spawn_blocking(move || s.reload()).await {
                Ok(Ok(n)) => tracing::info!(facilities = n, "index reloaded (SIGHUP)"),
                Ok(Err(e)) => tracing::error!(
                    error = crate::fault::report(&e),
                    "reload failed; the current index stays"
                ),
                Err(e) => tracing::error!(error = %e, "reload task failed"),
            }
        }
    });
}
