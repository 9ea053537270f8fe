//! Running a query: pick the cheapest candidate source (text hits, the shortest posting
//! list, or the R-tree), check every filter on each candidate, then count facets, sort and
//! cut the page.

use std::cmp::Ordering;
use std::sync::Arc;

use super::correct::Corrected;
use super::explain::{explain, ExplainContext};
use super::query::{SearchQuery, Sort};
use super::result::{
    answer_buffer, json_items, record_fields, FacetCount, Facets, Head, Hit, HitTail, SearchResult,
    View,
};
use crate::geo::PointIndex;
use crate::geo::{haversine_m, Haversine};
use crate::index::{DocBits, FieldMatcher, Scored, SearchIndex, TextMatch, TileCounts, WordMatch};
use crate::model::{CapSet, Kind, LatLon, WardCode, CAPABILITIES, KINDS};

#[derive(Debug, thiserror::Error)]
#[error("text search failed: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// Posting lists shorter than this are scanned instead of asking the R-tree.
const SCAN_BEFORE_GEO: usize = 4096;
/// Distances this close (metres) count as a tie when a nearest-first walk stops: far more
/// than the rounding of the tree's chord order, far less than any real distance.
const TIE_M: f64 = 1e-3;

#[derive(Clone, Copy)]
struct Matched {
    ord: u32,
    distance_m: Option<f64>,
    score: Option<f32>,
}

/// The facilities a text query matched, with scores (by ordinal) when the order is by
/// relevance.
struct TextHits {
    set: Arc<DocBits>,
    scores: Option<Vec<f32>>,
    /// What each word matched (for explanations).
    words: Vec<Arc<WordMatch>>,
}

impl TextHits {
    fn scored(hits: Scored) -> Self {
        Self {
            set: hits.matched.set,
            scores: Some(hits.scores),
            words: hits.matched.words,
        }
    }

    fn unscored(matched: TextMatch) -> Self {
        Self {
            set: matched.set,
            scores: None,
            words: matched.words,
        }
    }

    /// The matches as candidates (no distance measured yet).
    fn candidates(&self) -> Vec<(u32, Option<f64>)> {
        let mut v = Vec::with_capacity(self.set.len());
        v.extend(self.set.ords().map(|ord| (ord, None)));
        v
    }

    /// `None` when `ord` did not match; else its score (0 when unscored).
    fn get(&self, ord: u32) -> Option<f32> {
        if !self.set.contains(ord) {
            return None;
        }
        Some(self.scores.as_ref().map_or(0.0, |s| s[ord as usize]))
    }
}

/// Per-query state for checking one facility cheaply.
struct Filter<'a> {
    index: &'a SearchIndex,
    q: &'a SearchQuery,
    kind_mask: u8,
    /// A scene's rules: per kind bit, the capability groups it needs.
    scene_rules: Option<Vec<(u8, Vec<CapSet>)>>,
    cap_masks: Vec<CapSet>,
    text: Option<TextHits>,
    covers_ward: Option<WardCode>,
    /// The home's town (`WARD:town`), for the facilities that serve towns.
    covers_town: Option<String>,
    /// Distances from the query's point.
    origin: Option<Haversine>,
}

