//! Engine benchmarks (run with `cargo bench --bench engine -- <command>`; numbers are
//! printed as Markdown, never asserted). `scripts/bench.sh` runs them all, side by side
//! with PostGIS and wrk.
//!
//! - `mix --index DIR --count N --seed S --out FILE`: the shared query mix (CSV), used by
//!   this bench, by wrk (`api` column) and by PostGIS (`benches/postgis/`).
//! - `export-sql --index DIR --out FILE`: the same facilities flattened for PostgreSQL.
//! - `latency --index DIR --mix FILE`: in-process latency per query type, then the text
//!   types again with the word cache off, and each word of the mix on its own.
//! - `words --index DIR [--word W] [--reps N]`: what one word costs uncached (profiling).
//! - `agree --index DIR --mix FILE --out FILE`: result ids per query, for comparing.
//! - `scale [--max N]`: build time and latency at 10k, 100k, 300k and 1M records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use zaitaku::import::load_dataset;
use zaitaku::import::{write_facilities, FACILITIES_FILE};
use zaitaku::index::{build_index, BuildLock, TextField};
use zaitaku::model::{Facility, LatLon};
use zaitaku::text::normalize;
use zaitaku::{search, SearchIndex, SearchParams, SearchQuery};

/// The query types, in report order.
const TYPES: [&str; 7] = [
    "knn_caps",
    "radius_kind",
    "covers",
    "text_ward",
    "text_near",
    "facets_5km",
    "rare",
];

const CAP_PAIRS: [(&str, &str); 4] = [
    ("24h", "end_of_life"),
    ("home_visit", "24h"),
    ("palliative", "dementia"),
    ("home_visit", "support_clinic"),
];
const RADIUS_KINDS: [&str; 4] = ["clinic", "visiting_nursing", "pharmacy", "care_management"];
const NAME_WORDS: [&str; 8] = [
    "青木",
    "田中",
    "山本",
    "中村",
    "さくら",
    "みどり",
    "ひまわり",
    "あおぞら",
];
const KIND_WORDS: [&str; 5] = ["医院", "薬局", "訪問看護", "クリニック", "歯科"];

#[derive(Clone, Debug)]
struct Query {
    id: usize,
    kind: &'static str,
    lat: f64,
    lon: f64,
    filter_kind: String,
    cap1: String,
    cap2: String,
    radius_km: String,
    text: String,
    /// For `covers`: the ward or 市町村 zaitaku places the point in (its code, else
    /// empty). A facility that declares service wards reaches only those (PostGIS gets
    /// this as an input of the rule, and each facility's wards).
    ward: String,
}

impl Query {
    /// The HTTP query string (also what the library runs), in the list view the page asks
    /// for (`view=list`). Text is matched exactly (`typo=false`), as PostGIS matches it:
    /// typo tolerance has a command of its own (`-- typo`).
    fn api(&self) -> String {
        let p = format!("{:.6},{:.6}", self.lat, self.lon);
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        match self.kind {
            "knn_caps" => format!(
                "near={p}&cap={}&cap={}&limit=20&facets=false&total=false&view=list",
                self.cap1, self.cap2
            ),
            "radius_kind" => format!(
                "near={p}&radius_km=3&kind={}&limit=20&facets=false&total=false&view=list",
                self.filter_kind
            ),
            "covers" => format!(
                "covers={p}&kind={}&cap={}&limit=20&facets=false&total=false&view=list",
                self.filter_kind, self.cap1
            ),
            "text_ward" => format!(
                "text={}&sort=name&limit=20&facets=false&total=false&view=list&typo=false",
                enc(&self.text)
            ),
            "text_near" => format!(
                "text={}&near={p}&limit=20&facets=false&total=false&view=list&typo=false",
                enc(&self.text)
            ),
            "facets_5km" => format!("near={p}&radius_km=5&limit=0"),
            "rare" => format!(
                "near={p}&pediatric=true&cap={}&limit=20&facets=false&total=false&view=list",
                self.cap1
            ),
            other => unreachable!("{other}"),
        }
    }

    fn params(&self) -> SearchParams {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(self.api().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut p = SearchParams::default();
        for (k, v) in pairs {
            match k.as_str() {
                "near" => p.near = Some(v),
                "covers" => p.covers = Some(v),
                "radius_km" => p.radius_km = Some(v),
                "kind" => p.kind.push(v),
                "cap" => p.cap.push(v),
                "text" => p.text = Some(v),
                "sort" => p.sort = Some(v),
                "limit" => p.limit = Some(v),
                "pediatric" => p.pediatric = Some(v),
                "facets" => p.facets = Some(v),
                "total" => p.total = Some(v),
                "view" => p.view = Some(v),
                "typo" => p.typo = Some(v),
                other => unreachable!("{other}"),
            }
        }
        p
    }
}

/// SplitMix64, so the mix is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn jitter(&mut self) -> f64 {
        (self.next() % 2001) as f64 / 1000.0 - 1.0
    }
}

