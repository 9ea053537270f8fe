//! Facility points keyed by ordinal, for radius and nearest-first queries.
//!
//! The R-tree holds buckets of [`BUCKET`] nearby points (sort-tile-recursive order), each as
//! the box around its points' 3-D unit vectors, and the points themselves sit in one flat
//! array in bucket order. An R-tree entry per point would cost ~80 bytes (rstar's node
//! enum); a bucket costs ~5 bytes per point, which is what lets every frequent filter value
//! have its own tree. Euclidean (chord) distance to a box bounds the great-circle distance
//! to every point in it, so both queries stay exact.
//!
//! The main tree also has tiles of [`TILE`] points (a second R-tree of their boxes) and
//! the points' unit vectors, for counting a circle: a tile wholly inside is taken whole,
//! and a point is decided without trigonometry unless it lies within a couple of metres of
//! the edge. [`spatial_order`] is the order of those tiles and buckets; an index numbers its
//! facilities in it.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{PointDistance, RTree};

use super::sphere::{chord_squared_for_m, unit_vector, Haversine, EARTH_RADIUS_M};
use crate::model::LatLon;

/// Points per bucket.
const BUCKET: usize = 16;
/// Metres of slack when comparing a box's lower bound with a point's distance: far more
/// than floating-point error, far less than any distance that matters.
const SLACK_M: f64 = 1e-3;
/// Metres a single-precision unit vector may be off (2⁻²⁴ per coordinate is ~0.7 m on the
/// Earth), with room: nearer the edge of a circle than this, the haversine decides.
const UNIT_SLACK_M: f64 = 2.0;

/// A box around unit vectors.
type Box3 = Rectangle<[f64; 3]>;

/// A bucket: the box around its points and their range in the flat arrays.
type Bucket = GeomWithData<Box3, (u32, u32)>;

/// Buckets per tile: a tile is [`TILE`] consecutive points of the flat arrays.
const TILE_BUCKETS: usize = 4;
/// Points per tile.
pub const TILE: usize = BUCKET * TILE_BUCKETS;

pub struct PointIndex {
    tree: RTree<Bucket>,
    ords: Vec<u32>,
    points: Vec<LatLon>,
    tiles: Option<Tiles>,
}

/// Tiles of [`TILE`] points over the buckets, for counts that add up what a whole tile
/// holds at once ([`PointIndex::for_each_within_tiled`]), and the points' unit vectors.
struct Tiles {
    /// Every point's unit vector (single precision), in the flat order: whether a point is
    /// in a circle without trigonometry, unless it lies within [`UNIT_SLACK_M`] of the edge.
    units: Vec<[f32; 3]>,
    /// Each tile's box; its data is the tile's number.
    tree: RTree<GeomWithData<Rectangle<[f64; 3]>, u32>>,
    /// Every bucket's box, in bucket order.
    buckets: Vec<Box3>,
}

impl PointIndex {
    /// Bulk-loads `(ordinal, point)` pairs.
    pub fn new(points: impl IntoIterator<Item = (u32, LatLon)>) -> Self {
        let mut all: Vec<(u32, LatLon)> = points.into_iter().collect();
        str_order(&mut all, BUCKET);
        Self::build(all).0
    }

    /// [`new`](Self::new) with tiles of [`TILE`] points and the points' unit vectors (12
    /// bytes a point), for [`for_each_within_tiled`](Self::for_each_within_tiled). Tiles
    /// are in sort-tile-recursive order (square-ish, like the buckets), and the buckets in
    /// that order within each tile.
    pub fn new_tiled(points: impl IntoIterator<Item = (u32, LatLon)>) -> Self {
        let mut all: Vec<(u32, LatLon)> = points.into_iter().collect();
        tiled_order(&mut all);
        let (mut index, buckets, units) = Self::build(all);
        let tiles = buckets
            .chunks(TILE_BUCKETS)
            .enumerate()
            .map(|(t, boxes)| {
                let corners = boxes.iter().flat_map(|b| [b.lower(), b.upper()]);
                GeomWithData::new(bounding_box(corners), t as u32)
            })
            .collect();
        index.tiles = Some(Tiles {
            units: units.iter().map(|u| u.map(|x| x as f32)).collect(),
            tree: RTree::bulk_load(tiles),
            buckets,
        });
        index
    }