impl Filter<'_> {
    /// Every condition except the text; returns the distance from the origin (`known`
    /// when the caller measured it already).
    fn check(&self, ord: u32, known: Option<f64>) -> Option<Option<f64>> {
        if !self.check_attributes(ord) {
            return None;
        }
        let c = &self.index.columns;
        let distance = known.or_else(|| self.origin.map(|o| o.to_m(c.location[ord as usize])));
        if let (Some(r), Some(d)) = (self.q.radius_m, distance) {
            if d > r {
                return None;
            }
        }
        if self.q.covers.is_some()
            && !c.reaches(
                ord,
                distance?,
                self.covers_ward,
                self.covers_town.as_deref(),
            )
        {
            return None;
        }
        Some(distance)
    }

    /// Whether [`check_attributes`](Self::check_attributes) takes every facility: no
    /// condition of those it checks was asked for.
    fn takes_everyone(&self) -> bool {
        self.kind_mask == 0
            && self.cap_masks.is_empty()
            && self.scene_rules.is_none()
            && self.q.wheelchair.is_none()
            && self.q.pediatric.is_none()
            && self.q.accepting_new.is_none()
            && self.q.places.is_empty()
            && self.q.bbox.is_none()
    }

    /// Everything but the distance: kinds, capabilities, scene, flags, status, places and
    /// the box (keep [`takes_everyone`](Self::takes_everyone) in step).
    fn check_attributes(&self, ord: u32) -> bool {
        let c = &self.index.columns;
        let i = ord as usize;
        if self.kind_mask != 0 && c.kind_bits[i] & self.kind_mask == 0 {
            return false;
        }
        if self.cap_masks.iter().any(|m| !c.cap_bits[i].intersects(*m)) {
            return false;
        }
        if let Some(rules) = &self.scene_rules {
            let fits = rules.iter().any(|(bit, masks)| {
                c.kind_bits[i] & bit != 0 && masks.iter().all(|m| c.cap_bits[i].intersects(*m))
            });
            if !fits {
                return false;
            }
        }
        if self.q.wheelchair.is_some() && c.wheelchair[i] != self.q.wheelchair {
            return false;
        }
        if self.q.pediatric.is_some() && c.pediatric[i] != self.q.pediatric {
            return false;
        }
        if self
            .q
            .accepting_new
            .is_some_and(|a| c.accepting_on(i, self.q.today) != a)
        {
            return false;
        }
        if !self.q.places.is_empty() && !c.ward[i].is_some_and(|w| self.q.places.contains(&w)) {
            return false;
        }
        self.q.bbox.is_none_or(|b| b.contains(c.location[i]))
    }
}

/// One condition as posting lists: every match of the condition is in their union. When
/// the condition is a single value with its own R-tree, `tree` is that tree.
struct Group<'a> {
    lists: Vec<&'a [u32]>,
    tree: Option<&'a PointIndex>,
}

impl Group<'_> {
    fn size(&self) -> usize {
        self.lists.iter().map(|l| l.len()).sum()
    }
}

/// The conditions that have posting lists. Only their lengths are looked at before the
/// cheapest way to run the query is chosen.
fn posting_groups<'a>(index: &'a SearchIndex, q: &SearchQuery) -> Vec<Group<'a>> {
    let (c, t) = (&index.columns, &index.trees);
    let mut groups: Vec<Group> = Vec::new();
    let single = |trees: &'a [Option<PointIndex>], i: usize, n: usize| {
        if n == 1 {
            trees[i].as_ref()
        } else {
            None
        }
    };
    if !q.kinds.is_empty() {
        groups.push(Group {
            lists: q
                .kinds
                .iter()
                .map(|k| c.by_kind[*k as usize].as_slice())
                .collect(),
            tree: single(&t.kind, q.kinds[0] as usize, q.kinds.len()),
        });
    }
    for group in &q.capabilities {
        groups.push(Group {
            lists: group
                .iter()
                .map(|cap| c.by_cap[*cap as usize].as_slice())
                .collect(),
            tree: single(&t.cap, group[0] as usize, group.len()),
        });
    }
    if !q.places.is_empty() {
        groups.push(Group {
            lists: q
                .places
                .iter()
                .filter_map(|w| c.by_ward.get(w))
                .map(Vec::as_slice)
                .collect(),
            tree: None,
        });
    }
    if q.pediatric == Some(true) {
        groups.push(Group {
            lists: vec![&c.pediatric_list],
            tree: t.pediatric.as_ref(),
        });
    }
    if q.wheelchair == Some(true) {
        groups.push(Group {
            lists: vec![&c.wheelchair_list],
            tree: t.wheelchair.as_ref(),
        });
    }
    groups
}

