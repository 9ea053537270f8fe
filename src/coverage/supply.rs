//! Supply per ward (or 市町村), 基本保健医療圏, 市町村 with wards and 二次医療圏: for each
//! metric of `data/coverage_metrics.csv` how many facilities there are, the share whose
//! curated status (新規受入) is current, and, with a population table, rates per 10,000
//! people aged 65+ and 75+. Each figure's search is `query` + `&` + the area's `place`.

use serde::Serialize;

use crate::index::SearchIndex;
use crate::model::metric::{metrics, Metric};
use crate::model::population::PopulationRow;
use crate::model::{Accepting, AreaKind, Day, WardCode};

#[derive(Clone, Debug, Serialize)]
pub struct MetricRef {
    pub code: &'static str,
    pub label: &'static str,
    /// The search behind the metric's figures: `kind=clinic,hospital&cap=home_visit`.
    pub query: String,
}

/// An area level and its words.
#[derive(Clone, Debug, Serialize)]
pub struct LevelRef {
    pub code: &'static str,
    pub label: &'static str,
}

/// The levels, in the order of the table.
pub const LEVELS: [LevelRef; 4] = [
    LevelRef {
        code: "ward",
        label: "区・市町村",
    },
    LevelRef {
        code: "kihon",
        label: "基本保健医療圏",
    },
    LevelRef {
        code: "municipality",
        label: "市（区の合計）",
    },
    LevelRef {
        code: "niji",
        label: "二次医療圏",
    },
];

/// The words of the table's other columns.
#[derive(Clone, Debug, Serialize)]
pub struct Labels {
    pub facilities: &'static str,
    pub status_current_share: &'static str,
}

pub const LABELS: Labels = Labels {
    facilities: "施設数",
    status_current_share: "新規受入の情報が有効な割合",
};

#[derive(Clone, Debug, Serialize)]
pub struct AreaSupply {
    /// `ward` (a ward or undivided 市町村), `kihon`, `municipality` (with wards) or `niji`.
    pub level: &'static str,
    pub code: String,
    pub name: String,
    /// The search parameter naming the area: `ward=27114`, `area=toyono`.
    pub place: String,
    pub facilities: usize,
    /// Per metric, in `Supply::metrics` order.
    pub counts: Vec<usize>,
    /// Facilities whose 新規受入 status is known and not past its end.
    pub status_current: usize,
    /// `status_current / facilities` (0 without facilities).
    pub status_current_share: f64,
    pub population: Option<PopulationRow>,
    /// Per metric: facilities per 10,000 people aged 65+ (75+).
    pub per_10k_65: Option<Vec<f64>>,
    pub per_10k_75: Option<Vec<f64>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Supply {
    pub today: String,
    pub data_date: String,
    pub sources: Vec<String>,
    pub metrics: Vec<MetricRef>,
    pub levels: &'static [LevelRef],
    pub labels: Labels,
    /// The metrics counted per 町丁目 (`/coverage/towns?role=`).
    pub town_metrics: Vec<&'static str>,
    /// The population table's file, when the index has one.
    pub population_source: Option<String>,
    pub areas: Vec<AreaSupply>,
}

/// Counts per leaf (ward or undivided 市町村): facilities, per metric, status current.
struct Leaf {
    facilities: usize,
    counts: Vec<usize>,
    status_current: usize,
}

pub fn supply(index: &SearchIndex, today: Day) -> Supply {
    let ms: Vec<&Metric> = metrics().iter().collect();
    let regions = &index.regions;
    let c = &index.columns;
    let mut leaves: std::collections::BTreeMap<WardCode, Leaf> = regions
        .leaves()
        .map(|r| {
            (
                r.code,
                Leaf {
                    facilities: 0,
                    counts: vec![0; ms.len()],
                    status_current: 0,
                },
            )
        })
        .collect();
    for i in 0..index.len() {
        let Some(leaf) = c.ward[i].and_then(|w| leaves.get_mut(&w)) else {
            continue;
        };
        leaf.facilities += 1;
        if c.accepting_on(i, today) != Accepting::Unknown {
            leaf.status_current += 1;
        }
        for (n, m) in ms.iter().enumerate() {
            if m.matches(c.kind_bits[i], c.cap_bits[i]) {
                leaf.counts[n] += 1;
            }
        }
    }
    let population = index.population.as_deref();
    let people = |code: &str, members: &[WardCode]| -> Option<PopulationRow> {
        let p = population?;
        if let Some(row) = p.get(code) {
            return Some(row.clone());
        }
        // The sum of its members, when every one is in the table.
        let rows: Option<Vec<&PopulationRow>> =
            members.iter().map(|w| p.get(&w.0.to_string())).collect();
        let rows = rows.filter(|r| !r.is_empty())?;
        Some(PopulationRow {
            area: code.to_string(),
            total: rows.iter().map(|r| r.total).sum(),
            age65: rows.iter().map(|r| r.age65).sum(),
            age75: rows.iter().map(|r| r.age75).sum(),
        })
    };
    let area =
        |level: &'static str, code: String, name: String, place: String, members: &[WardCode]| {
            let mut facilities = 0;
            let mut counts = vec![0; ms.len()];
            let mut status_current = 0;
            for w in members {
                if let Some(l) = leaves.get(w) {
                    facilities += l.facilities;
                    status_current += l.status_current;
                    for (n, x) in l.counts.iter().enumerate() {
                        counts[n] += x;
                    }
                }
            }
            let population = people(&code, members);
            let rate = |age: fn(&PopulationRow) -> u64| {
                population.as_ref().filter(|p| age(p) > 0).map(|p| {
                    counts
                        .iter()
                        .map(|n| (*n as f64 * 10_000.0 / age(p) as f64 * 100.0).round() / 100.0)
                        .collect()
                })
            };
            AreaSupply {
                level,
                per_10k_65: rate(|p| p.age65),
                per_10k_75: rate(|p| p.age75),
                code,
                name,
                place,
                facilities,
                status_current,
                status_current_share: if facilities == 0 {
                    0.0
                } else {
                    (status_current as f64 / facilities as f64 * 1000.0).round() / 1000.0
                },
                counts,
                population,
            }
        };
    let mut areas = Vec::new();
    for r in regions.leaves() {
        areas.push(area(
            "ward",
            r.code.0.to_string(),
            regions.full_name(r.code),
            format!("ward={}", r.code.0),
            &[r.code],
        ));
    }
    for kind in [AreaKind::Kihon, AreaKind::Niji] {
        for a in regions.areas().iter().filter(|a| a.kind == kind) {
            let level = if kind == AreaKind::Kihon {
                "kihon"
            } else {
                "niji"
            };
            let members = regions.leaves_in_area(a);
            areas.push(area(
                level,
                a.code.clone(),
                a.full_name(),
                format!("area={}", a.code),
                &members,
            ));
        }
        if kind == AreaKind::Kihon {
            // Cities with wards, between their 基本保健医療圏 and the 二次医療圏.
            for (r, members) in regions.municipalities() {
                if members.len() > 1 || members.first() != Some(&r.code) {
                    areas.push(area(
                        "municipality",
                        r.code.0.to_string(),
                        regions.full_name(r.code),
                        format!("ward={}", r.code.0),
                        members,
                    ));
                }
            }
        }
    }
    Supply {
        today: today.to_string(),
        data_date: index.meta.built_day().to_string(),
        sources: index.meta.source_rows.keys().cloned().collect(),
        metrics: ms
            .iter()
            .map(|m| MetricRef {
                code: &m.code,
                label: &m.label,
                query: m.query(),
            })
            .collect(),
        levels: &LEVELS,
        labels: LABELS,
        town_metrics: crate::model::metric::town_metrics()
            .map(|m| m.code.as_str())
            .collect(),
        population_source: population.map(|p| p.source.clone()),
        areas,
    }
}