/// Points where people are: a random facility's location moved up to ~1 km.
fn make_mix(index: &SearchIndex, count: usize, seed: u64) -> Vec<Query> {
    let mut rng = Rng(seed);
    let fs = &index.columns.location;
    (0..count)
        .map(|id| {
            let kind = TYPES[id % TYPES.len()];
            let at = fs[rng.below(fs.len())];
            let (c1, c2) = CAP_PAIRS[rng.below(CAP_PAIRS.len())];
            let text = match kind {
                "text_ward" => format!(
                    "{} {}",
                    NAME_WORDS[rng.below(NAME_WORDS.len())],
                    KIND_WORDS[rng.below(KIND_WORDS.len())]
                ),
                _ => KIND_WORDS[rng.below(KIND_WORDS.len())].to_string(),
            };
            Query {
                id: id + 1,
                kind,
                lat: at.lat + rng.jitter() * 0.009,
                lon: at.lon + rng.jitter() * 0.011,
                filter_kind: match kind {
                    "covers" => "visiting_nursing".into(),
                    _ => RADIUS_KINDS[rng.below(RADIUS_KINDS.len())].into(),
                },
                cap1: match kind {
                    "covers" => "24h".into(),
                    "rare" => "ventilator".into(),
                    _ => c1.into(),
                },
                cap2: c2.into(),
                radius_km: match kind {
                    "radius_kind" => "3".into(),
                    "facets_5km" => "5".into(),
                    _ => String::new(),
                },
                text,
                ward: String::new(),
            }
        })
        .map(|mut q| {
            if q.kind == "covers" {
                let p = LatLon::new(q.lat, q.lon).expect("a point of the mix");
                q.ward = index
                    .wards
                    .locate(p)
                    .map_or(String::new(), |w| w.0.to_string());
            }
            q
        })
        .collect()
}

fn write_mix(path: &Path, mix: &[Query]) {
    let mut w = csv::Writer::from_path(path).expect("write mix");
    w.write_record([
        "id",
        "type",
        "lat",
        "lon",
        "kind",
        "cap1",
        "cap2",
        "radius_km",
        "text",
        "api",
        "ward",
    ])
    .unwrap();
    for q in mix {
        w.write_record([
            q.id.to_string(),
            q.kind.to_string(),
            format!("{:.6}", q.lat),
            format!("{:.6}", q.lon),
            q.filter_kind.clone(),
            q.cap1.clone(),
            q.cap2.clone(),
            q.radius_km.clone(),
            q.text.clone(),
            q.api(),
            q.ward.clone(),
        ])
        .unwrap();
    }
}

fn read_mix(path: &Path) -> Vec<Query> {
    let mut r = csv::Reader::from_path(path).expect("read mix");
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            Query {
                id: rec[0].parse().unwrap(),
                kind: TYPES
                    .iter()
                    .find(|t| **t == &rec[1])
                    .copied()
                    .expect("known type"),
                lat: rec[2].parse().unwrap(),
                lon: rec[3].parse().unwrap(),
                filter_kind: rec[4].into(),
                cap1: rec[5].into(),
                cap2: rec[6].into(),
                radius_km: rec[7].into(),
                text: rec[8].into(),
                ward: rec.get(10).unwrap_or_default().into(),
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Runs every query of the mix `rounds` times; per type: p50, p99, mean (µs), queries/s.
fn latency(
    index: &SearchIndex,
    mix: &[Query],
    rounds: usize,
) -> BTreeMap<&'static str, (f64, f64, f64)> {
    latency_of(index, mix, rounds, false)
}

/// Like [`latency`], with the JSON answer written too (what the server does for a search
/// besides HTTP: `search_json`, the answer of `/api/v1/search`).
fn latency_of(
    index: &SearchIndex,
    mix: &[Query],
    rounds: usize,
    json: bool,
) -> BTreeMap<&'static str, (f64, f64, f64)> {
    let parsed: Vec<(&'static str, SearchQuery)> = mix
        .iter()
        .map(|q| {
            (
                q.kind,
                SearchQuery::parse(&q.params(), &index.regions).expect("valid mix query"),
            )
        })
        .collect();
    // Warm-up: touch the text index and the columns once.
    for (_, q) in parsed.iter().take(50) {
        search(index, q).unwrap();
    }
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for _ in 0..rounds {
        for (kind, q) in &parsed {
            let t = Instant::now();
            if json {
                std::hint::black_box(zaitaku::search::search_json(index, q, &()).unwrap());
            } else {
                std::hint::black_box(search(index, q).unwrap());
            }
            let us = t.elapsed().as_secs_f64() * 1e6;
            times.entry(kind).or_default().push(us);
        }
    }
    times
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            (k, (percentile(&v, 0.5), percentile(&v, 0.99), mean))
        })
        .collect()
}