/// The R-tree to walk nearest first, or `None` when checking the cheapest candidate list
/// whole costs less. Walking a tree visits about `wanted / selectivity` of the conditions
/// the tree does not already guarantee (taken as independent); a filter's own tree
/// guarantees its filter.
fn nearest_plan<'a>(
    index: &'a SearchIndex,
    groups: &[Group<'a>],
    filter: &Filter,
    wanted: usize,
) -> Option<&'a PointIndex> {
    let n = index.len().max(1) as f64;
    let mut sizes: Vec<f64> = groups.iter().map(|g| g.size() as f64).collect();
    if let Some(t) = &filter.text {
        sizes.push(t.set.len() as f64);
    }
    let sel = |s: f64| (s / n).clamp(1e-9, 1.0);
    let all: f64 = sizes.iter().map(|s| sel(*s)).product();
    let mut best = (wanted as f64 / all, &index.points);
    for (g, size) in groups.iter().zip(&sizes) {
        if let Some(tree) = g.tree {
            let visits = (wanted as f64 / (all / sel(*size))).min(*size);
            if visits < best.0 {
                best = (visits, tree);
            }
        }
    }
    let scan = sizes.iter().copied().fold(n, f64::min);
    (best.0 < scan).then_some(best.1)
}

/// The smallest list of ordinals that must contain every match, or `None` for "all".
/// Each with its distance from the origin when the R-tree measured it already.
fn candidates(
    index: &SearchIndex,
    q: &SearchQuery,
    groups: &[Group],
    filter: &Filter,
) -> Option<Vec<(u32, Option<f64>)>> {
    let cheapest = groups.iter().min_by_key(|g| g.size());
    let text_len = filter.text.as_ref().map(|t| t.set.len());
    let shortest: Option<Vec<(u32, Option<f64>)>> = match (cheapest, text_len) {
        (Some(g), Some(t)) if t < g.size() => filter.text.as_ref().map(TextHits::candidates),
        (Some(g), _) => {
            let mut v: Vec<(u32, Option<f64>)> = Vec::with_capacity(g.size());
            v.extend(
                g.lists
                    .iter()
                    .flat_map(|l| l.iter().map(|ord| (*ord, None))),
            );
            if g.lists.len() > 1 {
                v.sort_unstable_by_key(|(ord, _)| *ord);
                v.dedup_by_key(|(ord, _)| *ord);
            }
            Some(v)
        }
        (None, Some(_)) => filter.text.as_ref().map(TextHits::candidates),
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

fn geo_candidates(index: &SearchIndex, q: &SearchQuery) -> Option<Vec<(u32, Option<f64>)>> {
    // `near` and `covers` are the origin (never both): their distances are the ones wanted.
    let measured = |(ord, d): (u32, f64)| (ord, Some(d));
    if let (Some(p), Some(r)) = (q.near, q.radius_m) {
        return Some(index.points.within_m(p, r).map(measured).collect());
    }
    if let Some(p) = q.covers {
        let reach = index.columns.max_reach_m;
        return Some(index.points.within_m(p, reach).map(measured).collect());
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
        return Some(
            index
                .points
                .within(center, r + 1.0)
                .map(|ord| (ord, None))
                .collect(),
        );
    }
    None
}

fn facets(index: &SearchIndex, matched: &[Matched]) -> Facets {
    let mut counter = FacetCounter::default();
    for m in matched {
        counter.add(index, m.ord);
    }
    counter.finish(index)
}

/// Facet counts, one facility at a time.
struct FacetCounter {
    kinds: [usize; 8],
    caps: [usize; CapSet::CAPACITY],
    by_ward: [usize; 1000],
}

impl Default for FacetCounter {
    fn default() -> Self {
        Self {
            kinds: [0; 8],
            caps: [0; CapSet::CAPACITY],
            by_ward: [0; 1000],
        }
    }
}

impl FacetCounter {
    fn add(&mut self, index: &SearchIndex, ord: u32) {
        let c = &index.columns;
        let i = ord as usize;
        let mut bits = c.kind_bits[i];
        while bits != 0 {
            self.kinds[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        for at in c.cap_bits[i].positions() {
            self.caps[at] += 1;
        }
        if let Some(slot) = c.ward[i].and_then(ward_slot) {
            self.by_ward[slot] += 1;
        }
    }

    /// A whole tile of the R-tree, as counted when the index was opened.
    fn add_tile(&mut self, t: &TileCounts) {
        for (k, n) in self.kinds.iter_mut().zip(t.kinds) {
            *k += n as usize;
        }
        for &(at, n) in &t.caps {
            self.caps[at as usize] += n as usize;
        }
        for &(w, n) in &t.wards {
            if let Some(slot) = ward_slot(w) {
                self.by_ward[slot] += n as usize;
            }
        }
    }

    fn finish(&self, index: &SearchIndex) -> Facets {
        let regions = &index.regions;
        let wards = |code: WardCode| ward_slot(code).map_or(0, |s| self.by_ward[s]);
        Facets {
            kind: KINDS
                .iter()
                .map(|k| FacetCount {
                    code: k.code.into(),
                    label: k.label.into(),
                    count: self.kinds[k.kind as usize],
                })
                .collect(),
            ward: regions
                .leaves()
                .map(|w| FacetCount {
                    code: regions.code_text(w.code).unwrap_or_default().into(),
                    label: regions.label(w.code).unwrap_or_default().into(),
                    count: wards(w.code),
                })
                .collect(),
            municipality: regions
                .municipalities()
                .map(|(m, leaves)| FacetCount {
                    code: regions.code_text(m.code).unwrap_or_default().into(),
                    label: regions.full_name_static(m.code).unwrap_or_default().into(),
                    count: leaves.iter().copied().map(wards).sum(),
                })
                .collect(),
            capability: CAPABILITIES
                .iter()
                .map(|ci| FacetCount {
                    code: ci.code.into(),
                    label: ci.label.into(),
                    count: self.caps[ci.capability as usize],
                })
                .collect(),
        }
    }
}

impl SearchQuery {
    /// Whether the query runs in tens of microseconds on `index`: no text, or text whose
    /// words are all in the word cache (with typo tolerance on, none that would be
    /// corrected) and no relevance ranking (which asks tantivy for scores). The server
    /// runs quick queries inline and the others on the blocking pool.
    pub fn is_quick(&self, index: &SearchIndex) -> bool {
        match &self.text {
            None => true,
            Some(t) => self.sort != Sort::Relevance && index.text.all_cached(t, self.typo),
        }
    }
}

/// Runs `q`. When its text finds nothing, words that match nothing are corrected (typo
/// tolerance, see `correct.rs`) and the corrected search is the answer.
pub fn search(index: &SearchIndex, q: &SearchQuery) -> Result<SearchResult, SearchError> {
    let (m, corrected) = matches_or_corrected(index, q)?;
    Ok(match corrected {
        None => page(index, q, m, None),
        Some((q, corrected)) => page(index, &q, m, Some(corrected)),
    })
}

/// [`search`]'s answer as JSON, as [`SearchResult::to_json_with`] writes it with `extra`,
/// but with each hit's record copied from the index straight into the answer.
pub fn search_json<T: serde::Serialize>(
    index: &SearchIndex,
    q: &SearchQuery,
    extra: &T,
) -> Result<Vec<u8>, SearchError> {
    let (m, corrected) = matches_or_corrected(index, q)?;
    Ok(match &corrected {
        None => page_json(index, q, &m, None, extra),
        Some((q, corrected)) => page_json(index, q, &m, Some(corrected), extra),
    })
}

/// What `q` matched; when its text finds nothing, what the corrected query matched, with
/// that query and the correction.
fn matches_or_corrected(
    index: &SearchIndex,
    q: &SearchQuery,
) -> Result<(Matches, Option<(SearchQuery, Corrected)>), SearchError> {
    let m = matches(index, q)?;
    if m.total() > 0 || q.text.is_none() {
        return Ok((m, None));
    }
    match super::correct::corrected_query(index, q)? {
        Some((corrected_q, corrected)) => Ok((
            matches(index, &corrected_q)?,
            Some((corrected_q, corrected)),
        )),
        None => Ok((m, None)),
    }
}

/// What a search matched, sorted, before it is cut to a page.
struct Matches {
    /// The page's worth (`offset + limit`), or fewer.
    matched: Vec<Matched>,
    total: usize,
    facets: Facets,
    covers_ward: Option<WardCode>,
    /// Stopped at the page's end (nearest first): `total` is a lower bound.
    early: bool,
    /// What each text word matched.
    words: Vec<Arc<WordMatch>>,
}

impl Matches {
    /// The answer's total: every match, or what was found when the walk stopped early at
    /// the page's end (at most a page: there may be more).
    fn total(&self) -> usize {
        if self.early {
            self.matched.len()
        } else {
            self.total
        }
    }

    /// What a search that stops at the page's end found: no facets, and as total what it
    /// found (a lower bound when it stopped `early`).
    fn page_only(matched: Vec<Matched>, early: bool, filter: &Filter) -> Self {
        Self {
            total: matched.len(),
            matched,
            facets: Facets::default(),
            covers_ward: filter.covers_ward,
            early,
            words: text_words(filter),
        }
    }
}

/// Every match of `q` (offset and limit are ignored), in its order, as hits made one at a
/// time: an export of all of them holds one small entry per match, never every record.
pub struct AllHits<'a> {
    index: &'a SearchIndex,
    q: &'a SearchQuery,
    matched: Vec<Matched>,
    cx: ExplainContext,
}

impl AllHits<'_> {
    pub fn len(&self) -> usize {
        self.matched.len()
    }

    pub fn is_empty(&self) -> bool {
        self.matched.is_empty()
    }

    /// The hits, made as they are taken.
    pub fn iter(&self) -> impl Iterator<Item = Hit> + '_ {
        self.matched
            .iter()
            .map(|m| hit(self.index, self.q, &self.cx, m))
    }
}

/// Every match of `q`, in its order.
pub fn search_all<'a>(
    index: &'a SearchIndex,
    q: &'a SearchQuery,
) -> Result<AllHits<'a>, SearchError> {
    let all = SearchQuery {
        offset: 0,
        limit: index.len(),
        facets: false,
        total: true,
        ..q.clone()
    };
    let m = matches(index, &all)?;
    Ok(AllHits {
        index,
        q,
        matched: m.matched,
        cx: ExplainContext {
            covers_ward: m.covers_ward,
            text: q.text.as_ref().map(|_| FieldMatcher::new(&m.words)),
        },
    })
}

