//! The offline address geocoder: a written Japanese address or a postal code → a point at
//! 町丁目, 町 or ward level, matched against a local reference table (geolonia
//! `latest.csv` + Japan Post codes). Nothing is fetched, and nothing is logged: the
//! addresses people search for are patients' homes.
//!
//! Why not the `japanese-address-parser` crate: it downloads geolonia's data over HTTP
//! at run time (reqwest) and cannot be pointed at a local table, so it cannot run here or
//! in a closed municipal network.

mod address;
mod numerals;
pub mod quality;
mod towns;

pub use address::{fold, house_number, prepare};
pub use numerals::{kanji_number, leading_number};
pub use towns::{
    read_postal_codes, read_towns, split_chome, town_key, write_towns, PostalRow, TownIndex,
    TownRow,
};

use serde::{Deserialize, Serialize};

use crate::model::{LatLon, Regions, WardCode};

/// How precisely an address was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The 町丁目 itself (梅田一丁目, or a town without 丁目 such as 大深町).
    Chome,
    /// The town, without its 丁目 (the mean of its 丁目 points).
    Town,
    /// Only the ward (or city) is known.
    Ward,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Self::Chome => "町丁目",
            Self::Town => "町",
            Self::Ward => "区",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Geocoded {
    pub lat: f64,
    pub lon: f64,
    pub level: Level,
    pub level_label: &'static str,
    /// JIS code of the municipality (ward) the address resolved to.
    pub ward_code: Option<WardCode>,
    pub ward_name: String,
    /// Prefecture + municipality + 町丁目 as in the reference table + house number.
    pub normalized: String,
    pub postal_code: Option<String>,
    /// The municipality the address text itself names, when it names one (it may differ
    /// from `ward_code` when the written ward is wrong).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_ward_code: Option<WardCode>,
}

impl Geocoded {
    pub fn point(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GeocodeError {
    #[error("the address is empty")]
    Empty,
    #[error("address not found: {0}")]
    NotFound(String),
    #[error("address is ambiguous: the town exists in {0}; add the ward or the postal code")]
    Ambiguous(String),
    #[error("postal code {0} is not in the reference table")]
    UnknownPostalCode(String),
}

/// What the geocoder keeps in an index (`geocoder.json`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GeocoderData {
    pub prefecture: String,
    pub towns: Vec<TownRow>,
    pub postal: Vec<PostalRow>,
}

pub struct Geocoder {
    prefecture: String,
    towns: TownIndex,
}

struct MuniMatch<'a> {
    candidates: Vec<u32>,
    rest: &'a str,
    stated: Option<u32>,
    /// The text named a ward but no city (大阪府北区…): another city may have that ward.
    ward_without_city: bool,
}

impl Geocoder {
    /// `regions` names the places when there is no reference table (the demo index): ward
    /// names then still resolve, to the ward's representative point.
    pub fn new(data: GeocoderData, regions: &Regions) -> Self {
        let mut towns = TownIndex::new(data.towns, data.postal);
        if towns.rows.is_empty() {
            towns.municipalities = regions
                .leaves()
                .filter_map(|r| {
                    let city = r
                        .parent
                        .and_then(|p| regions.get(p))
                        .map(|c| c.name.as_str());
                    let name = regions.full_name(r.code);
                    Some(towns::Municipality {
                        code: r.code.0,
                        full: fold(&name),
                        without_county: (!r.county.is_empty()).then(|| fold(&r.name)),
                        city: fold(city.unwrap_or(&name)),
                        ward: if city.is_some() {
                            fold(&r.name)
                        } else {
                            String::new()
                        },
                        name,
                        center: r.point?,
                    })
                })
                .collect();
        }
        Self {
            prefecture: if data.prefecture.is_empty() {
                "大阪府".into()
            } else {
                data.prefecture
            },
            towns,
        }
    }

    /// The town (its lookup key, without 丁目 or 大字) whose point is nearest to `p` among
    /// the towns of municipality `code`: the town a home is in, as near as the table says.
    pub fn town_at(&self, p: LatLon, code: u32) -> Option<String> {
        self.towns
            .rows
            .iter()
            .filter(|r| r.code == code)
            .map(|r| {
                (
                    r,
                    crate::geo::haversine_m(
                        p,
                        LatLon {
                            lat: r.lat,
                            lon: r.lon,
                        },
                    ),
                )
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, _)| towns::town_key(split_chome(&r.name).0))
    }

