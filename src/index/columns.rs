//! Per-facility filter columns and posting lists, built when an index is opened. Filters
//! are checked against the compact columns; the shortest posting list of a query drives
//! iteration so rare filters (小児 + 人工呼吸器) touch only the few facilities that have them.

use std::collections::HashMap;

use crate::model::{Accepting, Capability, Facility, Kind, WardCode};
use crate::text::kana_sort_key;

pub struct Columns {
    /// Bit `k` set when the facility has `Kind` number `k`.
    pub kind_bits: Vec<u8>,
    /// Bit `c` set when the facility has `Capability` number `c`.
    pub cap_bits: Vec<u32>,
    pub wheelchair: Vec<Option<bool>>,
    pub pediatric: Vec<Option<bool>>,
    pub accepting: Vec<Accepting>,
    pub ward: Vec<Option<WardCode>>,
    /// Home-visit reach in metres; `None` when the facility does not visit homes.
    pub reach_m: Vec<Option<f64>>,
    pub max_reach_m: f64,
    /// Locations, packed for the distance checks of the hot loop.
    pub location: Vec<crate::model::LatLon>,
    /// Position in 五十音 order of the name reading (name when no reading).
    pub name_rank: Vec<u32>,
    pub by_kind: Vec<Vec<u32>>,
    pub by_cap: Vec<Vec<u32>>,
    pub by_ward: HashMap<WardCode, Vec<u32>>,
    pub pediatric_list: Vec<u32>,
    pub wheelchair_list: Vec<u32>,
}

impl Columns {
    pub fn new(facilities: &[Facility]) -> Self {
        let n = facilities.len();
        let mut c = Columns {
            kind_bits: Vec::with_capacity(n),
            cap_bits: Vec::with_capacity(n),
            wheelchair: Vec::with_capacity(n),
            pediatric: Vec::with_capacity(n),
            accepting: Vec::with_capacity(n),
            ward: Vec::with_capacity(n),
            reach_m: Vec::with_capacity(n),
            max_reach_m: 0.0,
            location: facilities.iter().map(|f| f.location).collect(),
            name_rank: vec![0; n],
            by_kind: vec![Vec::new(); Kind::ALL.len()],
            by_cap: vec![Vec::new(); Capability::all().count()],
            by_ward: HashMap::new(),
            pediatric_list: Vec::new(),
            wheelchair_list: Vec::new(),
        };
        for (i, f) in facilities.iter().enumerate() {
            let ord = i as u32;
            let mut kb = 0u8;
            for k in &f.kinds {
                kb |= 1 << (*k as u8);
                c.by_kind[*k as usize].push(ord);
            }
            let mut cb = 0u32;
            for cap in &f.capabilities {
                cb |= cap.bit();
                c.by_cap[*cap as usize].push(ord);
            }
            c.kind_bits.push(kb);
            c.cap_bits.push(cb);
            c.wheelchair.push(f.wheelchair);
            c.pediatric.push(f.pediatric);
            if f.pediatric == Some(true) {
                c.pediatric_list.push(ord);
            }
            if f.wheelchair == Some(true) {
                c.wheelchair_list.push(ord);
            }
            c.accepting.push(f.accepting_new);
            c.ward.push(f.ward_code);
            if let Some(w) = f.ward_code {
                c.by_ward.entry(w).or_default().push(ord);
            }
            let reach = f.reach().map(|r| r.radius_km * 1000.0);
            if let Some(r) = reach {
                c.max_reach_m = c.max_reach_m.max(r);
            }
            c.reach_m.push(reach);
        }
        let mut order: Vec<(String, u32)> = facilities
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let reading = if f.name_kana.is_empty() {
                    &f.name
                } else {
                    &f.name_kana
                };
                (kana_sort_key(reading), i as u32)
            })
            .collect();
        order.sort();
        for (rank, (_, ord)) in order.into_iter().enumerate() {
            c.name_rank[ord as usize] = rank as u32;
        }
        c
    }
}
