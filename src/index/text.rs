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

use super::collect::{contiguous_bases, AllScored, OrdList, OrdSet};
use super::tags::TagSets;
use super::word_cache::{WordCache, CACHE_MIN_MATCHES};
use super::{DocBits, Members};
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
    /// The facilities' 五十音 ranks (`Columns::name_rank`), for [`WordMatch::by_name`].
    name_rank: Arc<[u32]>,
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

/// One search word as tantivy queries: per indexed text field (name, reading, address,
/// notes) a short CJK word as one substring term (BM25 without a position check) or a
/// phrase of bigrams; or a single character, which one field holds for all the text.
enum WordQuery {
    PerField([Box<dyn Query>; 4]),
    Unigram(Box<dyn Query>),
}

fn word_query(fields: &Fields, term: &str) -> Option<WordQuery> {
    if is_substring_term(term) {
        return Some(WordQuery::PerField(fields.substrings.map(|field| {
            let t = Term::from_field_text(field, term);
            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>
        })));
    }
    let tokens = tokenize(term, Gram::Bigram);
    if tokens.is_empty() {
        return None;
    }
    let single_char = tokens.len() == 1 && tokens[0].text.chars().count() == 1;
    if single_char {
        let t = Term::from_field_text(fields.unigram, &tokens[0].text);
        return Some(WordQuery::Unigram(Box::new(TermQuery::new(
            t,
            IndexRecordOption::WithFreqs,
        ))));
    }
    Some(WordQuery::PerField(fields.text.map(|field| {
        let terms: Vec<Term> = tokens
            .iter()
            .map(|t| Term::from_field_text(field, &t.text))
            .collect();
        if terms.len() == 1 {
            Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        } else {
            Box::new(PhraseQuery::new(terms))
        }
    })))
}

impl WordQuery {
    /// One query for the word: the fields' queries, each with its field's boost.
    fn boosted(self) -> Box<dyn Query> {
        match self {
            WordQuery::Unigram(q) => q,
            WordQuery::PerField(per_field) => {
                let clauses = TextField::INDEXED
                    .iter()
                    .zip(per_field)
                    .map(|(tf, q)| {
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(q, tf.boost())) as Box<dyn Query>,
                        )
                    })
                    .collect();
                Box::new(BooleanQuery::new(clauses))
            }
        }
    }
}

/// What one word of a query matched: its set (any text field or tag word) and, per group
/// of [`TextField::ALL`], the facilities whose group holds it, so a hit's explanation
/// (「…」が名称・種別等に一致) is read from the index rather than from its record.
pub struct WordMatch {
    /// The word, normalised.
    pub word: String,
    pub set: Arc<DocBits>,
    /// `None` for a one-character word: one unigram field holds it for all the text.
    pub groups: Option<[Members; 5]>,
    /// The members in 五十音 order of their names, for a cached word with few members (at
    /// most one facility in [`BY_NAME_SPARSITY`]): a search sorted by name walks it and
    /// stops at the page's end, instead of ranking every match.
    pub by_name: Option<Box<[u32]>>,
}

/// A cached word keeps its members in name order when at most one facility in this many
/// has it (the list then takes at most as many bytes as the word's bitset).
pub const BY_NAME_SPARSITY: usize = 32;

impl WordMatch {
    /// Heap bytes held (the word cache's budget).
    pub(super) fn bytes(&self) -> usize {
        self.set.bytes()
            + self.by_name.as_ref().map_or(0, |l| l.len() * 4)
            + self
                .groups
                .iter()
                .flatten()
                .map(Members::bytes)
                .sum::<usize>()
    }
}

/// What the words of a text query matched together, and each word on its own.
pub struct TextMatch {
    pub set: Arc<DocBits>,
    pub words: Vec<Arc<WordMatch>>,
}

