//! Address text clean-up before matching: NFKC, dashes, spaces, postal codes, and the
//! prefecture prefix with its common typos. What is left starts at the city or ward.

use crate::text::normalize;

/// A written address split into its postal code (if one leads it) and the rest, folded
/// for matching.
#[derive(Debug, PartialEq)]
pub struct Prepared {
    pub postal_code: Option<String>,
    /// Folded text after the prefecture (kanji kept, kana as hiragana, ASCII digits, `-`).
    pub rest: String,
    /// The input carried a prefecture name.
    pub had_prefecture: bool,
}

/// The folding both addresses and the reference table go through.
pub fn fold(s: &str) -> String {
    let n = normalize(s);
    let chars: Vec<char> = n.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(n.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let next_digit = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        match c {
            // 2ー5 (long-vowel mark) and 2の5 are used as dashes between numbers.
            'ー' | 'ｰ' | '─' | '━' if prev_digit => out.push('-'),
            'の' | 'ノ' if prev_digit && next_digit => out.push('-'),
            // 山之内 / 山ノ内 / 山の内.
            '之' | 'ノ' => out.push('の'),
            _ => out.push(c),
        }
    }
    out
}

/// Prefecture spellings and typos seen in official files, longest first.
const PREFECTURES: &[&str] = &["大阪府", "大坂府", "おおさか府", "阪府"];

/// Splits off a leading postal code (`〒533-0001`, `5330001`) and the prefecture.
pub fn prepare(input: &str) -> Prepared {
    let folded = fold(input);
    let mut s = folded.trim_start_matches('〒').trim_start_matches("日本国");
    s = s.trim_start_matches("日本");
    let postal_code = leading_postal_code(s).map(|(code, used)| {
        s = &s[used..];
        code
    });
    let mut had_prefecture = false;
    for p in PREFECTURES {
        if let Some(r) = s.strip_prefix(p) {
            s = r;
            had_prefecture = true;
            break;
        }
    }
    Prepared {
        postal_code,
        rest: s.to_string(),
        had_prefecture,
    }
}

/// `5330001` or `533-0001` at the start, not followed by another digit.
fn leading_postal_code(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let (code, used) = if digits(0..3) && b.get(3) == Some(&b'-') && digits(4..8) {
        (format!("{}{}", &s[..3], &s[4..8]), 8)
    } else if digits(0..7) {
        (s[..7].to_string(), 7)
    } else {
        return None;
    };
    if b.get(used).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((code, used))
}

/// The house-number part after the town: `5-1`, `19番地10号` → `19-10`. Building names
/// and room numbers after it are dropped.
pub fn house_number(rest: &str) -> String {
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            out.push(c);
            chars.next();
        } else if c == '-' || c == '番' || c == '号' {
            chars.next();
            if c == '番' && chars.peek() == Some(&'地') {
                chars.next();
            }
            if c == '号' {
                break;
            }
            if chars.peek().is_some_and(char::is_ascii_digit) {
                out.push('-');
            } else {
                break;
            }
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_dashes_and_spaces() {
        assert_eq!(fold("北区梅田２－４－３２"), "北区梅田2-4-32");
        assert_eq!(fold("豊新2ー5ー1"), "豊新2-5-1");
        assert_eq!(fold("中之島 5丁目"), "中の島5丁目");
        assert_eq!(fold("2の5"), "2-5");
    }

    #[test]
    fn postal_and_prefecture() {
        let p = prepare("〒533-0001 大阪府大阪市東淀川区豊新2丁目");
        assert_eq!(p.postal_code.as_deref(), Some("5330001"));
        assert_eq!(p.rest, "大阪市東淀川区豊新2丁目");
        assert!(p.had_prefecture);
        assert_eq!(prepare("5330001").postal_code.as_deref(), Some("5330001"));
        assert_eq!(prepare("53300012").postal_code, None);
        assert_eq!(prepare("大阪府阪市西淀川区佃").rest, "阪市西淀川区佃");
    }

    #[test]
    fn house_numbers() {
        assert_eq!(house_number("5-1"), "5-1");
        assert_eq!(house_number("19番地10号プラネット702号室"), "19-10");
        assert_eq!(house_number("4番26号フラット"), "4-26");
        assert_eq!(house_number("12-11ビル2階"), "12-11");
        assert_eq!(house_number("ビル"), "");
    }
}