fn matches(index: &SearchIndex, q: &SearchQuery) -> Result<Matches, SearchError> {
    let scored = q.sort == Sort::Relevance;
    let text = match &q.text {
        Some(t) if scored => index.text.search(t, &index.tags)?.map(TextHits::scored),
        Some(t) => index.text.matches(t, &index.tags)?.map(TextHits::unscored),
        None => None,
    };
    let covers_ward = q.covers.and_then(|p| index.wards.locate(p));
    let filter = Filter {
        index,
        q,
        kind_mask: q.kinds.iter().fold(0u8, |m, k: &Kind| m | 1 << (*k as u8)),
        scene_rules: q.scene.map(|scene| {
            scene
                .rules
                .iter()
                .map(|(k, groups)| {
                    (
                        1u8 << (*k as u8),
                        groups
                            .iter()
                            .map(|g| CapSet::of(g.iter().copied()))
                            .collect(),
                    )
                })
                .collect()
        }),
        cap_masks: q
            .capabilities
            .iter()
            .map(|g| CapSet::of(g.iter().copied()))
            .collect(),
        text,
        covers_ward,
        // Only when some facility serves towns: finding the town scans the address table.
        covers_town: q
            .covers
            .zip(covers_ward)
            .filter(|_| !index.columns.service_towns.is_empty())
            .and_then(|(p, w)| Some(format!("{w}:{}", index.geocoder.town_at(p, w.0)?))),
        origin: q.origin().map(Haversine::from),
    };
    let check = |(ord, known): (u32, Option<f64>)| {
        let score = match &filter.text {
            Some(t) => Some(t.get(ord)?),
            None => None,
        };
        filter.check(ord, known).map(|distance_m| Matched {
            ord,
            distance_m,
            score,
        })
    };
    // Nearest first, stopping at the page's end: when nothing needs every match (no
    // facets, no exact total) and the order is by distance from a point.
    let wanted = q.offset + q.limit;
    let groups = posting_groups(index, q);
    // Counting only (no page: `limit=0`), around a point within a radius, with no text and
    // no filter that has posting lists: the circle is walked once and counted as it goes,
    // a whole bucket at a time where it lies inside the circle (no distance per point).
    if let (0, None, Some(p), Some(r), None, true) = (
        wanted,
        &filter.text,
        q.near,
        q.radius_m,
        q.covers,
        groups.is_empty(),
    ) {
        let mut counter = FacetCounter::default();
        let mut total = 0;
        let everyone = filter.takes_everyone();
        let mut each = |ord| {
            if everyone || filter.check_attributes(ord) {
                total += 1;
                if q.facets {
                    counter.add(index, ord);
                }
            }
        };
        if everyone {
            // With no condition, a tile wholly inside the circle is added as counted when
            // the index was opened.
            let mut tiles = Vec::new();
            index
                .points
                .for_each_within_tiled(p, r, |t| tiles.push(t), &mut each);
            for t in tiles {
                let counts = &index.tile_counts[t];
                total += counts.facilities as usize;
                if q.facets {
                    counter.add_tile(counts);
                }
            }
        } else {
            index.points.for_each_within(p, r, each);
        }
        return Ok(Matches {
            matched: Vec::new(),
            total,
            facets: if q.facets {
                counter.finish(index)
            } else {
                Facets::default()
            },
            covers_ward: filter.covers_ward,
            early: false,
            words: text_words(&filter),
        });
    }
    let origin = q
        .origin()
        .filter(|_| !q.facets && !q.total && q.sort == Sort::Distance);
    if let Some((o, tree)) =
        origin.and_then(|o| nearest_plan(index, &groups, &filter, wanted).map(|t| (o, t)))
    {
        let bound = q
            .radius_m
            .or(q.covers.map(|_| index.columns.max_reach_m))
            .unwrap_or(f64::INFINITY);
        let mut matched = Vec::with_capacity(wanted + 1);
        // Past the `wanted`-th match, only points as near as it (ties, broken by name
        // below) can still belong to the page.
        let mut last = f64::INFINITY;
        if wanted > 0 {
            // Facilities that fail a filter are never measured.
            let keep = |ord: u32| {
                filter.text.as_ref().is_none_or(|t| t.set.contains(ord))
                    && filter.check_attributes(ord)
            };
            for (ord, d) in tree.nearest_where(o, keep) {
                if d > bound || d > last + TIE_M {
                    break;
                }
                if let Some(m) = check((ord, Some(d))) {
                    matched.push(m);
                    if matched.len() == wanted {
                        last = d;
                    }
                }
            }
        }
        top(&mut matched, wanted, by_distance(&index.columns.name_rank));
        return Ok(Matches::page_only(matched, true, &filter));
    }
    // Sorted by name when nothing needs every match (no facets, no exact total): the
    // candidates are checked in 五十音 order until the page is full, walking the name-ordered
    // members of the text's rarest word when it keeps them, else ranking the candidates.
    let by_name = q.sort == Sort::Name && !q.facets && !q.total;
    if let Some(walk) = name_walk(&groups, &filter).filter(|_| by_name) {
        let (matched, early) = first_in_order(walk, wanted, check);
        return Ok(Matches::page_only(matched, early, &filter));
    }
    let listed = candidates(index, q, &groups, &filter);
    if let (Some(list), true) = (&listed, by_name) {
        let (matched, early) = first_by_name(list, wanted, &index.columns.name_rank, check);
        return Ok(Matches::page_only(matched, early, &filter));
    }
    let mut matched: Vec<Matched> = match listed {
        Some(list) => list.into_iter().filter_map(check).collect(),
        None => (0..index.len() as u32)
            .map(|ord| (ord, None))
            .filter_map(check)
            .collect(),
    };

    let facets = if q.facets {
        facets(index, &matched)
    } else {
        Facets::default()
    };
    let rank = &index.columns.name_rank;
    let by_distance = by_distance(rank);
    let by_relevance = |a: &Matched, b: &Matched| {
        b.score
            .unwrap_or(0.0)
            .total_cmp(&a.score.unwrap_or(0.0))
            .then_with(|| by_distance(a, b))
    };
    let total = matched.len();
    match q.sort {
        Sort::Distance => top(&mut matched, wanted, by_distance),
        Sort::Name => top_by_name(&mut matched, wanted, rank),
        Sort::Relevance => top(&mut matched, wanted, by_relevance),
    }
    Ok(Matches {
        matched,
        total,
        facets,
        covers_ward: filter.covers_ward,
        early: false,
        words: text_words(&filter),
    })
}

