//! Query parameters as they arrive (strings from a command line or a URL) and their
//! validated form. Every error names the parameter, the value and what would be valid.

use std::collections::BTreeSet;

use super::error::{Problem, QueryError};
use crate::model::{
    Accepting, Capability, Kind, LatLon, Place, PlaceError, RadiusError, RadiusKm, Regions,
    WardCode,
};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 500;
pub const MAX_OFFSET: usize = 10_000;

/// Unvalidated parameters, named as in the CLI flags and the HTTP query string.
#[derive(Clone, Debug, Default)]
pub struct SearchParams {
    pub text: Option<String>,
    pub kind: Vec<String>,
    pub cap: Vec<String>,
    pub wheelchair: Option<String>,
    pub pediatric: Option<String>,
    pub accepting_new: Option<String>,
    pub ward: Vec<String>,
    pub area: Vec<String>,
    pub near: Option<String>,
    pub radius_km: Option<String>,
    pub covers: Option<String>,
    pub bbox: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    /// `false`: leave facets out (cheaper).
    pub facets: Option<String>,
    /// `false`: do not count every match; `total` is then a lower bound (see
    /// `SearchResult::total_is_lower_bound`) and nearest-first search can stop early.
    pub total: Option<String>,
    /// A written address or postal code, placed by the index's geocoder and used as
    /// `address_use` says (`near`, the default, or `covers`).
    pub address: Option<String>,
    pub address_use: Option<String>,
    /// A care scene (`emergency`, 急変時の対応 …; `data/scenes.csv`): what it asks of
    /// each kind.
    pub scene: Option<String>,
    /// `list`: hits carry what a result list shows; `full` (the default): whole records.
    pub view: Option<String>,
    /// `false`: search the words as typed (no typo tolerance).
    pub typo: Option<String>,
}

/// What a geocoded `address` stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressUse {
    /// Facilities near the address.
    Near,
    /// Facilities that can visit the address (a patient's home).
    Covers,
}

impl AddressUse {
    pub fn parse(v: &str) -> Result<Self, QueryError> {
        match v.trim() {
            "" | "near" => Ok(Self::Near),
            "covers" => Ok(Self::Covers),
            other => Err(err(
                "address_use",
                other,
                Problem::Unknown {
                    valid: vec!["near".into(), "covers".into()],
                },
                "use near or covers",
            )),
        }
    }
}

fn err(
    parameter: &'static str,
    value: &str,
    problem: Problem,
    detail: impl Into<String>,
) -> QueryError {
    QueryError::new(parameter, value, problem, detail)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Distance,
    Relevance,
    Name,
}

impl Sort {
    pub fn code(self) -> &'static str {
        match self {
            Sort::Distance => "distance",
            Sort::Relevance => "relevance",
            Sort::Name => "name",
        }
    }
}

/// A west/south/east/north box in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min: LatLon,
    pub max: LatLon,
}

impl BBox {
    pub fn contains(&self, p: LatLon) -> bool {
        (self.min.lat..=self.max.lat).contains(&p.lat)
            && (self.min.lon..=self.max.lon).contains(&p.lon)
    }
}

/// A validated query. Build it with [`SearchQuery::parse`] or field by field in code.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    pub text: Option<String>,
    /// Any of these kinds (empty = any kind).
    pub kinds: Vec<Kind>,
    /// Every group must hold; a group holds when the facility has any capability in it.
    pub capabilities: Vec<Vec<Capability>>,
    pub wheelchair: Option<bool>,
    pub pediatric: Option<bool>,
    pub accepting_new: Option<Accepting>,
    /// A care scene: only the kinds it names, each with what it asks.
    pub scene: Option<&'static super::scene::Scene>,
    /// The day statuses are judged on (a 新規受入 past its end reads unknown).
    pub today: crate::model::Day,
    /// Any of these municipalities/wards (from `ward` and `area`); empty = anywhere.
    pub places: BTreeSet<WardCode>,
    pub near: Option<LatLon>,
    pub radius_m: Option<f64>,
    pub covers: Option<LatLon>,
    pub bbox: Option<BBox>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    pub facets: bool,
    pub total: bool,
    pub view: super::View,
    /// When the text finds nothing, words that match nothing are corrected by one edit.
    pub typo: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: None,
            kinds: vec![],
            capabilities: vec![],
            wheelchair: None,
            pediatric: None,
            accepting_new: None,
            scene: None,
            today: crate::model::Day::today(),
            places: BTreeSet::new(),
            near: None,
            radius_m: None,
            covers: None,
            bbox: None,
            sort: Sort::Name,
            limit: DEFAULT_LIMIT,
            offset: 0,
            facets: true,
            total: true,
            view: super::View::Full,
            typo: true,
        }
    }
}

