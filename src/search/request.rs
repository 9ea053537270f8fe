//! A search as the CLI and the API make it: parameters (with an optional written address)
//! and an index in, the validated query and the point it searches around out. Every rule
//! about points lives here: an address is geocoded by the index's geocoder and becomes
//! the near or covers point; it cannot be given with near or covers; `nearby` searches
//! around a facility and leaves the facility itself out.

use serde::Serialize;

use super::error::{Problem, QueryError};
use super::query::AddressUse;
use super::{search, SearchError, SearchParams, SearchQuery, SearchResult};
use crate::geocode::{GeocodeError, Geocoded};
use crate::index::SearchIndex;
use crate::model::LatLon;

/// The point a search is around, and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueryPoint {
    pub lat: f64,
    pub lon: f64,
    /// `near`, `covers` or `address`.
    pub source: &'static str,
    /// How the address was placed, for `address`.
    pub geocoded: Option<Geocoded>,
}

impl QueryPoint {
    fn at(p: LatLon, source: &'static str) -> Self {
        Self {
            lat: p.lat,
            lon: p.lon,
            source,
            geocoded: None,
        }
    }
}

/// A query ready to run, and its point.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub query: SearchQuery,
    pub point: Option<QueryPoint>,
}

impl SearchQuery {
    /// Parses `p` against `index`: its regions name the places, its geocoder places the
    /// address.
    pub fn resolve(p: &SearchParams, index: &SearchIndex) -> Result<Resolved, QueryError> {
        let Some(address) = &p.address else {
            if let Some(u) = &p.address_use {
                return Err(QueryError::new(
                    "address_use",
                    u,
                    Problem::Requires { other: "address" },
                    "address_use needs an address",
                ));
            }
            let query = SearchQuery::parse(p, &index.regions)?;
            let point = query
                .covers
                .map(|c| QueryPoint::at(c, "covers"))
                .or(query.near.map(|n| QueryPoint::at(n, "near")));
            return Ok(Resolved { query, point });
        };
        for (other, given) in [("near", &p.near), ("covers", &p.covers)] {
            if given.is_some() {
                return Err(QueryError::new(
                    "address",
                    address,
                    Problem::Conflict { with: other },
                    format!("give either address or {other}, not both"),
                ));
            }
        }
        let use_as = p
            .address_use
            .as_deref()
            .map(AddressUse::parse)
            .transpose()?
            .unwrap_or(AddressUse::Near);
        let g = index
            .geocoder
            .geocode(address)
            .map_err(|e| geocode_error("address", address, &e))?;
        let without = SearchParams {
            address: None,
            address_use: None,
            ..p.clone()
        };
        let query = SearchQuery::parse_at(&without, &index.regions, Some((use_as, g.point())))?;
        let point = QueryPoint {
            lat: g.lat,
            lon: g.lon,
            source: "address",
            geocoded: Some(g),
        };
        Ok(Resolved {
            query,
            point: Some(point),
        })
    }
}

/// A geocoder refusal as the error of the parameter that carried the address.
pub fn geocode_error(parameter: &'static str, value: &str, e: &GeocodeError) -> QueryError {
    let problem = match e {
        GeocodeError::Empty => Problem::Invalid {
            expected: "住所または郵便番号",
        },
        GeocodeError::Ambiguous(wards) => Problem::Ambiguous {
            candidates: wards.split(", ").map(str::to_string).collect(),
        },
        GeocodeError::NotFound(_) | GeocodeError::UnknownPostalCode(_) => Problem::AddressNotFound,
    };
    QueryError::new(parameter, value, problem, e.to_string())
}

/// Why a nearby search failed.
#[derive(Debug, thiserror::Error)]
pub enum NearbyError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Facilities around facility `ord` (discharge partners around a hospital), nearest first,
/// the facility itself left out. `near`, `covers` and `address` cannot be given: the
/// facility's own place is the point.
pub fn nearby(
    index: &SearchIndex,
    ord: u32,
    p: &SearchParams,
) -> Result<(SearchResult, QueryPoint), NearbyError> {
    for (name, given) in [
        ("near", &p.near),
        ("covers", &p.covers),
        ("address", &p.address),
    ] {
        if let Some(v) = given {
            return Err(QueryError::new(
                name,
                v,
                Problem::Conflict { with: "nearby" },
                format!("{name} cannot be given to nearby (the facility is the point)"),
            )
            .into());
        }
    }
    let at = index.columns.location[ord as usize];
    let q = SearchQuery::parse_at(p, &index.regions, Some((AddressUse::Near, at)))?;
    // One more than asked, then the facility itself is dropped.
    let mut wider = q.clone();
    wider.limit = q.limit + 1;
    let mut result = search(index, &wider)?;
    let before = result.hits.len();
    result.hits.retain(|h| h.ord != ord);
    if result.hits.len() < before {
        result.total -= 1;
    }
    result.hits.truncate(q.limit);
    result.limit = q.limit;
    Ok((result, QueryPoint::at(at, "near")))
}
