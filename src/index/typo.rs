//! Typo tolerance: a query word of [`MIN_TYPO_WORD`] or more kana and kanji that matches
//! nothing is tried with one edit (a character replaced, left out or added, or two
//! neighbours swapped) against the index's own words, and the spelling that matches the
//! most facilities is searched instead: 在宅医寮 → 在宅医療, クリニツク → クリニック.
//!
//! The edits come from tantivy's Levenshtein automaton over the term dictionary of the
//! substring fields (every 2–5 character piece of the indexed text), and from the tag
//! words (kinds, capabilities, places: 在宅医療 is a piece of 在宅医療充実体制). A longer
//! word is mended where it breaks: in the first 5-character window of it that no document
//! holds. Each candidate is checked as the whole word before it is taken; see [`Rank`].
//!
//! Only words that match nothing are touched, so a query that finds something finds
//! exactly what it found without tolerance. Words of 1–3 characters, and words with a
//! letter or digit (numbers, codes, 27114, C-12), are never corrected: one edit there
//! makes another common word.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::{Searcher, Term};

use super::tags::TagSets;
use super::text::TextIndex;
use crate::text::{is_cjk, SUBSTRING_MAX};

/// The shortest word corrected, and the shortest correction (characters).
pub const MIN_TYPO_WORD: usize = 4;
/// Spellings tried per window, most frequent first.
const PER_WINDOW: usize = 12;
/// Spellings checked as whole words, in all.
const MAX_TRIES: usize = 24;

/// How good a correction is: the most facilities first; among spellings that match as
/// many, the longer (クリニッ matches what クリニック matches: the whole word wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    matches: usize,
    length: usize,
}

/// A query word (normalised) and the word searched instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordFix {
    pub word: String,
    pub fixed: String,
}

/// Whether a normalised word may be corrected: long enough, and all kana or kanji.
pub fn correctable(word: &str) -> bool {
    word.chars().count() >= MIN_TYPO_WORD && word.chars().all(is_cjk)
}

impl TextIndex {
    /// For each word of `text` that matches nothing and may be corrected, the spelling one
    /// edit away that matches the most facilities. Empty when every word matches, or no
    /// edit helps.
    pub fn corrections(&self, text: &str, tags: &TagSets) -> tantivy::Result<Vec<WordFix>> {
        let normalized = crate::text::normalize(text);
        let mut out = Vec::new();
        for word in normalized.split_whitespace() {
            if !correctable(word) || self.matches_any(word, tags)? {
                continue;
            }
            if let Some(fixed) = self.correct_word(word, tags)? {
                out.push(WordFix {
                    word: word.to_string(),
                    fixed,
                });
            }
        }
        Ok(out)
    }

    fn matches_any(&self, word: &str, tags: &TagSets) -> tantivy::Result<bool> {
        Ok(self
            .word_set(word, tags)?
            .is_some_and(|m| !m.set.is_empty()))
    }

    fn correct_word(&self, word: &str, tags: &TagSets) -> tantivy::Result<Option<String>> {
        let chars: Vec<char> = word.chars().collect();
        let mut candidates = self.spellings(&chars)?;
        // Tag words (kinds, capabilities, places) are not in the text fields.
        for t in tags.near_words(word, MIN_TYPO_WORD) {
            if !candidates.contains(&t) {
                candidates.push(t);
            }
        }
        let mut best: Option<(Rank, String)> = None;
        for fixed in candidates.into_iter().take(MAX_TRIES) {
            if fixed == word {
                continue;
            }
            let n = self.count_of(&fixed, tags)?;
            if n == 0 {
                continue;
            }
            let rank = Rank {
                matches: n,
                length: fixed.chars().count(),
            };
            if best
                .as_ref()
                .is_none_or(|(r, f)| rank > *r || (rank == *r && fixed < *f))
            {
                best = Some((rank, fixed));
            }
        }
        Ok(best.map(|(_, f)| f))
    }

    /// Whole-word spellings one edit from `chars` made from the indexed pieces: the first
    /// window of it (5 characters at most) that no document holds is where it breaks, and
    /// each piece one edit from that window takes its place.
    fn spellings(&self, chars: &[char]) -> tantivy::Result<Vec<String>> {
        let width = chars.len().min(SUBSTRING_MAX);
        let searcher = self.searcher();
        for start in 0..=chars.len() - width {
            let window: String = chars[start..start + width].iter().collect();
            if self.holds(&searcher, &window)? {
                continue;
            }
            // The whole word keeps at least MIN_TYPO_WORD characters.
            let min_piece = MIN_TYPO_WORD.saturating_sub(chars.len() - width);
            return Ok(self
                .one_edit_from(&searcher, &window, min_piece)?
                .into_iter()
                .map(|piece| {
                    chars[..start]
                        .iter()
                        .copied()
                        .chain(piece.chars())
                        .chain(chars[start + width..].iter().copied())
                        .collect()
                })
                .collect());
        }
        Ok(Vec::new())
    }

    /// Whether some document holds `piece` in a substring field.
    fn holds(&self, searcher: &Searcher, piece: &str) -> tantivy::Result<bool> {
        for segment in searcher.segment_readers() {
            for field in self.substring_fields() {
                if segment
                    .inverted_index(field)?
                    .terms()
                    .get(piece.as_bytes())?
                    .is_some()
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The indexed pieces of `min_chars` or more one edit from `piece` (Damerau: a swap of
    /// neighbours is one edit), the most frequent first, [`PER_WINDOW`] at most.
    fn one_edit_from(
        &self,
        searcher: &Searcher,
        piece: &str,
        min_chars: usize,
    ) -> tantivy::Result<Vec<String>> {
        let fields = self.substring_fields();
        let dfa =
            FuzzyTermQuery::new(Term::from_field_text(fields[0], piece), 1, true).automaton()?;
        let mut freq: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            for field in fields {
                let inverted = segment.inverted_index(field)?;
                let mut terms = inverted.terms().search(&dfa).into_stream()?;
                while terms.advance() {
                    let Ok(t) = std::str::from_utf8(terms.key()) else {
                        continue;
                    };
                    if t.chars().count() >= min_chars {
                        *freq.entry(t.to_string()).or_default() +=
                            u64::from(terms.value().doc_freq);
                    }
                }
            }
        }
        let mut found: Vec<(String, u64)> = freq.into_iter().collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found.truncate(PER_WINDOW);
        Ok(found.into_iter().map(|(t, _)| t).collect())
    }
}
