//! Normalisation: NFKC, lower case, katakana → hiragana, 異体字 (髙 → 高, 齋 → 斉, from
//! [`super::variants`]), ヴ → ブ (ヴァ → バ …), long-vowel look-alikes (ステ－ション →
//! すてーしょん; 1ー2 → 1-2) and ヶ/ケ/が place-name variants.
//!
//! Everything that matches text passes through [`normalize`]: the index (names, readings,
//! addresses, notes, tag words), every query, the geocoder and the vocabulary's labels. So
//! "ﾎｳﾓﾝｶﾝｺﾞ", "ホウモンカンゴ" and "ほうもんかんご" become the same string. It is never
//! used for display.

use unicode_normalization::UnicodeNormalization;

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
    if s.chars().all(nfkc_stable)
        || unicode_normalization::is_nfkc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        fold(s.chars(), s.len())
    } else {
        fold(s.nfkc(), s.len())
    }
}

/// Hiragana (after folding) and the long vowel mark: what a long vowel can follow.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | 'ー')
}

/// The long vowel mark and the dashes people type for it or for a hyphen (NFKC has already
/// made － and ｰ into - and ー).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | 'ー' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '─' | '━'
    )
}

/// ゔ (ヴ after kana folding) and ヷ ヸ ヹ ヺ with a following small vowel, as the バ row
/// reads them: ゔぁ → ば, ゔ → ぶ, ヸ → び. None for anything else.
fn v_row(c: char, next: Option<char>) -> Option<(char, bool)> {
    let with_vowel = |c: char| match c {
        'ぁ' => Some('ば'),
        'ぃ' => Some('び'),
        'ぇ' => Some('べ'),
        'ぉ' => Some('ぼ'),
        _ => None,
    };
    match c {
        'ゔ' => Some(
            next.and_then(with_vowel)
                .map_or(('ぶ', false), |b| (b, true)),
        ),
        'ヷ' => Some(('ば', false)),
        'ヸ' => Some(('び', false)),
        'ヹ' => Some(('べ', false)),
        'ヺ' => Some(('ぼ', false)),
        _ => None,
    }
}

fn fold(chars: impl Iterator<Item = char>, len: usize) -> String {
    // One pass: each character is folded as it is read, with the next one in view.
    let mut folded = chars
        .flat_map(lowercase)
        .map(|c| kata_to_hira(super::variants::fold(c)))
        .peekable();
    let mut out = String::with_capacity(len);
    // The last character written: the long-vowel rule looks at what it follows.
    let mut prev: Option<char> = None;
    while let Some(c) = folded.next() {
        let next = folded.peek().copied();
        let between_kanji = prev.is_some_and(is_kanji) && next.is_some_and(is_kanji);
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let c = match c {
            // 霞ヶ関 / 霞ケ関 / 霞が関 / 霞ヵ関: between two kanji, one place-name particle.
            'ゖ' | 'ゕ' => 'け',
            'け' | 'が' if between_kanji => 'け',
            // A dash after kana is a long vowel (ステ－ション), between digits a hyphen (1ー2).
            c if is_dash(c) && digit(prev) && digit(next) => '-',
            c if is_dash(c) && prev.is_some_and(is_kana) && !digit(next) => 'ー',
            'ー' => 'ー',
            c if is_dash(c) => '-',
            c => match v_row(c, next) {
                Some((b, took_next)) => {
                    if took_next {
                        folded.next();
                    }
                    b
                }
                None => c,
            },
        };
        out.push(c);
        prev = Some(c);
    }
    out
}

/// The lengths of the common prefix of `a` and `b`, and of their common suffix after it:
/// what lies between is where they differ.
pub fn common_ends(a: &[char], b: &[char]) -> (usize, usize) {
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (p, s)
}

