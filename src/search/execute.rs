//! Running a query: pick the cheapest candidate source (text hits, the shortest posting
//! list, or the R-tree), check every filter on each candidate, then count facets, sort and
//! cut the page.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::explain::explain;
use super::query::{SearchQuery, Sort};
use super::result::{FacetCount, Facets, Hit, SearchResult};
use crate::geo::haversine_m;
use crate::index::{Columns, SearchIndex};
use crate::model::{Capability, Kind, LatLon, Ward, WardCode, CAPABILITIES, KINDS, WARDS};

#[derive(Debug, thiserror::Error)]
#[error("text search failed: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// Posting lists shorter than this are scanned instead of asking the R-tree.
const SCAN_BEFORE_GEO: usize = 4096;

struct Matched {
    ord: u32,
    distance_m: Option<f64>,
    score: Option<f32>,
}

/// The facilities a text query matched: a bitset for membership, scores when ranked.
struct TextHits {
    ords: Vec<u32>,
    bits: Vec<u64>,
    scores: Option<HashMap<u32, f32>>,
}

impl TextHits {
    fn new(hits: Vec<(u32, f32)>, n: usize, scored: bool) -> Self {
        let mut bits = vec![0u64; n.div_ceil(64)];
        for (ord, _) in &hits {
            bits[*ord as usize / 64] |= 1 << (ord % 64);
        }
        Self {
            ords: hits.iter().map(|h| h.0).collect(),
            scores: scored.then(|| hits.into_iter().collect()),
            bits,
        }
    }

    /// `None` when `ord` did not match; else its score (0 when unscored).
    fn get(&self, ord: u32) -> Option<f32> {
        if self.bits[ord as usize / 64] & (1 << (ord % 64)) == 0 {
            return None;
        }
        Some(
            self.scores
                .as_ref()
                .and_then(|s| s.get(&ord).copied())
                .unwrap_or(0.0),
        )
    }
}

/// Per-query state for checking one facility cheaply.
struct Filter<'a> {
    index: &'a SearchIndex,
    q: &'a SearchQuery,
    kind_mask: u8,
    cap_masks: Vec<u32>,
    text: Option<TextHits>,
    covers_ward: Option<&'static Ward>,
}

impl Filter<'_> {
    /// Every condition except the text; returns the distance from the origin.
    fn check(&self, ord: u32) -> Option<Option<f64>> {
        let c = &self.index.columns;
        let i = ord as usize;
        if self.kind_mask != 0 && c.kind_bits[i] & self.kind_mask == 0 {
            return None;
        }
        if self.cap_masks.iter().any(|m| c.cap_bits[i] & m == 0) {
            return None;
        }
        if self.q.wheelchair.is_some() && c.wheelchair[i] != self.q.wheelchair {
            return None;
        }
        if self.q.pediatric.is_some() && c.pediatric[i] != self.q.pediatric {
            return None;
        }
        if self.q.accepting_new.is_some_and(|a| c.accepting[i] != a) {
            return None;
        }
        if !self.q.places.is_empty() && !c.ward[i].is_some_and(|w| self.q.places.contains(&w)) {
            return None;
        }
        let location = c.location[i];
        if let Some(b) = &self.q.bbox {
            if !b.contains(location) {
                return None;
            }
        }
        let distance = self.q.origin().map(|o| haversine_m(o, location));
        if let (Some(r), Some(d)) = (self.q.radius_m, distance) {
            if d > r {
                return None;
            }
        }
        if self.q.covers.is_some() {
            let d = distance?;
            let reach = c.reach_m[i]?;
            if d > reach {
                return None;
            }
            let f = self.index.facility(ord);
            if !f.service_wards.is_empty() {
                let w = self.covers_ward?;
                if !f.service_wards.contains(&w.code) {
                    return None;
                }
            }
        }
        Some(distance)
    }
}

/// The posting lists whose union must contain every match of one condition. Only their
/// lengths are looked at before the cheapest condition is chosen.
fn posting_groups<'a>(c: &'a Columns, q: &SearchQuery) -> Vec<Vec<&'a [u32]>> {
    let mut groups: Vec<Vec<&[u32]>> = Vec::new();
    if !q.kinds.is_empty() {
        groups.push(
            q.kinds
                .iter()
                .map(|k| c.by_kind[*k as usize].as_slice())
                .collect(),
        );
    }
    for group in &q.capabilities {
        groups.push(
            group
                .iter()
                .map(|cap| c.by_cap[*cap as usize].as_slice())
                .collect(),
        );
    }
    if !q.places.is_empty() {
        groups.push(
            q.places
                .iter()
                .filter_map(|w| c.by_ward.get(w))
                .map(Vec::as_slice)
                .collect(),
        );
    }
    if q.pediatric == Some(true) {
        groups.push(vec![&c.pediatric_list]);
    }
    if q.wheelchair == Some(true) {
        groups.push(vec![&c.wheelchair_list]);
    }
    groups
}

