//! Coverage gaps by town: for every 町丁目 reference point of the dataset, how many
//! providers of each town metric (訪問診療, 24h 訪問看護, 訪問歯科, 訪問薬剤) reach it, by the
//! search's own covers rule ([`Columns::reaches`]), and how far the nearest of each is.
//! Computed once when the index is built and stored in it (`coverage.json`), so requests
//! only read.
//!
//! [`Columns::reaches`]: super::columns::Columns::reaches

use serde::{Deserialize, Serialize};

use super::SearchIndex;
use crate::geo::PointIndex;
use crate::model::metric::town_metrics;

/// One 町丁目 and its coverage, one entry per town metric (in `TownCoverage::metrics` order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownCell {
    /// The ward or 市町村 the point lies in (as search locates it), else the table's code.
    pub code: u32,
    pub municipality: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Providers that reach the town.
    pub counts: Vec<u32>,
    /// Metres to the nearest provider, reaching or not (`None`: there is none).
    pub nearest_m: Vec<Option<f32>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TownCoverage {
    /// The metric codes the counts follow.
    pub metrics: Vec<String>,
    pub towns: Vec<TownCell>,
}

impl TownCoverage {
    /// The position of a metric's figures in each cell.
    pub fn slot(&self, metric: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == metric)
    }
}

/// Counts, for every town of the index's geocoder, the providers of each town metric that
/// reach it and the distance to the nearest.
pub fn compute(index: &SearchIndex) -> TownCoverage {
    let metrics: Vec<_> = town_metrics().collect();
    // Per metric: its facilities in an R-tree, and the farthest any of them reaches.
    let trees: Vec<(PointIndex, f64)> = metrics
        .iter()
        .map(|m| {
            let ords: Vec<u32> = (0..index.len() as u32)
                .filter(|o| {
                    let i = *o as usize;
                    m.matches(index.columns.kind_bits[i], index.columns.cap_bits[i])
                })
                .collect();
            let reach = ords
                .iter()
                .filter_map(|o| index.columns.reach_m[*o as usize])
                .fold(0.0, f64::max);
            let tree = PointIndex::new(
                ords.iter()
                    .map(|o| (*o, index.columns.location[*o as usize])),
            );
            (tree, reach)
        })
        .collect();
    let serves_towns = !index.columns.service_towns.is_empty();
    let cell = |t: &crate::geocode::TownRow| {
        let p = crate::model::LatLon {
            lat: t.lat,
            lon: t.lon,
        };
        let ward = index.wards.locate(p);
        // As search finds the home's town: only when some facility serves towns.
        let town = ward
            .filter(|_| serves_towns)
            .and_then(|w| Some(format!("{w}:{}", index.geocoder.town_at(p, w.0)?)));
        let mut counts = Vec::with_capacity(trees.len());
        let mut nearest_m = Vec::with_capacity(trees.len());
        for (tree, reach) in &trees {
            counts.push(
                tree.within_m(p, *reach)
                    .filter(|(o, d)| index.columns.reaches(*o, *d, ward, town.as_deref()))
                    .count() as u32,
            );
            nearest_m.push(tree.nearest(p).next().map(|(_, d)| d as f32));
        }
        TownCell {
            code: ward.map_or(t.code, |w| w.0),
            municipality: t.municipality.clone(),
            name: t.name.clone(),
            lat: t.lat,
            lon: t.lon,
            counts,
            nearest_m,
        }
    };
    // The towns in as many chunks as there are cores, in table order.
    let all = index.geocoder.towns();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = all.len().div_ceil(threads).max(1);
    let towns = std::thread::scope(|s| {
        let parts: Vec<_> = all
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(cell).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().expect("a coverage thread panicked"))
            .collect()
    });
    TownCoverage {
        metrics: metrics.iter().map(|m| m.code.clone()).collect(),
        towns,
    }
}