    /// Buckets the points in their order; also gives each bucket's box and each point's
    /// unit vector, in that order.
    fn build(all: Vec<(u32, LatLon)>) -> (Self, Vec<Box3>, Vec<[f64; 3]>) {
        let units: Vec<[f64; 3]> = all.iter().map(|(_, p)| unit_vector(*p)).collect();
        let boxes: Vec<Box3> = units
            .chunks(BUCKET)
            .map(|chunk| bounding_box(chunk.iter().copied()))
            .collect();
        let buckets = boxes
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let start = (i * BUCKET) as u32;
                let end = (start + BUCKET as u32).min(all.len() as u32);
                GeomWithData::new(*b, (start, end))
            })
            .collect();
        let index = Self {
            tree: RTree::bulk_load(buckets),
            ords: all.iter().map(|(o, _)| *o).collect(),
            points: all.into_iter().map(|(_, p)| p).collect(),
            tiles: None,
        };
        (index, boxes, units)
    }

    /// The ordinals of each tile, in tile order (empty without tiles).
    pub fn tile_ords(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let tiles = self.tiles.as_ref().map_or(0, |_| self.ords.len());
        self.ords[..tiles].chunks(TILE)
    }

    fn members(&self, b: &Bucket) -> std::ops::Range<usize> {
        b.data.0 as usize..b.data.1 as usize
    }

    /// Calls `f` with every ordinal [`within`](Self::within) gives, in no particular order,
    /// for counting: a bucket whose box lies wholly inside the circle (with a millimetre to
    /// spare) is taken without measuring its points; only buckets on the edge are measured,
    /// point by point, by the same haversine.
    pub fn for_each_within(&self, center: LatLon, radius_m: f64, mut f: impl FnMut(u32)) {
        let circle = Circle::new(center, radius_m);
        let q = circle.q;
        let bound = chord_squared_for_m(radius_m) * (1.0 + 1e-9) + 1e-18;
        let inside = chord_squared_for_m((radius_m - SLACK_M).max(0.0));
        for b in self.tree.locate_within_distance(q, bound) {
            let members = self.members(b);
            if farthest_2(q, b.geom()) < inside {
                self.ords[members].iter().copied().for_each(&mut f);
            } else {
                for i in members {
                    if self.in_circle(&circle, i) {
                        f(self.ords[i]);
                    }
                }
            }
        }
    }

    /// [`for_each_within`](Self::for_each_within), a tile at a time where a whole tile lies
    /// inside the circle: `tile` gets its number (its ordinals are the
    /// [`tile_ords`](Self::tile_ords) of that number), `f` every other ordinal. Without
    /// tiles, everything goes to `f`.
    pub fn for_each_within_tiled(
        &self,
        center: LatLon,
        radius_m: f64,
        mut tile: impl FnMut(usize),
        mut f: impl FnMut(u32),
    ) {
        let Some(tiles) = &self.tiles else {
            return self.for_each_within(center, radius_m, f);
        };
        let circle = Circle::new(center, radius_m);
        let q = circle.q;
        let bound = chord_squared_for_m(radius_m) * (1.0 + 1e-9) + 1e-18;
        let inside = chord_squared_for_m((radius_m - SLACK_M).max(0.0));
        for t in tiles.tree.locate_within_distance(q, bound) {
            if farthest_2(q, t.geom()) < inside {
                tile(t.data as usize);
                continue;
            }
            let first = t.data as usize * TILE_BUCKETS;
            let last = (first + TILE_BUCKETS).min(tiles.buckets.len());
            for (b, bx) in tiles.buckets[first..last].iter().enumerate() {
                if bx.distance_2(&q) > bound {
                    continue;
                }
                let start = (first + b) * BUCKET;
                let members = start..(start + BUCKET).min(self.points.len());
                if farthest_2(q, bx) < inside {
                    self.ords[members].iter().copied().for_each(&mut f);
                } else {
                    for i in members {
                        if self.in_circle(&circle, i) {
                            f(self.ords[i]);
                        }
                    }
                }
            }
        }
    }

    /// Whether point `i` (of the flat arrays) is in `circle`: by its unit vector when the
    /// index has them and the point is clearly inside or outside, else by the haversine.
    fn in_circle(&self, circle: &Circle, i: usize) -> bool {
        if let Some(t) = &self.tiles {
            let u = t.units[i];
            let d2: f64 = (0..3)
                .map(|d| {
                    let a = circle.q[d] - f64::from(u[d]);
                    a * a
                })
                .sum();
            if d2 < circle.surely_in {
                return true;
            }
            if d2 > circle.surely_out {
                return false;
            }
        }
        circle
            .from
            .within(self.points[i], circle.radius_m)
            .is_some()
    }

    /// Ordinals within `radius_m` along the sphere, by the same haversine that callers
    /// report (a hair of slack on the boxes keeps points exactly on the circle).
    pub fn within(&self, center: LatLon, radius_m: f64) -> impl Iterator<Item = u32> + '_ {
        self.within_m(center, radius_m).map(|(ord, _)| ord)
    }

    /// [`within`](Self::within) with each point's distance in metres.
    pub fn within_m(&self, center: LatLon, radius_m: f64) -> impl Iterator<Item = (u32, f64)> + '_ {
        let bound = chord_squared_for_m(radius_m) * (1.0 + 1e-9) + 1e-18;
        let from = Haversine::from(center);
        self.tree
            .locate_within_distance(unit_vector(center), bound)
            .flat_map(move |b| self.members(b))
            .filter_map(move |i| Some((self.ords[i], from.within(self.points[i], radius_m)?)))
    }

    /// `(ordinal, metres)` nearest first, exactly by great-circle distance (compared as
    /// haversine terms; equal terms in ordinal order).
    pub fn nearest(&self, center: LatLon) -> Nearest<'_, fn(u32) -> bool> {
        self.nearest_where(center, |_| true)
    }

    /// [`nearest`](Self::nearest) of the ordinals `keep` accepts: the others are never
    /// measured (a filter's column is cheaper to read than a distance to compute).
    pub fn nearest_where<F: FnMut(u32) -> bool>(&self, center: LatLon, keep: F) -> Nearest<'_, F> {
        let mut buckets: Box<dyn Iterator<Item = (&Bucket, f64)>> = Box::new(
            self.tree
                .nearest_neighbor_iter_with_distance_2(&unit_vector(center)),
        );
        let next = buckets.next().map(bucket_bound);
        Nearest {
            index: self,
            from: Haversine::from(center),
            buckets,
            next,
            heap: BinaryHeap::new(),
            keep,
        }
    }

    pub fn len(&self) -> usize {
        self.ords.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A circle on the sphere, for deciding many points.
struct Circle {
    q: [f64; 3],
    from: Haversine,
    radius_m: f64,
    /// Squared chords below which a single-precision unit vector is surely inside, and
    /// above which surely outside.
    surely_in: f64,
    surely_out: f64,
}

impl Circle {
    fn new(center: LatLon, radius_m: f64) -> Self {
        let inner = radius_m - UNIT_SLACK_M;
        Self {
            q: unit_vector(center),
            from: Haversine::from(center),
            radius_m,
            surely_in: if inner > 0.0 {
                chord_squared_for_m(inner)
            } else {
                -1.0
            },
            surely_out: chord_squared_for_m(radius_m + UNIT_SLACK_M),
        }
    }
}

/// The box around `corners`.
fn bounding_box(corners: impl Iterator<Item = [f64; 3]>) -> Rectangle<[f64; 3]> {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for v in corners {
        for d in 0..3 {
            lo[d] = lo[d].min(v[d]);
            hi[d] = hi[d].max(v[d]);
        }
    }
    Rectangle::from_corners(lo, hi)
}

/// The squared chord from `q` to the farthest corner of `b`: below a circle's squared
/// chord, all of `b` is inside the circle.
fn farthest_2(q: [f64; 3], b: &Rectangle<[f64; 3]>) -> f64 {
    let (lo, hi) = (b.lower(), b.upper());
    (0..3)
        .map(|d| {
            let a = (q[d] - lo[d]).abs().max((q[d] - hi[d]).abs());
            a * a
        })
        .sum()
}

/// Tiles of [`TILE`] points in sort-tile-recursive order, and buckets in that order within
/// each tile.
fn tiled_order(points: &mut [(u32, LatLon)]) {
    str_order(points, TILE);
    for tile in points.chunks_mut(TILE) {
        str_order(tile, BUCKET);
    }
}

/// The positions of `points` in the order a tiled index keeps them: nearby points
/// together. An index numbers its facilities in this order, so what a search reads about
/// the facilities of one neighbourhood (their filter columns, their records) lies together
/// in memory.
pub fn spatial_order(points: &[LatLon]) -> Vec<u32> {
    let mut all: Vec<(u32, LatLon)> = (0u32..).zip(points.iter().copied()).collect();
    tiled_order(&mut all);
    all.into_iter().map(|(i, _)| i).collect()
}

/// Sort-tile-recursive order: slices by longitude, each slice by latitude, so consecutive
/// runs of `unit` points (a bucket, or a tile) make small, square-ish boxes.
fn str_order(points: &mut [(u32, LatLon)], unit: usize) {
    let by = |key: fn(&LatLon) -> f64| {
        move |a: &(u32, LatLon), b: &(u32, LatLon)| {
            key(&a.1).total_cmp(&key(&b.1)).then(a.0.cmp(&b.0))
        }
    };
    points.sort_unstable_by(by(|p| p.lon));
    let runs = points.len().div_ceil(unit).max(1);
    let slices = (runs as f64).sqrt().ceil() as usize;
    let per_slice = runs.div_ceil(slices) * unit;
    for slice in points.chunks_mut(per_slice) {
        slice.sort_unstable_by(by(|p| p.lat));
    }
}

/// A bucket with the haversine term its box is at least away (a quarter of its squared
/// chord).
fn bucket_bound((b, d2): (&Bucket, f64)) -> (&Bucket, f64) {
    (b, d2.max(0.0) / 4.0)
}

/// The haversine term [`SLACK_M`] beyond `h`: `√h` is the sine of half the angle, which
/// grows by about `m / 2R` over `m` metres.
fn with_slack(h: f64) -> f64 {
    let s = h.sqrt() + SLACK_M / (2.0 * EARTH_RADIUS_M);
    s * s
}

#[derive(Clone, Copy, PartialEq)]
struct Term(f64);
impl Eq for Term {}
impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Term {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Nearest-first iterator: opens buckets in order of their boxes' distance and yields a
/// point once no unopened bucket can hold a nearer one. Points wait in the heap by their
/// haversine term (equal terms by ordinal); only those yielded are turned into metres,
/// which never decrease.
pub struct Nearest<'a, F> {
    index: &'a PointIndex,
    from: Haversine,
    /// rstar 0.12 does not export its iterator's type.
    buckets: Box<dyn Iterator<Item = (&'a Bucket, f64)> + 'a>,
    next: Option<(&'a Bucket, f64)>,
    heap: BinaryHeap<Reverse<(Term, u32)>>,
    keep: F,
}

impl<F: FnMut(u32) -> bool> Iterator for Nearest<'_, F> {
    type Item = (u32, f64);

    fn next(&mut self) -> Option<(u32, f64)> {
        loop {
            let nearest_open = self.heap.peek().map(|Reverse((h, _))| h.0);
            match self.next {
                Some((bucket, bound)) if nearest_open.is_none_or(|h| bound <= with_slack(h)) => {
                    let ix = self.index;
                    for i in ix.members(bucket) {
                        if (self.keep)(ix.ords[i]) {
                            let h = self.from.h(ix.points[i]);
                            self.heap.push(Reverse((Term(h), ix.ords[i])));
                        }
                    }
                    self.next = self.buckets.next().map(bucket_bound);
                }
                _ => {
                    let Reverse((Term(h), ord)) = self.heap.pop()?;
                    return Some((ord, Haversine::metres(h)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::haversine_m;

    fn grid(n: usize) -> Vec<(u32, LatLon)> {
        // A ragged grid with repeated points (ties) over ~40 km.
        (0..n)
            .map(|i| {
                let lat = 34.5 + ((i * 7919) % 400) as f64 * 0.001;
                let lon = 135.3 + ((i * 104_729) % 450) as f64 * 0.001;
                (i as u32, LatLon::new(lat, lon).unwrap())
            })
            .collect()
    }

    #[test]
    fn nearest_is_exact_order_with_ties_by_ordinal() {
        let pts = grid(5000);
        let index = PointIndex::new(pts.clone());
        assert_eq!(index.len(), 5000);
        for c in [(34.6, 135.5), (34.51, 135.31), (35.5, 136.0), (34.7, 135.4)] {
            let c = LatLon::new(c.0, c.1).unwrap();
            let mut want: Vec<(f64, u32)> =
                pts.iter().map(|(o, p)| (haversine_m(c, *p), *o)).collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let got: Vec<(f64, u32)> = index.nearest(c).map(|(o, d)| (d, o)).collect();
            assert_eq!(got, want);
            // Only those kept, in the same order.
            let odd: Vec<(f64, u32)> = want.iter().copied().filter(|(_, o)| o % 3 == 1).collect();
            let got: Vec<(f64, u32)> = index
                .nearest_where(c, |o| o % 3 == 1)
                .map(|(o, d)| (d, o))
                .collect();
            assert_eq!(got, odd);
        }
    }

    #[test]
    fn within_matches_a_scan() {
        let pts = grid(3000);
        let index = PointIndex::new(pts.clone());
        let c = LatLon::new(34.65, 135.5).unwrap();
        for r in [0.0, 500.0, 2_000.0, 8_000.0, 100_000.0] {
            let mut got: Vec<u32> = index.within(c, r).collect();
            got.sort();
            let want: Vec<u32> = pts
                .iter()
                .filter(|(_, p)| haversine_m(c, *p) <= r)
                .map(|(o, _)| *o)
                .collect();
            assert_eq!(got, want, "radius {r}");
            // Counting a bucket at a time gives the same set, each point once.
            let mut counted = Vec::new();
            index.for_each_within(c, r, |o| counted.push(o));
            counted.sort();
            assert_eq!(counted, want, "for_each_within, radius {r}");
        }
        // Tiles and buckets together give the same set again, each point once.
        let tiled = PointIndex::new_tiled(pts.clone());
        let tile_ords: Vec<&[u32]> = tiled.tile_ords().collect();
        assert_eq!(tile_ords.len(), pts.len().div_ceil(TILE));
        for r in [0.0, 500.0, 2_000.0, 8_000.0, 100_000.0] {
            let want: Vec<u32> = {
                let mut w: Vec<u32> = index.within(c, r).collect();
                w.sort();
                w
            };
            let (mut counted, mut whole) = (Vec::new(), Vec::new());
            tiled.for_each_within_tiled(c, r, |t| whole.push(t), |o| counted.push(o));
            for t in &whole {
                counted.extend_from_slice(tile_ords[*t]);
            }
            let whole = whole.len();
            counted.sort();
            assert_eq!(counted, want, "for_each_within_tiled, radius {r}");
            if r >= 100_000.0 {
                assert_eq!(whole, tile_ords.len(), "radius {r}: every tile lies inside");
            }
        }
        // A point exactly on the circle is in it, whichever way it is counted.
        let on = pts[1234].1;
        let r = haversine_m(c, on);
        let mut counted = Vec::new();
        index.for_each_within(c, r, |o| counted.push(o));
        assert!(counted.contains(&pts[1234].0));
        assert_eq!(counted.len(), index.within(c, r).count());
        assert_eq!(PointIndex::new([]).nearest(c).next(), None);
    }
}
