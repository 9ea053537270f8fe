//! Names as people type them (issue 18): 異体字 families and long-vowel look-alikes fold on
//! both sides, ヴ reads as the バ row, and a mistyped word finds what the right one finds,
//! saying so, while every word that matches something is left exactly as it is.

use zaitaku::model::{Kind, LatLon};
use zaitaku::{SearchParams, SearchResult};

use super::support::{build, demo_index, fixture, ids, run};

fn text(t: &str) -> SearchParams {
    SearchParams {
        text: Some(t.into()),
        limit: Some("500".into()),
        ..Default::default()
    }
}

fn exact(t: &str) -> SearchParams {
    SearchParams {
        typo: Some("false".into()),
        ..text(t)
    }
}

fn sorted(r: &SearchResult) -> Vec<String> {
    let mut v = ids(r);
    v.sort();
    v
}

#[test]
fn variant_families_long_vowels_and_v_find_each_other() {
    let at = LatLon::new(34.70, 135.50).unwrap();
    let named = |id: &str, name: &str, kana: &str| {
        let mut f = fixture(id, Kind::Clinic, &[], at, Some(27127));
        f.name = name.into();
        f.name_kana = kana.into();
        f
    };
    let built = build(&[
        named("SAITO", "齋藤クリニック", "さいとうくりにっく"),
        named("WATANABE", "渡邉医院", "わたなべいいん"),
        named("HIROTA", "廣田診療所", "ひろたしんりょうじょ"),
        named("TAKA", "髙橋内科", "たかはしないか"),
        named(
            "STATION",
            "さくら訪問看護ステ－ション",
            "さくらほうもんかんごすてーしょん",
        ),
        named("VILLA", "ヴィラ在宅クリニック", "ゔぃらざいたくくりにっく"),
        named("OTHER", "乾医院", "いぬいいいん"),
    ]);
    let found = |q: &str| ids(&run(&built.index, exact(q)));
    for q in ["斎藤", "斉藤", "齊藤", "齋藤"] {
        assert_eq!(found(q), ["SAITO"], "{q}");
    }
    for q in ["渡辺", "渡邊", "渡邉"] {
        assert_eq!(found(q), ["WATANABE"], "{q}");
    }
    assert_eq!(found("広田"), ["HIROTA"]);
    assert_eq!(found("高橋"), ["TAKA"]);
    for q in ["ステーション", "すてーしょん", "ｽﾃｰｼｮﾝ", "ステ-ション"]
    {
        assert_eq!(found(q), ["STATION"], "{q}");
    }
    for q in ["ビラ", "ヴィラ", "ゔぃら", "びら在宅"] {
        assert_eq!(found(q), ["VILLA"], "{q}");
    }
    // Unrelated common characters stay apart: 干 does not find 乾.
    assert!(found("干").is_empty());
    assert_eq!(found("乾"), ["OTHER"]);
}

#[test]
fn a_mistyped_word_finds_what_the_right_one_finds_and_says_so() {
    let index = demo_index();
    for (typed, right, searched) in [
        // A character replaced (ッ typed as ツ), a swap of neighbours, one left out, one
        // added, and a kanji replaced in a word longer than the index's 5-character pieces.
        ("クリニツク", "クリニック", "クリニック"),
        ("クリニクッ", "クリニック", "クリニック"),
        ("クリニク", "クリニック", "クリニック"),
        ("クリニックク", "クリニック", "クリニック"),
        ("訪門看護", "訪問看護", "訪問看護"),
        // A capability's name (a tag word, not in any facility's text).
        ("在宅医寮", "在宅医療", "在宅医療"),
        (
            "訪問看護ステーシヨン",
            "訪問看護ステーション",
            "訪問看護ステーション",
        ),
    ] {
        let want = run(index, exact(right));
        assert!(want.total > 0, "{right}");
        let as_typed = run(index, exact(typed));
        assert_eq!(as_typed.total, 0, "{typed} finds nothing as typed");
        assert!(as_typed.corrected.is_none());
        let r = run(index, text(typed));
        let c = r
            .corrected
            .as_ref()
            .unwrap_or_else(|| panic!("{typed} is corrected"));
        assert_eq!(c.words.len(), 1);
        assert_eq!(
            (c.words[0].from.as_str(), c.words[0].to.as_str()),
            (typed, searched)
        );
        assert_eq!(c.message, format!("{typed} → {searched} で検索しました"));
        assert_eq!(c.text, searched);
        assert_eq!(r.total, want.total, "{typed}");
        assert_eq!(sorted(&r), sorted(&want), "{typed}");
    }
    // Two words, one mistyped: only that one is corrected, and the answer is the AND.
    let r = run(index, text("訪門看護 北区"));
    let c = r.corrected.as_ref().expect("corrected");
    assert_eq!(c.text, "訪問看護 北区");
    assert_eq!(sorted(&r), sorted(&run(index, exact("訪問看護 北区"))));
}

