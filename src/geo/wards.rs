//! Which ward or 市町村 a point lies in: point-in-polygon against the dataset's boundaries
//! when it has them (real data); otherwise the nearest representative point of the
//! regions table decides, and points far from every one are outside (the demo dataset).

use std::sync::Arc;

use super::sphere::haversine_m;
use super::Boundaries;
use crate::model::{LatLon, Regions, WardCode};

/// A point farther than this from every representative point is outside the dataset. The
/// largest ward of Osaka City (住之江区, 20.7 km²) reaches about 5 km from its point.
const OUTSIDE_M: f64 = 6_000.0;

#[derive(Clone, Debug)]
pub enum WardLocator {
    /// Nearest representative point (the fallback when no boundaries are loaded).
    RepresentativePoints(Arc<Vec<(WardCode, LatLon)>>),
    /// Polygons of wards and 市町村 (N03).
    Polygons(Arc<Boundaries>),
}

impl WardLocator {
    /// Locates by the regions' representative points (the leaves that have one).
    pub fn points(regions: &Regions) -> Self {
        Self::RepresentativePoints(Arc::new(
            regions
                .leaves()
                .filter_map(|r| Some((r.code, r.point?)))
                .collect(),
        ))
    }

    pub fn locate(&self, p: LatLon) -> Option<WardCode> {
        match self {
            Self::RepresentativePoints(points) => points
                .iter()
                .map(|(c, q)| (*c, haversine_m(p, *q)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, d)| *d <= OUTSIDE_M)
                .map(|(c, _)| c),
            Self::Polygons(b) => b.locate(p),
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Self::RepresentativePoints(_) => "区の代表点（最寄り）",
            Self::Polygons(_) => "市区町村の境界（国土数値情報 N03）",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_representative_point_locates_its_own_ward() {
        let regions = crate::geo::regions::osaka();
        let loc = WardLocator::points(&regions);
        let mut n = 0;
        for r in regions.leaves() {
            if let Some(p) = r.point {
                assert_eq!(loc.locate(p), Some(r.code));
                n += 1;
            }
        }
        assert_eq!(n, 24);
        // Kyoto is not in the dataset.
        assert!(loc
            .locate(LatLon::new(35.0116, 135.7681).unwrap())
            .is_none());
        // Near 新大阪 (淀川区).
        let p = LatLon::new(34.7334, 135.5001).unwrap();
        assert_eq!(loc.locate(p), Some(WardCode(27123)));
    }
}