fn text_words(filter: &Filter) -> Vec<Arc<WordMatch>> {
    filter
        .text
        .as_ref()
        .map_or_else(Vec::new, |t| t.words.clone())
}

/// A dataset's regions share one prefecture (`import::regions` checks it), so the last
/// three digits of a JIS code tell its places apart.
fn ward_slot(code: WardCode) -> Option<usize> {
    Some(code.0 as usize % 1000)
}

/// Nearest first; equal distances in 五十音 order of the names.
fn by_distance(rank: &[u32]) -> impl Fn(&Matched, &Matched) -> Ordering + '_ {
    |a: &Matched, b: &Matched| {
        a.distance_m
            .unwrap_or(0.0)
            .total_cmp(&b.distance_m.unwrap_or(0.0))
            .then_with(|| rank[a.ord as usize].cmp(&rank[b.ord as usize]))
    }
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

/// [`top`] in 五十音 order: each match's rank is looked up once, and (rank, position) pairs
/// are selected and sorted instead of matches that look their ranks up at every comparison.
fn top_by_name(v: &mut Vec<Matched>, k: usize, rank: &[u32]) {
    let mut keys: Vec<u64> = v
        .iter()
        .enumerate()
        .map(|(at, m)| u64::from(rank[m.ord as usize]) << 32 | at as u64)
        .collect();
    if k < keys.len() {
        if k > 0 {
            keys.select_nth_unstable(k - 1);
        }
        keys.truncate(k);
    }
    keys.sort_unstable();
    let picked = keys
        .iter()
        .map(|key| v[(key & 0xffff_ffff) as usize])
        .collect();
    *v = picked;
}

