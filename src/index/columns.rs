//! Per-facility filter columns and posting lists, built when an index is opened. Filters
//! are checked against the compact columns; the shortest posting list of a query drives
//! iteration so rare filters (小児 + 人工呼吸器) touch only the few facilities that have them.

use std::collections::HashMap;

use crate::model::{Accepting, CapSet, Capability, Facility, Kind, WardCode};
use crate::text::kana_sort_key;

#[derive(Default)]
pub struct Columns {
    /// Bit `k` set when the facility has `Kind` number `k`.
    pub kind_bits: Vec<u8>,
    /// Bit `c` set when the facility has `Capability` number `c`.
    pub cap_bits: Vec<CapSet>,
    pub wheelchair: Vec<Option<bool>>,
    pub pediatric: Vec<Option<bool>>,
    pub accepting: Vec<Accepting>,
    /// The last day `accepting` holds (`None`: no end).
    pub accepting_until: Vec<Option<crate::model::Day>>,
    /// The last day the 後方病床 status holds.
    pub backup_beds_until: Vec<Option<crate::model::Day>>,
    pub ward: Vec<Option<WardCode>>,
    /// Home-visit reach in metres; `None` when the facility does not visit homes.
    pub reach_m: Vec<Option<f64>>,
    pub max_reach_m: f64,
    pub reach_note: Vec<ReachNote>,
    /// `service_wards(ord)` is `service_ward_codes[starts[ord]..starts[ord + 1]]`.
    service_ward_starts: Vec<u32>,
    /// The few facilities that serve towns (`WARD:town`), by ordinal.
    pub service_towns: std::collections::HashMap<u32, Vec<String>>,
    service_ward_codes: Vec<WardCode>,
    /// Locations, packed for the distance checks of the hot loop.
    pub location: Vec<crate::model::LatLon>,
    /// Position in 五十音 order of the name reading (name when no reading), ties by
    /// ordinal: every facility has its own. Shared with the text index, which keeps its
    /// sparse cached words in this order ([`WordMatch::by_name`](super::WordMatch)).
    pub name_rank: std::sync::Arc<[u32]>,
    pub by_kind: Vec<Vec<u32>>,
    pub by_cap: Vec<Vec<u32>>,
    pub by_ward: HashMap<WardCode, Vec<u32>>,
    pub pediatric_list: Vec<u32>,
    pub wheelchair_list: Vec<u32>,
    /// Where each "yes" capability comes from, for explanations (official claims first), so
    /// records need not be decoded: facility `ord`'s are
    /// `sources[source_starts[ord]..source_starts[ord + 1]]` (none for most facilities),
    /// each a capability and the number of its text in `source_texts`. Flat arrays rather
    /// than a list per facility: a page reads them with its other columns
    /// ([`touch`](Self::touch)), one miss each. Each text is kept once: the facilities of
    /// one 届出 list share its name and date.
    source_starts: Vec<u32>,
    sources: Vec<(Capability, u32)>,
    source_texts: Vec<Box<str>>,
}

/// Why a facility's reach is what it is (for explanations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReachNote {
    Declared,
    /// The declared radius was cut to the legal 16 km.
    CappedByLaw,
    /// No radius declared; the kind's default.
    Defaulted,
}

impl Columns {
    /// The covers rule, one place for search and the planners' town coverage: facility
    /// `ord` reaches a home `distance_m` away in ward `home_ward` (and town `home_town`, as
    /// `WARD:town`, needed only when the facility serves towns) when the distance is
    /// within its reach and its declared wards (and towns) hold the home.
    pub fn reaches(
        &self,
        ord: u32,
        distance_m: f64,
        home_ward: Option<WardCode>,
        home_town: Option<&str>,
    ) -> bool {
        let Some(reach) = self.reach_m[ord as usize] else {
            return false;
        };
        if distance_m > reach {
            return false;
        }
        let wards = self.service_wards(ord);
        if wards.is_empty() {
            return true;
        }
        let Some(w) = home_ward else { return false };
        if !wards.contains(&w) {
            return false;
        }
        match self.service_towns.get(&ord) {
            Some(towns) => home_town.is_some_and(|t| towns.iter().any(|x| x == t)),
            None => true,
        }
    }

    /// The 新規受入 status on `today`: after its end it is unknown again (要確認).
    pub fn accepting_on(&self, ord: usize, today: crate::model::Day) -> Accepting {
        match self.accepting_until[ord] {
            Some(end) if end < today => Accepting::Unknown,
            _ => self.accepting[ord],
        }
    }

    /// Reads what a hit and its explanation read of facility `ord`, so that a page's cache
    /// misses overlap instead of each coming when its hit is made (see `Records::touch`).
    pub fn touch(&self, ord: u32) {
        let i = ord as usize;
        std::hint::black_box((
            self.ward[i],
            self.accepting[i],
            self.accepting_until[i],
            self.backup_beds_until[i],
            self.reach_m[i],
            self.reach_note[i],
            self.service_ward_starts[i],
        ));
        // The capabilities' sources, and the start of each text.
        for (cap, text) in self.sources_of(ord) {
            std::hint::black_box((cap, self.source_texts[*text as usize].as_bytes().first()));
        }
    }

