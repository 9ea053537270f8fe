//! Geometry: great-circle maths on the unit sphere, the R-tree of facility points, and
//! deciding which ward a point lies in.

mod boundaries;
mod points;
pub mod regions;
mod sphere;
mod wards;

pub use boundaries::{Boundaries, WardShape};
pub use points::{spatial_order, PointIndex};
pub use sphere::{chord_squared_for_m, haversine_m, unit_vector, Haversine, EARTH_RADIUS_M};
pub use wards::WardLocator;
