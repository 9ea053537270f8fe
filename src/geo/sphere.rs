//! Points as 3-D unit vectors. Euclidean (chord) distance between unit vectors is monotonic
//! in great-circle distance, so an R-tree over them answers k-nearest and radius queries
//! exactly, with no projection error anywhere in Japan.

use crate::model::LatLon;

/// IUGG mean Earth radius.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

pub fn unit_vector(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Great-circle distance in metres (haversine; stable for short distances).
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Squared chord length between unit vectors that are `m` metres apart on the sphere.
pub fn chord_squared_for_m(m: f64) -> f64 {
    let half_angle = (m / EARTH_RADIUS_M / 2.0).min(std::f64::consts::FRAC_PI_2);
    let c = 2.0 * half_angle.sin();
    c * c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    #[test]
    fn haversine_known_distances() {
        // Osaka Station to Tennoji Station: about 6.4 km.
        let d = haversine_m(p(34.7025, 135.4959), p(34.6466, 135.5133));
        assert!((d - 6_400.0).abs() < 300.0, "{d}");
        // One degree of latitude is ~111.2 km.
        let d = haversine_m(p(34.0, 135.0), p(35.0, 135.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        assert_eq!(haversine_m(p(34.0, 135.0), p(34.0, 135.0)), 0.0);
    }

    #[test]
    fn chord_matches_haversine() {
        let (a, b) = (p(34.70, 135.50), p(34.62, 135.56));
        let (ua, ub) = (unit_vector(a), unit_vector(b));
        let chord2: f64 = ua.iter().zip(ub).map(|(x, y)| (x - y).powi(2)).sum();
        let d = haversine_m(a, b);
        assert!((chord2 - chord_squared_for_m(d)).abs() < 1e-15);
    }
}
