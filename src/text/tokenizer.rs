//! CJK bigram tokenizer. Japanese has no spaces, so text is cut into overlapping two-character
//! grams (東淀川区 → 東淀 淀川 川区); runs of Latin letters and digits stay whole words.
//! A second field holds single characters so one-character queries (北) still match.
//!
//! Dictionary-based analysers need dictionaries downloaded at build time, which this project
//! avoids; bigrams with phrase queries give high recall and good precision for names and
//! addresses.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::normalize::{is_kanji, normalize};

/// Name under which the bigram tokenizer is registered in tantivy.
pub const BIGRAM: &str = "ja_bigram";
/// Name under which the unigram tokenizer is registered in tantivy.
pub const UNIGRAM: &str = "ja_unigram";
/// Name under which the substring tokenizer is registered in tantivy.
pub const SUBSTRINGS: &str = "ja_substrings";
/// The longest substring [`Gram::Substrings`] indexes (characters).
pub const SUBSTRING_MAX: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gram {
    /// Overlapping CJK bigrams (a lone CJK character stays a unigram), whole ASCII words.
    Bigram,
    /// Every CJK character on its own, whole ASCII words.
    Unigram,
    /// Every substring of 2 to [`SUBSTRING_MAX`] characters of each CJK run, nothing else:
    /// a word that short is then one term, found without a position check per document.
    Substrings,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextToken {
    pub text: String,
    pub position: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Separator,
}

/// Kanji, (folded) kana and the long vowel mark: what is cut into grams.
pub fn is_cjk(c: char) -> bool {
    is_kanji(c) || matches!(c, '\u{3041}'..='\u{309F}' | 'ー')
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Separator
    }
}

/// Normalises and tokenizes. Positions are consecutive across runs so phrase queries work
/// over script boundaries ("24時間" → `24` `時間`).
pub fn tokenize(text: &str, gram: Gram) -> Vec<TextToken> {
    let chars: Vec<char> = normalize(text).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = class(chars[i]);
        let start = i;
        while i < chars.len() && class(chars[i]) == c {
            i += 1;
        }
        let run = &chars[start..i];
        match c {
            Class::Separator => {}
            Class::Word | Class::Cjk if gram == Gram::Substrings => {
                if c == Class::Cjk {
                    for len in 2..=SUBSTRING_MAX.min(run.len()) {
                        out.extend(run.windows(len).map(|w| w.iter().collect()));
                    }
                }
            }
            Class::Word => out.push(run.iter().collect()),
            Class::Cjk if run.len() == 1 || gram == Gram::Unigram => {
                out.extend(run.iter().map(|c| c.to_string()))
            }
            Class::Cjk => out.extend(run.windows(2).map(|w| w.iter().collect())),
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(position, text)| TextToken { text, position })
        .collect()
}

/// Whether an already normalised word is one CJK run short enough to be a single
/// [`Gram::Substrings`] term.
pub fn is_substring_term(word: &str) -> bool {
    let n = word.chars().count();
    (2..=SUBSTRING_MAX).contains(&n) && word.chars().all(|c| class(c) == Class::Cjk)
}

/// The normalised text without separators: what the unigram tokens of `text` spell when
/// joined, without a string per character.
pub fn joined_unigrams(text: &str) -> String {
    let mut s = normalize(text);
    s.retain(|c| class(c) != Class::Separator);
    s
}

/// The tantivy side of [`tokenize`].
#[derive(Clone)]
pub struct BigramTokenizer {
    gram: Gram,
    token: Token,
}

impl BigramTokenizer {
    pub fn new(gram: Gram) -> Self {
        Self {
            gram,
            token: Token::default(),
        }
    }
}

pub struct GramStream<'a> {
    tokens: std::vec::IntoIter<TextToken>,
    token: &'a mut Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        self.token.reset();
        GramStream {
            tokens: tokenize(text, self.gram).into_iter(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                // Offsets refer to the normalised text; they are only used for highlighting,
                // which this project does not do.
                self.token.text = t.text;
                self.token.position = t.position;
                self.token.position_length = 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str, g: Gram) -> Vec<String> {
        tokenize(s, g).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn bigrams_cjk_and_keeps_words() {
        assert_eq!(texts("東淀川区", Gram::Bigram), ["東淀", "淀川", "川区"]);
        assert_eq!(
            texts("24時間対応", Gram::Bigram),
            ["24", "時間", "間対", "対応"]
        );
        assert_eq!(texts("北", Gram::Bigram), ["北"]);
        assert_eq!(
            texts("ＡＢＣ 北 クリニック", Gram::Bigram),
            ["abc", "北", "くり", "りに", "にっ", "っく"]
        );
    }

    #[test]
    fn width_and_script_variants_tokenize_the_same() {
        let a = texts("ﾎｳﾓﾝｶﾝｺﾞ", Gram::Bigram);
        assert_eq!(a, texts("ホウモンカンゴ", Gram::Bigram));
        assert_eq!(a, texts("ほうもんかんご", Gram::Bigram));
    }

    #[test]
    fn unigrams_and_positions() {
        assert_eq!(texts("北区", Gram::Unigram), ["北", "区"]);
        let toks = tokenize("大阪・北区", Gram::Bigram);
        assert_eq!(toks.iter().map(|t| t.position).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn substrings_of_cjk_runs_only() {
        assert_eq!(
            texts("北区 24時間対応", Gram::Substrings),
            [
                "北区",
                "時間",
                "間対",
                "対応",
                "時間対",
                "間対応",
                "時間対応"
            ]
        );
        let long = texts("訪問看護ステーション", Gram::Substrings);
        assert!(long.contains(&"訪問看護".to_string()) && long.contains(&"てーしょん".to_string()));
        assert!(long
            .iter()
            .all(|t| (2..=SUBSTRING_MAX).contains(&t.chars().count())));
        assert!(texts("ABC 北", Gram::Substrings).is_empty());
        assert!(is_substring_term("くりにっく") && is_substring_term("北区"));
        assert!(!is_substring_term("北") && !is_substring_term("24時間"));
        assert!(!is_substring_term("訪問看護すてーしょん"));
    }

    #[test]
    fn tantivy_stream_yields_same_tokens() {
        let mut tok = BigramTokenizer::new(Gram::Bigram);
        let mut stream = tok.token_stream("訪問看護ステーション");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, texts("訪問看護ステーション", Gram::Bigram));
    }
}
