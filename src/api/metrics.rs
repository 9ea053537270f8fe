//! `/metrics` in the Prometheus text format (the `prometheus-client` crate): requests by
//! route template and status, a latency histogram per route, the served index (its
//! generation, facility count, build time and source dates), reloads and failed reloads,
//! and rate-limited requests. Served to loopback peers only, or on `--metrics-bind`.
//! Routes are templates (`/api/v1/facilities/{id}`): no query, address or point is ever
//! a label.

use std::sync::Mutex;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::AppState;
use crate::index::SearchIndex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GenerationLabels {
    generation: String,
    dataset: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: String,
}

fn latency_family() -> Family<RouteLabels, Histogram> {
    // 50 µs to about 3 s.
    Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.000_05, 3.0, 11)))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    reloads: Counter,
    reload_failures: Counter,
    rate_limited: Counter,
    facilities: Gauge,
    built: Gauge,
    generation: Family<GenerationLabels, Gauge>,
    source_dates: Family<SourceLabels, Gauge>,
    /// The generation labelled now (its series is removed when another replaces it).
    current: Mutex<Option<GenerationLabels>>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("zaitaku");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = latency_family();
        let (reloads, reload_failures, rate_limited) =
            (Counter::default(), Counter::default(), Counter::default());
        let (facilities, built) = (Gauge::default(), Gauge::default());
        let generation = Family::<GenerationLabels, Gauge>::default();
        let source_dates = Family::<SourceLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route template",
            latency.clone(),
        );
        registry.register(
            "index_reloads",
            "Index reloads that succeeded",
            reloads.clone(),
        );
        registry.register(
            "index_reload_failures",
            "Index reloads that failed (the previous index kept serving)",
            reload_failures.clone(),
        );
        registry.register(
            "rate_limited_requests",
            "Requests refused with 429 by the per-client rate limit",
            rate_limited.clone(),
        );
        registry.register(
            "index_facilities",
            "Facilities in the served index",
            facilities.clone(),
        );
        registry.register(
            "index_built_timestamp_seconds",
            "When the served index was built (Unix seconds)",
            built.clone(),
        );
        registry.register(
            "index_generation",
            "The served index generation (1 for the one served)",
            generation.clone(),
        );
        registry.register(
            "index_source_date_timestamp_seconds",
            "Date of each source file of the served index (Unix seconds)",
            source_dates.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            reloads,
            reload_failures,
            rate_limited,
            facilities,
            built,
            generation,
            source_dates,
            current: Mutex::new(None),
        }
    }

    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    pub fn reloaded(&self, ok: bool) {
        if ok {
            self.reloads.inc();
        } else {
            self.reload_failures.inc();
        }
    }

    /// The served index's figures.
    pub fn index(&self, index: &SearchIndex) {
        self.facilities.set(index.len() as i64);
        self.built.set(index.meta.built_at as i64);
        let labels = GenerationLabels {
            generation: crate::coverage::changes::generation_name(&index.dir),
            dataset: index.meta.dataset.clone(),
        };
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = current.take() {
            self.generation.remove(&old);
        }
        self.generation.get_or_create(&labels).set(1);
        *current = Some(labels);
        self.source_dates.clear();
        for (source, date) in &index.meta.source_dates {
            if let Some(day) = crate::model::Day::parse(date) {
                self.source_dates
                    .get_or_create(&SourceLabels {
                        source: source.clone(),
                    })
                    .set(day.0 as i64 * 86_400);
            }
        }
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// `/metrics`: to loopback peers that did not come through a proxy (no
/// `X-Forwarded-For`), and only when it is not on its own listener.
pub(super) async fn metrics_main(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<Response, super::ApiError> {
    let proxied = headers.contains_key("x-forwarded-for");
    if !state.config().metrics_on_main || proxied || !peer.ip().to_canonical().is_loopback() {
        return Err(super::ApiError::not_found("この API はありません。"));
    }
    Ok(metrics_text(&state))
}

fn metrics_text(state: &AppState) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics().encode(),
    )
        .into_response()
}

/// The router of a `--metrics-bind` listener: `/metrics` alone.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(s): State<AppState>| async move { metrics_text(&s) }),
        )
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_requests_by_route_and_status() {
        let m = Metrics::new();
        m.observe("/api/v1/search", 200, 0.0001);
        m.observe("/api/v1/search", 200, 0.002);
        m.observe("/api/v1/search", 400, 0.0001);
        m.rate_limited();
        m.reloaded(false);
        let text = m.encode();
        assert!(
            text.contains("zaitaku_http_requests_total{route=\"/api/v1/search\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("zaitaku_http_requests_total{route=\"/api/v1/search\",status=\"400\"} 1")
        );
        assert!(text
            .contains("zaitaku_http_request_duration_seconds_count{route=\"/api/v1/search\"} 3"));
        assert!(text.contains("zaitaku_rate_limited_requests_total 1"));
        assert!(text.contains("zaitaku_index_reload_failures_total 1"));
        assert!(text.ends_with("# EOF\n"));
    }
}