/// What each word of the mix costs on its own with the word cache off (p50 and worst of
/// `reps` lookups), with how many facilities it matches.
fn words(index: &SearchIndex, only: Option<&str>, reps: usize) {
    println!("\n### One word, word cache off ({} records)\n", index.len());
    println!("| word | matches | set p50 µs | set max µs | with scores p50 µs |");
    println!("|---|---:|---:|---:|---:|");
    let p50_max = |f: &dyn Fn()| {
        let mut times: Vec<f64> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        (percentile(&times, 0.5), times[times.len() - 1])
    };
    let words = NAME_WORDS.iter().chain(&KIND_WORDS);
    for w in words.filter(|w| only.is_none_or(|o| o == **w)) {
        let set = || index.text.matches(w, &index.tags).unwrap();
        let (p50, max) = p50_max(&|| {
            std::hint::black_box(set());
        });
        let (scored, _) = p50_max(&|| {
            std::hint::black_box(index.text.search(w, &index.tags).unwrap());
        });
        let n = set().map_or(0, |s| s.set.len());
        println!("| {w} | {n} | {p50:.0} | {max:.0} | {scored:.0} |");
    }
}

/// Typo tolerance (issue 18): mistyped words made from the index's own names (one
/// character of a 4–6 character kana/kanji piece replaced by a character of another name,
/// kept only when it finds nothing as typed), searched with the word cache off, so every
/// word and every candidate spelling is looked up as if for the first time; and what the
/// folding costs: normalising every name.
fn typo(index: &SearchIndex, count: usize) {
    use zaitaku::index::correctable;
    let names: Vec<String> = index.records().iter().map(|f| f.name).collect();
    let t = Instant::now();
    let mut chars = 0usize;
    for n in &names {
        chars += std::hint::black_box(zaitaku::text::normalize(n))
            .chars()
            .count();
    }
    let fold_ns = t.elapsed().as_secs_f64() * 1e9 / chars.max(1) as f64;
    index.text.set_cache(false);
    let mut rng = Rng(7);
    let mut queries = Vec::new();
    let mut tries = 0;
    while queries.len() < count && tries < count * 200 {
        tries += 1;
        // The longest kana/kanji run of a name, as the index reads it.
        let normalized = zaitaku::text::normalize(&names[rng.below(names.len())]);
        let name: Vec<char> = normalized
            .split(|c: char| !zaitaku::text::is_cjk(c))
            .max_by_key(|run| run.chars().count())
            .unwrap_or("")
            .chars()
            .collect();
        let len = 4 + rng.below(3);
        if name.len() < len {
            continue;
        }
        let start = rng.below(name.len() - len + 1);
        let original: String = name[start..start + len].iter().collect();
        let mut word: Vec<char> = name[start..start + len].to_vec();
        let other: Vec<char> = zaitaku::text::normalize(&names[rng.below(names.len())])
            .chars()
            .filter(|c| zaitaku::text::is_cjk(*c))
            .collect();
        if other.is_empty() {
            continue;
        }
        let at = rng.below(len);
        word[at] = other[rng.below(other.len())];
        let word: String = word.into_iter().collect();
        if !correctable(&zaitaku::text::normalize(&word)) {
            continue;
        }
        let exact = SearchQuery {
            text: Some(word.clone()),
            typo: false,
            limit: 20,
            ..Default::default()
        };
        if zaitaku::search(index, &exact).unwrap().total == 0 {
            queries.push((word, original));
        }
    }
    let mut times = Vec::new();
    let (mut corrected, mut back) = (0, 0);
    for (w, original) in &queries {
        let q = SearchQuery {
            text: Some(w.clone()),
            limit: 20,
            ..Default::default()
        };
        let t = Instant::now();
        let r = zaitaku::search(index, &q).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        corrected += usize::from(r.corrected.is_some());
        back += usize::from(r.corrected.is_some_and(|c| c.text == *original));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\n### Typo tolerance ({} records, word cache off)\n",
        index.len()
    );
    println!("| mistyped words | corrected | back to the word they came from | p50 ms | p99 ms | max ms | folding (normalize) ns per character |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {corrected} | {back} | {:.2} | {:.2} | {:.2} | {fold_ns:.0} |",
        queries.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
    );
}

