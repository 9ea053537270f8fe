//! R-tree of facility points (unit vectors) keyed by facility ordinal.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::sphere::{chord_squared_for_m, unit_vector};
use crate::model::LatLon;

type Entry = GeomWithData<[f64; 3], u32>;

pub struct PointIndex {
    tree: RTree<Entry>,
}

impl PointIndex {
    /// Bulk-loads `(ordinal, point)` pairs.
    pub fn new(points: impl IntoIterator<Item = (u32, LatLon)>) -> Self {
        let entries = points
            .into_iter()
            .map(|(ord, p)| GeomWithData::new(unit_vector(p), ord))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Ordinals within `radius_m` along the sphere. A hair of slack on the chord bound keeps
    /// points exactly on the circle; callers cut with haversine for reported distances.
    pub fn within(&self, center: LatLon, radius_m: f64) -> impl Iterator<Item = u32> + '_ {
        let bound = chord_squared_for_m(radius_m) * (1.0 + 1e-9) + 1e-18;
        self.tree
            .locate_within_distance(unit_vector(center), bound)
            .map(|e| e.data)
    }

    /// Ordinals nearest first (by chord, which orders like great-circle distance).
    pub fn nearest(&self, center: LatLon) -> impl Iterator<Item = u32> + '_ {
        self.tree
            .nearest_neighbor_iter(&unit_vector(center))
            .map(|e| e.data)
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
