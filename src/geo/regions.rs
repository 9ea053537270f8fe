//! The regions table (`data/regions/*.csv`): 市町村 and wards with their codes, names,
//! kana, city and 二次医療圏 / 基本保健医療圏, and the areas those codes name. A dataset
//! names its table in `dataset.toml` (`[regions]`); the one for Osaka Prefecture is
//! compiled in, for the demo and for datasets that name none.

use std::collections::HashSet;
use std::path::Path;

use crate::model::{Area, AreaKind, LatLon, Region, Regions, WardCode};
use crate::table::{ImportError, Table};

/// Osaka Prefecture's regions (43 市町村, 大阪市's 24 and 堺市's 7 wards).
pub const OSAKA_REGIONS: &str = include_str!("../../data/regions/osaka.csv");
/// Osaka Prefecture's 8 二次医療圏 and Osaka City's 4 基本保健医療圏.
pub const OSAKA_AREAS: &str = include_str!("../../data/regions/osaka_areas.csv");

/// The compiled-in Osaka table.
pub fn osaka() -> Regions {
    parse(
        Path::new("data/regions/osaka.csv"),
        OSAKA_REGIONS,
        Path::new("data/regions/osaka_areas.csv"),
        OSAKA_AREAS,
    )
    .expect("the compiled-in regions table is valid (tested)")
}

/// Reads a regions table and its areas table from files.
pub fn read(regions: &Path, areas: &Path) -> Result<Regions, ImportError> {
    let text = |p: &Path| -> Result<String, ImportError> {
        let bytes = crate::table::read_source(p)?;
        Ok(crate::table::decode::decode(p, &bytes)?.into_owned())
    };
    parse(regions, &text(regions)?, areas, &text(areas)?)
}

pub fn parse(
    regions_path: &Path,
    regions_text: &str,
    areas_path: &Path,
    areas_text: &str,
) -> Result<Regions, ImportError> {
    let areas = parse_areas(areas_path, areas_text)?;
    let t = Table::parse(regions_path, regions_text)?;
    let code = t.require(&["code"])?;
    let name = t.require(&["name"])?;
    let kana = t.require(&["kana"])?;
    let county = t.column(&["county"]);
    let parent = t.require(&["parent"])?;
    let niji = t.require(&["niji"])?;
    let kihon = t.column(&["kihon"]);
    let lat = t.column(&["lat"]);
    let lon = t.column(&["lon"]);
    let area = t.column(&["area_km2"]);
    let population = t.column(&["population"]);
    let mut out: Vec<Region> = Vec::new();
    let mut seen = HashSet::new();
    let parse_code =
        |row: &crate::table::Row, col: &crate::table::Col| -> Result<WardCode, ImportError> {
            let v = row.get(col);
            match v.parse::<u32>() {
                Ok(n) if v.len() == 5 => Ok(WardCode(n)),
                _ => Err(t.cell_error(row.line, col, format!("'{v}' is not a 5-digit JIS code"))),
            }
        };
    let area_ref = |row: &crate::table::Row,
                    col: &crate::table::Col,
                    kind: AreaKind|
     -> Result<Option<String>, ImportError> {
        let v = row.get(col);
        if v.is_empty() {
            return Ok(None);
        }
        match areas.iter().find(|a| a.code == v) {
            Some(a) if a.kind == kind => Ok(Some(v.to_string())),
            Some(_) => Err(t.cell_error(row.line, col, format!("area '{v}' is of the other kind"))),
            None => Err(t.cell_error(
                row.line,
                col,
                format!("area '{v}' is not in {}", areas_path.display()),
            )),
        }
    };
    let mut parents = Vec::new();
    for row in &t.rows {
        let c = parse_code(row, &code)?;
        if let Some(first) = out.first() {
            if first.code.0 / 1000 != c.0 / 1000 {
                return Err(t.cell_error(
                    row.line,
                    &code,
                    format!(
                        "code {c} is of another prefecture than {} (a table holds one prefecture)",
                        first.code
                    ),
                ));
            }
        }
        if !seen.insert(c) {
            return Err(t.cell_error(row.line, &code, format!("code {c} is listed twice")));
        }
        let n = row.get(&name);
        if n.is_empty() {
            return Err(t.cell_error(row.line, &name, "the name is empty"));
        }
        let p = match row.get(&parent) {
            "" => None,
            _ => Some(parse_code(row, &parent)?),
        };
        if let Some(p) = p {
            parents.push((row.line, p));
        }
        let point = match (row.opt(&lat), row.opt(&lon)) {
            ("", "") => None,
            (a, b) => {
                let col = lat.as_ref().expect("a value came from the column");
                let (a, b) = a
                    .parse::<f64>()
                    .ok()
                    .zip(b.parse::<f64>().ok())
                    .ok_or_else(|| {
                        t.cell_error(
                            row.line,
                            col,
                            format!("'{a}', '{b}' is not a latitude and longitude"),
                        )
                    })?;
                Some(LatLon::new(a, b).map_err(|e| t.cell_error(row.line, col, e.to_string()))?)
            }
        };
        let number = |col: &Option<crate::table::Col>| -> Result<Option<f64>, ImportError> {
            match (col, row.opt(col)) {
                (Some(c), v) if !v.is_empty() => match v.parse::<f64>() {
                    Ok(x) if x >= 0.0 && x.is_finite() => Ok(Some(x)),
                    _ => Err(t.cell_error(
                        row.line,
                        c,
                        format!("'{v}' is not a number of at least 0"),
                    )),
                },
                _ => Ok(None),
            }
        };
        let area_km2 = number(&area)?;
        let population = number(&population)?.map(|x| x as u32);
        out.push(Region {
            area_km2,
            population,
            code: c,
            name: n.to_string(),
            kana: row.get(&kana).to_string(),
            county: row.opt(&county).to_string(),
            parent: p,
            niji: area_ref(row, &niji, AreaKind::Niji)?,
            kihon: match &kihon {
                Some(col) => area_ref(row, col, AreaKind::Kihon)?,
                None => None,
            },
            point,
        });
    }
    for (line, p) in parents {
        if !seen.contains(&p) {
            return Err(t.cell_error(
                line,
                &parent,
                format!("parent {p} is not a region of the table"),
            ));
        }
    }
    Ok(Regions::new(out, areas))
}

