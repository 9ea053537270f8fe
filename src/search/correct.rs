//! Typo tolerance in a search: when a text search finds nothing, its words that match
//! nothing are corrected against the index ([`crate::index::TextIndex::corrections`]) and
//! the search runs again with them. The answer says so, with each word as typed and as
//! searched: 「在宅医寮 → 在宅医療 で検索しました」. `typo=false` searches the words as typed.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::{SearchError, SearchQuery};
use crate::index::SearchIndex;

/// A word as typed and as searched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

/// A search run with corrected words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Corrected {
    /// The text as searched (what `text=` would be to search it again).
    pub text: String,
    pub words: Vec<Correction>,
    /// 「在宅医寮 → 在宅医療 で検索しました」.
    pub message: String,
}

/// The query with its text corrected, when typo tolerance is on and some word that
/// matches nothing has a spelling one edit away that matches.
pub(super) fn corrected_query(
    index: &SearchIndex,
    q: &SearchQuery,
) -> Result<Option<(SearchQuery, Corrected)>, SearchError> {
    let Some(text) = q.text.as_deref().filter(|_| q.typo) else {
        return Ok(None);
    };
    let fixes = index.text.corrections(text, &index.tags)?;
    if fixes.is_empty() {
        return Ok(None);
    }
    let mut searched = Vec::new();
    let mut words = Vec::new();
    for typed in text.split_whitespace() {
        let normalized = crate::text::normalize(typed);
        match fixes.iter().find(|f| f.word == normalized) {
            Some(fix) => {
                let to = as_typed(typed, &normalized, &fix.fixed);
                searched.push(to.clone());
                if !words.iter().any(|w: &Correction| w.from == typed) {
                    words.push(Correction {
                        from: typed.to_string(),
                        to,
                    });
                }
            }
            None => searched.push(typed.to_string()),
        }
    }
    if words.is_empty() {
        return Ok(None);
    }
    let message = format!(
        "{} で検索しました",
        words
            .iter()
            .map(|w| format!("{} → {}", w.from, w.to))
            .collect::<Vec<_>>()
            .join("、")
    );
    let text = searched.join(" ");
    let query = SearchQuery {
        text: Some(text.clone()),
        ..q.clone()
    };
    Ok(Some((
        query,
        Corrected {
            text,
            words,
            message,
        },
    )))
}

/// The correction in the script it was typed in: the one edit between `normalized` and
/// `fixed` made on the typed word (クリニツク → クリニック, not くりにっく). When the typed
/// word does not line up with its normalised form character by character, `fixed` as is.
fn as_typed(typed: &str, normalized: &str, fixed: &str) -> String {
    let base: Vec<char> = typed.nfkc().collect();
    let n: Vec<char> = normalized.chars().collect();
    let f: Vec<char> = fixed.chars().collect();
    if base.len() != n.len() {
        return fixed.to_string();
    }
    let (p, s) = crate::text::common_ends(&n, &f);
    let katakana = |c: &char| ('\u{30A1}'..='\u{30FA}').contains(c) || *c == 'ー';
    let near = &base[p.saturating_sub(1)..(p + 1).min(base.len())];
    let in_katakana = near.iter().any(katakana);
    let middle = f[p..f.len() - s].iter().map(|&c| match c {
        '\u{3041}'..='\u{3096}' if in_katakana => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        c => c,
    });
    base[..p]
        .iter()
        .copied()
        .chain(middle)
        .chain(base[base.len() - s..].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_keep_the_script_they_were_typed_in() {
        let fix = |typed: &str, fixed: &str| {
            as_typed(
                typed,
                &crate::text::normalize(typed),
                &crate::text::normalize(fixed),
            )
        };
        assert_eq!(fix("クリニツク", "クリニック"), "クリニック");
        assert_eq!(fix("ｸﾘﾆﾂｸ", "クリニック"), "クリニック");
        assert_eq!(fix("在宅医寮", "在宅医療"), "在宅医療");
        assert_eq!(fix("ほうもんかんこ", "ほうもんかんご"), "ほうもんかんご");
        // An insertion and a swap.
        assert_eq!(fix("訪問看", "訪問看護"), "訪問看護");
        assert_eq!(fix("ステショーン", "ステーション"), "ステーション");
    }
}
