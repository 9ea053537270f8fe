//! The tantivy side of the index: one document per facility, Japanese bigram fields with
//! positions (phrase queries = substring matches on normalised text, with BM25 per field),
//! a unigram field for one-character queries, and a substring field without positions that
//! answers "which facilities contain this short word" with one posting list. Documents carry only the facility ordinal; records live in
//! `records.jsonl`. Tag words (kinds, capabilities, ward) are not text: they are answered
//! from the filter columns (`tags.rs`) and joined here, word by word.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, IndexReader, ReloadPolicy, Score, SegmentOrdinal, SegmentReader, TantivyDocument,
    Term,
};

use super::tags::{tag_words, TagSets};
use super::DocBits;
use crate::model::{Capability, Facility, Kind, Ward, WardCode};
use crate::text::{
    is_substring_term, joined_unigrams, tokenize, BigramTokenizer, Gram, BIGRAM, SUBSTRINGS,
    UNIGRAM,
};

/// Searchable text groups of a facility and their weight in relevance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Name,
    Kana,
    Tags,
    Address,
    Notes,
}

impl TextField {
    pub const ALL: [TextField; 5] = [
        Self::Name,
        Self::Kana,
        Self::Tags,
        Self::Address,
        Self::Notes,
    ];
    /// The groups held in tantivy (tags come from the filter columns).
    const INDEXED: [TextField; 4] = [Self::Name, Self::Kana, Self::Address, Self::Notes];

    fn schema_name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kana => "kana",
            Self::Tags => "tags", // not a tantivy field: see `tags.rs`
            Self::Address => "address",
            Self::Notes => "notes",
        }
    }

    fn boost(self) -> Score {
        match self {
            Self::Name => 3.0,
            Self::Kana => 2.0,
            Self::Tags => 1.5,
            Self::Address => 1.0,
            Self::Notes => 0.5,
        }
    }

    /// Japanese label for match explanations.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "名称",
            Self::Kana => "よみ",
            Self::Tags => "種別等",
            Self::Address => "住所",
            Self::Notes => "診療科・備考",
        }
    }

    /// The text of this group for one facility. Tags spell out kinds, capabilities, the
    /// ward and the area with their readings and synonyms, so "在支診" or "ほうもんかんご"
    /// find the facilities that are those things even when their names don't say so.
    pub fn text_of(self, f: &Facility) -> String {
        match self {
            Self::Name => f.name.clone(),
            Self::Kana => f.name_kana.clone(),
            Self::Address => f.address.clone(),
            Self::Notes => {
                let mut parts = f.departments.clone();
                parts.push(f.notes.clone());
                parts.join("\n")
            }
            Self::Tags => {
                let mut parts: Vec<&str> = Vec::new();
                for k in &f.kinds {
                    let i = k.info();
                    parts.extend([i.label, i.kana]);
                    parts.extend(i.synonyms.iter().copied());
                }
                for c in &f.capabilities {
                    let i = c.info();
                    parts.extend([i.label, i.short]);
                    parts.extend(i.synonyms.iter().copied());
                }
                if let Some(w) = f.ward_code.and_then(Ward::by_code) {
                    parts.extend([w.name, w.kana, w.kihon.label()]);
                }
                parts.join("\n")
            }
        }
    }
}

#[derive(Clone)]
struct Fields {
    ord: Field,
    text: [Field; 4],
    unigram: Field,
    /// Per text field, every 2–5 character substring of its CJK runs (no positions).
    substrings: [Field; 4],
}

pub struct TextIndex {
    reader: IndexReader,
    fields: Fields,
    /// Documents in the index (bitset size).
    docs: usize,
    /// See [`contiguous_bases`].
    bases: Vec<Option<u32>>,
    words: Mutex<WordCache>,
    cache_on: AtomicBool,
}

/// Single-bigram words matching fewer documents than this are cheap to look up again
/// (one short posting list); longer words are phrase queries and always cached.
const CACHE_MIN_MATCHES: usize = 1024;
/// Memory for cached word sets.
const CACHE_BYTES: usize = 16 << 20;

/// The sets of the most recently used common words (like Lucene's query cache): "訪問看護"
/// or "薬局" match a fifth of a national index, and finding them again costs tantivy a
/// phrase check per document, while a cached set is one bit per facility.
#[derive(Default)]
struct WordCache {
    sets: HashMap<String, (Arc<DocBits>, u64)>,
    clock: u64,
    bytes: usize,
}

