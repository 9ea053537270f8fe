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
    Haversine::from(a).to_m(b)
}

/// Distances from one point, its cosine computed once: what a query measures from its
/// origin to thousands of facilities. Gives exactly what [`haversine_m`] gives.
#[derive(Clone, Copy, Debug)]
pub struct Haversine {
    from: LatLon,
    lat: f64,
    cos_lat: f64,
}

impl From<LatLon> for Haversine {
    fn from(from: LatLon) -> Self {
        let lat = from.lat.to_radians();
        Self {
            from,
            lat,
            cos_lat: lat.cos(),
        }
    }
}

impl Haversine {
    /// The haversine term: `sin²(angle / 2)`, monotonic in the distance, and a quarter of
    /// the squared chord between the unit vectors: ordering by it needs no square root or
    /// arcsine ([`metres`](Self::metres) turns it into what [`to_m`](Self::to_m) gives).
    pub fn h(&self, b: LatLon) -> f64 {
        let p2 = b.lat.to_radians();
        let dp = p2 - self.lat;
        let dl = (b.lon - self.from.lon).to_radians();
        (dp / 2.0).sin().powi(2) + self.cos_lat * p2.cos() * (dl / 2.0).sin().powi(2)
    }

    /// Metres for a haversine term of [`h`](Self::h).
    pub fn metres(h: f64) -> f64 {
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    pub fn to_m(&self, b: LatLon) -> f64 {
        Self::metres(self.h(b))
    }

    /// The distance to `b` when it is at most `max_m`. Points clearly farther are turned
    /// away on the haversine term, before its square root and arcsine; the rest are
    /// decided in metres, so the answer is the same as `to_m(b) <= max_m`.
    pub fn within(&self, b: LatLon, max_m: f64) -> Option<f64> {
        let half_angle = (max_m / EARTH_RADIUS_M / 2.0).min(std::f64::consts::FRAC_PI_2);
        let h = self.h(b);
        if h > half_angle.sin().powi(2) * (1.0 + 1e-9) + 1e-15 {
            return None;
        }
        Some(Self::metres(h)).filter(|d| *d <= max_m)
    }
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
    fn distances_from_one_point_are_haversine_exactly() {
        let from = p(34.70, 135.50);
        let h = Haversine::from(from);
        for (lat, lon) in [
            (34.70, 135.50),
            (34.62, 135.56),
            (35.68, 139.76),
            (26.2, 127.7),
        ] {
            let d = haversine_m(from, p(lat, lon));
            assert_eq!(h.to_m(p(lat, lon)), d);
            // On the circle, just inside and just outside.
            assert_eq!(h.within(p(lat, lon), d), Some(d));
            assert_eq!(h.within(p(lat, lon), d * (1.0 + 1e-12) + 1e-9), Some(d));
            if d > 0.0 {
                assert_eq!(h.within(p(lat, lon), d * (1.0 - 1e-12)), None);
                assert_eq!(h.within(p(lat, lon), d / 2.0), None);
            }
        }
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
