//! The planners' view, computed from the same index: supply per ward and area
//! ([`supply`]), the prefecture's rule checked ([`rules`]), the town coverage stored at
//! build time ([`crate::index::coverage`]) and what changed between two index
//! generations ([`changes`]).

pub mod changes;
pub mod rules;
pub mod supply;

use serde::Serialize;

use crate::index::SearchIndex;

/// A facility named in a report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

impl Named {
    pub fn of(index: &SearchIndex, ord: u32) -> Self {
        let f = index.facility(ord);
        Named {
            id: f.id.0,
            name: f.name,
        }
    }
}