/// Whether `a` becomes `b` by exactly one edit: a character replaced, left out or added,
/// or two neighbours swapped (Damerau).
pub fn one_edit(a: &[char], b: &[char]) -> bool {
    let (p, s) = common_ends(a, b);
    match (a.len() - p - s, b.len() - p - s) {
        (1, 1) | (1, 0) | (0, 1) => true,
        (2, 2) => a[p] == b[p + 1] && a[p + 1] == b[p],
        _ => false,
    }
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
        assert_eq!(normalize("ヴィラ"), "びら");
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
    fn variant_families_fold_to_one_form() {
        for family in [
            "斎斉齊齋",
            "広廣",
            "辺邊邉",
            "高髙",
            "崎﨑嵜",
            "沢澤",
            "浜濱濵",
            "桜櫻",
            "会會",
            "国國",
            "医醫",
            "吉𠮷",
        ] {
            let forms: Vec<String> = family.chars().map(|c| normalize(&c.to_string())).collect();
            assert!(forms.iter().all(|f| *f == forms[0]), "{family}: {forms:?}");
        }
        assert_eq!(normalize("渡邉医院"), normalize("渡辺医院"));
        assert_eq!(normalize("齋藤クリニック"), normalize("斎藤クリニック"));
    }

    /// Every row of the table folds both ways: `from` and `to` normalise to one string, and
    /// `to` is where folding ends.
    #[test]
    fn every_pair_of_the_table_folds_both_ways() {
        for v in super::super::variants::table() {
            let (a, b) = (normalize(&v.from.to_string()), normalize(&v.to.to_string()));
            assert_eq!(a, b, "{} → {} ({})", v.from, v.to, v.source);
            assert_eq!(
                super::super::variants::fold(v.to),
                v.to,
                "{} is a target",
                v.to
            );
        }
    }

    /// Two common characters (常用・人名用) fold together only by the 人名用漢字/常用漢字
    /// tables' own variant mappings or a reviewed extra, never by a Unihan link; and a
    /// sample of unrelated common characters that Chinese simplification merges stay apart.
    #[test]
    fn unrelated_common_characters_stay_apart() {
        for v in super::super::variants::table() {
            if v.from_common {
                assert!(
                    ["jinmeiyo", "joyo", "extra"].contains(&v.source),
                    "{} → {} joins two common characters by {}",
                    v.from,
                    v.to,
                    v.source
                );
            }
        }
        for (a, b) in [
            ('干', '乾'),
            ('干', '幹'),
            ('乾', '幹'),
            ('机', '機'),
            ('后', '後'),
            ('台', '颱'),
            ('面', '麺'),
            ('斗', '闘'),
            ('里', '裏'),
            ('叶', '葉'),
            ('谷', '穀'),
            ('系', '係'),
            ('只', '隻'),
            ('制', '製'),
            ('松', '鬆'),
            ('卜', '蔔'),
            ('鮎', '鯰'),
            ('借', '藉'),
            ('喫', '吃'),
            ('藤', '籐'),
            ('浜', '瀕'),
            ('崎', '埼'),
            ('沢', '択'),
            ('広', '宏'),
        ] {
            assert_ne!(
                normalize(&a.to_string()),
                normalize(&b.to_string()),
                "{a} and {b} must not fold together"
            );
        }
    }

    #[test]
    fn long_vowel_look_alikes_and_v_row() {
        let station = normalize("ステーション");
        for typed in [
            "ステ－ション",
            "ステｰション",
            "ステ-ション",
            "ステ‐ション",
            "ステ―ション",
            "ステ‒ション",
            "ステ–ション",
            "ステ—ション",
            "ｽﾃｰｼｮﾝ",
        ] {
            assert_eq!(normalize(typed), station, "{typed}");
        }
        assert_eq!(normalize("センタ－"), normalize("センター"));
        // Between digits, a hyphen (addresses): 1ー2, 1－2 and 1‐2 are 1-2.
        for typed in ["1ー2", "１－２", "1‐2", "1―2", "1−2"] {
            assert_eq!(normalize(typed), "1-2", "{typed}");
        }
        // Not after kana: a dash stays a hyphen.
        assert_eq!(normalize("ABC－1"), "abc-1");
        assert_eq!(normalize("梅田1丁目2-3"), "梅田1丁目2-3");
        // ヴ reads as the バ row for matching.
        assert_eq!(normalize("ヴィラ"), normalize("ビラ"));
        assert_eq!(normalize("ヴァイオリン"), normalize("バイオリン"));
        assert_eq!(normalize("ヴェール"), normalize("ベール"));
        assert_eq!(normalize("ヴォーカル"), normalize("ボーカル"));
        assert_eq!(normalize("ラヴ"), normalize("ラブ"));
        assert_eq!(normalize("ｳﾞｨﾗ"), normalize("ビラ"));
    }

    #[test]
    fn is_idempotent() {
        for s in [
            "ﾎｳﾓﾝｶﾝｺﾞ",
            "霞ヶ関",
            "ＡＢＣ",
            "大阪市北区梅田１丁目",
            "ステ－ション",
            "1ー2－3",
            "ヴィラ ヴ",
            "齋藤 邉",
            "ー-ー",
        ] {
            assert_eq!(normalize(&normalize(s)), normalize(s));
        }
    }

    #[test]
    fn one_edit_is_damerau_distance_one() {
        let e = |a: &str, b: &str| {
            one_edit(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert!(e("在宅医寮", "在宅医療"));
        assert!(e("くりにつく", "くりにっく"));
        assert!(e("くりにくっ", "くりにっく"));
        assert!(e("くりにく", "くりにっく"));
        assert!(e("くりにっくく", "くりにっく"));
        assert!(e("ab", "a"));
        assert!(!e("在宅医療", "在宅医療"));
        assert!(!e("abcd", "badc"));
        assert!(!e("abc", "abcde"));
        assert!(!e("aaa", "a"));
    }

    #[test]
    fn kana_order_ignores_voicing_first() {
        let mut names = vec!["ガクエン", "カキ", "アオバ", "ンボ", "さくら"];
        names.sort_by_key(|n| kana_sort_key(n));
        assert_eq!(names, vec!["アオバ", "カキ", "ガクエン", "さくら", "ンボ"]);
    }
}
