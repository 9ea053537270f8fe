//! A validated WGS84 point. Parsing lives here so `[lat, lon]` vs `[lon, lat]` is decided once.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Rough bounding box of Japan (including remote islands). Points outside are data errors:
/// a swapped `lat,lon` pair or a `0.0,0.0` "not geocoded" marker lands outside it.
pub const JAPAN_LAT: (f64, f64) = (20.0, 46.0);
pub const JAPAN_LON: (f64, f64) = (122.0, 154.0);

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LatLonError {
    #[error("'{0}' is not a number")]
    NotANumber(String),
    #[error("expected 'LAT,LON' (two numbers separated by a comma), got '{0}'")]
    Shape(String),
    #[error("latitude {0} is outside Japan ({min}..{max})", min = JAPAN_LAT.0, max = JAPAN_LAT.1)]
    LatOutOfRange(f64),
    #[error("longitude {0} is outside Japan ({min}..{max})", min = JAPAN_LON.0, max = JAPAN_LON.1)]
    LonOutOfRange(f64),
}

impl LatLon {
    /// A point in Japan. Anything else (NaN, swapped axes, 0/0) is rejected.
    pub fn new(lat: f64, lon: f64) -> Result<Self, LatLonError> {
        if !(lat.is_finite() && (JAPAN_LAT.0..=JAPAN_LAT.1).contains(&lat)) {
            return Err(LatLonError::LatOutOfRange(lat));
        }
        if !(lon.is_finite() && (JAPAN_LON.0..=JAPAN_LON.1).contains(&lon)) {
            return Err(LatLonError::LonOutOfRange(lon));
        }
        Ok(Self { lat, lon })
    }

    /// Parses one coordinate value.
    pub fn parse_number(s: &str) -> Result<f64, LatLonError> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| LatLonError::NotANumber(s.trim().to_string()))
    }

    /// Parses `"34.70,135.50"` (latitude first, as people write it in Japan).
    pub fn parse(s: &str) -> Result<Self, LatLonError> {
        let mut parts = s.split(',');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => Self::new(Self::parse_number(a)?, Self::parse_number(b)?),
            _ => Err(LatLonError::Shape(s.to_string())),
        }
    }
}

impl fmt::Display for LatLon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6},{:.6}", self.lat, self.lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lat_first() {
        let p = LatLon::parse(" 34.7 , 135.5 ").unwrap();
        assert_eq!((p.lat, p.lon), (34.7, 135.5));
    }

    #[test]
    fn rejects_swapped_zero_and_garbage() {
        assert_eq!(
            LatLon::parse("135.5,34.7"),
            Err(LatLonError::LatOutOfRange(135.5))
        );
        assert_eq!(
            LatLon::parse("0.0,0.0"),
            Err(LatLonError::LatOutOfRange(0.0))
        );
        assert_eq!(
            LatLon::parse("34.7"),
            Err(LatLonError::Shape("34.7".into()))
        );
        assert_eq!(
            LatLon::parse("34.7,abc"),
            Err(LatLonError::NotANumber("abc".into()))
        );
        assert!(LatLon::new(f64::NAN, 135.0).is_err());
        assert!(LatLon::new(34.0, 200.0).is_err());
    }
}
