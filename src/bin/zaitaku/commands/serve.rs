//! `zaitaku serve`: the JSON API and the map page on one port.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use super::{index_dir, Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index directory (default: the demo index, built on first run).
    #[arg(long)]
    index: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Base map tiles (XYZ template); default 地理院タイル 標準地図.
    #[arg(long)]
    tile_url: Option<String>,
    /// Attribution shown for the tiles (text, not HTML).
    #[arg(long)]
    tile_attribution: Option<String>,
    /// Seconds a client has to send a request's headers (also while a kept-alive
    /// connection is idle); then the connection is closed. Above 0, at most 600.
    #[arg(long, default_value_t = 10.0, value_parser = seconds)]
    header_read_timeout: f64,
    /// Per-client rate limit in requests a second (off by default); over it, 429 with
    /// Retry-After. Behind a proxy, name it with --trusted-proxy.
    #[arg(long, value_name = "PER_SECOND", value_parser = positive)]
    rate_limit: Option<f64>,
    /// Requests a client may send at once under --rate-limit (default: twice the rate).
    #[arg(long, requires = "rate_limit", value_parser = positive)]
    rate_burst: Option<f64>,
    /// A proxy (load balancer) whose X-Forwarded-For names the client; repeatable.
    #[arg(long, value_name = "IP")]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Serve /metrics (Prometheus) on this address instead of to loopback on the main one.
    #[arg(long, value_name = "ADDR")]
    metrics_bind: Option<String>,
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1e6 => Ok(x),
        _ => Err(format!("'{s}' is not above 0 and at most 1000000")),
    }
}

fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 600.0 => Ok(x),
        _ => Err(format!("'{s}' is not above 0 and at most 600 seconds")),
    }
}

impl Args {
    fn config(&self) -> zaitaku::api::ServerConfig {
        let mut config = zaitaku::api::ServerConfig::default();
        if let Some(t) = &self.tile_url {
            config.tile_url = t.clone();
        }
        if let Some(a) = &self.tile_attribution {
            config.tile_attribution = a.clone();
        }
        config.header_read_timeout = Duration::from_secs_f64(self.header_read_timeout);
        config.rate_limit = self.rate_limit.map(|rate| zaitaku::api::RateLimitConfig {
            rate,
            burst: self.rate_burst.unwrap_or(rate * 2.0).max(1.0),
            trusted_proxies: self.trusted_proxy.clone(),
        });
        config.metrics_on_main = self.metrics_bind.is_none();
        config.admin_token = std::env::var(zaitaku::api::ADMIN_TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty());
        config
    }
}

pub fn run(a: Args) -> Result<(), Failure> {
    logging();
    let dir = index_dir(a.index.as_deref())?;
    let started = std::time::Instant::now();
    let state = zaitaku::api::AppState::open(&dir, a.config())?;
    let facilities = state.current().map(|l| l.index.len()).unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Text searches and exports run on the blocking pool; a few threads keep the cores
        // busy, and every extra thread would keep its own allocator arena (memory).
        .max_blocking_threads(8)
        .build()
        .context("cannot start the async runtime")
        .internal()?;
    let bind = a.bind;
    let metrics_bind = a.metrics_bind.clone();
    runtime
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            let addr = listener.local_addr()?;
            // The first line of stdout: scripts and tests read the bound address from it.
            println!("listening on http://{addr}");
            use std::io::Write;
            std::io::stdout().flush()?;
            tracing::info!(
                index = %dir.display(),
                facilities,
                open_ms = started.elapsed().as_millis() as u64,
                "ready"
            );
            if zaitaku::api::missing_vendor_files() > 0 {
                tracing::warn!(
                    "this build has no map library files: run `npm ci --prefix web` and rebuild"
                );
            }
            zaitaku::api::reload_on_sighup(state.clone());
            if let Some(m) = &metrics_bind {
                let l = tokio::net::TcpListener::bind(m)
                    .await
                    .with_context(|| format!("cannot listen on {m} for metrics"))?;
                tracing::info!(addr = %l.local_addr()?, "metrics");
                let app = zaitaku::api::metrics_router(state.clone());
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(l, app).await {
                        tracing::error!(error = %e, "metrics listener stopped");
                    }
                });
            }
            zaitaku::api::serve(listener, state, zaitaku::api::shutdown_signal()).await?;
            anyhow::Ok(())
        })
        .internal()
}

/// Logs to stderr, `RUST_LOG` or `info`; colours only on a terminal.
fn logging() {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}
