//! The prefecture's rule, checked per area:
//! - every 拠点地域 (a ward, or a 市町村 without wards) has a 在宅医療に必要な連携を担う拠点:
//!   in Osaka City the ward's 相談支援室; a facility with 連携の拠点 counts anywhere;
//! - every 二次医療圏 has at least one 積極的役割を担う医療機関;
//! - every ward is reached by at least one 積極的医療機関: its declared area holds the
//!   ward, or its reach (the search's covers rule) holds the ward's representative point.
//!
//! Each check is green or red, with the facilities that satisfy it.

use serde::Serialize;

use super::Named;
use crate::geo::haversine_m;
use crate::index::SearchIndex;
use crate::model::{AreaKind, Capability, Kind, WardCode};

#[derive(Clone, Debug, Serialize)]
pub struct RuleCheck {
    /// `hub`, `active_in_niji` or `active_reach`.
    pub rule: &'static str,
    /// The rule in words.
    pub label: &'static str,
    /// `ward` or `niji`.
    pub level: &'static str,
    pub code: String,
    pub name: String,
    pub ok: bool,
    /// What satisfies it (empty when it fails).
    pub facilities: Vec<Named>,
    /// The result in words: 「連携の拠点あり（北区在宅医療・介護連携相談支援室）」.
    pub message: String,
}

pub const HUB: &str = "拠点地域ごとに在宅医療に必要な連携を担う拠点がある";
pub const ACTIVE_IN_NIJI: &str = "二次医療圏ごとに積極的役割を担う医療機関がある";
pub const ACTIVE_REACH: &str = "区・市町村ごとに、そこへ訪問できる積極的役割を担う医療機関がある";

fn is_hub(index: &SearchIndex, ord: u32) -> bool {
    let i = ord as usize;
    let c = &index.columns;
    c.kind_bits[i] & (1 << Kind::HomeCareSupportOffice as u8) != 0
        || c.cap_bits[i].contains(Capability::CollaborationHub)
}

fn is_active(index: &SearchIndex, ord: u32) -> bool {
    index.columns.cap_bits[ord as usize].contains(Capability::ActiveRole)
}

/// Facilities `keep` accepts that are in `ward` or declare it.
fn serving(index: &SearchIndex, ward: WardCode, keep: impl Fn(u32) -> bool) -> Vec<Named> {
    let c = &index.columns;
    let mut out: Vec<Named> = (0..index.len() as u32)
        .filter(|o| keep(*o))
        .filter(|o| c.ward[*o as usize] == Some(ward) || c.service_wards(*o).contains(&ward))
        .map(|o| Named::of(index, o))
        .collect();
    out.sort();
    out
}

pub fn check(index: &SearchIndex) -> Vec<RuleCheck> {
    let regions = &index.regions;
    let c = &index.columns;
    let names = |v: &[Named]| {
        v.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut out = Vec::new();
    for leaf in regions.leaves() {
        let hubs = serving(index, leaf.code, |o| is_hub(index, o));
        out.push(RuleCheck {
            rule: "hub",
            label: HUB,
            level: "ward",
            code: leaf.code.0.to_string(),
            name: regions.full_name(leaf.code),
            ok: !hubs.is_empty(),
            message: if hubs.is_empty() {
                "連携の拠点（相談支援室など）が登録されていません".into()
            } else {
                format!("連携の拠点あり（{}）", names(&hubs))
            },
            facilities: hubs,
        });
    }
    for area in regions.areas().iter().filter(|a| a.kind == AreaKind::Niji) {
        let members = regions.leaves_in_area(area);
        let mut active: Vec<Named> = (0..index.len() as u32)
            .filter(|o| is_active(index, *o))
            .filter(|o| c.ward[*o as usize].is_some_and(|w| members.contains(&w)))
            .map(|o| Named::of(index, o))
            .collect();
        active.sort();
        out.push(RuleCheck {
            rule: "active_in_niji",
            label: ACTIVE_IN_NIJI,
            level: "niji",
            code: area.code.clone(),
            name: area.full_name(),
            ok: !active.is_empty(),
            message: if active.is_empty() {
                "積極的役割を担う医療機関がありません".into()
            } else {
                format!("{} 機関", active.len())
            },
            facilities: active,
        });
    }
    for leaf in regions.leaves() {
        let Some(point) = leaf.point else { continue };
        let mut reaching: Vec<Named> = (0..index.len() as u32)
            .filter(|o| is_active(index, *o))
            .filter(|o| {
                let d = haversine_m(c.location[*o as usize], point);
                c.service_wards(*o).contains(&leaf.code) || c.reaches(*o, d, Some(leaf.code), None)
            })
            .map(|o| Named::of(index, o))
            .collect();
        reaching.sort();
        out.push(RuleCheck {
            rule: "active_reach",
            label: ACTIVE_REACH,
            level: "ward",
            code: leaf.code.0.to_string(),
            name: regions.full_name(leaf.code),
            ok: !reaching.is_empty(),
            message: if reaching.is_empty() {
                "訪問範囲にこの区・市町村を含む積極的医療機関がありません".into()
            } else {
                format!("{} 機関の訪問範囲に入る", reaching.len())
            },
            facilities: reaching,
        });
    }
    out
}
