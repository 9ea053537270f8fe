//! R-trees over the facilities with one frequent filter value (a kind, a capability, 小児
//! or 車いす可). A nearest-first search with that filter walks the smaller tree and visits
//! only facilities that already pass it: "the 20 nearest with 人工呼吸器" looks at the
//! nearest ventilator facilities, not at every facility on the way to them.

use super::Columns;
use crate::geo::PointIndex;

/// Lists shorter than this are cheap to check whole; no tree is built for them.
const MIN_TREE: usize = 2048;
/// Lists longer than this share of all facilities gain too little over the main tree.
const MAX_SHARE: f64 = 0.5;

#[derive(Default)]
pub struct FilterTrees {
    pub kind: Vec<Option<PointIndex>>,
    pub cap: Vec<Option<PointIndex>>,
    pub pediatric: Option<PointIndex>,
    pub wheelchair: Option<PointIndex>,
}

impl FilterTrees {
    pub fn new(c: &Columns) -> Self {
        let n = c.location.len();
        let tree = |list: &[u32]| {
            (list.len() >= MIN_TREE && (list.len() as f64) <= MAX_SHARE * n as f64)
                .then(|| PointIndex::new(list.iter().map(|ord| (*ord, c.location[*ord as usize]))))
        };
        Self {
            kind: c.by_kind.iter().map(|l| tree(l)).collect(),
            cap: c.by_cap.iter().map(|l| tree(l)).collect(),
            pediatric: tree(&c.pediatric_list),
            wheelchair: tree(&c.wheelchair_list),
        }
    }
}
