//! The `zaitaku` binary: parse arguments, dispatch, print. Bad input exits with code 2 and
//! one clear line per problem; other failures exit with 1.

mod cli;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command, SearchArgs, DEFAULT_DATASET, DEFAULT_INDEX};
use zaitaku::import::{write_facilities, ImportErrors, FACILITIES_FILE};
use zaitaku::index::{build_index, BuildLock};
use zaitaku::search::QueryError;
use zaitaku::{demo, search, SearchIndex, SearchQuery};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e.downcast_ref::<QueryError>().is_some()
                || e.downcast_ref::<zaitaku::geocode::GeocodeError>().is_some()
                || e.downcast_ref::<zaitaku::import::ImportError>().is_some()
                || e.downcast_ref::<ImportErrors>().is_some()
                || matches!(
                    e.downcast_ref::<zaitaku::index::BuildError>(),
                    Some(zaitaku::index::BuildError::Shrink { .. })
                );
            eprintln!("error: {e:#}");
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::DemoData {
            out,
            seed,
            scale,
            national,
            count,
        } => {
            anyhow::ensure!(
                scale > 0.0 && scale <= 1000.0,
                "--scale must be above 0 and at most 1000"
            );
            anyhow::ensure!(
                (1..=5_000_000).contains(&count),
                "--count must be between 1 and 5,000,000"
            );
            let n = if national {
                std::fs::create_dir_all(&out)
                    .with_context(|| format!("cannot create {}", out.display()))?;
                let facilities = demo::generate_national(seed, count);
                write_facilities(&out.join(FACILITIES_FILE), &facilities)
                    .with_context(|| format!("cannot write {}", out.display()))?;
                facilities.len()
            } else {
                write_demo(&out, seed, scale)?
            };
            println!(
                "wrote {n} demo facilities to {}",
                out.join(FACILITIES_FILE).display()
            );
        }
        Command::Index {
            dataset,
            raw,
            index_root,
            name,
            accept_shrink,
        } => {
            ensure_demo_dataset(&dataset)?;
            let manifest = dataset.join(zaitaku::import::MANIFEST_FILE);
            let name = match name {
                Some(n) => n,
                None if manifest.exists() => zaitaku::import::Manifest::load(&dataset)?.name,
                None => dataset
                    .file_name()
                    .and_then(|n| n.to_str())
                    .context("cannot derive an index name from --dataset; pass --name")?
                    .to_string(),
            };
            let max_shrink = (!accept_shrink).then_some(zaitaku::index::DEFAULT_MAX_SHRINK);
            let (report, summary) =
                load_and_build(&dataset, raw.as_deref(), &index_root, &name, max_shrink)?;
            print!("{report}{summary}");
        }
        Command::Check { dataset, raw } => {
            ensure_demo_dataset(&dataset)?;
            let ds = zaitaku::import::load_dataset(&dataset, raw.as_deref())?;
            match &ds.report {
                Some(report) => print!("{report}"),
                None => println!(
                    "{}: {} facilities, no errors",
                    dataset.display(),
                    ds.facilities.len()
                ),
            }
        }
        Command::Fetch {
            dataset,
            raw,
            force,
        } => {
            let manifest = zaitaku::import::Manifest::load(&dataset)?;
            let raw =
                raw.unwrap_or_else(|| dataset.join(zaitaku::import::manifest::DEFAULT_RAW_DIR));
            std::fs::create_dir_all(&raw)
                .with_context(|| format!("cannot create {}", raw.display()))?;
            let summary = zaitaku::fetch::fetch_dataset(
                &manifest,
                &raw,
                &zaitaku::fetch::FetchOptions { force },
                &mut std::io::stderr(),
            )?;
            print!("{summary}");
        }
        Command::Inspect { file, json } => {
            let inspection = zaitaku::import::inspect::inspect(&file)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&inspection)?);
            } else {
                print!("{inspection}");
            }
        }
        Command::Geocode {
            address,
            index,
            json,
        } => {
            let input = address.join(" ");
            anyhow::ensure!(
                index.exists(),
                "no index at {}: build one with `zaitaku index --dataset data/osaka --raw DIR`, or pass --index",
                index.display()
            );
            let geocoder = SearchIndex::open(&index)?.geocoder;
            let g = geocoder.geocode(&input)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&g)?);
            } else {
                println!(
                    "{:.6},{:.6}\t{}\t{}\t{}",
                    g.lat, g.lon, g.level_label, g.ward_name, g.normalized
                );
            }
        }
        Command::Search(args) => run_search(&args)?,
        Command::Serve {
            index,
            bind,
            tile_url,
            tile_attribution,
            header_read_timeout,
        } => {
            anyhow::ensure!(
                header_read_timeout > 0.0 && header_read_timeout <= 600.0,
                "--header-read-timeout must be above 0 and at most 600 seconds"
            );
            let mut config = zaitaku::api::ServerConfig::default();
            if let Some(t) = tile_url {
                config.tile_url = t;
            }
            if let Some(a) = tile_attribution {
                config.tile_attribution = a;
            }
            config.header_read_timeout = std::time::Duration::from_secs_f64(header_read_timeout);
            config.admin_token = std::env::var(zaitaku::api::ADMIN_TOKEN_ENV)
                .ok()
                .filter(|t| !t.trim().is_empty());
            serve(index, &bind, config)?
        }
    }
    Ok(())
}

