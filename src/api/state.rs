//! What the server holds: the opened index (swappable without restart) and the data
//! derived from it once per load (region counts, boundaries GeoJSON, id lookup).
//!
//! A request clones the current `Arc<Loaded>` and keeps using it to the end, so swapping
//! in a new index never fails a request in flight; the old generation directory stays on
//! disk (`zaitaku index` keeps the previous one) until the next build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::index::OpenError;
use crate::model::{AreaKind, Region, WardCode};
use crate::SearchIndex;

use super::dto::{AreaCount, RegionsDto, WardCount};
use super::ApiError;

/// Settings of the page that the operator may change.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// XYZ tile URL template for the base map.
    pub tile_url: String,
    pub tile_attribution: String,
    /// The token `POST /admin/reload` must carry (`Authorization: Bearer …`); without one
    /// the endpoint is off (SIGHUP still reloads).
    pub admin_token: Option<String>,
    /// How long a client has to send a request's headers (see [`super::serve`]).
    pub header_read_timeout: std::time::Duration,
    /// Per-client rate limits (off when `None`).
    pub rate_limit: Option<super::limit::RateLimitConfig>,
    /// `/metrics` on the main listener (to loopback peers not behind a proxy); off when
    /// the server exposes it on its own `--metrics-bind` listener.
    pub metrics_on_main: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            tile_url: "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png".into(),
            tile_attribution: "地理院タイル".into(),
            admin_token: None,
            header_read_timeout: super::HEADER_READ_TIMEOUT,
            rate_limit: None,
            metrics_on_main: true,
        }
    }
}

/// One loaded index and what is derived from it.
pub struct Loaded {
    pub index: SearchIndex,
    pub regions: RegionsDto,
    /// Ward boundaries as GeoJSON (an empty collection without boundaries).
    pub regions_geojson: Vec<u8>,
}

impl Loaded {
    fn new(index: SearchIndex) -> Self {
        let regions = regions(&index);
        let regions_geojson = boundaries_geojson(&index);
        Self {
            index,
            regions,
            regions_geojson,
        }
    }

    pub fn facility(&self, id: &str) -> Option<u32> {
        self.index.find(id)
    }
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    metrics: super::metrics::Metrics,
    limiter: Option<super::limit::RateLimiter>,
    index_dir: PathBuf,
    loaded: RwLock<Arc<Loaded>>,
    /// Opens indexes, one at a time, always on the same thread: the allocator then reuses
    /// the memory a replaced index gave back instead of growing another thread's arena
    /// with every reload.
    loader: Mutex<Loader>,
    config: ServerConfig,
}

type LoadResult = Result<Loaded, OpenError>;
type LoadRequest = (PathBuf, std::sync::mpsc::Sender<LoadResult>);

struct Loader {
    requests: std::sync::mpsc::Sender<LoadRequest>,
}

impl Loader {
    fn start() -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<LoadRequest>();
        std::thread::Builder::new()
            .name("index-loader".into())
            .spawn(move || {
                for (dir, reply) in rx {
                    let loaded = SearchIndex::open(&dir).map(Loaded::new);
                    give_back_free_memory();
                    let _ = reply.send(loaded);
                }
            })
            .expect("spawn the index loader thread");
        Self { requests: tx }
    }

    fn load(&self, dir: &Path) -> LoadResult {
        let (tx, rx) = std::sync::mpsc::channel();
        let gone = || OpenError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::other("the index loader thread stopped"),
        };
        self.requests
            .send((dir.to_path_buf(), tx))
            .map_err(|_| gone())?;
        rx.recv().map_err(|_| gone())?
    }
}

impl AppState {
    /// Opens the index (blocking).
    pub fn open(index_dir: &Path, config: ServerConfig) -> Result<Self, OpenError> {
        let loader = Loader::start();
        let loaded = loader.load(index_dir)?;
        let metrics = super::metrics::Metrics::new();
        metrics.index(&loaded.index);
        Ok(Self {
            inner: Arc::new(Inner {
                metrics,
                limiter: config
                    .rate_limit
                    .clone()
                    .map(super::limit::RateLimiter::new),
                index_dir: index_dir.to_path_buf(),
                loaded: RwLock::new(Arc::new(loaded)),
                loader: Mutex::new(loader),
                config,
            }),
        })
    }

