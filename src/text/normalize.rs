//! Normalisation: NFKC, lower case, katakana → hiragana, ヶ/ケ/が place-name variants and a
//! few old-form kanji that appear in facility names (髙, 﨑, 邊 …).
//!
//! Both the index and every query pass through [`normalize`], so "ﾎｳﾓﾝｶﾝｺﾞ", "ホウモンカンゴ"
//! and "ほうもんかんご" become the same string.

use unicode_normalization::UnicodeNormalization;

/// Old or variant kanji folded to the form people type. NFKC leaves these alone.
const KANJI_VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('嶋', '島'),
    ('濱', '浜'),
    ('濵', '浜'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('澤', '沢'),
    ('齋', '斎'),
    ('齊', '斉'),
    ('櫻', '桜'),
    ('國', '国'),
    ('會', '会'),
    ('醫', '医'),
    ('藥', '薬'),
    ('德', '徳'),
    ('曾', '曽'),
    // Place names: 四條畷市 (N03, 郵便番号) is written 四条畷市 in addresses, 螢池 蛍池.
    ('條', '条'),
    ('螢', '蛍'),
    ('瀧', '滝'),
    ('龍', '竜'),
    ('廣', '広'),
];

pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆')
}

fn kata_to_hira(c: char) -> char {
    match c {
        // ァ..ヶ map one-to-one onto ぁ..ゖ.
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Normalises text for matching. Idempotent.
/// `char::to_lowercase`, skipping its table search for kana and kanji (U+3000–U+9FFF have
/// no case), which are most of the text here.
fn lowercase(c: char) -> impl Iterator<Item = char> {
    let caseless = ('\u{3000}'..='\u{9fff}').contains(&c);
    let (one, many) = if caseless {
        (Some(c), None)
    } else {
        (None, Some(c.to_lowercase()))
    };
    one.into_iter().chain(many.into_iter().flatten())
}

/// Characters NFKC leaves as they are, checked without tables: ASCII letters and digits,
/// hiragana, katakana, the long-vowel mark and the common kanji block.
fn nfkc_stable(c: char) -> bool {
    matches!(c,
        'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' | '-'
        | '\u{3041}'..='\u{3096}' | '\u{30a1}'..='\u{30fa}' | '\u{30fc}' | '\u{4e00}'..='\u{9fff}')
}

pub fn normalize(s: &str) -> String {
    // Most names and addresses need no NFKC pass at all; skipping it halves the cost.
    if s.chars().all(nfkc_stable) {
        fold(s.chars(), s.len())
    } else {
        fold(s.nfkc(), s.len())
    }
}

fn fold(chars: impl Iterator<Item = char>, len: usize) -> String {
    let folded: Vec<char> = chars
        .flat_map(lowercase)
        .map(|c| {
            KANJI_VARIANTS
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |(_, to)| *to)
        })
        .map(kata_to_hira)
        .map(|c| match c {
            // Dash-like characters people use interchangeably in addresses and names.
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            _ => c,
        })
        .collect();
    // 霞ヶ関 / 霞ケ関 / 霞が関 / 霞ヵ関: between two kanji these are one place-name particle.
    let mut out = String::with_capacity(len);
    for (i, &c) in folded.iter().enumerate() {
        let between_kanji =
            i > 0 && i + 1 < folded.len() && is_kanji(folded[i - 1]) && is_kanji(folded[i + 1]);
        match c {
            'ゖ' | 'ゕ' => out.push('け'),
            'け' | 'が' if between_kanji => out.push('け'),
            _ => out.push(c),
        }
    }
    out
}

/// Sort key for "name in kana order" (五十音順): hiragana with voicing marks removed first,
/// then the full reading to break ties, so が sorts with か rather than after ん.
pub fn kana_sort_key(kana: &str) -> String {
    let n = normalize(kana);
    let plain: String = n
        .nfd()
        .filter(|c| !matches!(c, '\u{3099}' | '\u{309A}'))
        .collect();
    format!("{plain}\u{0}{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_script() {
        assert_eq!(normalize("ﾎｳﾓﾝｶﾝｺﾞ"), "ほうもんかんご");
        assert_eq!(normalize("ホウモンカンゴ"), "ほうもんかんご");
        assert_eq!(normalize("ＡＢＣクリニック２４"), "abcくりにっく24");
        assert_eq!(normalize("ヴィラ"), "ゔぃら");
        assert_eq!(normalize("訪問看護"), "訪問看護");
    }

    #[test]
    fn folds_place_name_and_kanji_variants() {
        let a = normalize("霞ヶ関");
        assert_eq!(a, normalize("霞ケ関"));
        assert_eq!(a, normalize("霞が関"));
        assert_eq!(a, normalize("霞ヵ関"));
        assert_eq!(normalize("髙橋医院"), normalize("高橋医院"));
        assert_eq!(normalize("山﨑"), "山崎");
        // Not between kanji: a real が stays.
        assert_eq!(normalize("ながい"), "ながい");
        assert_eq!(normalize("1−2"), "1-2");
    }

    #[test]
    fn is_idempotent() {
        for s in ["ﾎｳﾓﾝｶﾝｺﾞ", "霞ヶ関", "ＡＢＣ", "大阪市北区梅田１丁目"]
        {
            assert_eq!(normalize(&normalize(s)), normalize(s));
        }
    }

    #[test]
    fn kana_order_ignores_voicing_first() {
        let mut names = vec!["ガクエン", "カキ", "アオバ", "ンボ", "さくら"];
        names.sort_by_key(|n| kana_sort_key(n));
        assert_eq!(names, vec!["アオバ", "カキ", "ガクエン", "さくら", "ンボ"]);
    }
}
