//! Which searchable groups of a hit a query's words occur in, for explanations
//! (「名称に『訪問看護』が含まれる」).

use std::borrow::Cow;

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

/// Which searchable groups a query's words occur in, for explaining each hit. The words
/// are prepared once per query; tags are compared label by label (each kind, capability
/// and ward word on its own) from forms prepared once per process; the other groups are
/// normalised per hit.
pub struct FieldMatcher {
    terms: Vec<String>,
}

impl FieldMatcher {
    pub fn new(text: &str) -> Self {
        Self {
            terms: crate::text::normalize(text)
                .split_whitespace()
                .map(joined_unigrams)
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }

    /// The groups matched by the record stored as `json`.
    pub fn fields_in(&self, json: &str, tags: &TagSets) -> Vec<&'static str> {
        serde_json::from_str::<RecordText>(json)
            .map(|r| self.fields_of(&r, tags))
            .unwrap_or_default()
    }

    fn fields_of(&self, r: &RecordText, tags: &TagSets) -> Vec<&'static str> {
        let any = |hay: &str| self.terms.iter().any(|t| hay.contains(t.as_str()));
        TextField::ALL
            .iter()
            .filter(|tf| match tf {
                TextField::Name => any(&joined_unigrams(&r.name)),
                TextField::Kana => any(&joined_unigrams(&r.name_kana)),
                TextField::Address => any(&joined_unigrams(&r.address)),
                TextField::Notes => {
                    r.departments.iter().any(|d| any(&joined_unigrams(d)))
                        || any(&joined_unigrams(&r.notes))
                }
                TextField::Tags => tags.words(&r.kinds, &r.capabilities, r.ward_code).any(any),
            })
            .map(|tf| tf.label())
            .collect()
    }
}
