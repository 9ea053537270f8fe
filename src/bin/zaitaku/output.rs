//! Human-readable search output for the terminal: aligned columns that account for
//! double-width Japanese characters.

use std::fmt::Write;

use zaitaku::search::{format_distance, SearchResult};

/// Terminal columns (East Asian Wide characters take two).
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Shortens `s` to at most `max` columns, ending in … when cut.
fn cut(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width(&out) + w > max.saturating_sub(1) {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

fn pad(s: &str, w: usize) -> String {
    let s = cut(s, w);
    let n = w.saturating_sub(width(&s));
    format!("{s}{}", " ".repeat(n))
}

pub fn table(result: &SearchResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} {} {} 機能",
        pad("名称", 40),
        pad("種別", 20),
        pad("区", 10),
        pad("距離", 9),
    );
    for hit in &result.hits {
        let f = hit.facility();
        let kinds: Vec<&str> = f.kinds.iter().map(|k| k.label()).collect();
        let caps: Vec<&str> = f.capabilities.iter().map(|c| c.info().short).collect();
        let _ = writeln!(
            out,
            "{} {} {} {} {}",
            pad(&f.name, 40),
            pad(&kinds.join("・"), 20),
            pad(hit.ward_name.unwrap_or("-"), 10),
            pad(
                &hit.distance_m
                    .map(format_distance)
                    .unwrap_or_else(|| "-".into()),
                9
            ),
            caps.join(" ")
        );
        if !hit.explanation.is_empty() {
            let _ = writeln!(out, "  └ {}", hit.explanation);
        }
    }
    let shown = result.hits.len();
    let from = if shown == 0 { 0 } else { result.offset + 1 };
    let _ = writeln!(
        out,
        "{} 件中 {}–{} 件を表示",
        result.total,
        from,
        result.offset + shown
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_and_cuts_by_display_width() {
        assert_eq!(width("訪問看護ab"), 10);
        assert_eq!(pad("北区", 6), "北区  ");
        assert_eq!(pad("東淀川区", 8), "東淀川区");
        assert_eq!(pad("東淀川区役所", 8), "東淀川… ");
        assert_eq!(
            width(&pad("【デモ】東淀川やまびこ訪問看護ステーション", 40)),
            40
        );
    }
}
