//! Dates as Japanese public files write them: 和暦 with full-width digits and padding
//! (`令和 4年 5月 1日`, `令和７年１０月１日`, `平成元年4月1日`), or Western
//! (`2024-06-01`, `2024/6/1`, `2024年6月1日`). Stored as ISO dates (`YYYY-MM-DD`).

use unicode_normalization::UnicodeNormalization;

/// 元号 and the Western year of its first year.
const ERAS: [(&str, i32); 10] = [
    ("令和", 2019),
    ("平成", 1989),
    ("昭和", 1926),
    ("大正", 1912),
    ("明治", 1868),
    ("R", 2019),
    ("H", 1989),
    ("S", 1926),
    ("T", 1912),
    ("M", 1868),
];

/// Parses one date cell into `YYYY-MM-DD`; `None` when it is not a valid date.
pub fn parse_date(s: &str) -> Option<String> {
    let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let (base, rest) = match ERAS.iter().find(|(e, _)| t.starts_with(e)) {
        Some((e, base)) => (Some(*base), &t[e.len()..]),
        None => (None, t.as_str()),
    };
    let rest = rest.replacen("元", "1", 1);
    let parts: Vec<&str> = rest
        .split(['年', '月', '日', '-', '/', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let year = match base {
        Some(b) if y >= 1 => b + y - 1,
        Some(_) => return None,
        None => y,
    };
    valid(year, m, d).then(|| format!("{year:04}-{m:02}-{d:02}"))
}

/// The first date written in a text such as a title row
/// (`[令和７年１０月１日 現在 ]令和７年１０月１日作成 全医療機関出力` → `2025-10-01`).
pub fn find_date(text: &str) -> Option<String> {
    let t: String = text.nfkc().collect();
    for (era, _) in ERAS.iter().take(5) {
        for (at, _) in t.match_indices(era) {
            let tail = &t[at..];
            if let Some(end) = tail.find('日') {
                if let Some(date) = parse_date(&tail[..end + '日'.len_utf8()]) {
                    return Some(date);
                }
            }
        }
    }
    None
}

fn valid(y: i32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1868..=2200).contains(&y) && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wareki_and_western() {
        assert_eq!(
            parse_date("令和 4年 5月 1日").as_deref(),
            Some("2022-05-01")
        );
        assert_eq!(
            parse_date("令和７年１０月１日").as_deref(),
            Some("2025-10-01")
        );
        assert_eq!(parse_date("平成元年4月1日").as_deref(), Some("1989-04-01"));
        assert_eq!(
            parse_date("平成31年 4月30日").as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            parse_date("昭和60年12月 1日").as_deref(),
            Some("1985-12-01")
        );
        assert_eq!(parse_date("R6.6.1").as_deref(), Some("2024-06-01"));
        assert_eq!(parse_date("2024/6/1").as_deref(), Some("2024-06-01"));
        assert_eq!(parse_date("2024-06-01").as_deref(), Some("2024-06-01"));
        assert_eq!(parse_date("令和 6年 2月30日"), None);
        assert_eq!(parse_date("令和 0年 1月 1日"), None);
        assert_eq!(parse_date("未定"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn date_in_a_title() {
        assert_eq!(
            find_date("[令和７年１０月１日 現在 ]令和７年１０月１日作成 全医療機関出力").as_deref(),
            Some("2025-10-01")
        );
        assert_eq!(find_date("施設基準の届出受理医療機関名簿"), None);
    }
}
