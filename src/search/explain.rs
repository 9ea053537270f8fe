//! Short Japanese explanations of why a facility matched, so a care manager can trust (or
//! question) each line of a shortlist.

use crate::index::{FieldMatcher, ReachNote, SearchIndex};
use crate::model::{Capability, WardCode};

use super::scene::Scene;
use super::SearchQuery;

pub fn format_distance(m: f64) -> String {
    let mut s = String::new();
    push_distance(&mut s, m);
    s
}

/// [`format_distance`], appended.
fn push_distance(out: &mut String, m: f64) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = if m < 1000.0 {
        write!(out, "{:.0} m", m)
    } else {
        write!(out, "{:.1} km", m / 1000.0)
    };
}

/// Kilometres without a needless decimal (16, 2.5), appended.
fn push_km(out: &mut String, km: f64) {
    use std::fmt::Write as _;
    let _ = if km.fract() == 0.0 {
        write!(out, "{km:.0}")
    } else {
        write!(out, "{km:.1}")
    };
}

/// What a query's explanations share: the ward or 市町村 of the patient's point (when the
/// query had one) and the prepared text words.
#[derive(Default)]
pub struct ExplainContext {
    pub covers_ward: Option<WardCode>,
    pub text: Option<FieldMatcher>,
}

/// Appends `sep` unless `out` is still empty: parts joined as they are written.
fn separate(out: &mut String, sep: &str) {
    if !out.is_empty() {
        out.push_str(sep);
    }
}

/// Why facility `ord` matched `q`, its parts joined by 「 / 」: distance (and, for "who can
/// visit", its reach and service area), the text's fields, the capabilities asked for
/// with their sources, the scene, 車いす/小児, 新規受入, the place. Written into one
/// string: a page of hits explains twenty facilities.
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
    let mut out = String::with_capacity(192);
    if let (Some(_), Some(d)) = (q.covers, distance_m) {
        // Across a ward or city line, say where the facility is: 「吹田市（市外）2.1 km」.
        if let (Some(f), Some(home)) = (c.ward[i], covers_ward) {
            if let Some(rel) = index.regions.relation(f, home) {
                out.push_str(&index.regions.label_or_code(f));
                out.push('（');
                out.push_str(&rel);
                out.push('）');
            }
        }
        push_distance(&mut out, d);
        out.push('（');
        let inner_from = out.len();
        if let Some(reach_m) = c.reach_m[i] {
            out.push_str("訪問範囲 ");
            out.push_str(match c.reach_note[i] {
                ReachNote::CappedByLaw => "法定上限 ",
                ReachNote::Defaulted => "既定 ",
                ReachNote::Declared => "",
            });
            push_km(&mut out, reach_m / 1000.0);
            out.push_str(" km 以内");
        }
        let wards = if c.service_wards(ord).is_empty() {
            Some("対応地域の指定なし".to_string())
        } else {
            covers_ward.map(|w| format!("{}は対応地域", index.regions.label_or_code(w)))
        };
        if let Some(w) = wards {
            if out.len() > inner_from {
                out.push('・');
            }
            out.push_str(&w);
        }
        out.push('）');
    } else if let Some(d) = distance_m {
        match q.radius_m {
            Some(r) => {
                push_distance(&mut out, d);
                out.push_str("（半径 ");
                push_km(&mut out, r / 1000.0);
                out.push_str(" km 以内）");
            }
            None => {
                out.push_str("指定地点から ");
                push_distance(&mut out, d);
            }
        }
    }
    if let Some(text) = &q.text {
        let fields = cx
            .text
            .as_ref()
            .map(|m| m.fields_in(ord, index.records().raw(ord), &index.tags))
            .unwrap_or_default();
        separate(&mut out, " / ");
        out.push('「');
        out.push_str(text);
        out.push('」');
        if !fields.is_empty() {
            out.push('が');
            out.push_str(&fields.join("・"));
        }
        out.push_str("に一致");
    }
    // Each capability asked for that the facility has, with where it comes from (the 届出
    // and its dates, or the survey).
    let mut caps = q.capabilities.iter().filter_map(|group| {
        group
            .iter()
            .find(|cap: &&Capability| c.cap_bits[i].contains(**cap))
            .copied()
    });
    if let Some(first) = caps.next() {
        separate(&mut out, " / ");
        for (n, cap) in std::iter::once(first).chain(caps).enumerate() {
            if n > 0 {
                out.push('・');
            }
            out.push_str(cap.label());
            if let Some(p) = c.provenance(ord, cap) {
                out.push('（');
                out.push_str(p);
                out.push('）');
            }
        }
        out.push_str("に対応");
    }
    if let Some(reason) = q
        .scene
        .and_then(|scene| scene_reason(index, ord, scene, None))
    {
        separate(&mut out, " / ");
        out.push_str(&reason);
    }
    if q.wheelchair == Some(true) {
        separate(&mut out, " / ");
        out.push_str("車いす可");
    }
    if q.pediatric == Some(true) {
        separate(&mut out, " / ");
        out.push_str("小児可");
    }
    if q.accepting_new.is_some() {
        separate(&mut out, " / ");
        out.push_str(c.accepting[i].label());
    }
    if !q.places.is_empty() {
        if let Some(w) = c.ward[i].and_then(|w| index.regions.get(w)) {
            let area = [&w.kihon, &w.niji]
                .into_iter()
                .flatten()
                .find_map(|a| index.regions.area(a));
            separate(&mut out, " / ");
            out.push_str(&index.regions.label_or_code(w.code));
            if let Some(a) = area {
                out.push('（');
                out.push_str(&a.name);
                out.push('）');
            }
        }
    }
    out
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