    /// Whether municipality `code` has a town of this name (written with or without 大字,
    /// without 丁目).
    pub fn has_town(&self, code: u32, name: &str) -> bool {
        let key = towns::town_key(split_chome(name).0);
        self.towns.groups.contains_key(&(code, key))
    }

    /// Number of 町丁目 in the reference table (0 for the demo index).
    /// The reference table's 町丁目, in table order.
    pub fn towns(&self) -> &[TownRow] {
        &self.towns.rows
    }

    pub fn town_count(&self) -> usize {
        self.towns.rows.len()
    }

    pub fn geocode(&self, input: &str) -> Result<Geocoded, GeocodeError> {
        let prepared = prepare(input);
        let postal = prepared.postal_code.clone();
        if prepared.rest.is_empty() {
            return match postal {
                Some(code) => self.by_postal_code(&code),
                None => Err(GeocodeError::Empty),
            };
        }
        let m = self.municipality(&prepared.rest);
        if let Some(found) = self.town(&m.candidates, m.rest, postal.as_deref())? {
            return Ok(self.finish(found, m.stated, postal));
        }
        // The written ward may be wrong: look for the town in the other wards of its city
        // (a town of another city is a different place that shares a name).
        if let Some(city) = m
            .stated
            .and_then(|c| self.towns.municipality(c))
            .map(|m| &m.city)
        {
            let same_city: Vec<u32> = self
                .towns
                .municipalities
                .iter()
                .filter(|o| &o.city == city)
                .map(|o| o.code)
                .collect();
            if let Some(found) = self.town(&same_city, m.rest, postal.as_deref())? {
                return Ok(self.finish(found, m.stated, postal));
            }
        }
        // The town is not known (a typo, a renamed town): the postal code, when the table
        // has it, is more precise than the ward.
        if let Some(Ok(g)) = postal.as_deref().map(|code| self.by_postal_code(code)) {
            return Ok(g);
        }
        match m.candidates.as_slice() {
            [code] if !m.ward_without_city || self.towns.rows.is_empty() => {
                let muni = self.towns.municipality(*code).expect("candidate exists");
                Ok(self.result(muni, muni.center, Level::Ward, "", "", None, m.stated))
            }
            [code] => Err(GeocodeError::NotFound(format!(
                "no city before the ward, and the town is not in {} (another city may have a ward of that name, e.g. 堺市北区)",
                self.towns.municipality(*code).map_or("", |m| m.name.as_str())
            ))),
            _ if m.ward_without_city => Err(GeocodeError::Ambiguous(self.names(&m.candidates))),
            _ => Err(GeocodeError::NotFound(
                "no known ward or town at the start of the address".into(),
            )),
        }
    }