/// For text sorted by name: the members of the text's rarest word in 五十音 order, when the
/// text is the smallest source of candidates (as in [`candidates`]) and that word keeps its
/// members in name order (`WordMatch::by_name`: a cached word with few members).
fn name_walk<'a>(groups: &[Group], filter: &'a Filter) -> Option<&'a [u32]> {
    let t = filter.text.as_ref()?;
    if groups.iter().any(|g| g.size() <= t.set.len()) {
        return None;
    }
    t.words
        .iter()
        .min_by_key(|w| w.set.len())?
        .by_name
        .as_deref()
}

/// The first `wanted` of `list` (already in the page's order) that pass `check`, and
/// whether some were left unchecked.
fn first_in_order(
    list: &[u32],
    wanted: usize,
    check: impl Fn((u32, Option<f64>)) -> Option<Matched>,
) -> (Vec<Matched>, bool) {
    if wanted == 0 {
        return (Vec::new(), !list.is_empty());
    }
    let mut matched = Vec::with_capacity(wanted);
    for (i, ord) in list.iter().enumerate() {
        if let Some(m) = check((*ord, None)) {
            matched.push(m);
            if matched.len() == wanted {
                return (matched, i + 1 < list.len());
            }
        }
    }
    (matched, false)
}

/// The first `wanted` candidates in 五十音 order that pass `check`, checked in that order
/// (a selection of twice what is missing at a time, then a sort of it) instead of checking
/// every candidate and sorting what passed; and whether candidates were left unchecked.
/// Equal ranks keep the candidates' order, as [`top_by_name`] does.
fn first_by_name(
    list: &[(u32, Option<f64>)],
    wanted: usize,
    rank: &[u32],
    check: impl Fn((u32, Option<f64>)) -> Option<Matched>,
) -> (Vec<Matched>, bool) {
    if wanted == 0 {
        return (Vec::new(), !list.is_empty());
    }
    let mut keys: Vec<u64> = list
        .iter()
        .enumerate()
        .map(|(at, (ord, _))| u64::from(rank[*ord as usize]) << 32 | at as u64)
        .collect();
    let mut matched = Vec::with_capacity(wanted);
    let mut rest = &mut keys[..];
    while !rest.is_empty() {
        let take = (2 * (wanted - matched.len())).min(rest.len());
        if take < rest.len() {
            rest.select_nth_unstable(take - 1);
        }
        let (batch, tail) = std::mem::take(&mut rest).split_at_mut(take);
        batch.sort_unstable();
        for (i, key) in batch.iter().enumerate() {
            if let Some(m) = check(list[(key & 0xffff_ffff) as usize]) {
                matched.push(m);
                if matched.len() == wanted {
                    return (matched, i + 1 < batch.len() || !tail.is_empty());
                }
            }
        }
        rest = tail;
    }
    (matched, false)
}

