//! Japanese text search on the demo index: what a person types finds what they mean.

use std::collections::BTreeSet;

use zaitaku::model::{Capability, Kind};
use zaitaku::text::normalize;
use zaitaku::SearchParams;

use super::support::{demo_index, run};

fn all_ids(text: &str) -> BTreeSet<String> {
    let index = demo_index();
    let mut out = BTreeSet::new();
    let mut offset = 0;
    loop {
        let r = run(
            index,
            SearchParams {
                text: Some(text.into()),
                limit: Some("500".into()),
                offset: Some(offset.to_string()),
                ..Default::default()
            },
        );
        let n = r.hits.len();
        out.extend(r.hits.into_iter().map(|h| h.facility().id.0));
        offset += n;
        if n == 0 || offset >= r.total {
            assert_eq!(out.len(), r.total);
            return out;
        }
    }
}

fn ids_where(pred: impl Fn(&zaitaku::model::Facility) -> bool) -> BTreeSet<String> {
    demo_index()
        .facilities()
        .iter()
        .filter(|f| pred(f))
        .map(|f| f.id.0.clone())
        .collect()
}

#[test]
fn visiting_nursing_in_every_script_and_width() {
    let want = ids_where(|f| f.has_kind(Kind::VisitingNursing));
    assert!(want.len() >= 700);
    for q in [
        "訪問看護",
        "ほうもんかんご",
        "ホウモンカンゴ",
        "ﾎｳﾓﾝｶﾝｺﾞ",
        "訪看",
    ] {
        assert_eq!(all_ids(q), want, "query {q}");
    }
}

#[test]
fn abbreviations_find_capabilities() {
    assert_eq!(
        all_ids("在支診"),
        ids_where(|f| f.has_capability(Capability::SupportClinic))
    );
    let enhanced = ids_where(|f| {
        f.has_capability(Capability::EnhancedSingle) || f.has_capability(Capability::EnhancedLinked)
    });
    assert!(!enhanced.is_empty());
    assert_eq!(all_ids("強化型"), enhanced);
}

#[test]
fn place_fragments_match_like_substrings() {
    // 淀川 is in 淀川区, 東淀川区 and 西淀川区: phrase-of-bigrams behaves like a substring
    // match on the normalised text of any searchable field.
    let got = all_ids("淀川");
    let want = ids_where(|f| {
        zaitaku::index::TextField::ALL
            .iter()
            .any(|tf| normalize(&tf.text_of(f, crate::support::city_regions())).contains("淀川"))
    });
    assert_eq!(got, want);
    let wards: BTreeSet<u32> = demo_index()
        .facilities()
        .iter()
        .filter(|f| got.contains(&f.id.0))
        .filter_map(|f| f.ward_code.map(|w| w.0))
        .collect();
    assert_eq!(wards, BTreeSet::from([27113, 27114, 27123]));
}

#[test]
fn terms_are_anded_and_single_characters_work() {
    let both = all_ids("訪問看護 北区");
    assert!(!both.is_empty());
    let nursing = all_ids("訪問看護");
    assert!(both.is_subset(&nursing));
    assert!(both.len() < nursing.len());
    // One character: the unigram field.
    let kita = all_ids("北");
    assert!(kita.is_superset(&both));
    // Old-form kanji in data are found by the everyday form.
    assert!(!all_ids("高橋").is_empty());
    assert_eq!(all_ids("高橋"), all_ids("髙橋"));
}