impl WordCache {
    fn get(&mut self, word: &str) -> Option<Arc<DocBits>> {
        self.clock += 1;
        let clock = self.clock;
        self.sets.get_mut(word).map(|(set, used)| {
            *used = clock;
            set.clone()
        })
    }

    fn put(&mut self, word: &str, set: Arc<DocBits>) {
        if set.bytes() > CACHE_BYTES || self.sets.contains_key(word) {
            return;
        }
        while self.bytes + set.bytes() > CACHE_BYTES {
            let Some(oldest) = self
                .sets
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(w, _)| w.clone())
            else {
                break;
            };
            if let Some((old, _)) = self.sets.remove(&oldest) {
                self.bytes -= old.bytes();
            }
        }
        self.clock += 1;
        self.bytes += set.bytes();
        self.sets.insert(word.to_string(), (set, self.clock));
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let ord = b.add_u64_field("ord", FAST);
    let bigram = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let text = TextField::INDEXED.map(|f| b.add_text_field(f.schema_name(), bigram.clone()));
    let unigram = b.add_text_field(
        "unigram",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(UNIGRAM)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let substring = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(SUBSTRINGS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let substrings = TextField::INDEXED
        .map(|f| b.add_text_field(&format!("{}_sub", f.schema_name()), substring.clone()));
    (
        b.build(),
        Fields {
            ord,
            text,
            unigram,
            substrings,
        },
    )
}

fn register_tokenizers(index: &Index) {
    let t = index.tokenizers();
    t.register(
        BIGRAM,
        TextAnalyzer::from(BigramTokenizer::new(Gram::Bigram)),
    );
    t.register(
        UNIGRAM,
        TextAnalyzer::from(BigramTokenizer::new(Gram::Unigram)),
    );
    t.register(
        SUBSTRINGS,
        TextAnalyzer::from(BigramTokenizer::new(Gram::Substrings)),
    );
}

/// One search term, per text field with its boost: a short CJK word as one substring term
/// (BM25 without a position check), a single character, or a phrase of bigrams.
fn term_query(fields: &Fields, term: &str) -> Option<Box<dyn Query>> {
    let boosted = |tf: &TextField, q: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
        (Occur::Should, Box::new(BoostQuery::new(q, tf.boost())))
    };
    if is_substring_term(term) {
        let per_field = TextField::INDEXED
            .iter()
            .zip(fields.substrings)
            .map(|(tf, field)| {
                let t = Term::from_field_text(field, term);
                boosted(
                    tf,
                    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
                )
            });
        return Some(Box::new(BooleanQuery::new(per_field.collect())));
    }
    let tokens = tokenize(term, Gram::Bigram);
    if tokens.is_empty() {
        return None;
    }
    let single_char = tokens.len() == 1 && tokens[0].text.chars().count() == 1;
    if single_char {
        let t = Term::from_field_text(fields.unigram, &tokens[0].text);
        return Some(Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)));
    }
    let per_field = TextField::INDEXED
        .iter()
        .zip(fields.text)
        .map(|(tf, field)| {
            let terms: Vec<Term> = tokens
                .iter()
                .map(|t| Term::from_field_text(field, &t.text))
                .collect();
            let q: Box<dyn Query> = if terms.len() == 1 {
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(terms))
            };
            boosted(tf, q)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(per_field)))
}

