//! What each tile of the main R-tree holds ([`crate::geo::PointIndex::new_tiled`]), counted
//! once when an index is opened: counting the facilities around a point (the facet counts
//! the map asks for) adds a whole tile that lies inside the circle at once, instead of each
//! of its 64 facilities (`TILE` in `geo/points.rs`).

use std::collections::BTreeMap;

use super::Columns;
use crate::geo::PointIndex;
use crate::model::WardCode;

/// The facilities of one tile, by kind, capability and ward.
#[derive(Debug, Default, PartialEq)]
pub struct TileCounts {
    pub facilities: u32,
    /// By kind (its bit position).
    pub kinds: [u32; 8],
    /// `(capability position, facilities)`, only the capabilities present.
    pub caps: Vec<(u8, u32)>,
    /// `(ward or 市町村, facilities)`, only the places present.
    pub wards: Vec<(WardCode, u32)>,
}

/// One entry per tile of `points`, in tile order.
pub fn count_tiles(points: &PointIndex, columns: &Columns) -> Vec<TileCounts> {
    points
        .tile_ords()
        .map(|ords| {
            let mut t = TileCounts::default();
            let mut caps: BTreeMap<u8, u32> = BTreeMap::new();
            let mut wards: BTreeMap<WardCode, u32> = BTreeMap::new();
            for &ord in ords {
                let i = ord as usize;
                t.facilities += 1;
                let mut bits = columns.kind_bits[i];
                while bits != 0 {
                    t.kinds[bits.trailing_zeros() as usize] += 1;
                    bits &= bits - 1;
                }
                for at in columns.cap_bits[i].positions() {
                    *caps.entry(at as u8).or_default() += 1;
                }
                if let Some(w) = columns.ward[i] {
                    *wards.entry(w).or_default() += 1;
                }
            }
            t.caps = caps.into_iter().collect();
            t.wards = wards.into_iter().collect();
            t
        })
        .collect()
}