fn parse_flag(parameter: &'static str, v: &str) -> Result<bool, QueryError> {
    match v.trim() {
        "" | "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(err(
            parameter,
            v,
            Problem::Invalid {
                expected: "true または false",
            },
            format!("'{v}' is not true or false"),
        )),
    }
}

fn parse_point(parameter: &'static str, v: &str) -> Result<LatLon, QueryError> {
    LatLon::parse(v).map_err(|e| QueryError::point(parameter, v, &e))
}

fn parse_count(parameter: &'static str, v: &str, max: usize) -> Result<usize, QueryError> {
    let n: usize = v.trim().parse().map_err(|_| {
        err(
            parameter,
            v,
            Problem::Invalid {
                expected: "0 以上の整数",
            },
            format!("'{v}' is not a whole number"),
        )
    })?;
    if n > max {
        return Err(err(
            parameter,
            v,
            Problem::OutOfRange {
                range: format!("0 以上 {max} 以下"),
            },
            format!("{n} is above the maximum of {max}"),
        ));
    }
    Ok(n)
}

/// Places named by `ward` (a ward or 市町村; a city with wards stands for all of them) or
/// `area` (the same, or a 二次医療圏 / 基本保健医療圏), as the leaves of the dataset's
/// regions they cover.
fn resolve_place(
    parameter: &'static str,
    v: &str,
    regions: &Regions,
) -> Result<Vec<WardCode>, QueryError> {
    let place = match regions.place(v) {
        Ok(Place::Area(_)) if parameter == "ward" => Err(err(
            parameter,
            v,
            Problem::Unknown {
                valid: vec!["区または市町村（医療圏は area で指定）".into()],
            },
            format!("'{v}' is an area, not a ward or 市町村; use the area parameter"),
        )),
        Ok(p) => Ok(p),
        Err(PlaceError::Ambiguous(names)) => Err(err(
            parameter,
            v,
            Problem::Ambiguous {
                candidates: names.clone(),
            },
            format!("'{v}' fits {}; add the city", names.join(", ")),
        )),
        Err(PlaceError::Unknown) => {
            let mut valid: Vec<String> = regions
                .areas()
                .iter()
                .map(|a| format!("{} ({})", a.full_name(), a.code))
                .collect();
            valid.extend(
                regions
                    .all()
                    .iter()
                    .map(|r| format!("{} ({})", regions.full_name(r.code), r.code)),
            );
            let what = if parameter == "ward" {
                "ward or 市町村"
            } else {
                "area"
            };
            let detail = format!("unknown {what} '{v}'; valid places: {}", valid.join(", "));
            Err(err(parameter, v, Problem::Unknown { valid }, detail))
        }
    }?;
    Ok(regions.leaves_of_place(&place))
}

impl SearchQuery {
    /// Parses and checks a query; places are names of `regions` (the index's). An
    /// `address` needs the geocoder: see [`SearchQuery::resolve`].
    pub fn parse(p: &SearchParams, regions: &Regions) -> Result<Self, QueryError> {
        if let Some(a) = &p.address {
            return Err(err(
                "address",
                a,
                Problem::Invalid {
                    expected: "近い地点（near）か訪問先（covers）",
                },
                "an address needs the index's geocoder (SearchQuery::resolve)",
            ));
        }
        Self::parse_at(p, regions, None)
    }