/// Loads a dataset and builds its index; returns what the import did (as text) and the
/// build summary.
fn load_and_build(
    dataset: &Path,
    raw: Option<&Path>,
    index_root: &Path,
    name: &str,
    max_shrink: Option<f64>,
) -> anyhow::Result<(String, zaitaku::index::BuildSummary)> {
    // Taken before loading: one build of an index at a time, from start to switch.
    let lock = BuildLock::acquire(index_root, name)?;
    let ds = zaitaku::import::load_dataset(dataset, raw)?;
    let input = ds.index_input(max_shrink);
    Ok((ds.describe(), build_index(input, &lock)?))
}

fn write_demo(out: &Path, seed: u64, scale: f64) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let facilities = demo::generate(seed, scale);
    write_facilities(&out.join(FACILITIES_FILE), &facilities)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(facilities.len())
}

/// The demo dataset is generated on first use rather than committed.
fn ensure_demo_dataset(dataset: &Path) -> anyhow::Result<()> {
    if dataset == Path::new(DEFAULT_DATASET) && !dataset.join(FACILITIES_FILE).exists() {
        let n = write_demo(dataset, demo::DEFAULT_SEED, 1.0)?;
        eprintln!(
            "generated the demo dataset ({n} fictional facilities) in {}",
            dataset.display()
        );
    }
    Ok(())
}

/// The index to use: the one given, else the demo index (built on first use).
fn index_dir(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d.to_path_buf());
    }
    let dir = PathBuf::from(DEFAULT_INDEX);
    // The demo index is generated: one from an older zaitaku is simply built again.
    let outdated = matches!(
        zaitaku::SearchIndex::open(&dir),
        Err(zaitaku::index::OpenError::Version { .. })
    );
    if !dir.exists() || outdated {
        ensure_demo_dataset(Path::new(DEFAULT_DATASET))?;
        eprintln!("building the demo index first…");
        // The demo is generated: whatever it holds now is right.
        load_and_build(
            Path::new(DEFAULT_DATASET),
            None,
            Path::new("index"),
            "demo",
            None,
        )?;
    }
    Ok(dir)
}

fn serve(
    index: Option<PathBuf>,
    bind: &str,
    config: zaitaku::api::ServerConfig,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let dir = index_dir(index.as_deref())?;
    let started = std::time::Instant::now();
    let state = zaitaku::api::AppState::open(&dir, config)?;
    let facilities = state.current().map(|l| l.index.len()).unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Text searches and exports run on the blocking pool; a few threads keep the cores
        // busy, and every extra thread would keep its own allocator arena (memory).
        .max_blocking_threads(8)
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
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
        zaitaku::api::serve(listener, state, zaitaku::api::shutdown_signal()).await?;
        anyhow::Ok(())
    })
}

fn run_search(args: &SearchArgs) -> anyhow::Result<()> {
    let dir = index_dir(args.index.as_deref())?;
    let index = match SearchIndex::open(&dir) {
        Ok(index) => index,
        Err(e) => {
            // A bad query is the first thing to fix: say so even without an index.
            SearchQuery::parse(&args.params(), &zaitaku::geo::regions::osaka())?;
            return Err(e.into());
        }
    };
    let resolved = SearchQuery::resolve(&args.params(), &index)?;
    let result = search(&index, &resolved.query)?;
    if args.json {
        #[derive(serde::Serialize)]
        struct Point {
            point: Option<zaitaku::search::QueryPoint>,
        }
        let point = Point {
            point: resolved.point,
        };
        println!("{}", String::from_utf8_lossy(&result.to_json_with(point)));
    } else {
        if let Some(g) = resolved.point.as_ref().and_then(|p| p.geocoded.as_ref()) {
            println!(
                "{}（{}）{:.6},{:.6}",
                g.normalized, g.level_label, g.lat, g.lon
            );
        }
        print!("{}", output::table(&result));
    }
    Ok(())
}
