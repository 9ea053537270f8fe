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
    if m < 1000.0 {
        push_fixed(out, m, 0);
        out.push_str(" m");
    } else {
        push_fixed(out, m / 1000.0, 1);
        out.push_str(" km");
    }
}

/// Kilometres without a needless decimal (16, 2.5), appended.
fn push_km(out: &mut String, km: f64) {
    push_fixed(out, km, if km.fract() == 0.0 { 0 } else { 1 });
}

/// `x` with `decimals` (0 or 1) digits after the point, exactly as `format!("{x:.1}")` (or
/// `.0`) writes it. Away from a rounding tie the digits are those of `x` scaled and
/// rounded; near one (and for what is not a plain positive number) the formatter decides,
/// as it rounds the exact binary value half to even.
fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    let y = if decimals == 1 { x * 10.0 } else { x };
    let near_tie = ((y - y.floor()) - 0.5).abs() < 1e-6;
    if y.is_sign_negative() || !y.is_finite() || y >= 1e15 || near_tie {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = write!(out, "{x:.decimals$}");
        return;
    }
    let n = y.round() as u64;
    if decimals == 1 {
        push_uint(out, n / 10);
        out.push('.');
        push_uint(out, n % 10);
    } else {
        push_uint(out, n);
    }
}

fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|d| char::from(*d)));
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
/// with their sources, the scene, 車いす/小児, 新規受入, the place. Written into `out`, which
/// must be empty (a page of hits can explain twenty facilities in one buffer).
pub fn explain(
    out: &mut String,
    index: &SearchIndex,
    ord: u32,
    q: &SearchQuery,
    distance_m: Option<f64>,
    cx: &ExplainContext,
) {
    debug_assert!(out.is_empty(), "parts are separated from what out holds");
    let covers_ward = cx.covers_ward;
    let c = &index.columns;
    let i = ord as usize;
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
        push_distance(out, d);
        out.push('（');
        let inner_from = out.len();
        if let Some(reach_m) = c.reach_m[i] {
            out.push_str("訪問範囲 ");
            out.push_str(match c.reach_note[i] {
                ReachNote::CappedByLaw => "法定上限 ",
                ReachNote::Defaulted => "既定 ",
                ReachNote::Declared => "",
            });
            push_km(out, reach_m / 1000.0);
            out.push_str(" km 以内");
        }
        // The service area: none declared, or the home's ward is in it (checked before).
        let sep = if out.len() > inner_from { "・" } else { "" };
        if c.service_wards(ord).is_empty() {
            out.push_str(sep);
            out.push_str("対応地域の指定なし");
        } else if let Some(w) = covers_ward {
            out.push_str(sep);
            out.push_str(&index.regions.label_or_code(w));
            out.push_str("は対応地域");
        }
        out.push('）');
    } else if let Some(d) = distance_m {
        match q.radius_m {
            Some(r) => {
                push_distance(out, d);
                out.push_str("（半径 ");
                push_km(out, r / 1000.0);
                out.push_str(" km 以内）");
            }
            None => {
                out.push_str("指定地点から ");
                push_distance(out, d);
            }
        }
    }
    if let Some(text) = &q.text {
        let fields = cx
            .text
            .as_ref()
            .map(|m| m.fields_in(ord, index.records().raw(ord), &index.tags))
            .unwrap_or_default();
        separate(out, " / ");
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
        separate(out, " / ");
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
        separate(out, " / ");
        out.push_str(&reason);
    }
    if q.wheelchair == Some(true) {
        separate(out, " / ");
        out.push_str("車いす可");
    }
    if q.pediatric == Some(true) {
        separate(out, " / ");
        out.push_str("小児可");
    }
    if q.accepting_new.is_some() {
        separate(out, " / ");
        out.push_str(c.accepting[i].label());
    }
    if !q.places.is_empty() {
        if let Some(w) = c.ward[i].and_then(|w| index.regions.get(w)) {
            let area = [&w.kihon, &w.niji]
                .into_iter()
                .flatten()
                .find_map(|a| index.regions.area(a));
            separate(out, " / ");
            out.push_str(&index.regions.label_or_code(w.code));
            if let Some(a) = area {
                out.push('（');
                out.push_str(&a.name);
                out.push('）');
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(x: f64, decimals: usize) -> String {
        let mut s = String::new();
        push_fixed(&mut s, x, decimals);
        s
    }

    #[test]
    fn fixed_digits_are_the_formatters_for_every_kind_of_value() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            0.5,
            0.75,
            1.5,
            2.5,
            2.25,
            999.5,
            1000.05,
            1234.5,
            15.95,
            16.0,
            1e14,
            9.99e14,
            1e15,
            2e19,
            -3.25,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Ties and their neighbours one step either side.
        for k in 0..3000u32 {
            for t in [f64::from(k) + 0.5, f64::from(k) / 10.0 + 0.05] {
                values.extend([t, t.next_up(), t.next_down()]);
            }
        }
        // Distances of every size, from a fixed sequence.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 * 40_000.0);
        }
        for v in values {
            assert_eq!(fixed(v, 0), format!("{v:.0}"), "{v:e} .0");
            assert_eq!(fixed(v, 1), format!("{v:.1}"), "{v:e} .1");
        }
    }

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        assert_eq!(format_distance(12.4), "12 m");
        assert_eq!(format_distance(999.4), "999 m");
        assert_eq!(format_distance(1000.0), "1.0 km");
        assert_eq!(format_distance(15_960.0), "16.0 km");
        let mut s = String::new();
        push_km(&mut s, 16.0);
        s.push('/');
        push_km(&mut s, 2.5);
        assert_eq!(s, "16/2.5");
    }
}