    /// Finds the municipality the text starts with, tolerating a missing or typo'd city.
    fn municipality<'a>(&self, rest: &'a str) -> MuniMatch<'a> {
        let munis = &self.towns.municipalities;
        let all = || munis.iter().map(|m| m.code).collect::<Vec<_>>();
        // 1. 大阪市北区 written out, or a town without its 郡 (島本町…).
        if let Some((m, len)) = munis
            .iter()
            .flat_map(|m| {
                [Some(&m.full), m.without_county.as_ref()]
                    .into_iter()
                    .flatten()
                    .filter(|name| rest.starts_with(name.as_str()))
                    .map(move |name| (m, name.len()))
            })
            .max_by_key(|(_, len)| *len)
        {
            return MuniMatch {
                candidates: vec![m.code],
                rest: &rest[len..],
                stated: Some(m.code),
                ward_without_city: false,
            };
        }
        // 2. A typo'd city (阪市西淀川区, 大坂市…): a short text ending in 市, then a ward.
        // 3. A ward without its city (旭区…).
        let wards = munis.iter().filter(|m| !m.ward.is_empty());
        let mut best: Option<(usize, &str, bool)> = None;
        for m in wards {
            if let Some(at) = rest.find(&m.ward) {
                let before = &rest[..at];
                let typo_city = before.ends_with('市') && before.chars().count() <= 4;
                if (at == 0 || typo_city) && best.is_none_or(|(_, w, _)| m.ward.len() > w.len()) {
                    best = Some((at, m.ward.as_str(), at == 0));
                }
            }
        }
        if let Some((at, ward, without_city)) = best {
            let candidates: Vec<u32> = munis
                .iter()
                .filter(|m| m.ward == ward)
                .map(|m| m.code)
                .collect();
            let stated = (candidates.len() == 1).then(|| candidates[0]);
            return MuniMatch {
                candidates,
                rest: &rest[at + ward.len()..],
                stated,
                ward_without_city: without_city,
            };
        }
        // 4. The city without a ward (大阪市都島南通…).
        if let Some(m) = munis
            .iter()
            .filter(|m| rest.starts_with(&m.city))
            .max_by_key(|m| m.city.len())
        {
            let city = m.city.clone();
            return MuniMatch {
                candidates: munis
                    .iter()
                    .filter(|m| m.city == city)
                    .map(|m| m.code)
                    .collect(),
                rest: &rest[city.len()..],
                stated: None,
                ward_without_city: false,
            };
        }
        MuniMatch {
            candidates: all(),
            rest,
            stated: None,
            ward_without_city: false,
        }
    }

    /// The longest town name at the start of `rest` within `candidates`.
    fn town<'a>(
        &self,
        candidates: &[u32],
        rest: &'a str,
        postal: Option<&str>,
    ) -> Result<Option<TownFound<'a>>, GeocodeError> {
        let t = &self.towns;
        // Keys have no 大字 (see `towns::town_key`).
        let rest = rest.strip_prefix("大字").unwrap_or(rest);
        let mut ends: Vec<usize> = rest
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .take_while(|&e| e <= t.longest_base)
            .collect();
        ends.reverse();
        for end in ends {
            let key = &rest[..end];
            let Some(codes) = t.by_base.get(key) else {
                continue;
            };
            let mut hits: Vec<u32> = codes
                .iter()
                .copied()
                .filter(|c| candidates.contains(c))
                .collect();
            if hits.is_empty() {
                continue;
            }
            if hits.len() > 1 {
                if let Some(rows) = postal.and_then(|p| t.postal.get(p)) {
                    hits.retain(|c| rows.iter().any(|r| r.code == *c));
                }
            }
            return match hits.as_slice() {
                [code] => Ok(Some(TownFound {
                    code: *code,
                    key: key.to_string(),
                    after: &rest[end..],
                })),
                [] => Ok(None),
                _ => Err(GeocodeError::Ambiguous(self.names(&hits))),
            };
        }
        Ok(None)
    }

    fn finish(
        &self,
        found: TownFound<'_>,
        stated: Option<u32>,
        postal: Option<String>,
    ) -> Geocoded {
        let t = &self.towns;
        let group = &t.groups[&(found.code, found.key.clone())];
        let (chome, after) = chome_after(found.after, !group.chome.is_empty());
        let (point, row) = t.group_point(group, chome);
        let muni = t
            .municipality(found.code)
            .expect("town's municipality exists");
        let (level, town_name) = match row {
            Some(i) => (Level::Chome, t.rows[i].name.as_str()),
            None => (
                Level::Town,
                towns::split_chome(&t.rows[group.chome[0].1].name).0,
            ),
        };
        self.result(
            muni,
            point,
            level,
            town_name,
            &house_number(after),
            postal,
            stated,
        )
    }

    fn by_postal_code(&self, code: &str) -> Result<Geocoded, GeocodeError> {
        let t = &self.towns;
        let rows = t
            .postal
            .get(code)
            .ok_or_else(|| GeocodeError::UnknownPostalCode(code.to_string()))?;
        for r in rows {
            if let Some(group) = t.groups.get(&(r.code, towns::town_key(&r.town))) {
                let (point, row) = t.group_point(group, None);
                let muni = t.municipality(r.code).expect("town's municipality exists");
                let name = row.map_or(r.town.as_str(), |i| t.rows[i].name.as_str());
                let level = if row.is_some() {
                    Level::Chome
                } else {
                    Level::Town
                };
                return Ok(self.result(muni, point, level, name, "", Some(code.into()), None));
            }
        }
        let muni = rows
            .iter()
            .find_map(|r| t.municipality(r.code))
            .ok_or_else(|| GeocodeError::UnknownPostalCode(code.to_string()))?;
        Ok(self.result(
            muni,
            muni.center,
            Level::Ward,
            "",
            "",
            Some(code.into()),
            None,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn result(
        &self,
        muni: &towns::Municipality,
        point: LatLon,
        level: Level,
        town: &str,
        house: &str,
        postal_code: Option<String>,
        stated: Option<u32>,
    ) -> Geocoded {
        Geocoded {
            lat: point.lat,
            lon: point.lon,
            level,
            level_label: level.label(),
            ward_code: Some(WardCode(muni.code)),
            ward_name: muni.name.clone(),
            normalized: format!("{}{}{}{}", self.prefecture, muni.name, town, house),
            postal_code,
            stated_ward_code: stated.map(WardCode),
        }
    }

    fn names(&self, codes: &[u32]) -> String {
        codes
            .iter()
            .filter_map(|c| self.towns.municipality(*c))
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

struct TownFound<'a> {
    code: u32,
    key: String,
    after: &'a str,
}

/// Reads a 丁目 number after the town name: `2丁目`, `二丁目`, or `2-` when the town has
/// 丁目. `5番地` is a block number, not a 丁目. Returns the number and the text after it.
fn chome_after(after: &str, town_has_chome: bool) -> (Option<u32>, &str) {
    let Some((n, used)) = leading_number(after) else {
        return (None, after);
    };
    let next = &after[used..];
    if let Some(r) = next
        .strip_prefix("丁目")
        .or_else(|| next.strip_prefix('丁'))
    {
        return (Some(n), r.trim_start_matches('-'));
    }
    if !town_has_chome || next.starts_with('番') || next.starts_with('号') {
        return (None, after);
    }
    if let Some(r) = next.strip_prefix('-') {
        return (Some(n), r);
    }
    if next.is_empty() {
        return (Some(n), next);
    }
    (None, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: u32, muni: &str, name: &str, lat: f64, lon: f64) -> TownRow {
        TownRow {
            code,
            municipality: muni.into(),
            name: name.into(),
            lat,
            lon,
        }
    }

    /// A fictional-looking but structurally real table: two wards sharing a town name.
    pub(crate) fn geocoder() -> Geocoder {
        Geocoder::new(
            GeocoderData {
                prefecture: "大阪府".into(),
                towns: vec![
                    row(27114, "大阪市東淀川区", "豊新一丁目", 34.7400, 135.5300),
                    row(27114, "大阪市東淀川区", "豊新二丁目", 34.7410, 135.5310),
                    row(27114, "大阪市東淀川区", "豊新三丁目", 34.7420, 135.5320),
                    row(27127, "大阪市北区", "梅田一丁目", 34.7000, 135.4950),
                    row(27127, "大阪市北区", "梅田二丁目", 34.7010, 135.4940),
                    row(27127, "大阪市北区", "大深町", 34.7050, 135.4930),
                    row(27102, "大阪市都島区", "都島南通一丁目", 34.7030, 135.5280),
                    row(27102, "大阪市都島区", "本町一丁目", 34.7100, 135.5300),
                    row(27128, "大阪市中央区", "本町一丁目", 34.6830, 135.5030),
                    row(27106, "大阪市西区", "西本町一丁目", 34.6820, 135.4960),
                    row(27113, "大阪市西淀川区", "佃三丁目", 34.7110, 135.4450),
                ],
                postal: vec![
                    PostalRow {
                        postal_code: "5330001".into(),
                        code: 27114,
                        town: "豊新".into(),
                    },
                    PostalRow {
                        postal_code: "5410053".into(),
                        code: 27128,
                        town: "本町".into(),
                    },
                    PostalRow {
                        postal_code: "5300000".into(),
                        code: 27127,
                        town: "".into(),
                    },
                ],
            },
            &Regions::default(),
        )
    }

    #[test]
    fn written_forms_resolve_to_the_same_chome() {
        let g = geocoder();
        for a in [
            "大阪市東淀川区豊新2丁目5-1",
            "大阪府大阪市東淀川区豊新二丁目５番１号",
            "東淀川区豊新2-5-1 サンハイツ201",
            "大阪府阪市東淀川区豊新２－５－１",
            "〒533-0001 大阪市東淀川区豊新2丁目5番1号",
            "大阪市 東淀川区 豊新 2ー5ー1",
        ] {
            let r = g.geocode(a).unwrap_or_else(|e| panic!("{a}: {e}"));
            assert_eq!(r.level, Level::Chome, "{a}");
            assert_eq!(r.ward_code, Some(WardCode(27114)), "{a}");
            assert_eq!(r.normalized, "大阪府大阪市東淀川区豊新二丁目5-1", "{a}");
            assert_eq!((r.lat, r.lon), (34.7410, 135.5310), "{a}");
        }
    }

    #[test]
    fn missing_ward_is_found_from_the_town() {
        let g = geocoder();
        let r = g
            .geocode("大阪府大阪市都島南通1丁目19番地10号プラネット702号室")
            .unwrap();
        assert_eq!(r.ward_code, Some(WardCode(27102)));
        assert_eq!(r.normalized, "大阪府大阪市都島区都島南通一丁目19-10");
        assert_eq!(r.stated_ward_code, None);
        // 本町 is in two wards: ambiguous without the ward, resolved by a postal code.
        assert!(matches!(
            g.geocode("大阪市本町1-1"),
            Err(GeocodeError::Ambiguous(w)) if w.contains("中央区") && w.contains("都島区")
        ));
        let r = g.geocode("〒541-0053 大阪市本町1-1").unwrap();
        assert_eq!(r.ward_code, Some(WardCode(27128)));
        // 西本町 is not 本町 (longest name wins).
        let r = g.geocode("大阪市西区西本町1-2").unwrap();
        assert_eq!(r.ward_code, Some(WardCode(27106)));
    }

    #[test]
    fn levels_and_fallbacks() {
        let g = geocoder();
        assert_eq!(
            g.geocode("大阪市北区大深町4-20").unwrap().level,
            Level::Chome
        );
        let r = g.geocode("大阪市北区梅田9丁目").unwrap();
        assert_eq!(r.level, Level::Town);
        assert!((r.lat - 34.7005).abs() < 1e-9);
        let r = g.geocode("大阪市北区どこか町1-1").unwrap();
        assert_eq!(r.level, Level::Ward);
        // A wrong ward in the text: the town decides, and the stated ward is kept.
        let r = g.geocode("大阪市北区豊新1-1").unwrap();
        assert_eq!(r.ward_code, Some(WardCode(27114)));
        assert_eq!(r.stated_ward_code, Some(WardCode(27127)));
        // 大阪府旭区-style (no city) works when the town is in the ward …
        assert_eq!(
            g.geocode("大阪府西淀川区佃3-1").unwrap().ward_code,
            Some(WardCode(27113))
        );
        // … but 大阪府北区<town not in 大阪市北区> is 堺市北区, not 大阪市北区.
        let e = g.geocode("大阪府北区百舌鳥梅町1丁").unwrap_err();
        assert!(e.to_string().contains("堺市北区"), "{e}");
        assert!(matches!(g.geocode("  "), Err(GeocodeError::Empty)));
        assert!(matches!(
            g.geocode("東京都千代田区"),
            Err(GeocodeError::NotFound(_))
        ));
    }

    #[test]
    fn postal_codes() {
        let g = geocoder();
        let r = g.geocode("5330001").unwrap();
        assert_eq!(r.level, Level::Town);
        assert_eq!(r.ward_code, Some(WardCode(27114)));
        assert_eq!(r.postal_code.as_deref(), Some("5330001"));
        assert_eq!(g.geocode("〒530-0000").unwrap().level, Level::Ward);
        assert!(matches!(
            g.geocode("〒999-9999"),
            Err(GeocodeError::UnknownPostalCode(c)) if c == "9999999"
        ));
    }

    #[test]
    fn without_a_table_wards_still_resolve() {
        let g = Geocoder::new(GeocoderData::default(), &crate::geo::regions::osaka());
        let r = g.geocode("大阪市東淀川区豊新2-5-1").unwrap();
        assert_eq!(r.level, Level::Ward);
        assert_eq!(r.ward_code, Some(WardCode(27114)));
    }
}