    /// Parses a query whose `address`, if any, is already placed at `address`.
    pub(super) fn parse_at(
        p: &SearchParams,
        regions: &Regions,
        address: Option<(AddressUse, LatLon)>,
    ) -> Result<Self, QueryError> {
        let mut q = SearchQuery {
            text: p
                .text
                .as_ref()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            ..SearchQuery::default()
        };
        if let Some(t) = &q.text {
            if t.chars().count() > 200 {
                return Err(err(
                    "text",
                    t,
                    Problem::TooLong { max: 200 },
                    "text is longer than 200 characters",
                ));
            }
            // `?`, an emoji or a zero-width space would otherwise match every facility.
            if !crate::text::normalize(t).chars().any(char::is_alphanumeric) {
                return Err(err(
                    "text",
                    t,
                    Problem::Invalid {
                        expected: "文字・かな・漢字・数字を含む語",
                    },
                    "text has no letter, kana, kanji or digit to search for",
                ));
            }
        }
        for k in p
            .kind
            .iter()
            .flat_map(|k| k.split(','))
            .filter(|k| !k.trim().is_empty())
        {
            let kind = Kind::parse(k).map_err(|e| QueryError::vocabulary("kind", k, &e))?;
            if !q.kinds.contains(&kind) {
                q.kinds.push(kind);
            }
        }
        for c in p
            .cap
            .iter()
            .flat_map(|c| c.split(','))
            .filter(|c| !c.trim().is_empty())
        {
            q.capabilities.push(
                Capability::parse_filter(c).map_err(|e| QueryError::vocabulary("cap", c, &e))?,
            );
        }
        q.wheelchair = p
            .wheelchair
            .as_deref()
            .map(|v| parse_flag("wheelchair", v))
            .transpose()?;
        q.pediatric = p
            .pediatric
            .as_deref()
            .map(|v| parse_flag("pediatric", v))
            .transpose()?;
        q.accepting_new = p
            .accepting_new
            .as_deref()
            .map(|v| match v.trim() {
                "" | "true" => Ok(Accepting::Yes),
                "false" => Ok(Accepting::No),
                other => Accepting::parse(other).ok_or_else(|| {
                    err(
                        "accepting_new",
                        v,
                        Problem::Unknown {
                            valid: vec!["yes".into(), "no".into(), "unknown".into()],
                        },
                        "use yes, no or unknown",
                    )
                }),
            })
            .transpose()?;
        if let Some(v) = p.scene.as_deref().filter(|v| !v.trim().is_empty()) {
            q.scene = Some(super::scene::find(v).ok_or_else(|| {
                let valid: Vec<String> = super::scene::scenes()
                    .iter()
                    .map(|s| format!("{} ({})", s.label, s.code))
                    .collect();
                let detail = format!("unknown scene '{v}'; valid scenes: {}", valid.join(", "));
                err("scene", v, Problem::Unknown { valid }, detail)
            })?);
        }
        if let Some(v) = &p.facets {
            q.facets = parse_flag("facets", v)?;
        }
        if let Some(v) = &p.total {
            q.total = parse_flag("total", v)?;
        }
        if let Some(v) = &p.typo {
            q.typo = parse_flag("typo", v)?;
        }
        for (parameter, values) in [("ward", &p.ward), ("area", &p.area)] {
            for v in values
                .iter()
                .flat_map(|v| v.split(','))
                .filter(|v| !v.trim().is_empty())
            {
                q.places.extend(resolve_place(parameter, v, regions)?);
            }
        }
        q.near = p
            .near
            .as_deref()
            .map(|v| parse_point("near", v))
            .transpose()?;
        q.covers = p
            .covers
            .as_deref()
            .map(|v| parse_point("covers", v))
            .transpose()?;
        if q.near.is_some() && q.covers.is_some() {
            return Err(err(
                "covers",
                p.covers.as_deref().unwrap_or(""),
                Problem::Conflict { with: "near" },
                "give either near or covers, not both",
            ));
        }
        // A geocoded address is the near or covers point.
        if let Some((use_as, at)) = address {
            match use_as {
                AddressUse::Near => q.near = Some(at),
                AddressUse::Covers => q.covers = Some(at),
            }
        }
        if let Some(v) = &p.radius_km {
            let r = RadiusKm::parse(v).map_err(|e| match e {
                RadiusError::NotANumber(_) => err(
                    "radius_km",
                    v,
                    Problem::Invalid {
                        expected: "数値（km）",
                    },
                    e.to_string(),
                ),
                RadiusError::OutOfRange(_) => err(
                    "radius_km",
                    v,
                    Problem::OutOfRange {
                        range: format!("0 より大きく {} 以下（km）", RadiusKm::MAX),
                    },
                    e.to_string(),
                ),
            })?;
            if q.near.is_none() {
                return Err(err(
                    "radius_km",
                    v,
                    Problem::Requires { other: "near" },
                    "radius_km needs a near point",
                ));
            }
            q.radius_m = Some(r.metres());
        }
        if let Some(v) = &p.bbox {
            let nums: Vec<f64> = v
                .split(',')
                .map(LatLon::parse_number)
                .collect::<Result<_, _>>()
                .map_err(|e| QueryError::point("bbox", v, &e))?;
            let [w, s, e, n] = nums[..] else {
                return Err(err(
                    "bbox",
                    v,
                    Problem::Invalid {
                        expected: "「西,南,東,北」の4つの数値",
                    },
                    "expected west,south,east,north (4 numbers)",
                ));
            };
            let min = LatLon::new(s, w).map_err(|e| QueryError::point("bbox", v, &e))?;
            let max = LatLon::new(n, e).map_err(|e| QueryError::point("bbox", v, &e))?;
            if min.lat > max.lat || min.lon > max.lon {
                return Err(err(
                    "bbox",
                    v,
                    Problem::Invalid {
                        expected: "西 ≤ 東、南 ≤ 北 となる「西,南,東,北」",
                    },
                    "west must not exceed east, nor south exceed north",
                ));
            }
            q.bbox = Some(BBox { min, max });
        }
        let point = q.near.or(q.covers);
        q.sort = match p.sort.as_deref().map(str::trim) {
            None | Some("") => {
                // A point means "around this home": nearest first, even with text.
                if point.is_some() {
                    Sort::Distance
                } else if q.text.is_some() {
                    Sort::Relevance
                } else {
                    Sort::Name
                }
            }
            Some("distance") if point.is_some() => Sort::Distance,
            Some("distance") => {
                return Err(err(
                    "sort",
                    "distance",
                    Problem::Requires { other: "near" },
                    "sorting by distance needs near or covers",
                ))
            }
            Some("relevance") => Sort::Relevance,
            Some("name") => Sort::Name,
            Some(other) => {
                return Err(err(
                    "sort",
                    other,
                    Problem::Unknown {
                        valid: vec!["distance".into(), "relevance".into(), "name".into()],
                    },
                    "use distance, relevance or name",
                ))
            }
        };
        if let Some(v) = &p.limit {
            q.limit = parse_count("limit", v, MAX_LIMIT)?;
        }
        if let Some(v) = &p.offset {
            q.offset = parse_count("offset", v, MAX_OFFSET)?;
        }
        if let Some(v) = &p.view {
            q.view = super::View::parse(v).ok_or_else(|| {
                err(
                    "view",
                    v,
                    Problem::Unknown {
                        valid: super::View::CODES.iter().map(|c| c.to_string()).collect(),
                    },
                    "use list or full",
                )
            })?;
        }
        Ok(q)
    }