/// The table as rows for CSV and xlsx: a header, then one row per area.
pub fn table(s: &Supply) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head: Vec<String> = ["区分", "コード", "名称", LABELS.facilities]
        .iter()
        .map(|h| h.to_string())
        .collect();
    head.extend(s.metrics.iter().map(|m| m.label.to_string()));
    head.push(LABELS.status_current_share.into());
    let with_population = s.population_source.is_some();
    if with_population {
        head.extend(["人口", "65歳以上", "75歳以上"].map(String::from));
        head.extend(
            s.metrics
                .iter()
                .map(|m| format!("{}（65歳以上1万人あたり）", m.label)),
        );
        head.extend(
            s.metrics
                .iter()
                .map(|m| format!("{}（75歳以上1万人あたり）", m.label)),
        );
    }
    let level = |l: &str| LEVELS.iter().find(|x| x.code == l).map_or("", |x| x.label);
    let rows = s
        .areas
        .iter()
        .map(|a| {
            let mut row = vec![
                level(a.level).to_string(),
                a.code.clone(),
                a.name.clone(),
                a.facilities.to_string(),
            ];
            row.extend(a.counts.iter().map(|n| n.to_string()));
            row.push(format!("{:.1}%", a.status_current_share * 100.0));
            if with_population {
                match &a.population {
                    Some(p) => row.extend([p.total, p.age65, p.age75].map(|n| n.to_string())),
                    None => row.extend(["", "", ""].map(String::from)),
                }
                for rates in [&a.per_10k_65, &a.per_10k_75] {
                    match rates {
                        Some(r) => row.extend(r.iter().map(|x| format!("{x:.2}"))),
                        None => row.extend(s.metrics.iter().map(|_| String::new())),
                    }
                }
            }
            row
        })
        .collect();
    (head, rows)
}
