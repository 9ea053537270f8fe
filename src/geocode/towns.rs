//! The address reference table: 町丁目 representative points in the geolonia
//! japanese-addresses `latest.csv` layout, and Japan Post postal codes, indexed for
//! prefix matching of folded address text.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::address::fold;
use super::numerals::leading_number;
use crate::model::LatLon;
use crate::table::{ImportError, ImportErrors, Table};

/// One 町丁目 of the reference table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownRow {
    /// JIS municipality code (5 digits; a ward for designated cities).
    pub code: u32,
    /// 市区町村名 as written in the table, e.g. 大阪市北区.
    pub municipality: String,
    /// 大字町丁目名, e.g. 梅田一丁目.
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// One postal code: the town it names (empty for "以下に掲載がない場合").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostalRow {
    pub postal_code: String,
    pub code: u32,
    pub town: String,
}

/// Writes towns in the columns `read_towns` reads (the geolonia layout's names).
pub fn write_towns(path: &Path, rows: &[TownRow]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "市区町村コード",
        "市区町村名",
        "大字町丁目名",
        "緯度",
        "経度",
    ])?;
    for t in rows {
        w.write_record([
            t.code.to_string(),
            t.municipality.clone(),
            t.name.clone(),
            format!("{:.6}", t.lat),
            format!("{:.6}", t.lon),
        ])?;
    }
    w.flush()
}

/// Reads geolonia `latest.csv` rows (any municipality; the caller filters).
pub fn read_towns(path: &Path) -> Result<Vec<TownRow>, ImportErrors> {
    let table = Table::read(path)?;
    let code = table.require(&["市区町村コード"])?;
    let muni = table.require(&["市区町村名"])?;
    let name = table.require(&["大字町丁目名"])?;
    let lat = table.require(&["緯度"])?;
    let lon = table.require(&["経度"])?;
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    for r in &table.rows {
        let c = match r.get(&code).parse::<u32>() {
            Ok(c) if (1000..100_000).contains(&c) => c,
            _ => {
                errors.push(table.cell_error(
                    r.line,
                    &code,
                    format!("'{}' is not a 5-digit municipality code", r.get(&code)),
                ));
                continue;
            }
        };
        let la = r.get(&lat);
        let lo = r.get(&lon);
        if la.is_empty() && lo.is_empty() {
            // geolonia lists some 町丁目 without a point; they cannot be geocoded to.
            continue;
        }
        let point =
            LatLon::parse_number(la).and_then(|a| LatLon::new(a, LatLon::parse_number(lo)?));
        let point = match point {
            Ok(p) => p,
            Err(e) => {
                errors.push(table.cell_error(r.line, &lat, format!("'{la},{lo}': {e}")));
                continue;
            }
        };
        rows.push(TownRow {
            code: c,
            municipality: r.get(&muni).to_string(),
            name: r.get(&name).to_string(),
            lat: point.lat,
            lon: point.lon,
        });
    }
    finish(
        path,
        rows,
        errors,
        "every address would be placed at its ward's centre",
    )
}

