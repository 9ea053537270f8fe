//! Numbers in Japanese addresses: ASCII digits or kanji numerals (二丁目, 十二, 二十三).

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Parses a number at the start of `s`: ASCII digits, or kanji numerals up to 九十九.
/// Returns the value and the number of bytes consumed.
pub fn leading_number(s: &str) -> Option<(u32, usize)> {
    let digits: usize = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return s[..digits.min(6)].parse().ok().map(|n| (n, digits));
    }
    let mut value = 0u32;
    let mut current = 0u32;
    let mut used = 0;
    for c in s.chars() {
        if let Some(d) = DIGITS.iter().position(|&k| k == c) {
            current = current * 10 + d as u32;
        } else if c == '十' {
            value += current.max(1) * 10;
            current = 0;
        } else if c == '百' {
            value += current.max(1) * 100;
            current = 0;
        } else {
            break;
        }
        used += c.len_utf8();
    }
    (used > 0).then_some((value + current, used))
}

/// 1 → 一, 12 → 十二, 23 → 二十三 (the form geolonia's 町丁目 names use).
pub fn kanji_number(n: u32) -> String {
    if n == 0 {
        return "〇".into();
    }
    let mut out = String::new();
    let (hundreds, tens, ones) = (n / 100, (n / 10) % 10, n % 10);
    if hundreds > 0 {
        if hundreds > 1 {
            out.push(DIGITS[hundreds as usize % 10]);
        }
        out.push('百');
    }
    if tens > 0 {
        if tens > 1 {
            out.push(DIGITS[tens as usize]);
        }
        out.push('十');
    }
    if ones > 0 {
        out.push(DIGITS[ones as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(leading_number("12-3"), Some((12, 2)));
        assert_eq!(leading_number("二丁目"), Some((2, 3)));
        assert_eq!(leading_number("十丁目"), Some((10, 3)));
        assert_eq!(leading_number("十二丁目"), Some((12, 6)));
        assert_eq!(leading_number("二十三"), Some((23, 9)));
        assert_eq!(leading_number("丁目"), None);
        for n in 1..130 {
            let k = kanji_number(n);
            assert_eq!(leading_number(&k), Some((n, k.len())), "{n} {k}");
        }
    }
}
