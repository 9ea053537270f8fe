//! Search: raw parameters are validated once into a [`SearchQuery`], then [`search`] runs
//! it against a [`SearchIndex`](crate::index::SearchIndex). The CLI and the HTTP API both
//! call exactly this.

mod correct;
mod error;
mod execute;
mod explain;
mod query;
mod request;
mod result;
pub mod scene;

pub use correct::{Corrected, Correction};
pub use error::{Problem, QueryError};
pub use execute::{search, search_all, search_json, AllHits, SearchError};
pub use explain::{format_distance, scene_reason};
pub use query::{
    AddressUse, SearchParams, SearchQuery, Sort, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET,
};
pub use request::{geocode_error, nearby, NearbyError, QueryPoint, Resolved};
pub use result::{FacetCount, Facets, Hit, SearchResult, View};