/// Reads Japan Post postal codes: the official headerless KEN_ALL layout (15 columns,
/// usually Shift_JIS) or the flattened layout with a `postal_code` header.
pub fn read_postal_codes(path: &Path) -> Result<Vec<PostalRow>, ImportErrors> {
    let bytes = crate::table::read_source(path)?;
    let text = crate::table::decode::decode(path, &bytes)?;
    let headered = text.trim_start().starts_with("postal_code");
    let table = if headered {
        Table::parse(path, &text)?
    } else {
        Table::parse_headerless(path, &text)?
    };
    let (postal, code, town) = if headered {
        (
            table.require(&["postal_code"])?.index,
            table.require(&["municipality_code"])?.index,
            table.require(&["town"])?.index,
        )
    } else {
        (2, 0, 8)
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for r in &table.rows {
        let line = &r.line;
        let get = |i: usize| r.cells().get(i).map_or("", |s| s.trim());
        let p = get(postal);
        let c = get(code);
        if p.len() != 7 || !p.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(ImportError {
                sheet: None,
                file: path.to_path_buf(),
                line: Some(*line),
                column: Some((postal + 1, "postal_code".into())),
                reason: format!("'{p}' is not a 7-digit postal code"),
            });
            continue;
        }
        let Ok(c) = c.get(..5).unwrap_or("").parse::<u32>() else {
            errors.push(ImportError {
                sheet: None,
                file: path.to_path_buf(),
                line: Some(*line),
                column: Some((code + 1, "municipality_code".into())),
                reason: format!("'{c}' is not a municipality code"),
            });
            continue;
        };
        let mut t = get(town);
        // KEN_ALL writes notes in parentheses and this phrase for "the rest of the city".
        if let Some(i) = t.find(['(', '（']) {
            t = &t[..i];
        }
        if t == "以下に掲載がない場合" || t.ends_with("の次に番地がくる場合") {
            t = "";
        }
        rows.push(PostalRow {
            postal_code: p.to_string(),
            code: c,
            town: t.to_string(),
        });
    }
    finish(path, rows, errors, "postal codes would not resolve")
}