/// The page of `m`, its records and columns touched first so that their cache misses
/// overlap, and what its explanations need.
fn page_of<'m>(
    index: &SearchIndex,
    q: &SearchQuery,
    m: &'m Matches,
) -> (&'m [Matched], ExplainContext) {
    let from = q.offset.min(m.matched.len());
    let page = &m.matched[from..from.saturating_add(q.limit).min(m.matched.len())];
    // Two passes, records then columns: one loop doing both per hit measured ~1 µs slower.
    let whole = q.view == View::Full;
    index.records().touch(page.iter().map(|h| h.ord), whole);
    page.iter().for_each(|h| index.columns.touch(h.ord));
    let cx = ExplainContext {
        covers_ward: m.covers_ward,
        text: q.text.as_ref().map(|_| FieldMatcher::new(&m.words)),
    };
    (page, cx)
}

/// The requested page of what matched (already in order) as a result.
fn page(
    index: &SearchIndex,
    q: &SearchQuery,
    m: Matches,
    corrected: Option<Corrected>,
) -> SearchResult {
    let (page, cx) = page_of(index, q, &m);
    let hits = page.iter().map(|h| hit(index, q, &cx, h)).collect();
    SearchResult {
        total: m.total(),
        total_is_lower_bound: m.early,
        hits,
        offset: q.offset,
        limit: q.limit,
        sort: q.sort.code(),
        view: q.view,
        facets: m.facets,
        corrected,
    }
}

