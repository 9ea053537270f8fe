//! A radius in km: what a search asks for (`radius_km`) and what a facility declares it
//! reaches (`service_radius_km`, 訪問範囲km). One rule for both: above 0, at most
//! [`RadiusKm::MAX`]. (訪問診療 is further cut to the legal 16 km where reach is computed,
//! see `Facility::reach`.)

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct RadiusKm(f64);

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RadiusError {
    #[error("'{0}' is not a number of km")]
    NotANumber(String),
    #[error("{0} km is not above 0 and at most {max} km", max = RadiusKm::MAX)]
    OutOfRange(f64),
}

impl RadiusKm {
    /// The largest radius anything may name, in km.
    pub const MAX: f64 = 50.0;

    pub fn new(km: f64) -> Result<Self, RadiusError> {
        if km.is_finite() && km > 0.0 && km <= Self::MAX {
            Ok(Self(km))
        } else {
            Err(RadiusError::OutOfRange(km))
        }
    }

    /// A number of km as written (`3`, `2.5`, full-width digits after NFKC by the caller).
    pub fn parse(s: &str) -> Result<Self, RadiusError> {
        let km: f64 = s
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| RadiusError::NotANumber(s.trim().to_string()))?;
        Self::new(km)
    }

    pub fn km(self) -> f64 {
        self.0
    }

    pub fn metres(self) -> f64 {
        self.0 * 1000.0
    }
}

impl TryFrom<f64> for RadiusKm {
    type Error = RadiusError;
    fn try_from(km: f64) -> Result<Self, RadiusError> {
        Self::new(km)
    }
}

impl From<RadiusKm> for f64 {
    fn from(r: RadiusKm) -> f64 {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn above_zero_and_at_most_fifty() {
        assert_eq!(RadiusKm::parse(" 3 ").unwrap().metres(), 3000.0);
        assert_eq!(RadiusKm::parse("50").unwrap().km(), 50.0);
        for bad in ["0", "-1", "50.01", "inf", "NaN"] {
            assert!(RadiusKm::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            RadiusKm::parse("abc"),
            Err(RadiusError::NotANumber("abc".into()))
        );
    }
}