    /// The point distances are measured from: the patient's home (`covers`) or `near`.
    pub fn origin(&self) -> Option<LatLon> {
        self.covers.or(self.near)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SearchParams {
        SearchParams::default()
    }

    #[test]
    fn parses_a_full_query() {
        let p = SearchParams {
            text: Some(" 訪問看護 ".into()),
            kind: vec!["訪問看護".into(), "clinic".into()],
            cap: vec!["24h,強化型".into()],
            pediatric: Some("".into()),
            ward: vec!["東淀川区".into()],
            area: vec!["南部".into()],
            near: Some("34.74,135.53".into()),
            radius_km: Some("3".into()),
            limit: Some("10".into()),
            ..params()
        };
        let q = SearchQuery::parse(&p, &crate::geo::regions::osaka()).unwrap();
        assert_eq!(q.text.as_deref(), Some("訪問看護"));
        assert_eq!(q.kinds, vec![Kind::VisitingNursing, Kind::Clinic]);
        assert_eq!(q.capabilities.len(), 2);
        assert_eq!(q.capabilities[1].len(), 2);
        assert_eq!(q.pediatric, Some(true));
        assert_eq!(q.places.len(), 1 + 6);
        assert_eq!(q.radius_m, Some(3000.0));
        assert_eq!(q.sort, Sort::Distance);
        assert_eq!(q.limit, 10);
    }

    #[test]
    fn every_error_names_its_parameter() {
        let cases: Vec<(SearchParams, &str)> = vec![
            (
                SearchParams {
                    near: Some("135.5,34.7".into()),
                    ..params()
                },
                "near",
            ),
            (
                SearchParams {
                    covers: Some("abc".into()),
                    ..params()
                },
                "covers",
            ),
            (
                SearchParams {
                    near: Some("34.7,135.5".into()),
                    radius_km: Some("51".into()),
                    ..params()
                },
                "radius_km",
            ),
            (
                SearchParams {
                    near: Some("34.7,135.5".into()),
                    radius_km: Some("-1".into()),
                    ..params()
                },
                "radius_km",
            ),
            (
                SearchParams {
                    radius_km: Some("3".into()),
                    ..params()
                },
                "radius_km",
            ),
            (
                SearchParams {
                    kind: vec!["温泉".into()],
                    ..params()
                },
                "kind",
            ),
            (
                SearchParams {
                    cap: vec!["空".into()],
                    ..params()
                },
                "cap",
            ),
            (
                SearchParams {
                    ward: vec!["京都市".into()],
                    ..params()
                },
                "ward",
            ),
            (
                SearchParams {
                    area: vec!["九州".into()],
                    ..params()
                },
                "area",
            ),
            (
                SearchParams {
                    limit: Some("501".into()),
                    ..params()
                },
                "limit",
            ),
            (
                SearchParams {
                    limit: Some("ten".into()),
                    ..params()
                },
                "limit",
            ),
            (
                SearchParams {
                    offset: Some("-5".into()),
                    ..params()
                },
                "offset",
            ),
            (
                SearchParams {
                    sort: Some("random".into()),
                    ..params()
                },
                "sort",
            ),
            (
                SearchParams {
                    sort: Some("distance".into()),
                    ..params()
                },
                "sort",
            ),
            (
                SearchParams {
                    bbox: Some("135.6,34.6,135.4,34.7".into()),
                    ..params()
                },
                "bbox",
            ),
            (
                SearchParams {
                    bbox: Some("1,2,3".into()),
                    ..params()
                },
                "bbox",
            ),
            (
                SearchParams {
                    wheelchair: Some("maybe".into()),
                    ..params()
                },
                "wheelchair",
            ),
            (
                SearchParams {
                    accepting_new: Some("perhaps".into()),
                    ..params()
                },
                "accepting_new",
            ),
            (
                SearchParams {
                    near: Some("34.7,135.5".into()),
                    covers: Some("34.7,135.5".into()),
                    ..params()
                },
                "covers",
            ),
            (
                SearchParams {
                    text: Some("あ".repeat(201)),
                    ..params()
                },
                "text",
            ),
        ];
        for (p, parameter) in cases {
            let e = SearchQuery::parse(&p, &crate::geo::regions::osaka()).unwrap_err();
            assert_eq!(e.parameter, parameter, "{e}");
            assert!(e.message().contains(&format!("「{parameter}」")), "{e}");
            assert!(
                e.to_string()
                    .contains(&format!("(parameter '{parameter}': ")),
                "{e}"
            );
        }
    }

    #[test]
    fn default_sort_follows_the_question() {
        let q = SearchQuery::parse(
            &SearchParams {
                covers: Some("34.7,135.5".into()),
                ..params()
            },
            &crate::geo::regions::osaka(),
        )
        .unwrap();
        assert_eq!(q.sort, Sort::Distance);
        assert_eq!(
            SearchQuery::parse(&params(), &crate::geo::regions::osaka())
                .unwrap()
                .sort,
            Sort::Name
        );
    }
}
