//! Search: raw parameters are validated once into a [`SearchQuery`], then [`search`] runs
//! it against a [`SearchIndex`](crate::index::SearchIndex). The CLI and the HTTP API both
//! call exactly this.

mod execute;
mod explain;
mod query;
mod result;

pub use execute::{search, SearchError};
pub use explain::format_distance;
pub use query::{
    QueryError, SearchParams, SearchQuery, Sort, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET,
    MAX_RADIUS_KM,
};
pub use result::{FacetCount, Facets, Hit, SearchResult};