fn parse_areas(path: &Path, text: &str) -> Result<Vec<Area>, ImportError> {
    let t = Table::parse(path, text)?;
    let code = t.require(&["code"])?;
    let name = t.require(&["name"])?;
    let kind = t.require(&["kind"])?;
    let mut out: Vec<Area> = Vec::new();
    for row in &t.rows {
        let c = row.get(&code);
        if c.is_empty() || out.iter().any(|a| a.code == c) {
            return Err(t.cell_error(
                row.line,
                &code,
                format!("area code '{c}' is empty or listed twice"),
            ));
        }
        let k = match row.get(&kind) {
            "niji" => AreaKind::Niji,
            "kihon" => AreaKind::Kihon,
            other => {
                return Err(t.cell_error(
                    row.line,
                    &kind,
                    format!("kind '{other}' is not niji or kihon"),
                ))
            }
        };
        out.push(Area {
            code: c.to_string(),
            name: row.get(&name).to_string(),
            kind: k,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Place;

    #[test]
    fn the_osaka_table_has_every_region_and_area() {
        let r = osaka();
        assert_eq!(r.all().len(), 2 + 24 + 7 + 41);
        assert_eq!(r.leaves().count(), 24 + 7 + 41);
        let niji: Vec<usize> = r
            .areas()
            .iter()
            .filter(|a| a.kind == AreaKind::Niji)
            .map(|a| r.leaves_in_area(a).len())
            .collect();
        // 大阪市 24 wards, 豊能 6, 三島 4, 北河内 7, 中河内 3, 南河内 9, 堺市 7 wards, 泉州 12.
        assert_eq!(niji, [24, 6, 4, 7, 3, 9, 7, 12]);
        let kihon: Vec<usize> = ["north", "west", "east", "south"]
            .iter()
            .map(|c| r.leaves_in_area(r.area(c).unwrap()).len())
            .collect();
        assert_eq!(kihon, [5, 6, 7, 6]);
        // Every ward of 大阪市 has a point for the demo.
        assert!(r
            .leaves_of(WardCode(27100))
            .iter()
            .all(|c| r.get(*c).unwrap().point.is_some()));
    }

    #[test]
    fn places_parse_in_every_spelling() {
        let r = osaka();
        let code = |s: &str| match r.place(s) {
            Ok(Place::Region(x)) => x.code.0,
            other => panic!("{s}: {other:?}"),
        };
        for s in [
            "27114",
            "東淀川区",
            "大阪市東淀川区",
            "東淀川",
            "ひがしよどがわく",
            "大阪府大阪市東淀川区",
        ] {
            assert_eq!(code(s), 27114, "{s}");
        }
        assert_eq!(code("吹田市"), 27205);
        assert_eq!(code("吹田"), 27205);
        assert_eq!(code("三島郡島本町"), 27301);
        assert_eq!(code("島本町"), 27301);
        assert_eq!(code("堺市北区"), 27146);
        assert_eq!(code("大阪市"), 27100);
        assert_eq!(r.leaves_of(WardCode(27100)).len(), 24);
        // 北区 alone is two wards.
        assert!(
            matches!(r.place("北区"), Err(crate::model::PlaceError::Ambiguous(v)) if v.len() == 2)
        );
        for s in ["豊能二次医療圏", "豊能", "toyono"] {
            match r.place(s).unwrap() {
                Place::Area(a) => assert_eq!(a.code, "toyono", "{s}"),
                p => panic!("{s}: {p:?}"),
            }
        }
        // The town of the same stem by its own name.
        assert_eq!(code("豊能町"), 27321);
        match r.place("北部").unwrap() {
            Place::Area(a) => assert_eq!(r.leaves_in_area(a).len(), 5),
            p => panic!("{p:?}"),
        }
        assert!(r.place("京都市").is_err());
        assert_eq!(r.niji_of(WardCode(27142)).unwrap().name, "堺市");
        assert_eq!(r.label(WardCode(27146)), Some("堺市北区"));
        assert_eq!(r.label(WardCode(27114)), Some("東淀川区"));
        assert_eq!(r.full_name(WardCode(27301)), "三島郡島本町");
    }

    #[test]
    fn where_a_facility_is_relative_to_a_home() {
        let r = osaka();
        assert_eq!(r.relation(WardCode(27114), WardCode(27114)), None);
        assert_eq!(
            r.relation(WardCode(27123), WardCode(27114)).as_deref(),
            Some("区外")
        );
        assert_eq!(
            r.relation(WardCode(27205), WardCode(27114)).as_deref(),
            Some("市外")
        );
        assert_eq!(
            r.relation(WardCode(27207), WardCode(27301)).as_deref(),
            Some("町外")
        );
    }

    #[test]
    fn a_bad_table_is_an_error_at_its_cell() {
        let areas = "code,name,kind\nx,X,niji\n";
        let bad = |regions: &str| {
            parse(Path::new("r.csv"), regions, Path::new("a.csv"), areas)
                .unwrap_err()
                .to_string()
        };
        let head = "code,name,kana,county,parent,niji,kihon,lat,lon\n";
        let e = bad(&format!("{head}2710,北区,,,,x,,,\n"));
        assert!(e.contains("r.csv:2") && e.contains("5-digit"), "{e}");
        let e = bad(&format!("{head}27127,北区,,,,x,,,\n27127,北区,,,,x,,,\n"));
        assert!(e.contains("r.csv:3") && e.contains("twice"), "{e}");
        let e = bad(&format!("{head}27127,北区,,,27100,x,,,\n"));
        assert!(e.contains("r.csv:2") && e.contains("parent 27100"), "{e}");
        let e = bad(&format!("{head}27127,北区,,,,y,,,\n"));
        assert!(e.contains("r.csv:2") && e.contains("'y'"), "{e}");
        let e = bad(&format!("{head}27127,北区,,,,x,,135.5,34.7\n"));
        assert!(e.contains("r.csv:2"), "{e}");
        let e = parse(
            Path::new("r.csv"),
            head,
            Path::new("a.csv"),
            "code,name,kind\nx,X,z\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("a.csv:2") && e.contains("'z'"), "{e}");
    }
}
