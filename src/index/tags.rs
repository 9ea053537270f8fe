//! Tag words: the kinds, capabilities and ward of a facility spelled out with their
//! readings and synonyms ("訪問看護", "ほうもんかんご", "在支診", "北区", "北部"), so that
//! the text box finds what a facility *is*, not only what its name says.
//!
//! They are structured values, so they are answered from the filter columns' posting lists
//! (the union of every kind, capability or ward one of whose words contains the searched
//! word) instead of being indexed as text: "クリニック" is a synonym of every clinic, and a
//! phrase check per clinic in tantivy costs milliseconds where a union of one posting list
//! costs tens of microseconds.

use std::sync::OnceLock;

use super::{Columns, DocBits};
use crate::model::{Capability, Kind, Regions, WardCode};
use crate::text::joined_unigrams;

/// Every tag word, in the form `joined_unigrams` gives (normalised, no separators).
struct Vocabulary {
    /// By `Kind as usize`.
    kinds: Vec<Vec<String>>,
    /// By `Capability as usize`.
    caps: Vec<Vec<String>>,
}

fn prepare<'a>(words: impl Iterator<Item = &'a str>) -> Vec<String> {
    words
        .map(joined_unigrams)
        .filter(|w| !w.is_empty())
        .collect()
}

fn vocabulary() -> &'static Vocabulary {
    static WORDS: OnceLock<Vocabulary> = OnceLock::new();
    WORDS.get_or_init(|| Vocabulary {
        kinds: Kind::ALL
            .iter()
            .map(|k| {
                let i = k.info();
                prepare(
                    [i.label, i.kana]
                        .into_iter()
                        .chain(i.synonyms.iter().copied()),
                )
            })
            .collect(),
        caps: Capability::all()
            .map(|c| {
                let i = c.info();
                prepare(
                    [i.label, i.short]
                        .into_iter()
                        .chain(i.synonyms.iter().copied()),
                )
            })
            .collect(),
    })
}

/// Per kind, capability and ward, its facilities as a bitset (built when an index is
/// opened: about 60 sets of one bit per facility).
pub struct TagSets {
    kinds: Vec<DocBits>,
    caps: Vec<DocBits>,
    /// Each region of the dataset with its words (name, kana, city, areas) and its
    /// facilities.
    wards: Vec<(WardCode, Vec<String>, Option<DocBits>)>,
    docs: usize,
}

impl TagSets {
    pub fn new(columns: &Columns, regions: &Regions) -> Self {
        let docs = columns.kind_bits.len();
        let set = |list: &[u32]| DocBits::from_ords(list.iter().copied(), docs);
        Self {
            kinds: columns.by_kind.iter().map(|l| set(l)).collect(),
            caps: columns.by_cap.iter().map(|l| set(l)).collect(),
            wards: regions
                .leaves()
                .map(|r| {
                    let words = regions.words(r.code);
                    (
                        r.code,
                        prepare(words.iter().map(String::as_str)),
                        columns.by_ward.get(&r.code).map(|l| set(l)),
                    )
                })
                .collect(),
            docs,
        }
    }

    /// The tag words of one facility (for explaining a hit).
    pub fn words<'a>(
        &'a self,
        kinds: &'a [Kind],
        capabilities: &'a [Capability],
        ward_code: Option<WardCode>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let v = vocabulary();
        let ward = ward_code
            .and_then(|code| self.wards.iter().find(|(c, _, _)| *c == code))
            .map(|(_, w, _)| w);
        kinds
            .iter()
            .flat_map(|k| &v.kinds[*k as usize])
            .chain(capabilities.iter().flat_map(|c| &v.caps[*c as usize]))
            .chain(ward.into_iter().flatten())
            .map(String::as_str)
    }

    /// The facilities one of whose tag words contains `word` (any form the text box
    /// accepts; it is normalised here). Empty when no tag word does.
    pub fn matches(&self, word: &str) -> DocBits {
        let word = joined_unigrams(word);
        let v = vocabulary();
        let has = |words: &[String]| !word.is_empty() && words.iter().any(|w| w.contains(&word));
        let mut out = DocBits::from_ords([], self.docs);
        let kinds = v.kinds.iter().zip(&self.kinds);
        let caps = v.caps.iter().zip(&self.caps);
        let wards = self
            .wards
            .iter()
            .filter_map(|(_, w, s)| Some((w, s.as_ref()?)));
        for (_, set) in kinds.chain(caps).chain(wards).filter(|(w, _)| has(w)) {
            out.union_with(set);
        }
        out
    }
}

impl TagSets {
    /// Pieces of the tag words (kinds, capabilities, places, as `matches` reads them)
    /// exactly one edit from `word` (normalised), of `min_chars` characters or more: the
    /// spellings typo tolerance tries for a word the text fields do not hold (在宅医寮 →
    /// 在宅医療, a piece of 在宅医療充実体制).
    pub fn near_words(&self, word: &str, min_chars: usize) -> Vec<String> {
        let w: Vec<char> = joined_unigrams(word).chars().collect();
        let v = vocabulary();
        let words = v
            .kinds
            .iter()
            .chain(&v.caps)
            .chain(self.wards.iter().map(|(_, words, _)| words))
            .flatten();
        let mut out: Vec<String> = Vec::new();
        for tag in words {
            let t: Vec<char> = tag.chars().collect();
            for len in (w.len().max(min_chars).saturating_sub(1))..=(w.len() + 1) {
                if len < min_chars || len > t.len() {
                    continue;
                }
                for piece in t.windows(len) {
                    if crate::text::one_edit(&w, piece) {
                        let s: String = piece.iter().collect();
                        if !out.contains(&s) {
                            out.push(s);
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ColumnsBuilder;
    use crate::model::sample_facility as sample;

    #[test]
    fn words_match_kinds_capabilities_wards_and_areas_by_substring() {
        let mut b = ColumnsBuilder::default();
        let nursing = sample(&[Kind::VisitingNursing], &[]); // in 北区
        let mut clinic = sample(&[Kind::Clinic], &[Capability::SupportClinic]);
        clinic.ward_code = Some(WardCode(27102)); // 都島区
        b.push(&nursing);
        b.push(&clinic);
        let tags = TagSets::new(&b.finish(), &crate::geo::regions::osaka());
        let ords = |w: &str| tags.matches(w).ords().collect::<Vec<_>>();
        assert_eq!(ords("ホウモンカンゴ"), vec![0]);
        assert_eq!(ords("訪看"), vec![0]);
        assert_eq!(ords("クリニック"), vec![1]);
        assert_eq!(ords("在支診"), vec![1]);
        assert_eq!(ords("北区"), vec![0]);
        // Both wards lie in 北部.
        assert_eq!(ords("北部"), vec![0, 1]);
        assert_eq!(ords("存在しない"), Vec::<u32>::new());
        assert_eq!(ords("・・"), Vec::<u32>::new());
        // Typo candidates: pieces of tag words one edit away, never the word itself.
        assert!(tags
            .near_words("ホウモンカンコ", 4)
            .contains(&"ほうもんかんご".to_string()));
        assert!(tags
            .near_words("在支診", 4)
            .iter()
            .all(|w| w.chars().count() >= 4));
        assert!(!tags
            .near_words("訪問看護", 4)
            .contains(&"訪問看護".to_string()));
    }
}