#[test]
fn injection_like_and_empty_text_is_harmless() {
    assert!(all_ids("\"; DROP TABLE facilities; --").is_empty());
    assert!(all_ids("title:foo AND (bar OR").is_empty());
    // Only punctuation, an emoji or a zero-width space: nothing to search for. Refused,
    // rather than matching every facility.
    for text in ["・・・", "?", "🏥", "\u{200b}"] {
        let e = zaitaku::SearchQuery::parse(
            &SearchParams {
                text: Some(text.into()),
                ..Default::default()
            },
            crate::support::city_regions(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("parameter 'text'"), "{e}");
    }
}

#[test]
fn explanation_says_why() {
    let r = run(
        demo_index(),
        SearchParams {
            text: Some("訪問看護".into()),
            covers: Some("34.7433,135.5308".into()),
            cap: vec!["24時間対応".into()],
            limit: Some("3".into()),
            ..Default::default()
        },
    );
    assert!(r.total > 0);
    for h in &r.hits {
        assert!(
            h.explanation.contains("km") || h.explanation.contains(" m（"),
            "{}",
            h.explanation
        );
        assert!(h.explanation.contains("訪問範囲"), "{}", h.explanation);
        assert!(
            h.explanation.contains("24時間対応に対応"),
            "{}",
            h.explanation
        );
        assert!(
            h.explanation.contains("「訪問看護」が"),
            "{}",
            h.explanation
        );
    }
}

#[test]
fn word_cache_gives_the_answers_tantivy_gives() {
    // Its own index: the shared demo index must keep its cache on for the other tests.
    let built = super::support::build(&zaitaku::demo::generate_national(7, 20_000));
    let index = &built.index;
    let queries = [
        "薬局",
        "訪問看護",
        "クリニック",
        "ほうもんかんご",
        "訪問看護 北区",
        "北区 訪問看護",
        "クリニック 24時間",
        "訪問看護 クリニック",
        "歯科 西成",
        "薬局 存在しない語",
    ];
    let answer = |text: &str, sort: &str| {
        let r = run(
            index,
            SearchParams {
                text: Some(text.into()),
                near: Some("34.70,135.50".into()),
                sort: Some(sort.into()),
                limit: Some("50".into()),
                ..Default::default()
            },
        );
        (r.total, super::support::ids(&r))
    };
    index.text.set_cache(false);
    let uncached: Vec<_> = queries
        .iter()
        .flat_map(|t| [answer(t, "distance"), answer(t, "name")])
        .collect();
    assert!(
        uncached[0].0 > 1024,
        "薬局 must be common enough to be cached"
    );
    assert_eq!(uncached.last().unwrap().0, 0);
    let parse_typo = |text: &str, sort: &str, typo: &str| {
        zaitaku::SearchQuery::parse(
            &SearchParams {
                text: Some(text.into()),
                near: Some("34.70,135.50".into()),
                sort: Some(sort.into()),
                typo: Some(typo.into()),
                ..Default::default()
            },
            crate::support::city_regions(),
        )
        .unwrap()
    };
    let parse = |text: &str, sort: &str| parse_typo(text, sort, "true");
    assert!(!parse("訪問看護", "distance").is_quick(index), "cache off");
    index.text.set_cache(true);
    assert!(
        !parse("訪問看護", "distance").is_quick(index),
        "not cached yet"
    );
    for round in ["filling the cache", "from the cache"] {
        let cached: Vec<_> = queries
            .iter()
            .flat_map(|t| [answer(t, "distance"), answer(t, "name")])
            .collect();
        assert_eq!(cached, uncached, "{round}");
    }
    // Cached words run on the server's worker; relevance ranking still needs tantivy.
    assert!(parse("訪問看護 クリニック", "distance").is_quick(index));
    assert!(
        !parse("訪問看護 まだ探していない語", "distance").is_quick(index),
        "one word not cached"
    );
    assert!(!parse("訪問看護", "relevance").is_quick(index));
    // A cached word that matches nothing would be corrected (milliseconds), unless typo
    // tolerance is off.
    assert!(!parse("薬局 存在しない語", "distance").is_quick(index));
    assert!(parse_typo("薬局 存在しない語", "distance", "false").is_quick(index));
}

/// Per facility, its searchable text as an oracle reads it: the name, reading, address and
/// notes normalised; tag words (kinds, capabilities, ward) label by label, punctuation
/// ignored.
fn oracle_texts(facilities: &[zaitaku::model::Facility]) -> Vec<(String, Vec<String>)> {
    use zaitaku::index::TextField;
    facilities
        .iter()
        .map(|f| {
            let text = TextField::ALL.map(|tf| match tf {
                TextField::Tags => String::new(),
                _ => normalize(&tf.text_of(f, crate::support::city_regions())),
            });
            let tags = TextField::Tags.text_of(f, crate::support::city_regions());
            let labels = tags.lines().map(zaitaku::text::joined_unigrams);
            (text.join("\n"), labels.collect())
        })
        .collect()
}

/// The facilities whose text contains `word` (normalised, no separators in it).
fn substring_oracle(
    facilities: &[zaitaku::model::Facility],
    texts: &[(String, Vec<String>)],
    word: &str,
) -> BTreeSet<String> {
    facilities
        .iter()
        .zip(texts)
        .filter(|(_, (text, tags))| text.contains(word) || tags.iter().any(|t| t.contains(word)))
        .map(|(f, _)| f.id.0.clone())
        .collect()
}

#[test]
fn every_word_length_matches_a_substring_oracle() {
    // Words cut from the facilities' own text: 2–5 characters are one substring term
    // (no position check), longer words are bigram phrases, tag words come from the filter
    // columns. Each must find exactly the facilities whose text contains it, with the word
    // cache off (every lookup fresh) and on.
    use zaitaku::index::TextField;
    let built = super::support::build(&zaitaku::demo::generate_national(3, 8_000));
    let index = &built.index;
    // As indexed: the build places each facility in its ward.
    let facilities = index.facilities();
    let texts = oracle_texts(&facilities);
    let oracle = |word: &str| substring_oracle(&facilities, &texts, word);
    let mut rng = zaitaku::demo::Rng::new(5);
    let mut words: BTreeSet<String> = BTreeSet::new();
    while words.len() < 120 {
        let f = &facilities[rng.below(facilities.len())];
        let field = TextField::ALL[rng.below(5)];
        let text = normalize(&field.text_of(f, crate::support::city_regions()));
        // A run of CJK characters (kanji, kana, the long vowel mark).
        let runs: Vec<Vec<char>> = text
            .split(|c: char| !zaitaku::text::is_cjk(c))
            .map(|r| r.chars().collect())
            .filter(|r: &Vec<char>| r.len() >= 2)
            .collect();
        if runs.is_empty() {
            continue;
        }
        let run = &runs[rng.below(runs.len())];
        let len = 2 + rng.below(6).min(run.len() - 2);
        let start = rng.below(run.len() - len + 1);
        words.insert(run[start..start + len].iter().collect());
    }
    let lengths: BTreeSet<usize> = words.iter().map(|w| w.chars().count()).collect();
    assert!(
        lengths.contains(&2) && lengths.contains(&5) && lengths.iter().any(|l| *l > 5),
        "{lengths:?}"
    );
    let found = |word: &str| -> BTreeSet<String> {
        let m = index.text.matches(word, &index.tags).unwrap().unwrap();
        m.set.ords().map(|o| index.facility(o).id.0).collect()
    };
    // The groups each hit's explanation names (「…」が名称・住所に一致) are the groups whose
    // text holds the word: read from the index (what the search matched per group), and
    // the same when read from the record (as one-character words are).
    let groups_agree = |word: &str| {
        use std::sync::Arc;
        use zaitaku::index::{FieldMatcher, WordMatch};
        let m = index.text.matches(word, &index.tags).unwrap().unwrap();
        let from_index = FieldMatcher::new(&m.words);
        let from_record = FieldMatcher::new(&[Arc::new(WordMatch {
            word: word.to_string(),
            set: m.set.clone(),
            groups: None,
            by_name: None,
        })]);
        for ord in m.set.ords() {
            let f = index.facility(ord);
            let want: Vec<&str> = TextField::ALL
                .iter()
                .filter(|tf| match tf {
                    TextField::Tags => TextField::Tags
                        .text_of(&f, crate::support::city_regions())
                        .lines()
                        .any(|l| zaitaku::text::joined_unigrams(l).contains(word)),
                    _ => normalize(&tf.text_of(&f, crate::support::city_regions())).contains(word),
                })
                .map(|tf| tf.label())
                .collect();
            let raw = index.records().raw(ord);
            let (a, b) = (
                from_index.fields_in(ord, raw, &index.tags),
                from_record.fields_in(ord, raw, &index.tags),
            );
            assert_eq!(a, want, "{word} in {} (from the index)", f.id);
            assert_eq!(b, want, "{word} in {} (from the record)", f.id);
        }
    };
    for cache in [false, true, true] {
        index.text.set_cache(cache);
        for w in &words {
            groups_agree(w);
            let (got, want) = (found(w), oracle(w));
            let texts = |ids: Vec<&String>| -> Vec<String> {
                let f = facilities.iter().filter(|f| ids.contains(&&f.id.0));
                f.map(|f| {
                    TextField::ALL
                        .map(|tf| tf.text_of(f, crate::support::city_regions()))
                        .join(" / ")
                })
                .collect()
            };
            let extra = texts(got.difference(&want).collect());
            let missing = texts(want.difference(&got).collect());
            assert!(
                extra.is_empty() && missing.is_empty(),
                "{w} (cache {cache}): found without it: {extra:?}; with it, not found: {missing:?}"
            );
        }
    }
    // Two words: both must be contained.
    let (a, b) = ("訪問看護", "北海道");
    let both: BTreeSet<String> = oracle(a).intersection(&oracle(b)).cloned().collect();
    assert!(!both.is_empty());
    assert_eq!(found(&format!("{a} {b}")), both);
}

#[test]
fn relevance_puts_name_matches_first() {
    // Text without a point is ordered by relevance: a word in the name weighs more than
    // the same word only among the tags (kind synonyms) or in the address.
    for word in ["淀川", "在宅", "天王寺"] {
        let r = run(
            demo_index(),
            SearchParams {
                text: Some(word.into()),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        let in_name: Vec<bool> = r
            .hits
            .iter()
            .map(|h| normalize(&h.facility().name).contains(word))
            .collect();
        assert!(
            in_name.contains(&true) && in_name.contains(&false),
            "{word}"
        );
        let first_other = in_name.iter().position(|n| !n).unwrap();
        assert!(
            in_name[first_other..].iter().all(|n| !n),
            "{word}: a name match ranks after a facility without the word in its name"
        );
        let scores: Vec<f32> = r.hits.iter().map(|h| h.score.unwrap()).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{word}: {scores:?}"
        );
    }
}