    /// The index path the server was started with (a link to the served generation).
    pub fn index_link(&self) -> &Path {
        &self.inner.index_dir
    }

    pub fn current(&self) -> Result<Arc<Loaded>, ApiError> {
        self.inner
            .loaded
            .read()
            .map(|l| l.clone())
            .map_err(|_| ApiError::unavailable())
    }

    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    pub fn metrics(&self) -> &super::metrics::Metrics {
        &self.inner.metrics
    }

    pub fn limiter(&self) -> Option<&super::limit::RateLimiter> {
        self.inner.limiter.as_ref()
    }

    /// Opens the index directory again (a new generation after `zaitaku index`) and swaps it
    /// in. Blocking; on failure the current index stays.
    pub fn reload(&self) -> Result<usize, OpenError> {
        let loader = self.inner.loader.lock().unwrap_or_else(|e| e.into_inner());
        let loaded = match loader.load(&self.inner.index_dir) {
            Ok(l) => l,
            Err(e) => {
                self.inner.metrics.reloaded(false);
                return Err(e);
            }
        };
        self.inner.metrics.reloaded(true);
        self.inner.metrics.index(&loaded.index);
        let n = loaded.index.len();
        let old = std::mem::replace(
            &mut *self.inner.loaded.write().unwrap_or_else(|e| e.into_inner()),
            Arc::new(loaded),
        );
        // Requests in flight keep the old index until they finish.
        drop(old);
        give_back_free_memory();
        Ok(n)
    }
}

/// Opening an index decodes every record once and sorts names: that temporary memory is
/// freed, but the allocator keeps it for reuse (the server's RSS would stay ~120 MB above
/// what the index needs at 300k records). `mi_collect` returns the free pages to the
/// system; the index is opened on the thread that calls this.
#[allow(unsafe_code)]
fn give_back_free_memory() {
    // SAFETY: mi_collect only releases free memory of mimalloc, the global allocator
    // (lib.rs); it has no preconditions.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

fn regions(index: &SearchIndex) -> RegionsDto {
    let r = &index.regions;
    let mut by_ward: HashMap<WardCode, usize> = HashMap::new();
    for w in index.columns.ward.iter().flatten() {
        *by_ward.entry(*w).or_default() += 1;
    }
    let count = |codes: &[WardCode]| -> usize {
        codes
            .iter()
            .map(|c| by_ward.get(c).copied().unwrap_or(0))
            .sum()
    };
    let dto = |x: &Region| WardCount {
        code: x.code.0,
        name: r.label_or_code(x.code).into_owned(),
        full_name: r.full_name(x.code),
        kana: x.kana.clone(),
        city: x.parent.map(|p| p.0),
        kihon: x.kihon.clone().unwrap_or_default(),
        niji: x.niji.clone().unwrap_or_default(),
        count: count(&r.leaves_of(x.code)),
    };
    let areas = |kind: AreaKind| -> Vec<AreaCount> {
        r.areas()
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| {
                let leaves = r.leaves_in_area(a);
                let mut members: Vec<u32> = match kind {
                    AreaKind::Kihon => leaves.iter().map(|c| c.0).collect(),
                    AreaKind::Niji => leaves
                        .iter()
                        .filter_map(|c| r.municipality(*c).map(|m| m.code.0))
                        .collect(),
                };
                members.dedup();
                AreaCount {
                    code: a.code.clone(),
                    label: a.name.clone(),
                    members,
                    count: count(&leaves),
                }
            })
            .collect()
    };
    RegionsDto {
        wards: r.leaves().map(dto).collect(),
        municipalities: r
            .all()
            .iter()
            .filter(|x| x.parent.is_none())
            .map(dto)
            .collect(),
        kihon_areas: areas(AreaKind::Kihon),
        niji_areas: areas(AreaKind::Niji),
    }
}

fn boundaries_geojson(index: &SearchIndex) -> Vec<u8> {
    let features: Vec<serde_json::Value> = index
        .boundaries
        .as_ref()
        .map(|b| {
            b.shapes()
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "type": "Feature",
                        "properties": {
                            "code": s.code.0,
                            "name": s.name,
                            "full_name": index.regions.full_name(s.code),
                            "niji": index.regions.niji_of(s.code).map(|a| a.code.as_str()),
                        },
                        "geometry": {"type": "MultiPolygon", "coordinates": s.polygons},
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
        .expect("GeoJSON serializes")
}
