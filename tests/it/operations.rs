//! Issue 17, operating in public: per-client rate limits (429 with Retry-After, clients
//! named by X-Forwarded-For only from a trusted proxy) and Prometheus metrics (loopback
//! only, or on their own listener), on a real server.

use serde_json::Value;

use crate::support::demo;
use crate::support::server::Server;

fn metric(text: &str, line_start: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no {line_start} in:\n{text}"))
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn rate_limits_per_client_and_metrics() {
    let index = demo::dir().join("index/demo");
    let server = Server::start_with(
        demo::dir(),
        &index,
        &[
            "--rate-limit",
            "0.5",
            "--rate-burst",
            "3",
            "--trusted-proxy",
            "10.9.9.9",
        ],
    );
    let search = "/api/v1/search?kind=clinic&limit=1";
    for _ in 0..3 {
        assert_eq!(server.get(search).0, 200);
    }
    let (status, retry, body) = server.get_with(search, &[], "retry-after");
    assert_eq!(status, 429, "{body}");
    assert_eq!(retry.as_deref(), Some("2"), "1 token at 0.5/s");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "rate_limited");
    assert!(v["error"]["message"].as_str().unwrap().contains("秒"));
    // Health checks are never limited.
    assert_eq!(server.get("/healthz").0, 200);
    // X-Forwarded-For from an untrusted peer (this test) changes nothing.
    let (status, _, _) =
        server.get_with(search, &[("X-Forwarded-For", "203.0.113.1")], "retry-after");
    assert_eq!(status, 429);

    // Metrics, to this loopback client.
    let (status, text) = server.get("/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        metric(
            &text,
            "zaitaku_http_requests_total{route=\"/api/v1/search\",status=\"200\"}"
        ),
        3.0
    );
    assert_eq!(
        metric(
            &text,
            "zaitaku_http_requests_total{route=\"/api/v1/search\",status=\"429\"}"
        ),
        2.0
    );
    assert_eq!(metric(&text, "zaitaku_rate_limited_requests_total"), 2.0);
    assert!(
        metric(
            &text,
            "zaitaku_http_request_duration_seconds_count{route=\"/api/v1/search\"}"
        ) >= 5.0
    );
    let n = zaitaku::SearchIndex::open(&index).unwrap().len();
    assert_eq!(metric(&text, "zaitaku_index_facilities"), n as f64);
    assert!(
        text.contains("zaitaku_index_generation{generation=\".demo."),
        "{text}"
    );
    assert!(text.contains("zaitaku_index_source_date_timestamp_seconds{source=\"facilities.csv\"}"));
    // Never a query or a point in a label.
    assert!(!text.contains("kind=clinic") && !text.contains("limit=1"));
    // Through a proxy (X-Forwarded-For present), the metrics are not served.
    let (status, _, _) = server.get_with("/metrics", &[("X-Forwarded-For", "203.0.113.1")], "x");
    assert_eq!(status, 404);
    // A reload counts.
    assert_eq!(server.post("/admin/reload").0, 200);
    let (_, text) = server.get("/metrics");
    assert_eq!(metric(&text, "zaitaku_index_reloads_total"), 1.0);
}

#[test]
fn metrics_on_their_own_listener() {
    let server = Server::start_with(
        demo::dir(),
        &demo::dir().join("index/demo"),
        &["--metrics-bind", "127.0.0.1:0"],
    );
    server.wait_for("metrics address", |log| log.contains("metrics"));
    let log = server.stderr.lock().unwrap().clone();
    let addr = log
        .lines()
        .find(|l| l.contains("metrics"))
        .and_then(|l| l.split("addr=").nth(1))
        .map(|a| a.split_whitespace().next().unwrap().to_string())
        .unwrap_or_else(|| panic!("{log}"));
    let mut r = ureq::get(&format!("http://{addr}/metrics")).call().unwrap();
    assert!(r
        .body_mut()
        .read_to_string()
        .unwrap()
        .contains("zaitaku_index_facilities"));
    // Not on the main listener then.
    assert_eq!(server.get("/metrics").0, 404);
}

/// Behind a trusted proxy, each forwarded client has its own bucket.
#[test]
fn clients_behind_a_trusted_proxy_are_told_apart() {
    let server = Server::start_with(
        demo::dir(),
        &demo::dir().join("index/demo"),
        &[
            "--rate-limit",
            "0.5",
            "--rate-burst",
            "1",
            "--trusted-proxy",
            "127.0.0.1",
        ],
    );
    let search = "/api/v1/search?kind=clinic&limit=1";
    let from = |client: &str| {
        server
            .get_with(search, &[("X-Forwarded-For", client)], "x")
            .0
    };
    assert_eq!(from("203.0.113.1"), 200);
    assert_eq!(from("203.0.113.1"), 429);
    assert_eq!(from("203.0.113.2"), 200);
    // A client that forges a hop before the proxy's: the proxy's own entry is last.
    assert_eq!(from("198.51.100.9, 203.0.113.2"), 429);
}
