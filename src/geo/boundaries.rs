//! Ward boundary polygons (from 国土数値情報 N03) and point-in-polygon: which ward a point
//! lies in. A bounding-box test runs before the exact polygon test.

use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon, Rect};
use serde::{Deserialize, Serialize};

use crate::model::{LatLon, WardCode};

/// One ward's boundary as stored in an index: polygons of rings of `[lon, lat]` (GeoJSON
/// order; the first ring of each polygon is the exterior).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WardShape {
    pub code: WardCode,
    pub name: String,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Clone, Debug)]
struct Prepared {
    code: WardCode,
    shape: MultiPolygon<f64>,
    bbox: Rect<f64>,
}

/// The boundaries of a dataset's wards.
#[derive(Clone, Debug)]
pub struct Boundaries {
    shapes: Vec<WardShape>,
    prepared: Vec<Prepared>,
}

impl Boundaries {
    pub fn new(shapes: Vec<WardShape>) -> Self {
        let prepared = shapes
            .iter()
            .filter_map(|s| {
                let polygons: Vec<Polygon<f64>> = s
                    .polygons
                    .iter()
                    .filter(|rings| !rings.is_empty())
                    .map(|rings| {
                        let ring = |r: &Vec<[f64; 2]>| {
                            LineString::from(
                                r.iter()
                                    .map(|[x, y]| Coord { x: *x, y: *y })
                                    .collect::<Vec<_>>(),
                            )
                        };
                        Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
                    })
                    .collect();
                let shape = MultiPolygon::new(polygons);
                let bbox = shape.bounding_rect()?;
                Some(Prepared {
                    code: s.code,
                    shape,
                    bbox,
                })
            })
            .collect();
        Self { shapes, prepared }
    }

    pub fn shapes(&self) -> &[WardShape] {
        &self.shapes
    }

    /// The ward whose polygon contains the point (boundary points count as inside).
    pub fn locate(&self, p: LatLon) -> Option<WardCode> {
        let c = Coord { x: p.lon, y: p.lat };
        let pt = Point::from(c);
        self.prepared
            .iter()
            .filter(|w| {
                let (min, max) = (w.bbox.min(), w.bbox.max());
                (min.x..=max.x).contains(&c.x) && (min.y..=max.y).contains(&c.y)
            })
            .find(|w| w.shape.contains(&pt) || geo::Intersects::intersects(&w.shape, &pt))
            .map(|w| w.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: u32, x0: f64, y0: f64, size: f64) -> WardShape {
        WardShape {
            code: WardCode(code),
            name: format!("w{code}"),
            polygons: vec![vec![vec![
                [x0, y0],
                [x0 + size, y0],
                [x0 + size, y0 + size],
                [x0, y0 + size],
                [x0, y0],
            ]]],
        }
    }

    #[test]
    fn points_in_squares_holes_and_edges() {
        let mut with_hole = square(1, 135.0, 34.0, 1.0);
        with_hole.polygons[0].push(vec![
            [135.4, 34.4],
            [135.6, 34.4],
            [135.6, 34.6],
            [135.4, 34.6],
            [135.4, 34.4],
        ]);
        let b = Boundaries::new(vec![with_hole, square(2, 136.0, 34.0, 1.0)]);
        let at = |lat, lon| b.locate(LatLon::new(lat, lon).unwrap());
        assert_eq!(at(34.2, 135.2), Some(WardCode(1)));
        assert_eq!(at(34.5, 135.5), None, "inside the hole");
        assert_eq!(at(34.5, 136.5), Some(WardCode(2)));
        assert_eq!(at(34.5, 137.5), None);
        // On the shared edge: one of the two, never none.
        assert!(at(34.5, 136.0).is_some());
    }
}
