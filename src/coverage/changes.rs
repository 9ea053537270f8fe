//! What changed between two index generations (PDCA): per ward, facilities opened and
//! closed, capabilities gained and lost, and towns whose coverage of a town metric fell
//! from two or more providers to one or none. Each generation keeps its build date and
//! sources, so the answer can say 「前回（2026-09-01）からの変化」.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::Named;
use crate::index::SearchIndex;
use crate::model::{Capability, Facility, WardCode};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapabilityChange {
    pub id: String,
    pub name: String,
    pub capability: Capability,
    pub label: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TownChange {
    pub town: String,
    /// The town metric (`home_dental` …).
    pub metric: String,
    pub before: u32,
    pub after: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WardChanges {
    pub code: u32,
    pub name: String,
    pub opened: Vec<Named>,
    pub closed: Vec<Named>,
    pub gained: Vec<CapabilityChange>,
    pub lost: Vec<CapabilityChange>,
    /// Towns down from ≥ 2 providers to ≤ 1.
    pub thinned: Vec<TownChange>,
}

impl WardChanges {
    fn is_empty(&self) -> bool {
        self.opened.is_empty()
            && self.closed.is_empty()
            && self.gained.is_empty()
            && self.lost.is_empty()
            && self.thinned.is_empty()
    }
}

/// The generation directory's name behind an index path (which may be the link).
pub fn generation_name(dir: &std::path::Path) -> String {
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// One source of a generation: its file name, rows and the file's date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRef {
    pub file: String,
    pub rows: usize,
    pub date: Option<String>,
}

/// One generation: when it was built and from what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GenerationRef {
    pub generation: String,
    pub built: String,
    pub sources: Vec<SourceRef>,
}

impl GenerationRef {
    pub fn of(index: &SearchIndex) -> Self {
        GenerationRef {
            generation: generation_name(&index.dir),
            built: index.meta.built_day().to_string(),
            sources: index
                .meta
                .source_rows
                .iter()
                .map(|(file, rows)| SourceRef {
                    file: file.clone(),
                    rows: *rows,
                    date: index.meta.source_dates.get(file).cloned(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Changes {
    pub since: GenerationRef,
    pub now: GenerationRef,
    /// 「前回（2026-09-01）からの変化」.
    pub title: String,
    /// Wards with any change, in code order.
    pub wards: Vec<WardChanges>,
}

/// The changes from `old` to `new`. Facilities are matched by id; a facility's ward is
/// where it is now (or was, when it closed).
pub fn diff(old: &SearchIndex, new: &SearchIndex) -> Changes {
    let by_id = |index: &SearchIndex| -> HashMap<String, Facility> {
        (0..index.len() as u32)
            .map(|o| {
                let f = index.facility(o);
                (f.id.0.clone(), f)
            })
            .collect()
    };
    let (before, after) = (by_id(old), by_id(new));
    let mut wards: BTreeMap<u32, WardChanges> = BTreeMap::new();
    let named = |f: &Facility| Named {
        id: f.id.0.clone(),
        name: f.name.clone(),
    };
    fn ward_of<'w>(
        wards: &'w mut BTreeMap<u32, WardChanges>,
        new: &SearchIndex,
        f: &Facility,
    ) -> &'w mut WardChanges {
        let code = f.ward_code.map_or(0, |w| w.0);
        wards.entry(code).or_insert_with(|| WardChanges {
            code,
            name: f
                .ward_code
                .map(|w| new.regions.full_name(w))
                .unwrap_or_else(|| "区・市町村の外".into()),
            ..WardChanges::default()
        })
    }
    for (id, f) in &after {
        match before.get(id) {
            None => ward_of(&mut wards, new, f).opened.push(named(f)),
            Some(was) => {
                let change = |c: &Capability| CapabilityChange {
                    id: id.clone(),
                    name: f.name.clone(),
                    capability: *c,
                    label: c.label(),
                };
                let gained: Vec<_> = f
                    .capabilities
                    .iter()
                    .filter(|c| !was.capabilities.contains(c))
                    .map(change)
                    .collect();
                let lost: Vec<_> = was
                    .capabilities
                    .iter()
                    .filter(|c| !f.capabilities.contains(c))
                    .map(change)
                    .collect();
                let w = ward_of(&mut wards, new, f);
                w.gained.extend(gained);
                w.lost.extend(lost);
            }
        }
    }
    for (id, f) in &before {
        if !after.contains_key(id) {
            ward_of(&mut wards, new, f).closed.push(named(f));
        }
    }
    if let (Some(a), Some(b)) = (&old.coverage, &new.coverage) {
        let before: HashMap<(u32, &str), &crate::index::coverage::TownCell> = a
            .towns
            .iter()
            .map(|t| ((t.code, t.name.as_str()), t))
            .collect();
        for t in &b.towns {
            let Some(was) = before.get(&(t.code, t.name.as_str())) else {
                continue;
            };
            for (slot, metric) in b.metrics.iter().enumerate() {
                let Some(old_slot) = a.slot(metric) else {
                    continue;
                };
                let (x, y) = (was.counts[old_slot], t.counts[slot]);
                if x >= 2 && y <= 1 {
                    let code = WardCode(t.code);
                    let w = wards.entry(t.code).or_insert_with(|| WardChanges {
                        code: t.code,
                        name: new.regions.full_name(code),
                        ..WardChanges::default()
                    });
                    w.thinned.push(TownChange {
                        town: t.name.clone(),
                        metric: metric.clone(),
                        before: x,
                        after: y,
                    });
                }
            }
        }
    }
    let mut wards: Vec<WardChanges> = wards.into_values().filter(|w| !w.is_empty()).collect();
    for w in &mut wards {
        w.opened.sort();
        w.closed.sort();
        w.gained
            .sort_by(|a, b| (&a.id, a.capability).cmp(&(&b.id, b.capability)));
        w.lost
            .sort_by(|a, b| (&a.id, a.capability).cmp(&(&b.id, b.capability)));
    }
    let since = GenerationRef::of(old);
    Changes {
        title: format!("前回（{}）からの変化", since.built),
        since,
        now: GenerationRef::of(new),
        wards,
    }
}