impl TextIndex {
    /// Writes the text index for `facilities` (ordinal = position) into `dir`.
    pub fn create(dir: &Path, facilities: &[Facility]) -> tantivy::Result<()> {
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 64_000_000)?;
        for (ord, f) in facilities.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.ord, ord as u64);
            for (i, tf) in TextField::INDEXED.iter().enumerate() {
                let text = tf.text_of(f);
                doc.add_text(fields.unigram, &text);
                doc.add_text(fields.substrings[i], &text);
                let field = fields.text[i];
                doc.add_text(field, text);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(())
    }

    pub fn open(dir: &Path) -> tantivy::Result<Self> {
        let index = Index::open_in_dir(dir)?;
        register_tokenizers(&index);
        let (_, fields) = schema();
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let docs = reader.searcher().num_docs() as usize;
        let bases = contiguous_bases(&reader)?;
        Ok(Self {
            reader,
            fields,
            docs,
            bases,
            words: Mutex::new(WordCache::default()),
            cache_on: AtomicBool::new(true),
        })
    }

    /// Turns the word cache on or off (benchmarks measure both; off also empties it).
    pub fn set_cache(&self, on: bool) {
        self.cache_on.store(on, Ordering::Relaxed);
        if !on {
            *self.words.lock().unwrap_or_else(|e| e.into_inner()) = WordCache::default();
        }
    }

    /// Every facility matching all words of `text`, as a set (no scores). `None` when the
    /// text has no searchable characters.
    pub fn matches(&self, text: &str, tags: &TagSets) -> tantivy::Result<Option<Arc<DocBits>>> {
        let normalized = crate::text::normalize(text);
        let mut all: Option<Arc<DocBits>> = None;
        for word in normalized.split_whitespace() {
            let Some(set) = self.word_set(word, tags)? else {
                continue;
            };
            all = Some(match all {
                None => set,
                Some(prev) => Arc::new(prev.and(&set)),
            });
        }
        Ok(all)
    }

    /// Whether every word of `text` is answered from the word cache.
    pub fn all_cached(&self, text: &str) -> bool {
        if !self.cache_on.load(Ordering::Relaxed) {
            return false;
        }
        let normalized = crate::text::normalize(text);
        let cache = self.words.lock().unwrap_or_else(|e| e.into_inner());
        normalized
            .split_whitespace()
            .all(|w| cache.sets.contains_key(w))
    }

    /// The facilities one word matches in a text field or a tag word; `None` when the word
    /// has no searchable characters.
    fn word_set(&self, word: &str, tags: &TagSets) -> tantivy::Result<Option<Arc<DocBits>>> {
        let Some(query) = term_query(&self.fields, word) else {
            return Ok(None);
        };
        let cache_on = self.cache_on.load(Ordering::Relaxed);
        let cache = || self.words.lock().unwrap_or_else(|e| e.into_inner());
        if cache_on {
            if let Some(set) = cache().get(word) {
                return Ok(Some(set));
            }
        }
        let hits = self.reader.searcher().search(
            query.as_ref(),
            &OrdSet {
                bases: &self.bases,
                docs: self.docs,
            },
        )?;
        let mut set = tags.matches(word);
        set.union_with(&hits);
        let set = Arc::new(set);
        let phrase = word.chars().count() > 2;
        if cache_on && (phrase || set.len() >= CACHE_MIN_MATCHES) {
            cache().put(word, set.clone());
        }
        Ok(Some(set))
    }

    /// Every facility matching all words of `text`, with its relevance (relevance order):
    /// per word, tantivy's BM25 over the text fields (with their boosts) plus, for a
    /// tag-word match, the tags' boost times the word's idf among the tags. `None` when the
    /// text has no searchable characters.
    pub fn search(&self, text: &str, tags: &TagSets) -> tantivy::Result<Option<Scored>> {
        let Some(set) = self.matches(text, tags)? else {
            return Ok(None);
        };
        let mut scores = vec![0.0; self.docs];
        let searcher = self.reader.searcher();
        let normalized = crate::text::normalize(text);
        for word in normalized.split_whitespace() {
            let Some(query) = term_query(&self.fields, word) else {
                continue;
            };
            let collector = AddScores {
                bases: &self.bases,
                set: set.clone(),
            };
            for (ord, score) in searcher.search(query.as_ref(), &collector)? {
                scores[ord as usize] += score;
            }
            let tagged = tags.matches(word);
            if !tagged.is_empty() {
                let (n, df) = (self.docs as f32, tagged.len() as f32);
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let weight = TextField::Tags.boost() * idf;
                for ord in tagged.and(&set).ords() {
                    scores[ord as usize] += weight;
                }
            }
        }
        Ok(Some(Scored { set, scores }))
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// What a text query matched, with each facility's relevance.
pub struct Scored {
    pub set: Arc<DocBits>,
    /// By ordinal; 0 outside the set.
    pub scores: Vec<Score>,
}

/// Collects the ordinal and score of every match that is in `set` (the words' set, so a
/// word's scores are kept only where every word matched).
struct AddScores<'a> {
    bases: &'a [Option<u32>],
    set: Arc<DocBits>,
}

struct AddScoresSegment {
    base: Option<u32>,
    ord: Column<u64>,
    set: Arc<DocBits>,
    hits: Vec<(u32, Score)>,
}

