//! Japanese text handling: one normalisation used everywhere (index, queries, vocabulary
//! matching, kana sort keys, the geocoder) with its 異体字 table, and the bigram tokenizer
//! registered in tantivy.

mod normalize;
mod tokenizer;
pub mod variants;

pub use normalize::{common_ends, kana_sort_key, normalize, one_edit};
pub use tokenizer::{
    is_cjk, is_substring_term, joined_unigrams, tokenize, BigramTokenizer, Gram, TextToken, BIGRAM,
    SUBSTRINGS, SUBSTRING_MAX, UNIGRAM,
};