/// Whether walking the R-tree nearest first beats checking every candidate: walking
/// visits about `wanted / selectivity` points (filters taken as independent); the other
/// way checks the cheapest candidate list whole.
fn nearest_first_pays(
    index: &SearchIndex,
    q: &SearchQuery,
    filter: &Filter,
    wanted: usize,
) -> bool {
    let n = index.len().max(1) as f64;
    let groups = posting_groups(&index.columns, q);
    let mut sizes: Vec<f64> = groups
        .iter()
        .map(|g| g.iter().map(|l| l.len()).sum::<usize>() as f64)
        .collect();
    if let Some(t) = &filter.text {
        sizes.push(t.ords.len() as f64);
    }
    let selectivity: f64 = sizes.iter().map(|s| (s / n).min(1.0)).product();
    let walk = wanted as f64 / selectivity.max(1e-9);
    let scan = sizes.iter().copied().fold(n, f64::min);
    walk < scan
}

/// The smallest list of ordinals that must contain every match, or `None` for "all".
fn candidates(index: &SearchIndex, q: &SearchQuery, filter: &Filter) -> Option<Vec<u32>> {
    let groups = posting_groups(&index.columns, q);
    let size = |g: &Vec<&[u32]>| g.iter().map(|l| l.len()).sum::<usize>();
    let cheapest = groups.iter().min_by_key(|g| size(g));
    let text_len = filter.text.as_ref().map(|t| t.ords.len());
    let shortest: Option<Vec<u32>> = match (cheapest, text_len) {
        (Some(g), Some(t)) if t < size(g) => filter.text.as_ref().map(|t| t.ords.clone()),
        (Some(g), _) => {
            let mut v: Vec<u32> = g.iter().flat_map(|l| l.iter().copied()).collect();
            if g.len() > 1 {
                v.sort_unstable();
                v.dedup();
            }
            Some(v)
        }
        (None, Some(_)) => filter.text.as_ref().map(|t| t.ords.clone()),
        (None, None) => None,
    };
    if shortest
        .as_ref()
        .is_some_and(|s| s.len() <= SCAN_BEFORE_GEO)
    {
        return shortest;
    }
    let geo = geo_candidates(index, q);
    match (shortest, geo) {
        (Some(s), Some(g)) => Some(if s.len() <= g.len() { s } else { g }),
        (s, g) => s.or(g),
    }
}

fn geo_candidates(index: &SearchIndex, q: &SearchQuery) -> Option<Vec<u32>> {
    if let (Some(p), Some(r)) = (q.near, q.radius_m) {
        return Some(index.points.within(p, r).collect());
    }
    if let Some(p) = q.covers {
        return Some(index.points.within(p, index.columns.max_reach_m).collect());
    }
    if let Some(b) = &q.bbox {
        let center = LatLon {
            lat: (b.min.lat + b.max.lat) / 2.0,
            lon: (b.min.lon + b.max.lon) / 2.0,
        };
        let r = [
            b.min,
            b.max,
            LatLon {
                lat: b.min.lat,
                lon: b.max.lon,
            },
            LatLon {
                lat: b.max.lat,
                lon: b.min.lon,
            },
        ]
        .iter()
        .map(|corner| haversine_m(center, *corner))
        .fold(0.0, f64::max);
        return Some(index.points.within(center, r + 1.0).collect());
    }
    None
}