fn print_latency(title: &str, l: &BTreeMap<&'static str, (f64, f64, f64)>) {
    println!("\n{title}\n");
    println!("| query | p50 µs | p99 µs | queries/s (1 thread) |");
    println!("|---|---:|---:|---:|");
    for t in TYPES {
        if let Some((p50, p99, mean)) = l.get(t) {
            println!("| {t} | {p50:.0} | {p99:.0} | {:.0} |", 1e6 / mean);
        }
    }
}

/// The facilities flattened for PostgreSQL (see `benches/postgis/`).
fn export_sql(index: &SearchIndex, out: &Path) {
    let mut w = csv::Writer::from_path(out).expect("write export");
    w.write_record([
        "id",
        "lat",
        "lon",
        "kinds",
        "caps",
        "pediatric",
        "wheelchair",
        "reach_m",
        "search_text",
        "name_rank",
        "service_wards",
    ])
    .unwrap();
    let array = |v: Vec<&str>| format!("{{{}}}", v.join(","));
    let b = |x: Option<bool>| x.map_or(String::new(), |x| x.to_string());
    for (ord, f) in index.records().iter().enumerate() {
        let text: Vec<String> = TextField::ALL
            .iter()
            .map(|t| normalize(&t.text_of(&f, &index.regions)))
            .collect();
        w.write_record([
            f.id.0.clone(),
            format!("{}", f.location.lat),
            format!("{}", f.location.lon),
            array(f.kinds.iter().map(|k| k.code()).collect()),
            array(f.capabilities.iter().map(|c| c.code()).collect()),
            b(f.pediatric),
            b(f.wheelchair),
            f.reach()
                .map_or(String::new(), |r| format!("{}", r.radius_km * 1000.0)),
            text.join(" "),
            index.columns.name_rank[ord].to_string(),
            format!(
                "{{{}}}",
                index
                    .columns
                    .service_wards(ord as u32)
                    .iter()
                    .map(|w| w.0.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ])
        .unwrap();
    }
}

fn agree(index: &SearchIndex, mix: &[Query], out: &Path) {
    let mut w = csv::Writer::from_path(out).expect("write ids");
    w.write_record(["id", "type", "total", "ids"]).unwrap();
    for q in mix {
        let r = search(
            index,
            &SearchQuery::parse(&q.params(), &index.regions).unwrap(),
        )
        .unwrap();
        let ids = if q.kind == "facets_5km" {
            r.facets
                .kind
                .iter()
                .filter(|c| c.count > 0)
                .map(|c| format!("{}:{}", c.code, c.count))
                .collect::<Vec<_>>()
                .join(";")
        } else {
            r.hits
                .iter()
                .map(zaitaku::search::Hit::id)
                .collect::<Vec<_>>()
                .join(";")
        };
        w.write_record([
            q.id.to_string(),
            q.kind.to_string(),
            r.total.to_string(),
            ids,
        ])
        .unwrap();
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn scale(max: usize) {
    println!("\n### How cost grows (national synthetic data, in process, p50 µs)\n");
    print!("| records | generate+write s | build s | open s | RSS MB |");
    for t in TYPES {
        print!(" {t} |");
    }
    println!();
    print!("|---:|---:|---:|---:|---:|");
    for _ in TYPES {
        print!("---:|");
    }
    println!();
    for n in [10_000, 100_000, 300_000, 1_000_000]
        .into_iter()
        .filter(|n| *n <= max)
    {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("national");
        std::fs::create_dir(&data).unwrap();
        let t = Instant::now();
        let fs: Vec<Facility> = zaitaku::demo::generate_national(1, n);
        write_facilities(&data.join(FACILITIES_FILE), &fs).unwrap();
        drop(fs);
        let gen_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let ds = load_dataset(&data, None).unwrap();
        let input = ds.index_input(None);
        let lock = BuildLock::acquire(&dir.path().join("index"), "national").unwrap();
        build_index(input, &lock).unwrap();
        let build_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let index = SearchIndex::open(&dir.path().join("index/national")).unwrap();
        let open_s = t.elapsed().as_secs_f64();
        let rss = rss_kb() as f64 / 1024.0;
        let mix = make_mix(&index, 700, 7);
        let l = latency(&index, &mix, 3);
        print!("| {n} | {gen_s:.1} | {build_s:.1} | {open_s:.2} | {rss:.0} |");
        for t in TYPES {
            print!(" {:.0} |", l[t].0);
        }
        println!();
    }
}

/// The home-care team (issue 15) for `count` homes at facilities' doors, every role, each
/// scene in turn (and none): p50/p99 of the whole answer, as `/api/v1/team` computes it.
fn team(index: &SearchIndex, count: usize) {
    use zaitaku::team::{find, TeamParams, TeamQuery};
    let scenes: Vec<Option<String>> = std::iter::once(None)
        .chain(
            zaitaku::search::scene::scenes()
                .iter()
                .map(|s| Some(s.code.clone())),
        )
        .collect();
    let step = (index.len() / count.max(1)).max(1);
    let mut times: Vec<f64> = Vec::with_capacity(count);
    for (n, ord) in (0..index.len() as u32)
        .step_by(step)
        .take(count)
        .enumerate()
    {
        let at = index.facility(ord).location;
        let p = TeamParams {
            covers: Some(format!("{},{}", at.lat, at.lon)),
            scene: scenes[n % scenes.len()].clone(),
            ..TeamParams::default()
        };
        let t = Instant::now();
        let (q, point) = TeamQuery::resolve(&p, index).expect("valid team query");
        let team = find(index, &q, point).expect("team");
        times.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(team);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\n### Home-care team, 8 roles ({} records, {} homes)\n\n| p50 ms | p99 ms | max ms |\n|---:|---:|---:|\n| {:.1} | {:.1} | {:.1} |",
        index.len(),
        times.len(),
        percentile(&times, 0.5) / 1000.0,
        percentile(&times, 0.99) / 1000.0,
        times.last().copied().unwrap_or(0.0) / 1000.0
    );
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let need =
        |name: &str| -> String { arg(&args, name).unwrap_or_else(|| panic!("{name} is required")) };
    let open = || SearchIndex::open(&PathBuf::from(need("--index"))).expect("open --index");
    match args.first().map(String::as_str) {
        Some("mix") => {
            let index = open();
            let count = arg(&args, "--count").map_or(2000, |c| c.parse().unwrap());
            let seed = arg(&args, "--seed").map_or(1, |c| c.parse().unwrap());
            write_mix(Path::new(&need("--out")), &make_mix(&index, count, seed));
        }
        Some("export-sql") => export_sql(&open(), Path::new(&need("--out"))),
        Some("latency") => {
            let index = open();
            let mix = read_mix(Path::new(&need("--mix")));
            let rounds = arg(&args, "--rounds").map_or(3, |c| c.parse().unwrap());
            let l = latency(&index, &mix, rounds);
            print_latency(
                &format!(
                    "### In-process latency ({} records, {} queries × {rounds})",
                    index.len(),
                    mix.len()
                ),
                &l,
            );
            print_latency(
                "### The same, with the JSON answer written (as `/api/v1/search` answers)",
                &latency_of(&index, &mix, rounds, true),
            );
            // The same text queries with the word cache off: what a word costs the first
            // time it is searched (or after it left the cache).
            index.text.set_cache(false);
            let text: Vec<Query> = mix
                .iter()
                .filter(|q| q.kind.starts_with("text"))
                .cloned()
                .collect();
            print_latency(
                "### Text queries with the word cache off (every word looked up again)",
                &latency(&index, &text, 1),
            );
            words(&index, None, 20);
        }
        Some("words") => {
            let index = open();
            index.text.set_cache(false);
            let reps = arg(&args, "--reps").map_or(20, |c| c.parse().unwrap());
            words(&index, arg(&args, "--word").as_deref(), reps);
        }
        Some("agree") => agree(
            &open(),
            &read_mix(Path::new(&need("--mix"))),
            Path::new(&need("--out")),
        ),
        Some("team") => team(
            &open(),
            arg(&args, "--count").map_or(200, |c| c.parse().unwrap()),
        ),
        Some("typo") => typo(
            &open(),
            arg(&args, "--count").map_or(300, |c| c.parse().unwrap()),
        ),
        Some("scale") => scale(arg(&args, "--max").map_or(1_000_000, |c| c.parse().unwrap())),
        _ => {
            // `cargo bench` with no command: a quick self-contained run.
            scale(100_000);
        }
    }
}