fn hit(index: &SearchIndex, q: &SearchQuery, cx: &ExplainContext, m: &Matched) -> Hit {
    let mut why = String::with_capacity(320);
    explain(&mut why, index, m.ord, q, m.distance_m, cx);
    Hit::new(index, m.ord, q.view, q.today, m.distance_m, m.score, why)
}

/// [`page`] written as JSON: each hit's record goes from the index into the answer, and
/// one buffer holds each explanation in turn.
fn page_json<T: serde::Serialize>(
    index: &SearchIndex,
    q: &SearchQuery,
    m: &Matches,
    corrected: Option<&Corrected>,
    extra: &T,
) -> Vec<u8> {
    let (page, cx) = page_of(index, q, m);
    let mut out = answer_buffer(page.len());
    let mut why = String::with_capacity(320);
    let hits = |out: &mut Vec<u8>| {
        json_items(out, page, |out, h| {
            why.clear();
            explain(&mut why, index, h.ord, q, h.distance_m, &cx);
            HitTail::of(index, h.ord, q.today, h.distance_m, h.score, &why)
                .write_after(record_fields(index, h.ord, q.view), out);
        });
    };
    let head = Head {
        total: m.total(),
        total_is_lower_bound: m.early,
        facets: &m.facets,
        offset: q.offset,
        limit: q.limit,
        sort: q.sort.code(),
        view: q.view,
        corrected,
    };
    head.write(&mut out, hits, extra);
    out
}