#[test]
fn short_words_numbers_codes_and_real_misses_are_never_corrected() {
    let index = demo_index();
    for typed in [
        // 1–3 characters: one edit makes another common word.
        "訪門看",
        "病完",
        // With a digit or a letter: numbers and codes.
        "クリニツク1",
        "DEMOクリニツク",
        "12345",
        // Nothing one edit away.
        "ほげほげふがふが",
    ] {
        let r = run(index, text(typed));
        assert_eq!(r.total, 0, "{typed}");
        assert!(r.corrected.is_none(), "{typed}: {:?}", r.corrected);
    }
}

/// The precision guard on the demo (the real Osaka index has its own in `osaka.rs`):
/// words that match something answer exactly the same with tolerance on and off.
#[test]
fn correctly_spelled_words_answer_the_same_with_tolerance_on_and_off() {
    let index = demo_index();
    // 4-character pieces of the kana/kanji runs of names, as the index reads them.
    let mut words: Vec<String> = index
        .facilities()
        .iter()
        .step_by(37)
        .flat_map(|f| {
            let name = zaitaku::text::normalize(&f.name);
            let runs: Vec<Vec<char>> = name
                .split(|c: char| !zaitaku::text::is_cjk(c))
                .map(|r| r.chars().collect())
                .collect();
            runs.into_iter().flat_map(|r: Vec<char>| {
                (0..r.len().saturating_sub(3))
                    .step_by(3)
                    .map(move |i| r[i..i + 4].iter().collect::<String>())
            })
        })
        .collect();
    words.sort();
    words.dedup();
    assert!(words.len() >= 50, "{}", words.len());
    for w in words.iter().take(200) {
        let on = run(index, text(w));
        let off = run(index, exact(w));
        assert!(off.total > 0, "{w}");
        assert!(on.corrected.is_none(), "{w}");
        assert_eq!(ids(&on), ids(&off), "{w}");
    }
}

/// The committed table is what `scripts/kanji_variants.py` makes from Debian's Unihan files
/// and the reviewed extras; a table that differs is refused with the rows that differ.
#[test]
fn the_variant_table_is_what_unihan_and_the_extras_give() {
    let unihan = std::path::Path::new("/usr/share/unicode/Unihan_Variants.txt.bz2");
    if !super::support::require(
        unihan.exists(),
        "Debian's unicode-data (/usr/share/unicode/Unihan_*.txt.bz2; scripts/setup.sh installs it)",
    ) {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = |table: &std::path::Path| {
        std::process::Command::new("python3")
            .args(["scripts/kanji_variants.py", "--check", "--table"])
            .arg(table)
            .current_dir(root)
            .output()
            .expect("python3 runs")
    };
    let out = check(&root.join("data/kanji_variants.csv"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A hand edit (斎 no longer folding to 斉) is caught, naming the row.
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("kanji_variants.csv");
    let table = std::fs::read_to_string(root.join("data/kanji_variants.csv")).unwrap();
    std::fs::write(&edited, table.replace("斎,斉,extra,yes\n", "")).unwrap();
    let out = check(&edited);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("+斎,斉,extra,yes"), "{err}");
}
