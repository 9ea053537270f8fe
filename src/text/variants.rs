//! 異体字 folding: 髙 → 高, 齊/斎/齋 → 斉, 邊/邉 → 辺, 會 → 会. The table is
//! `data/kanji_variants.csv`, made by `scripts/kanji_variants.py` from Unicode's Unihan
//! database (the 常用漢字 and 人名用漢字 variant mappings, kZVariant, and old forms whose
//! simplified form is the Japanese one) and the reviewed pairs of
//! `data/kanji_variants_extra.csv`. Every target folds to itself, so folding is one lookup.

use std::sync::OnceLock;

/// `from,to,source,from_common` rows after `#` comment lines and a header.
const TABLE: &str = include_str!("../../data/kanji_variants.csv");

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    pub from: char,
    pub to: char,
    /// `jinmeiyo`, `joyo`, `unihan` or `extra`: which rule of the script made it.
    pub source: &'static str,
    /// `from` is itself a 常用漢字 or 人名用漢字.
    pub from_common: bool,
}

/// The table, sorted by `from`.
pub fn table() -> &'static [Variant] {
    static ROWS: OnceLock<Vec<Variant>> = OnceLock::new();
    ROWS.get_or_init(|| parse(TABLE).unwrap_or_else(|e| panic!("{e}")))
}

fn parse(text: &'static str) -> Result<Vec<Variant>, String> {
    let mut rows = Vec::new();
    for row in crate::data_table::rows::<4>("data/kanji_variants.csv", text) {
        let row = row?;
        let one = |s: &str| {
            let mut c = s.chars();
            match (c.next(), c.next()) {
                (Some(ch), None) => Ok(ch),
                _ => Err(row.error(format!("{s:?} is not one character"))),
            }
        };
        let [from, to, source, common] = row.cells;
        let from = one(from)?;
        // `fold` skips everything below the CJK blocks.
        if (from as u32) < 0x3400 {
            return Err(row.error(format!("{from:?} is not a CJK ideograph")));
        }
        rows.push(Variant {
            from,
            to: one(to)?,
            source,
            from_common: common == "yes",
        });
    }
    rows.sort_by_key(|v| v.from);
    if let Some(w) = rows.windows(2).find(|w| w[0].from == w[1].from) {
        return Err(format!(
            "data/kanji_variants.csv: {} is listed twice",
            w[0].from
        ));
    }
    Ok(rows)
}

/// The form `c` is matched as (itself when it has no variant row).
pub fn fold(c: char) -> char {
    // Every row's `from` is a CJK ideograph (U+3400 and above).
    let u = c as u32;
    if u < 0x3400 {
        return c;
    }
    // In the BMP, one bit per character says whether it has a row: most kanji have none,
    // and the bit answers them without the binary search.
    if u < 0x10000 && !in_bmp_table(u) {
        return c;
    }
    let t = table();
    t.binary_search_by_key(&c, |v| v.from)
        .map_or(c, |i| t[i].to)
}

/// Whether BMP character `u` (at least U+3400) is the `from` of a row.
fn in_bmp_table(u: u32) -> bool {
    const WORDS: usize = (0x10000 - 0x3400) / 64;
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut bits = vec![0u64; WORDS];
        for v in table() {
            let at = v.from as u32;
            if at < 0x10000 {
                let i = (at - 0x3400) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    });
    let i = (u - 0x3400) as usize;
    bits[i / 64] & (1 << (i % 64)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bitmap that answers most kanji agrees with the table for every BMP character.
    #[test]
    fn the_bitmap_agrees_with_the_table() {
        let t = table();
        for u in 0x3400..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let row = t.binary_search_by_key(&c, |v| v.from).ok();
            assert_eq!(in_bmp_table(u), row.is_some(), "U+{u:04X}");
            assert_eq!(fold(c), row.map_or(c, |i| t[i].to), "U+{u:04X}");
        }
    }

    #[test]
    fn the_table_parses_and_refuses_what_is_not_a_table() {
        assert!(table().len() > 300);
        assert_eq!(fold('髙'), '高');
        assert_eq!(fold('a'), 'a');
        for bad in [
            "from,to\n",
            "from,to,source,from_common\n髙,高\n",
            "from,to,source,from_common\n髙髙,高,extra,\n",
            "from,to,source,from_common\n髙,高,extra,\n髙,高,extra,\n",
            "from,to,source,from_common\nA,高,extra,\n",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
