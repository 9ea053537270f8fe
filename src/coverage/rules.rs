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

/// The facilities `keep` accepts, sorted by id.
fn matching(index: &SearchIndex, keep: impl Fn(u32) -> bool) -> Vec<Named> {
    let mut out: Vec<Named> = (0..index.len() as u32)
        .filter(|o| keep(*o))
        .map(|o| Named::of(index, o))
        .collect();
    out.sort();
    out
}

impl RuleCheck {
    /// Green when some facility satisfies the rule: `met` says how, `missing` why not.
    fn new(
        (rule, label, level): (&'static str, &'static str, &'static str),
        (code, name): (String, String),
        facilities: Vec<Named>,
        missing: &str,
        met: impl FnOnce(&[Named]) -> String,
    ) -> Self {
        RuleCheck {
            rule,
            label,
            level,
            code,
            name,
            ok: !facilities.is_empty(),
            message: if facilities.is_empty() {
                missing.to_string()
            } else {
                met(&facilities)
            },
            facilities,
        }
    }
}

pub fn check(index: &SearchIndex) -> Vec<RuleCheck> {
    let regions = &index.regions;
    let c = &index.columns;
    let leaf_of = |code: WardCode| (code.0.to_string(), regions.full_name(code));
    let mut out = Vec::new();
    for leaf in regions.leaves() {
        let hubs = matching(index, |o| {
            is_hub(index, o)
                && (c.ward[o as usize] == Some(leaf.code)
                    || c.service_wards(o).contains(&leaf.code))
        });
        out.push(RuleCheck::new(
            ("hub", HUB, "ward"),
            leaf_of(leaf.code),
            hubs,
            "連携の拠点（相談支援室など）が登録されていません",
            |v| {
                let names: Vec<&str> = v.iter().map(|n| n.name.as_str()).collect();
                format!("連携の拠点あり（{}）", names.join("、"))
            },
        ));
    }
    for area in regions.areas().iter().filter(|a| a.kind == AreaKind::Niji) {
        let members = regions.leaves_in_area(area);
        let active = matching(index, |o| {
            is_active(index, o) && c.ward[o as usize].is_some_and(|w| members.contains(&w))
        });
        out.push(RuleCheck::new(
            ("active_in_niji", ACTIVE_IN_NIJI, "niji"),
            (area.code.clone(), area.full_name()),
            active,
            "積極的役割を担う医療機関がありません",
            |v| format!("{} 機関", v.len()),
        ));
    }
    for leaf in regions.leaves() {
        let Some(point) = leaf.point else { continue };
        let reaching = matching(index, |o| {
            let d = haversine_m(c.location[o as usize], point);
            is_active(index, o)
                && (c.service_wards(o).contains(&leaf.code)
                    || c.reaches(o, d, Some(leaf.code), None))
        });
        out.push(RuleCheck::new(
            ("active_reach", ACTIVE_REACH, "ward"),
            leaf_of(leaf.code),
            reaching,
            "訪問範囲にこの区・市町村を含む積極的医療機関がありません",
            |v| format!("{} 機関の訪問範囲に入る", v.len()),
        ));
    }
    out
}
