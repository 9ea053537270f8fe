//! Short Japanese explanations of why a facility matched, so a care manager can trust (or
//! question) each line of a shortlist.

use crate::index::{FieldMatcher, ReachNote, SearchIndex};
use crate::model::{Capability, WardCode};

use super::scene::Scene;
use super::SearchQuery;

pub fn format_distance(m: f64) -> String {
    if m < 1000.0 {
        format!("{:.0} m", m)
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

fn format_km(km: f64) -> String {
    if km.fract() == 0.0 {
        format!("{km:.0}")
    } else {
        format!("{km:.1}")
    }
}

/// What a query's explanations share: the ward or 市町村 of the patient's point (when the
/// query had one) and the prepared text words.
#[derive(Default)]
pub struct ExplainContext {
    pub covers_ward: Option<WardCode>,
    pub text: Option<FieldMatcher>,
}

pub fn explain(
    index: &SearchIndex,
    ord: u32,
    q: &SearchQuery,
    distance_m: Option<f64>,
    cx: &ExplainContext,
) -> String {
    let covers_ward = cx.covers_ward;
    let c = &index.columns;
    let i = ord as usize;
    let mut parts: Vec<String> = Vec::new();
    if let (Some(_), Some(d)) = (q.covers, distance_m) {
        let mut inner = Vec::new();
        if let Some(reach_m) = c.reach_m[i] {
            let note = match c.reach_note[i] {
                ReachNote::CappedByLaw => "法定上限 ",
                ReachNote::Defaulted => "既定 ",
                ReachNote::Declared => "",
            };
            inner.push(format!(
                "訪問範囲 {note}{} km 以内",
                format_km(reach_m / 1000.0)
            ));
        }
        if c.service_wards(ord).is_empty() {
            inner.push("対応地域の指定なし".to_string());
        } else if let Some(w) = covers_ward {
            inner.push(format!("{}は対応地域", index.regions.label_or_code(w)));
        }
        // Across a ward or city line, say where the facility is: 「吹田市（市外）2.1 km」.
        let place = match (c.ward[i], covers_ward) {
            (Some(f), Some(home)) => index
                .regions
                .relation(f, home)
                .map(|rel| format!("{}（{rel}）", index.regions.label_or_code(f)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        parts.push(format!(
            "{place}{}（{}）",
            format_distance(d),
            inner.join("・")
        ));
    } else if let Some(d) = distance_m {
        match q.radius_m {
            Some(r) => parts.push(format!(
                "{}（半径 {} km 以内）",
                format_distance(d),
                format_km(r / 1000.0)
            )),
            None => parts.push(format!("指定地点から {}", format_distance(d))),
        }
    }
    if let Some(text) = &q.text {
        let fields = cx
            .text
            .as_ref()
            .map(|m| m.fields_in(ord, index.records().raw(ord), &index.tags))
            .unwrap_or_default();
        if !fields.is_empty() {
            parts.push(format!("「{text}」が{}に一致", fields.join("・")));
        } else {
            parts.push(format!("「{text}」に一致"));
        }
    }
    let matched: Vec<Capability> = q
        .capabilities
        .iter()
        .filter_map(|group| {
            group
                .iter()
                .find(|cap: &&Capability| c.cap_bits[i].contains(**cap))
                .copied()
        })
        .collect();
    // Each capability says where it comes from (the 届出 and its dates, or the survey).
    let caps: Vec<String> = matched
        .iter()
        .map(|cap| match c.provenance(ord, *cap) {
            Some(p) => format!("{}（{p}）", cap.label()),
            None => cap.label().to_string(),
        })
        .collect();
    if !caps.is_empty() {
        parts.push(format!("{}に対応", caps.join("・")));
    }
    if let Some(reason) = q
        .scene
        .and_then(|scene| scene_reason(index, ord, scene, None))
    {
        parts.push(reason);
    }
    if q.wheelchair == Some(true) {
        parts.push("車いす可".into());
    }
    if q.pediatric == Some(true) {
        parts.push("小児可".into());
    }
    if q.accepting_new.is_some() {
        parts.push(c.accepting[i].label().into());
    }
    if !q.places.is_empty() {
        if let Some(w) = c.ward[i].and_then(|w| index.regions.get(w)) {
            let area = [&w.kihon, &w.niji]
                .into_iter()
                .flatten()
                .find_map(|a| index.regions.area(a));
            match area {
                Some(a) => parts.push(format!(
                    "{}（{}）",
                    index.regions.label_or_code(w.code),
                    a.name
                )),
                None => parts.push(index.regions.label_or_code(w.code)),
            }
        }
    }
    parts.join(" / ")
}

/// Why facility `ord` fits `scene`: 「急変時の対応：往診・24時間対応（届出）」, from the
/// capabilities it has of what the scene asks of `kind` (default: its own first kind the
/// scene names; 「（届出）」 when each comes from a 届出). `None` when the scene does not
/// name the kind.
pub fn scene_reason(
    index: &SearchIndex,
    ord: u32,
    scene: &Scene,
    kind: Option<crate::model::Kind>,
) -> Option<String> {
    let c = &index.columns;
    let i = ord as usize;
    let groups = match kind {
        Some(k) => scene.rule(k)?,
        None => scene.rule_for_bits(c.kind_bits[i])?.1,
    };
    let met: Vec<Capability> = groups
        .iter()
        .filter_map(|g| g.iter().find(|cap| c.cap_bits[i].contains(**cap)).copied())
        .collect();
    let official = !met.is_empty()
        && met
            .iter()
            .all(|cap| c.provenance(ord, *cap).is_some_and(|p| p.contains("届出")));
    let names: Vec<&str> = met.iter().map(|cap| cap.label()).collect();
    Some(match (names.is_empty(), official) {
        (true, _) => format!("{}：{}", scene.label, "対象の種別"),
        (false, true) => format!("{}：{}（届出）", scene.label, names.join("・")),
        (false, false) => format!("{}：{}", scene.label, names.join("・")),
    })
}
