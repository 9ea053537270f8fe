//! `/search` writes its JSON answer straight from the index (`search_json`): it must be
//! byte for byte the answer of the search's result (`SearchResult::to_json_with`), which
//! the CLI, the facility pages and the exports use, for every shape of query.

use zaitaku::search::{search_json, SearchQuery};
use zaitaku::SearchParams;

use super::support::demo_index;

fn params(pairs: &[(&str, &str)]) -> SearchParams {
    let mut p = SearchParams::default();
    for (k, v) in pairs {
        let one = Some(v.to_string());
        let v = v.to_string();
        match *k {
            "text" => p.text = one,
            "near" => p.near = one,
            "covers" => p.covers = one,
            "radius_km" => p.radius_km = one,
            "sort" => p.sort = one,
            "limit" => p.limit = one,
            "offset" => p.offset = one,
            "facets" => p.facets = one,
            "total" => p.total = one,
            "view" => p.view = one,
            "typo" => p.typo = one,
            "wheelchair" => p.wheelchair = one,
            "pediatric" => p.pediatric = one,
            "accepting_new" => p.accepting_new = one,
            "scene" => p.scene = one,
            "kind" => p.kind.push(v),
            "cap" => p.cap.push(v),
            "ward" => p.ward.push(v),
            other => panic!("no parameter {other} in this test"),
        }
    }
    p
}

/// Fails with where the two answers part, not with both whole.
fn same(got: &[u8], want: &[u8], pairs: &[(&str, &str)]) {
    let at = got.iter().zip(want).position(|(a, b)| a != b);
    let at = at.unwrap_or(got.len().min(want.len()));
    if got.len() != want.len() || at < got.len() {
        let from = at.saturating_sub(80);
        panic!(
            "{pairs:?}: the answers part at byte {at}:\n got  …{}\n want …{}",
            String::from_utf8_lossy(&got[from..(at + 120).min(got.len())]),
            String::from_utf8_lossy(&want[from..(at + 120).min(want.len())]),
        );
    }
}

#[derive(serde::Serialize)]
struct Note {
    note: &'static str,
}

#[test]
fn the_answer_written_from_the_index_is_the_results_answer() {
    let index = demo_index();
    let scene = zaitaku::search::scene::scenes()[0].code.clone();
    let queries: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("near", "34.70,135.50"),
            ("cap", "home_visit"),
            ("view", "list"),
        ],
        vec![
            ("near", "34.70,135.50"),
            ("cap", "home_visit"),
            ("view", "full"),
        ],
        vec![
            ("covers", "34.735,135.535"),
            ("kind", "visiting_nursing"),
            ("cap", "24h"),
        ],
        vec![
            ("covers", "34.735,135.535"),
            ("view", "list"),
            ("total", "false"),
        ],
        vec![
            ("text", "訪問看護 北区"),
            ("sort", "name"),
            ("facets", "true"),
        ],
        // Found nothing as typed: the corrected search is the answer, and says so.
        vec![("text", "訪門看護"), ("limit", "5")],
        vec![("text", "ぬぬぬぬぬ"), ("typo", "false")],
        vec![("near", "34.68,135.52"), ("radius_km", "5"), ("limit", "0")],
        vec![
            ("ward", "27127"),
            ("offset", "5"),
            ("limit", "7"),
            ("view", "list"),
        ],
        vec![
            ("near", "34.65,135.48"),
            ("pediatric", "true"),
            ("wheelchair", "true"),
        ],
        vec![
            ("near", "34.65,135.48"),
            ("accepting_new", "yes"),
            ("text", "クリニック"),
        ],
        vec![
            ("near", "34.72,135.51"),
            ("scene", scene.as_str()),
            ("offset", "500"),
        ],
    ];
    let mut hits = 0;
    let mut corrected = 0;
    for pairs in &queries {
        let q = SearchQuery::parse(&params(pairs), &index.regions)
            .unwrap_or_else(|e| panic!("{pairs:?}: {e}"));
        let result = zaitaku::search(index, &q).unwrap();
        hits += result.hits.len();
        corrected += usize::from(result.corrected.is_some());
        let direct = search_json(index, &q, &Note { note: "注" }).unwrap();
        same(
            &direct,
            &result.clone().to_json_with(Note { note: "注" }),
            pairs,
        );
        // Without extra fields (`()`), the answer still closes.
        let bare = search_json(index, &q, &()).unwrap();
        same(&bare, &result.to_json_with(()), pairs);
        let v: serde_json::Value = serde_json::from_slice(&bare).unwrap();
        assert!(v["hits"].is_array(), "{pairs:?}");
    }
    // The queries do reach hits and a correction: the comparisons are not of empty pages.
    assert!(hits > 100, "{hits} hits");
    assert_eq!(corrected, 1);
}
