//! The tantivy side of the index: one document per facility and, per text field (name,
//! reading, address, notes), a bigram field with positions (phrase queries = substring
//! matches on normalised text) and a substring field without positions (a 2–5 character
//! word is one term); a unigram field serves one-character words. Relevance is BM25 per
//! field with the field's boost. Documents carry only the facility ordinal; records live in
//! `records.jsonl`. Tag words (kinds, capabilities, ward) are not text: they come from
//! `tags.rs` and are joined here, word by word.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, Score, TantivyDocument, Term};

use super::collect::{contiguous_bases, AllScored, OrdSet};
use super::tags::TagSets;
use super::word_cache::{WordCache, CACHE_MIN_MATCHES};
use super::DocBits;
use crate::model::{Facility, Regions};
use crate::text::{
    is_substring_term, tokenize, BigramTokenizer, Gram, BIGRAM, SUBSTRINGS, UNIGRAM,
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
    pub(super) const INDEXED: [TextField; 4] = [Self::Name, Self::Kana, Self::Address, Self::Notes];

    fn schema_name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kana => "kana",
            Self::Tags => "tags", // not a tantivy field: see `tags.rs`
            Self::Address => "address",
            Self::Notes => "notes",
        }
    }

    pub(super) fn boost(self) -> Score {
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
    pub fn text_of(self, f: &Facility, regions: &Regions) -> String {
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
                let mut text = parts.join("\n");
                for w in f.ward_code.map(|c| regions.words(c)).unwrap_or_default() {
                    text.push('\n');
                    text.push_str(&w);
                }
                text
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
                // Only tags use the regions, and tags are not indexed as text.
                let text = tf.text_of(f, &Regions::default());
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
        // Every segment file against its footer checksum: a damaged file is refused here,
        // not found by a search later.
        let damaged = index.validate_checksum()?;
        if !damaged.is_empty() {
            let mut files: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
            files.sort();
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "checksum mismatch in {}",
                files.join(", ")
            )));
        }
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

    /// Whether every word of `text` is answered from the word cache (and none is a word
    /// that matches nothing and may be corrected: that takes milliseconds).
    pub fn all_cached(&self, text: &str) -> bool {
        if !self.cache_on.load(Ordering::Relaxed) {
            return false;
        }
        let normalized = crate::text::normalize(text);
        let cache = self.words.lock().unwrap_or_else(|e| e.into_inner());
        normalized.split_whitespace().all(|w| {
            cache
                .sets
                .get(w)
                .is_some_and(|(set, _)| !set.is_empty() || !super::typo::correctable(w))
        })
    }

    pub(super) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The substring fields (every 2–5 character piece of the indexed text), per text field.
    pub(super) fn substring_fields(&self) -> [Field; 4] {
        self.fields.substrings
    }

    /// The facilities one word matches in a text field or a tag word; `None` when the word
    /// has no searchable characters.
    pub(super) fn word_set(
        &self,
        word: &str,
        tags: &TagSets,
    ) -> tantivy::Result<Option<Arc<DocBits>>> {
        self.lookup(word, tags, true)
    }

    /// How many facilities `word` matches, without keeping its set in the word cache: typo
    /// tolerance weighs two dozen spellings a word, which would push common words out.
    pub(super) fn count_of(&self, word: &str, tags: &TagSets) -> tantivy::Result<usize> {
        Ok(self.lookup(word, tags, false)?.map_or(0, |s| s.len()))
    }

    fn lookup(
        &self,
        word: &str,
        tags: &TagSets,
        keep: bool,
    ) -> tantivy::Result<Option<Arc<DocBits>>> {
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
        Ok(Some(if keep {
            self.remember(word, set)
        } else {
            Arc::new(set)
        }))
    }

    /// Keeps a word's set in the cache when the cache is on and the word is worth it.
    fn remember(&self, word: &str, set: DocBits) -> Arc<DocBits> {
        let set = Arc::new(set);
        let phrase = word.chars().count() > 2;
        if self.cache_on.load(Ordering::Relaxed) && (phrase || set.len() >= CACHE_MIN_MATCHES) {
            let mut cache = self.words.lock().unwrap_or_else(|e| e.into_inner());
            cache.put(word, set.clone());
        }
        set
    }

    /// Every facility matching all words of `text`, with its relevance (relevance order):
    /// per word, tantivy's BM25 over the text fields (with their boosts) plus, for a
    /// tag-word match, the tags' boost times the word's idf among the tags. `None` when the
    /// text has no searchable characters.
    /// Each word is looked up once: its scored hits and tag matches give both its scores
    /// and its set (which fills the word cache like [`matches`](Self::matches) does).
    pub fn search(&self, text: &str, tags: &TagSets) -> tantivy::Result<Option<Scored>> {
        let mut all: Option<Arc<DocBits>> = None;
        let mut scores = vec![0.0; self.docs];
        let searcher = self.reader.searcher();
        let normalized = crate::text::normalize(text);
        for word in normalized.split_whitespace() {
            let Some(query) = term_query(&self.fields, word) else {
                continue;
            };
            let mut set = tags.matches(word);
            if !set.is_empty() {
                let (n, df) = (self.docs as f32, set.len() as f32);
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let weight = TextField::Tags.boost() * idf;
                for ord in set.ords() {
                    scores[ord as usize] += weight;
                }
            }
            let hits = searcher.search(query.as_ref(), &AllScored { bases: &self.bases })?;
            set.insert_all(hits.iter().map(|(ord, _)| *ord));
            for (ord, score) in hits {
                scores[ord as usize] += score;
            }
            let set = self.remember(word, set);
            all = Some(match all {
                None => set,
                Some(prev) => Arc::new(prev.and(&set)),
            });
        }
        Ok(all.map(|set| Scored { set, scores }))
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// What a text query matched, with each facility's relevance.
pub struct Scored {
    pub set: Arc<DocBits>,
    /// By ordinal (only those in the set count).
    pub scores: Vec<Score>,
}
