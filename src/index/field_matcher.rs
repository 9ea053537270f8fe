//! Which searchable groups of a hit a query's words occur in, for explanations
//! (「名称に『訪問看護』が含まれる」).

use std::borrow::Cow;
use std::sync::Arc;

use super::text::WordMatch;
use super::TagSets;
use super::TextField;
use crate::model::{Capability, Kind, WardCode};
use crate::text::joined_unigrams;

/// The searchable fields of a stored record, borrowed from its JSON (no other field is
/// decoded).
#[derive(serde::Deserialize)]
struct RecordText<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    name_kana: Cow<'a, str>,
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(borrow)]
    departments: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    notes: Cow<'a, str>,
    kinds: Vec<Kind>,
    capabilities: Vec<Capability>,
    ward_code: Option<WardCode>,
}

/// Which searchable groups a query's words occur in, for explaining each hit. A word's
/// groups come from what the search itself matched ([`WordMatch::groups`]): one lookup per
/// group and word, nothing decoded. A one-character word (one unigram field holds it for
/// all the text) is looked for in the hit's record instead: tags compared label by label
/// (each kind, capability and ward word on its own), the other groups normalised.
pub struct FieldMatcher {
    words: Vec<Arc<WordMatch>>,
    /// The one-character words, normalised.
    terms: Vec<String>,
}

impl FieldMatcher {
    pub fn new(words: &[Arc<WordMatch>]) -> Self {
        let (indexed, by_record): (Vec<_>, Vec<_>) =
            words.iter().cloned().partition(|w| w.groups.is_some());
        Self {
            words: indexed,
            terms: by_record
                .iter()
                .map(|w| joined_unigrams(&w.word))
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }

    /// The groups matched by facility `ord`, whose record is stored as `json`.
    pub fn fields_in(&self, ord: u32, json: &str, tags: &TagSets) -> Vec<&'static str> {
        let record = if self.terms.is_empty() {
            None
        } else {
            serde_json::from_str::<RecordText>(json).ok()
        };
        TextField::ALL
            .iter()
            .enumerate()
            .filter(|(i, tf)| {
                self.words
                    .iter()
                    .filter_map(|w| w.groups.as_ref())
                    .any(|groups| groups[*i].contains(ord))
                    || record
                        .as_ref()
                        .is_some_and(|r| self.in_record(r, **tf, tags))
            })
            .map(|(_, tf)| tf.label())
            .collect()
    }

    fn in_record(&self, r: &RecordText, tf: TextField, tags: &TagSets) -> bool {
        let any = |hay: &str| self.terms.iter().any(|t| hay.contains(t.as_str()));
        match tf {
            TextField::Name => any(&joined_unigrams(&r.name)),
            TextField::Kana => any(&joined_unigrams(&r.name_kana)),
            TextField::Address => any(&joined_unigrams(&r.address)),
            TextField::Notes => {
                r.departments.iter().any(|d| any(&joined_unigrams(d)))
                    || any(&joined_unigrams(&r.notes))
            }
            TextField::Tags => tags.words(&r.kinds, &r.capabilities, r.ward_code).any(any),
        }
    }
}