fn facets(index: &SearchIndex, matched: &[Matched]) -> Facets {
    let c = &index.columns;
    let mut kinds = [0usize; 8];
    let mut caps = [0usize; 32];
    let mut wards: HashMap<WardCode, usize> = HashMap::new();
    for m in matched {
        let i = m.ord as usize;
        for (k, n) in kinds.iter_mut().enumerate() {
            *n += usize::from(c.kind_bits[i] & (1 << k) != 0);
        }
        let mut bits = c.cap_bits[i];
        while bits != 0 {
            caps[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        if let Some(w) = c.ward[i] {
            *wards.entry(w).or_default() += 1;
        }
    }
    Facets {
        kind: KINDS
            .iter()
            .map(|k| FacetCount {
                code: k.code.into(),
                label: k.label.into(),
                count: kinds[k.kind as usize],
            })
            .collect(),
        ward: WARDS
            .iter()
            .map(|w| FacetCount {
                code: w.code.to_string(),
                label: w.name.into(),
                count: wards.get(&w.code).copied().unwrap_or(0),
            })
            .collect(),
        capability: CAPABILITIES
            .iter()
            .map(|ci| FacetCount {
                code: ci.code.into(),
                label: ci.label.into(),
                count: caps[ci.capability as usize],
            })
            .collect(),
    }
}

pub fn search(index: &SearchIndex, q: &SearchQuery) -> Result<SearchResult, SearchError> {
    let scored = q.sort == Sort::Relevance;
    let text = match &q.text {
        Some(t) => index
            .text
            .search(t, scored)?
            .map(|hits| TextHits::new(hits, index.len(), scored)),
        None => None,
    };
    let filter = Filter {
        index,
        q,
        kind_mask: q.kinds.iter().fold(0u8, |m, k: &Kind| m | 1 << (*k as u8)),
        cap_masks: q
            .capabilities
            .iter()
            .map(|g| g.iter().fold(0u32, |m, c: &Capability| m | c.bit()))
            .collect(),
        text,
        covers_ward: q.covers.and_then(|p| index.wards.locate(p)),
    };
    let check = |ord: u32| {
        let score = match &filter.text {
            Some(t) => Some(t.get(ord)?),
            None => None,
        };
        filter.check(ord).map(|distance_m| Matched {
            ord,
            distance_m,
            score,
        })
    };
    // Nearest first, stopping at the page's end: when nothing needs every match (no
    // facets, no exact total) and the order is by distance from a point.
    let wanted = q.offset + q.limit;
    let origin = q
        .origin()
        .filter(|_| !q.facets && !q.total && q.sort == Sort::Distance);
    if let Some(o) = origin.filter(|_| nearest_first_pays(index, q, &filter, wanted)) {
        let bound = q
            .radius_m
            .or(q.covers.map(|_| index.columns.max_reach_m))
            .unwrap_or(f64::INFINITY);
        let mut matched = Vec::with_capacity(wanted);
        for ord in index.points.nearest(o) {
            if matched.len() >= wanted
                || haversine_m(o, index.columns.location[ord as usize]) > bound
            {
                break;
            }
            if let Some(m) = check(ord) {
                matched.push(m);
            }
        }
        return Ok(page(index, q, &filter, matched, Facets::default(), true));
    }
    let mut matched: Vec<Matched> = match candidates(index, q, &filter) {
        Some(list) => list.into_iter().filter_map(check).collect(),
        None => (0..index.len() as u32).filter_map(check).collect(),
    };

    let facets = if q.facets {
        facets(index, &matched)
    } else {
        Facets::default()
    };
    let rank = &index.columns.name_rank;
    let by_distance = |a: &Matched, b: &Matched| {
        a.distance_m
            .unwrap_or(0.0)
            .total_cmp(&b.distance_m.unwrap_or(0.0))
            .then(rank[a.ord as usize].cmp(&rank[b.ord as usize]))
    };
    let by_name = |a: &Matched, b: &Matched| rank[a.ord as usize].cmp(&rank[b.ord as usize]);
    let by_relevance = |a: &Matched, b: &Matched| {
        b.score
            .unwrap_or(0.0)
            .total_cmp(&a.score.unwrap_or(0.0))
            .then_with(|| by_distance(a, b))
    };
    let total = matched.len();
    match q.sort {
        Sort::Distance => top(&mut matched, wanted, by_distance),
        Sort::Name => top(&mut matched, wanted, by_name),
        Sort::Relevance => top(&mut matched, wanted, by_relevance),
    }
    let mut result = page(index, q, &filter, matched, facets, false);
    result.total = total;
    Ok(result)
}

/// Sorts only the first `k` (the page and what precedes it): selection, then a sort of
/// those, instead of sorting every match.
fn top(v: &mut Vec<Matched>, k: usize, cmp: impl Fn(&Matched, &Matched) -> Ordering) {
    if k < v.len() {
        if k > 0 {
            v.select_nth_unstable_by(k - 1, &cmp);
        }
        v.truncate(k);
    }
    v.sort_unstable_by(cmp);
}

/// The requested page of `matched` (already in order) as a result.
fn page(
    index: &SearchIndex,
    q: &SearchQuery,
    filter: &Filter,
    matched: Vec<Matched>,
    facets: Facets,
    early: bool,
) -> SearchResult {
    let total = matched.len();

    let hits = matched
        .iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|m| {
            let f = index.facility(m.ord);
            Hit {
                facility: f.clone(),
                ward_name: f.ward_code.and_then(Ward::by_code).map(|w| w.name),
                distance_m: m.distance_m,
                score: m.score,
                explanation: explain(f, q, m.distance_m, filter.covers_ward),
            }
        })
        .collect();
    SearchResult {
        total,
        // Stopping early found at most a page: there may be more.
        total_is_lower_bound: early,
        hits,
        facets,
        offset: q.offset,
        limit: q.limit,
        sort: q.sort.code(),
    }
}