    /// Where the facility's capability comes from, when a source says so.
    pub fn provenance(&self, ord: u32, cap: Capability) -> Option<&str> {
        let (_, text) = self.sources_of(ord).iter().find(|(c, _)| *c == cap)?;
        Some(&self.source_texts[*text as usize])
    }

    fn sources_of(&self, ord: u32) -> &[(Capability, u32)] {
        let i = ord as usize;
        match self.source_starts.get(i..i + 2) {
            Some(&[from, to]) => &self.sources[from as usize..to as usize],
            _ => &[],
        }
    }

    /// Declared service wards; empty means "no declared wards".
    pub fn service_wards(&self, ord: u32) -> &[WardCode] {
        let i = ord as usize;
        &self.service_ward_codes
            [self.service_ward_starts[i] as usize..self.service_ward_starts[i + 1] as usize]
    }
}

/// Columns filled one record at a time (records are not kept decoded).
pub struct ColumnsBuilder {
    c: Columns,
    sort_keys: Vec<(String, u32)>,
    /// Each source text's number in `Columns::source_texts`.
    source_numbers: HashMap<Box<str>, u32>,
}

impl Default for ColumnsBuilder {
    fn default() -> Self {
        Self {
            c: Columns {
                by_kind: vec![Vec::new(); Kind::ALL.len()],
                by_cap: vec![Vec::new(); Capability::all().count()],
                service_ward_starts: vec![0],
                source_starts: vec![0],
                ..Columns::default()
            },
            sort_keys: Vec::new(),
            source_numbers: HashMap::new(),
        }
    }
}

/// The number of `text` in `texts`, added when new.
fn intern(texts: &mut Vec<Box<str>>, numbers: &mut HashMap<Box<str>, u32>, text: String) -> u32 {
    if let Some(n) = numbers.get(text.as_str()) {
        return *n;
    }
    let n = texts.len() as u32;
    let text = text.into_boxed_str();
    texts.push(text.clone());
    numbers.insert(text, n);
    n
}

impl ColumnsBuilder {
    pub fn push(&mut self, f: &Facility) {
        let c = &mut self.c;
        let ord = c.kind_bits.len() as u32;
        let mut kb = 0u8;
        for k in &f.kinds {
            kb |= 1 << (*k as u8);
            c.by_kind[*k as usize].push(ord);
        }
        let mut cb = CapSet::empty();
        for cap in &f.capabilities {
            cb = cb.with(*cap);
            c.by_cap[*cap as usize].push(ord);
        }
        c.kind_bits.push(kb);
        c.cap_bits.push(cb);
        // Most facilities have no claims: nothing to look up for them at open.
        if !f.capability_claims.is_empty() {
            for cap in &f.capabilities {
                if let Some(claim) = f.claims_for(*cap).find(|claim| claim.value) {
                    let text = intern(
                        &mut c.source_texts,
                        &mut self.source_numbers,
                        claim.provenance(),
                    );
                    c.sources.push((*cap, text));
                }
            }
        }
        c.source_starts.push(c.sources.len() as u32);
        c.wheelchair.push(f.wheelchair);
        c.pediatric.push(f.pediatric);
        if f.pediatric == Some(true) {
            c.pediatric_list.push(ord);
        }
        if f.wheelchair == Some(true) {
            c.wheelchair_list.push(ord);
        }
        if !f.service_towns.is_empty() {
            c.service_towns.insert(ord, f.service_towns.clone());
        }
        c.accepting.push(f.accepting_new);
        c.backup_beds_until.push(
            f.backup_beds
                .as_ref()
                .and_then(|b| crate::model::Day::parse(&b.until)),
        );
        c.accepting_until.push(
            f.accepting_until
                .as_deref()
                .and_then(crate::model::Day::parse),
        );
        c.ward.push(f.ward_code);
        if let Some(w) = f.ward_code {
            c.by_ward.entry(w).or_default().push(ord);
        }
        let reach = f.reach();
        if let Some(r) = reach {
            c.max_reach_m = c.max_reach_m.max(r.radius_km * 1000.0);
        }
        c.reach_m.push(reach.map(|r| r.radius_km * 1000.0));
        c.reach_note.push(match reach {
            Some(r) if r.capped_by_law => ReachNote::CappedByLaw,
            Some(r) if r.defaulted => ReachNote::Defaulted,
            _ => ReachNote::Declared,
        });
        c.service_ward_codes.extend_from_slice(&f.service_wards);
        c.service_ward_starts
            .push(c.service_ward_codes.len() as u32);
        c.location.push(f.location);
        let reading = if f.name_kana.is_empty() {
            &f.name
        } else {
            &f.name_kana
        };
        self.sort_keys.push((kana_sort_key(reading), ord));
    }

    pub fn finish(self) -> Columns {
        let mut c = self.c;
        let mut order = self.sort_keys;
        order.sort_unstable();
        let mut name_rank = vec![0; order.len()];
        for (rank, (_, ord)) in order.into_iter().enumerate() {
            name_rank[ord as usize] = rank as u32;
        }
        c.name_rank = name_rank.into();
        c
    }
}
