//! 国土数値情報 行政区域 (N03) GeoJSON → ward boundaries. Properties: `N03_004` is the
//! ward (or town) name, `N03_007` the JIS code; a ward split over several features
//! (islands, reclaimed land) is joined into one shape.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{ImportError, Manifest};
use crate::geo::WardShape;
use crate::model::{LatLon, WardCode};

pub fn read_n03(path: &Path, manifest: &Manifest) -> Result<Vec<WardShape>, ImportError> {
    let bytes = crate::table::read_source(path)?;
    let text = crate::table::decode::decode(path, &bytes)?;
    let doc = parse_geojson(path, &text)?;
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ImportError::file(path, "not a GeoJSON FeatureCollection (no 'features')")
        })?;
    let mut wards: BTreeMap<String, WardShape> = BTreeMap::new();
    for (i, f) in features.iter().enumerate() {
        let bad = |reason: String| ImportError::file(path, format!("feature #{i}: {reason}"));
        let props = f.get("properties").unwrap_or(&Value::Null);
        // 所属未定地 (unassigned land) has no code: not part of any ward.
        let Some(code) = props.get("N03_007").and_then(Value::as_str) else {
            continue;
        };
        if !manifest.keeps_municipality(code) {
            continue;
        }
        let num: u32 = code
            .parse()
            .map_err(|_| bad(format!("N03_007 '{code}' is not a JIS code")))?;
        let name = props
            .get("N03_004")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("N03_004 (name) is missing".into()))?;
        let geometry = f.get("geometry").unwrap_or(&Value::Null);
        let polygons = match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![rings(geometry.get("coordinates")).map_err(bad)?],
            Some("MultiPolygon") => geometry
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("MultiPolygon without coordinates".into()))?
                .iter()
                .map(|p| rings(Some(p)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?,
            other => return Err(bad(format!("geometry type {other:?} is not a polygon"))),
        };
        wards
            .entry(code.to_string())
            .or_insert_with(|| WardShape {
                code: WardCode(num),
                name: name.to_string(),
                polygons: Vec::new(),
            })
            .polygons
            .extend(polygons);
    }
    let missing: Vec<&str> = manifest
        .municipalities
        .iter()
        .filter(|m| !wards.contains_key(m.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::file(
            path,
            format!("no boundary for municipalities {}", missing.join(", ")),
        ));
    }
    Ok(wards.into_values().collect())
}

/// Parses GeoJSON text; a syntax error names its line and column.
pub(crate) fn parse_geojson(path: &Path, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError {
        sheet: None,
        file: path.to_path_buf(),
        line: Some(e.line() as u64),
        column: Some((e.column(), "json".into())),
        reason: format!("not valid GeoJSON: {e}"),
    })
}

fn rings(coords: Option<&Value>) -> Result<Vec<Vec<[f64; 2]>>, String> {
    let rings = coords
        .and_then(Value::as_array)
        .ok_or("polygon without coordinates")?;
    rings
        .iter()
        .map(|ring| {
            let pts = ring.as_array().ok_or("ring is not an array")?;
            if pts.len() < 4 {
                return Err(format!(
                    "ring with {} points (at least 4 needed)",
                    pts.len()
                ));
            }
            if pts.first() != pts.last() {
                return Err("ring is not closed (first and last points differ)".into());
            }
            pts.iter()
                .map(|p| match p.as_array().map(|a| a.as_slice()) {
                    Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                        // GeoJSON is [lon, lat]; a file written [lat, lon] would put every
                        // ward in the sea and drop its facilities.
                        (Some(x), Some(y)) if LatLon::new(y, x).is_ok() => Ok([x, y]),
                        (Some(x), Some(y)) if LatLon::new(x, y).is_ok() => Err(format!(
                            "coordinate {p} is [lat, lon]; GeoJSON is [lon, lat]"
                        )),
                        (Some(_), Some(_)) => Err(format!("coordinate {p} is outside Japan")),
                        _ => Err(format!("coordinate {p} is not two numbers")),
                    },
                    _ => Err(format!("coordinate {p} is not [lon, lat]")),
                })
                .collect()
        })
        .collect()
}