/// The rows, or every error; a file without rows is an error too (`without` says what
/// would go wrong with it).
fn finish<T>(
    path: &Path,
    rows: Vec<T>,
    mut errors: Vec<ImportError>,
    without: &str,
) -> Result<Vec<T>, ImportErrors> {
    if rows.is_empty() && errors.is_empty() {
        errors.push(ImportError::file(
            path,
            format!("the file has no rows: {without}; is the download complete?"),
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Splits `梅田一丁目` into (`梅田`, Some(1)); names without 丁目 keep `None`.
pub fn split_chome(name: &str) -> (&str, Option<u32>) {
    // 梅田一丁目; 堺市 writes 翁橋町一丁.
    if let Some(stem) = name
        .strip_suffix("丁目")
        .or_else(|| name.strip_suffix('丁'))
    {
        // Find where the trailing numeral starts.
        for (i, _) in stem.char_indices() {
            if let Some((n, used)) = leading_number(&stem[i..]) {
                if i + used == stem.len() && i > 0 {
                    return (&stem[..i], Some(n));
                }
            }
        }
    }
    (name, None)
}

/// A town's lookup key: folded, without the 大字 that tables write and addresses mostly
/// drop (大字山田 = 山田).
pub fn town_key(base: &str) -> String {
    let key = fold(base);
    match key.strip_prefix("大字") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => key,
    }
}

/// A municipality (ward) of the table.
#[derive(Clone, Debug)]
pub struct Municipality {
    pub code: u32,
    /// Folded full name (大阪市北区), city part (大阪市) and ward part (北区, empty for a city
    /// without wards).
    pub full: String,
    /// The full name without its 郡 (島本町 for 三島郡島本町), which addresses often drop.
    pub without_county: Option<String>,
    pub city: String,
    pub ward: String,
    /// Written name, for output.
    pub name: String,
    /// Mean of its towns' points: the answer when only the ward is known.
    pub center: LatLon,
}

/// Towns sharing one base name (梅田) in one municipality.
#[derive(Clone, Debug, Default)]
pub struct TownGroup {
    /// Row index of the entry without 丁目, if any.
    pub plain: Option<usize>,
    pub chome: Vec<(u32, usize)>,
}

/// The reference table with its lookup structures.
#[derive(Clone, Debug)]
pub struct TownIndex {
    pub rows: Vec<TownRow>,
    pub municipalities: Vec<Municipality>,
    /// (municipality code, folded base name) → group.
    pub groups: HashMap<(u32, String), TownGroup>,
    /// Folded base name → municipality codes having it.
    pub by_base: HashMap<String, Vec<u32>>,
    /// Longest folded base name, in bytes.
    pub longest_base: usize,
    pub postal: HashMap<String, Vec<PostalRow>>,
}

impl TownIndex {
    pub fn new(rows: Vec<TownRow>, postal: Vec<PostalRow>) -> Self {
        let mut groups: HashMap<(u32, String), TownGroup> = HashMap::new();
        let mut by_base: HashMap<String, Vec<u32>> = HashMap::new();
        let mut sums: HashMap<u32, (f64, f64, usize, String)> = HashMap::new();
        let mut longest_base = 0;
        for (i, row) in rows.iter().enumerate() {
            let (base, chome) = split_chome(&row.name);
            let key = town_key(base);
            longest_base = longest_base.max(key.len());
            let group = groups.entry((row.code, key.clone())).or_default();
            match chome {
                Some(n) => group.chome.push((n, i)),
                None => group.plain = group.plain.or(Some(i)),
            }
            let codes = by_base.entry(key).or_default();
            if !codes.contains(&row.code) {
                codes.push(row.code);
            }
            let s = sums
                .entry(row.code)
                .or_insert_with(|| (0.0, 0.0, 0, row.municipality.clone()));
            s.0 += row.lat;
            s.1 += row.lon;
            s.2 += 1;
        }
        let mut municipalities: Vec<Municipality> = sums
            .into_iter()
            .filter_map(|(code, (lat, lon, n, name))| {
                let full = fold(&name);
                let (city, ward) = match full.find('市') {
                    Some(i) if i + '市'.len_utf8() < full.len() => {
                        let (c, w) = full.split_at(i + '市'.len_utf8());
                        (c.to_string(), w.to_string())
                    }
                    _ => (full.clone(), String::new()),
                };
                let without_county = full
                    .find('郡')
                    .map(|i| full[i + '郡'.len_utf8()..].to_string())
                    .filter(|s| !s.is_empty());
                Some(Municipality {
                    code,
                    without_county,
                    full,
                    city,
                    ward,
                    name,
                    center: LatLon::new(lat / n as f64, lon / n as f64).ok()?,
                })
            })
            .collect();
        municipalities.sort_by_key(|m| m.code);
        let mut by_postal: HashMap<String, Vec<PostalRow>> = HashMap::new();
        for p in postal {
            by_postal.entry(p.postal_code.clone()).or_default().push(p);
        }
        Self {
            rows,
            municipalities,
            groups,
            by_base,
            longest_base,
            postal: by_postal,
        }
    }

    pub fn municipality(&self, code: u32) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code == code)
    }

    /// The point of a group: the 丁目 asked for, else the plain entry, else the mean of its
    /// 丁目 (町 level). The bool says whether the 町丁目 itself was found.
    pub fn group_point(&self, group: &TownGroup, chome: Option<u32>) -> (LatLon, Option<usize>) {
        if let Some(n) = chome {
            if let Some((_, i)) = group.chome.iter().find(|(c, _)| *c == n) {
                return (self.row_point(*i), Some(*i));
            }
        }
        if let Some(i) = group.plain {
            return (self.row_point(i), Some(i));
        }
        let n = group.chome.len().max(1) as f64;
        let (lat, lon) = group.chome.iter().fold((0.0, 0.0), |(a, o), (_, i)| {
            (a + self.rows[*i].lat, o + self.rows[*i].lon)
        });
        (
            LatLon::new(lat / n, lon / n).unwrap_or_else(|_| self.row_point(group.chome[0].1)),
            None,
        )
    }

    fn row_point(&self, i: usize) -> LatLon {
        LatLon::new(self.rows[i].lat, self.rows[i].lon).expect("validated when read")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chome_split() {
        assert_eq!(split_chome("梅田一丁目"), ("梅田", Some(1)));
        assert_eq!(split_chome("天神橋七丁目"), ("天神橋", Some(7)));
        assert_eq!(split_chome("十二軒町"), ("十二軒町", None));
        assert_eq!(split_chome("南十条西十一丁目"), ("南十条西", Some(11)));
        assert_eq!(split_chome("大深町"), ("大深町", None));
    }
}