impl Collector for AddScores<'_> {
    type Fruit = Vec<(u32, Score)>;
    type Child = AddScoresSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<AddScoresSegment> {
        Ok(AddScoresSegment {
            base: self.bases.get(segment_ord as usize).copied().flatten(),
            ord: segment.fast_fields().u64("ord")?,
            set: self.set.clone(),
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for AddScoresSegment {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ord = match self.base {
            Some(base) => Some(base + doc),
            None => self.ord.first(doc).map(|o| o as u32),
        };
        if let Some(ord) = ord.filter(|o| self.set.contains(*o)) {
            self.hits.push((ord, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

/// Collects the matching ordinals as a set, a block of documents at a time. In a segment
/// whose documents are in ordinal order without gaps (what the writer makes, and what
/// merges of neighbouring segments keep), a document's ordinal is its number plus the
/// segment's first ordinal, so the `ord` column is not read.
struct OrdSet<'a> {
    /// By segment ordinal: the first ordinal when the segment is contiguous.
    bases: &'a [Option<u32>],
    docs: usize,
}

struct OrdSetSegment {
    base: Option<u32>,
    ord: Column<u64>,
    set: DocBits,
}

impl Collector for OrdSet<'_> {
    type Fruit = DocBits;
    type Child = OrdSetSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<OrdSetSegment> {
        Ok(OrdSetSegment {
            base: self.bases.get(segment_ord as usize).copied().flatten(),
            ord: segment.fast_fields().u64("ord")?,
            set: DocBits::from_ords([], self.docs),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DocBits>) -> tantivy::Result<DocBits> {
        let mut all = DocBits::from_ords([], self.docs);
        for set in &fruits {
            all.union_with(set);
        }
        Ok(all)
    }
}

impl SegmentCollector for OrdSetSegment {
    type Fruit = DocBits;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        match self.base {
            Some(base) => self.set.insert_all(docs.iter().map(|d| base + d)),
            None => {
                let ord = &self.ord;
                let ords = docs.iter().filter_map(|d| ord.first(*d));
                self.set.insert_all(ords.map(|o| o as u32));
            }
        }
    }

    fn harvest(self) -> DocBits {
        self.set
    }
}

/// Per segment of `reader`, its first ordinal when its documents are ordinals `base..`
/// in order (checked once, when the index is opened).
fn contiguous_bases(reader: &IndexReader) -> tantivy::Result<Vec<Option<u32>>> {
    reader
        .searcher()
        .segment_readers()
        .iter()
        .map(|segment| {
            let ord = segment.fast_fields().u64("ord")?;
            let base = ord.first(0);
            let in_order = (0..segment.max_doc())
                .all(|doc| base.is_some_and(|b| ord.first(doc) == Some(b + u64::from(doc))));
            Ok(base
                .filter(|_| in_order && segment.alive_bitset().is_none())
                .map(|b| b as u32))
        })
        .collect()
}

/// The searchable fields of a stored record, borrowed from its JSON (no other field is
/// decoded).
#[derive(serde::Deserialize)]
pub struct RecordText<'a> {
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
    pub fn fields_in(&self, json: &str) -> Vec<&'static str> {
        serde_json::from_str::<RecordText>(json)
            .map(|r| self.fields_of(&r))
            .unwrap_or_default()
    }

    fn fields_of(&self, r: &RecordText) -> Vec<&'static str> {
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
                TextField::Tags => tag_words(&r.kinds, &r.capabilities, r.ward_code).any(any),
            })
            .map(|tf| tf.label())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_cache_keeps_the_recently_used_within_its_budget() {
        // 2 Mi documents: 256 KiB per set, so 64 sets fill the budget.
        let n = 1 << 21;
        let set = |i: u32| Arc::new(DocBits::from_ords([i], n));
        let mut cache = WordCache::default();
        for i in 0..64 {
            cache.put(&format!("w{i}"), set(i));
        }
        assert_eq!(cache.sets.len(), 64);
        assert!(
            cache.get("w0").is_some(),
            "w0 is now the most recently used"
        );
        cache.put("new", set(99));
        assert!(cache.bytes <= CACHE_BYTES);
        assert!(cache.get("w1").is_none(), "the least recently used went");
        assert!(cache.get("w0").is_some() && cache.get("new").is_some());
        assert_eq!(
            cache.get("new").unwrap().ords().collect::<Vec<_>>(),
            vec![99]
        );
    }
}
