//! Population per area, for rates per 10,000 older people in the planners' tables: a
//! documented CSV (`data/README.md`) of area code (a ward or 市町村 code, or an area code
//! such as `toyono`), total, 65+ and 75+.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PopulationRow {
    /// A ward or 市町村 code (`27114`) or an area code (`north`, `toyono`).
    pub area: String,
    pub total: u64,
    pub age65: u64,
    pub age75: u64,
}

/// The population table of a dataset, with where it came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Population {
    pub source: String,
    pub rows: Vec<PopulationRow>,
}

impl Population {
    pub fn get(&self, area: &str) -> Option<&PopulationRow> {
        self.rows.iter().find(|r| r.area == area)
    }
}
