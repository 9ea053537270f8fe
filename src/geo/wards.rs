//! Which ward a point lies in: point-in-polygon against the dataset's boundaries when it
//! has them (real data); otherwise the nearest ward representative point decides and
//! points far from every ward are outside Osaka City (the demo dataset).

use std::sync::Arc;

use super::sphere::haversine_m;
use super::Boundaries;
use crate::model::{LatLon, Ward, WARDS};

/// A point farther than this from every representative point is outside the city. The
/// largest ward (住之江区, 20.7 km²) reaches about 5 km from its point.
const OUTSIDE_CITY_M: f64 = 6_000.0;

#[derive(Clone, Debug, Default)]
pub enum WardLocator {
    /// Nearest representative point (the fallback when no boundaries are loaded).
    #[default]
    RepresentativePoints,
    /// Ward polygons (N03).
    Polygons(Arc<Boundaries>),
}

impl WardLocator {
    pub fn locate(&self, p: LatLon) -> Option<&'static Ward> {
        match self {
            Self::RepresentativePoints => WARDS
                .iter()
                .map(|w| (w, haversine_m(p, w.representative_point())))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, d)| *d <= OUTSIDE_CITY_M)
                .map(|(w, _)| w),
            Self::Polygons(b) => b.locate(p).and_then(Ward::by_code),
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Self::RepresentativePoints => "区の代表点（最寄り）",
            Self::Polygons(_) => "区の境界（国土数値情報 N03）",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WardCode;

    #[test]
    fn each_representative_point_locates_its_own_ward() {
        let loc = WardLocator::RepresentativePoints;
        for w in &WARDS {
            assert_eq!(loc.locate(w.representative_point()).unwrap().code, w.code);
        }
        // Kyoto is not in Osaka City.
        assert!(loc
            .locate(LatLon::new(35.0116, 135.7681).unwrap())
            .is_none());
        // Near 新大阪 (淀川区).
        let p = LatLon::new(34.7334, 135.5001).unwrap();
        assert_eq!(loc.locate(p).unwrap().code, WardCode(27123));
    }
}