impl TextIndex {
    /// Writes the text index for `facilities` (ordinal = position) into `dir`.
    pub fn create(dir: &Path, facilities: &[&Facility]) -> tantivy::Result<()> {
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

    /// Opens the text index of `dir`; `name_rank` is the facilities' 五十音 ranks
    /// (`Columns::name_rank`, one per document).
    pub fn open(dir: &Path, name_rank: Arc<[u32]>) -> tantivy::Result<Self> {
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
            name_rank,
        })
    }

    /// Turns the word cache on or off (benchmarks measure both; off also empties it).
    pub fn set_cache(&self, on: bool) {
        self.cache_on.store(on, Ordering::Relaxed);
        if !on {
            *self.words.lock().unwrap_or_else(|e| e.into_inner()) = WordCache::default();
        }
    }

    /// Every facility matching all words of `text`, as a set (no scores), with what each
    /// word matched. `None` when the text has no searchable characters.
    pub fn matches(&self, text: &str, tags: &TagSets) -> tantivy::Result<Option<TextMatch>> {
        let normalized = crate::text::normalize(text);
        let mut all: Option<TextMatch> = None;
        for word in normalized.split_whitespace() {
            let Some(m) = self.word_set(word, tags)? else {
                continue;
            };
            all = Some(join(all, m));
        }
        Ok(all)
    }

    /// Whether every word of `text` is answered from the word cache (and, with typo
    /// tolerance on, none is a word that matches nothing and may be corrected: that takes
    /// milliseconds).
    pub fn all_cached(&self, text: &str, typo: bool) -> bool {
        if !self.cache_on.load(Ordering::Relaxed) {
            return false;
        }
        let normalized = crate::text::normalize(text);
        let cache = self.words.lock().unwrap_or_else(|e| e.into_inner());
        normalized.split_whitespace().all(|w| {
            cache
                .sets
                .get(w)
                .is_some_and(|(m, _)| !typo || !m.set.is_empty() || !super::typo::correctable(w))
        })
    }

    pub(super) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The substring fields (every 2–5 character piece of the indexed text), per text field.
    pub(super) fn substring_fields(&self) -> [Field; 4] {
        self.fields.substrings
    }

    /// What one word matches in the text fields and tag words (from the word cache when it
    /// is there); `None` when the word has no searchable characters.
    pub(super) fn word_set(
        &self,
        word: &str,
        tags: &TagSets,
    ) -> tantivy::Result<Option<Arc<WordMatch>>> {
        // A cached word had searchable characters: its query is built only on a miss.
        if self.cache_on.load(Ordering::Relaxed) {
            let cached = self
                .words
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(word);
            if let Some(m) = cached {
                return Ok(Some(m));
            }
        }
        let Some(query) = word_query(&self.fields, word) else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let collect = |q: &dyn Query| searcher.search(q, &OrdList { bases: &self.bases });
        let tag_set = tags.matches(word);
        let mut set = tag_set.clone();
        let groups = match query {
            WordQuery::Unigram(q) => {
                set.insert_all(collect(q.as_ref())?);
                None
            }
            WordQuery::PerField(per_field) => {
                let mut found = Vec::with_capacity(4);
                for q in &per_field {
                    let hits = collect(q.as_ref())?;
                    set.insert_all(hits.iter().copied());
                    found.push(Members::from_sorted(hits, self.docs));
                }
                let [name, kana, address, notes] =
                    <[Members; 4]>::try_from(found).unwrap_or_else(|_| unreachable!());
                // In the order of `TextField::ALL`.
                Some([name, kana, Members::from_bits(tag_set), address, notes])
            }
        };
        Ok(Some(self.remember(WordMatch {
            word: word.to_string(),
            set: Arc::new(set),
            groups,
            by_name: None,
        })))
    }

    /// How many facilities `word` matches, without keeping its set in the word cache: typo
    /// tolerance weighs two dozen spellings a word, which would push common words out.
    pub(super) fn count_of(&self, word: &str, tags: &TagSets) -> tantivy::Result<usize> {
        let Some(query) = word_query(&self.fields, word) else {
            return Ok(0);
        };
        let hits = self.reader.searcher().search(
            query.boosted().as_ref(),
            &OrdSet {
                bases: &self.bases,
                docs: self.docs,
            },
        )?;
        let mut set = tags.matches(word);
        set.union_with(&hits);
        Ok(set.len())
    }

    /// Keeps a word's match in the cache when the cache is on and the word is worth it.
    /// A cached word with few members also keeps them in name order
    /// ([`WordMatch::by_name`]): sorted once here, read by every search sorted by name.
    fn remember(&self, mut m: WordMatch) -> Arc<WordMatch> {
        let phrase = m.word.chars().count() > 2;
        let cached =
            self.cache_on.load(Ordering::Relaxed) && (phrase || m.set.len() >= CACHE_MIN_MATCHES);
        if !cached {
            return Arc::new(m);
        }
        if m.set.len() * BY_NAME_SPARSITY <= self.docs {
            let mut by_name: Vec<u32> = m.set.ords().collect();
            by_name.sort_unstable_by_key(|ord| self.name_rank[*ord as usize]);
            m.by_name = Some(by_name.into_boxed_slice());
        }
        let m = Arc::new(m);
        let mut cache = self.words.lock().unwrap_or_else(|e| e.into_inner());
        cache.put(&m.word, m.clone());
        m
    }

    /// Every facility matching all words of `text`, with its relevance (relevance order):
    /// per word, tantivy's BM25 over the text fields (with their boosts) plus, for a
    /// tag-word match, the tags' boost times the word's idf among the tags. `None` when the
    /// text has no searchable characters.
    /// Each word's set comes from [`word_set`](Self::word_set) (the word cache), its
    /// scores from one scored query.
    pub fn search(&self, text: &str, tags: &TagSets) -> tantivy::Result<Option<Scored>> {
        let mut all: Option<TextMatch> = None;
        let mut scores = vec![0.0; self.docs];
        let searcher = self.reader.searcher();
        let normalized = crate::text::normalize(text);
        for word in normalized.split_whitespace() {
            let Some(query) = word_query(&self.fields, word) else {
                continue;
            };
            let Some(m) = self.word_set(word, tags)? else {
                continue;
            };
            let tag_set = tags.matches(word);
            if !tag_set.is_empty() {
                let (n, df) = (self.docs as f32, tag_set.len() as f32);
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let weight = TextField::Tags.boost() * idf;
                for ord in tag_set.ords() {
                    scores[ord as usize] += weight;
                }
            }
            let hits =
                searcher.search(query.boosted().as_ref(), &AllScored { bases: &self.bases })?;
            for (ord, score) in hits {
                scores[ord as usize] += score;
            }
            all = Some(join(all, m));
        }
        Ok(all.map(|matched| Scored { matched, scores }))
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// What a text query matched, with each facility's relevance.
pub struct Scored {
    pub matched: TextMatch,
    /// By ordinal (only those in the set count).
    pub scores: Vec<Score>,
}

/// The words so far and one more: both sets ANDed (a single word's set is shared, not
/// copied).
fn join(all: Option<TextMatch>, m: Arc<WordMatch>) -> TextMatch {
    match all {
        None => TextMatch {
            set: m.set.clone(),
            words: vec![m],
        },
        Some(mut prev) => {
            prev.set = Arc::new(prev.set.and(&m.set));
            prev.words.push(m);
            prev
        }
    }
}
