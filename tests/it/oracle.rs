//! Property tests: k-nearest, radius, covers and rare filters against a brute-force
//! haversine scan over every record, on seeded random data that straddles ward borders.

use std::collections::BTreeSet;

use zaitaku::demo::Rng;
use zaitaku::geo::{haversine_m, WardLocator};
use zaitaku::model::{Accepting, Capability, Facility, FacilityId, Kind, LatLon, ValueSource};
use zaitaku::SearchParams;

use super::support::{build, ids, run};

/// A box around Osaka City, a little larger, so some points fall outside every ward.
fn random_point(rng: &mut Rng) -> LatLon {
    let lat = 34.57 + rng.unit() * 0.22;
    let lon = 135.39 + rng.unit() * 0.22;
    LatLon::new((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6).unwrap()
}

fn random_facilities(seed: u64, n: usize) -> Vec<Facility> {
    let mut rng = Rng::new(seed);
    let caps: Vec<Capability> = Capability::all().collect();
    (0..n)
        .map(|i| {
            let mut kinds = BTreeSet::new();
            kinds.insert(*rng.pick(&Kind::ALL));
            if rng.chance(0.1) {
                kinds.insert(*rng.pick(&Kind::ALL));
            }
            let mut fcaps = BTreeSet::new();
            for _ in 0..rng.below(5) {
                fcaps.insert(*rng.pick(&caps));
            }
            if rng.chance(0.4) {
                fcaps.insert(Capability::HomeVisit);
            }
            let service_wards = if rng.chance(0.3) {
                let mut w: Vec<_> = (0..1 + rng.below(3))
                    .map(|_| rng.pick(&wards()).code)
                    .collect();
                w.sort();
                w.dedup();
                w
            } else {
                vec![]
            };
            let location = random_point(&mut rng);
            Facility {
                id: FacilityId(format!("R{i:05}")),
                name: format!("施設{i}"),
                name_kana: format!("しせつ{i}"),
                kinds: kinds.into_iter().collect(),
                postal_code: None,
                address: "大阪市".into(),
                location,
                ward_code: WardLocator::points(crate::support::city_regions()).locate(location),
                phone: None,
                fax: None,
                url: None,
                capabilities: fcaps.into_iter().collect(),
                capability_claims: Vec::new(),
                wheelchair: [None, Some(true), Some(false)][rng.below(3)],
                pediatric: if rng.chance(0.05) { Some(true) } else { None },
                service_radius_km: rng
                    .chance(0.5)
                    // 0.1–20 km: a declared radius is above 0 (RadiusKm).
                    .then(|| ((rng.unit() * 20.0 * 10.0).round() / 10.0).max(0.1)),
                service_wards,
                departments: vec![],
                notes: String::new(),
                accepting_new: Accepting::Unknown,
                accepting_until: None,
                active_roles: Vec::new(),
                backup_beds: None,
                service_towns: Vec::new(),
                updated_at: None,
                sources: vec![ValueSource {
                    source: "oracle".into(),
                    fields: vec![],
                }],
            }
        })
        .collect()
}

fn point_param(p: LatLon) -> Option<String> {
    Some(format!("{},{}", p.lat, p.lon))
}

#[test]
fn k_nearest_with_filters_matches_brute_force() {
    let data = random_facilities(1, 3000);
    let built = build(&data);
    let mut rng = Rng::new(99);
    for round in 0..200 {
        let p = random_point(&mut rng);
        let kind = *rng.pick(&Kind::ALL);
        let cap = if round % 2 == 0 {
            Some(Capability::HomeVisit)
        } else {
            None
        };
        let k = 1 + rng.below(15);
        let r = run(
            &built.index,
            SearchParams {
                near: point_param(p),
                kind: vec![kind.code().into()],
                cap: cap.iter().map(|c| c.code().to_string()).collect(),
                limit: Some(k.to_string()),
                ..Default::default()
            },
        );
        let mut oracle: Vec<(f64, &Facility)> = data
            .iter()
            .filter(|f| f.has_kind(kind) && cap.is_none_or(|c| f.has_capability(c)))
            .map(|f| (haversine_m(p, f.location), f))
            .collect();
        oracle.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(r.total, oracle.len());
        let want: Vec<String> = oracle.iter().take(k).map(|(_, f)| f.id.0.clone()).collect();
        assert_eq!(ids(&r), want, "round {round}");
        for (hit, (d, _)) in r.hits.iter().zip(&oracle) {
            assert!((hit.distance_m.unwrap() - d).abs() < 1e-6);
        }
    }
}

#[test]
fn radius_matches_brute_force() {
    let data = random_facilities(2, 3000);
    let built = build(&data);
    let mut rng = Rng::new(7);
    for round in 0..200 {
        let p = random_point(&mut rng);
        let radius_km = 0.2 + rng.unit() * 6.0;
        let r = run(
            &built.index,
            SearchParams {
                near: point_param(p),
                radius_km: Some(radius_km.to_string()),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        let want: BTreeSet<String> = data
            .iter()
            .filter(|f| haversine_m(p, f.location) <= radius_km * 1000.0)
            .map(|f| f.id.0.clone())
            .collect();
        assert_eq!(r.total, want.len(), "round {round}");
        if want.len() <= 500 {
            assert_eq!(
                ids(&r).into_iter().collect::<BTreeSet<_>>(),
                want,
                "round {round}"
            );
        }
        let ds: Vec<f64> = r.hits.iter().map(|h| h.distance_m.unwrap()).collect();
        assert!(ds.windows(2).all(|w| w[0] <= w[1]), "sorted by distance");
    }
}

/// The definition of "covers", written out independently of the engine.
fn covers(f: &Facility, p: LatLon) -> bool {
    let medical =
        f.has_capability(Capability::HomeVisit) || f.has_capability(Capability::HouseCall);
    let visiting: Vec<Kind> = f
        .kinds
        .iter()
        .copied()
        .filter(|k| match k {
            Kind::Hospital | Kind::Clinic => medical || f.has_capability(Capability::HomeRehab),
            Kind::DentalClinic => f.has_capability(Capability::HomeDental),
            Kind::Pharmacy => f.has_capability(Capability::HomePharmacy),
            _ => true,
        })
        .collect();
    if visiting.is_empty() {
        return false;
    }
    let mut radius = f.service_radius_km.unwrap_or_else(|| {
        visiting
            .iter()
            .map(|k| k.info().default_radius_km)
            .fold(0.0, f64::max)
    });
    if medical {
        radius = radius.min(16.0);
    }
    if haversine_m(p, f.location) > radius * 1000.0 {
        return false;
    }
    if f.service_wards.is_empty() {
        return true;
    }
    WardLocator::points(crate::support::city_regions())
        .locate(p)
        .is_some_and(|w| f.service_wards.contains(&w))
}

#[test]
fn covers_matches_brute_force_including_ward_borders() {
    let data = random_facilities(3, 3000);
    let built = build(&data);
    let mut rng = Rng::new(11);
    // Points halfway between pairs of ward representative points sit on ward borders.
    let mut points: Vec<LatLon> = (0..100).map(|_| random_point(&mut rng)).collect();
    let wards = wards();
    for a in wards.iter().take(12) {
        for b in wards.iter().skip(12) {
            let (pa, pb) = (a.point.unwrap(), b.point.unwrap());
            points.push(LatLon::new((pa.lat + pb.lat) / 2.0, (pa.lon + pb.lon) / 2.0).unwrap());
        }
    }
    for (round, p) in points.into_iter().enumerate() {
        let cap = [None, Some(Capability::Around24h)][round % 2];
        let r = run(
            &built.index,
            SearchParams {
                covers: point_param(p),
                cap: cap.iter().map(|c| c.code().to_string()).collect(),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        let want: BTreeSet<String> = data
            .iter()
            .filter(|f| covers(f, p) && cap.is_none_or(|c| f.has_capability(c)))
            .map(|f| f.id.0.clone())
            .collect();
        assert_eq!(r.total, want.len(), "round {round} at {p}");
        if want.len() <= 500 {
            assert_eq!(
                ids(&r).into_iter().collect::<BTreeSet<_>>(),
                want,
                "round {round}"
            );
        }
    }
}

#[test]
fn rare_filters_and_facets_match_brute_force() {
    let data = random_facilities(4, 3000);
    let built = build(&data);
    let r = run(
        &built.index,
        SearchParams {
            pediatric: Some("true".into()),
            cap: vec!["人工呼吸器".into()],
            limit: Some("500".into()),
            ..Default::default()
        },
    );
    let want: BTreeSet<String> = data
        .iter()
        .filter(|f| f.pediatric == Some(true) && f.has_capability(Capability::Ventilator))
        .map(|f| f.id.0.clone())
        .collect();
    assert!(!want.is_empty(), "the seed must produce some rare matches");
    assert_eq!(ids(&r).into_iter().collect::<BTreeSet<_>>(), want);

    // Unions of several posting lists (two kinds; a synonym meaning two capabilities)
    // must not count a facility twice.
    let r = run(
        &built.index,
        SearchParams {
            kind: vec!["hospital,clinic,visiting_nursing".into()],
            cap: vec!["強化型".into()],
            limit: Some("500".into()),
            ..Default::default()
        },
    );
    let want: BTreeSet<String> = data
        .iter()
        .filter(|f| {
            [Kind::Hospital, Kind::Clinic, Kind::VisitingNursing]
                .iter()
                .any(|k| f.has_kind(*k))
        })
        .filter(|f| {
            f.has_capability(Capability::EnhancedSingle)
                || f.has_capability(Capability::EnhancedLinked)
        })
        .map(|f| f.id.0.clone())
        .collect();
    assert!(want.len() > 20);
    assert_eq!(r.total, want.len());
    assert_eq!(ids(&r).into_iter().collect::<BTreeSet<_>>(), want);

    // Facets count the whole filtered set, not the page.
    let r = run(
        &built.index,
        SearchParams {
            area: vec!["北部".into()],
            wheelchair: Some("true".into()),
            limit: Some("1".into()),
            ..Default::default()
        },
    );
    let north: Vec<&Facility> = data
        .iter()
        .filter(|f| f.wheelchair == Some(true))
        .filter(|f| {
            f.ward_code
                .is_some_and(|w| [27127, 27102, 27123, 27114, 27117].contains(&w.0))
        })
        .collect();
    assert_eq!(r.total, north.len());
    assert_eq!(r.hits.len(), 1);
    for fc in &r.facets.kind {
        let k = zaitaku::model::Kind::parse(&fc.code).unwrap();
        assert_eq!(
            fc.count,
            north.iter().filter(|f| f.has_kind(k)).count(),
            "{}",
            fc.code
        );
    }
    for fc in &r.facets.ward {
        assert_eq!(
            fc.count,
            north
                .iter()
                .filter(|f| f.ward_code.unwrap().to_string() == fc.code)
                .count()
        );
    }
}

#[test]
fn bbox_and_paging_match_brute_force() {
    let data = random_facilities(5, 2000);
    let built = build(&data);
    let r = run(
        &built.index,
        SearchParams {
            bbox: Some("135.45,34.62,135.52,34.70".into()),
            sort: Some("name".into()),
            limit: Some("500".into()),
            ..Default::default()
        },
    );
    let inside = data
        .iter()
        .filter(|f| {
            (34.62..=34.70).contains(&f.location.lat) && (135.45..=135.52).contains(&f.location.lon)
        })
        .count();
    assert_eq!(r.total, inside);
    // Pages concatenate to the full ordering.
    let page = |offset: usize| {
        ids(&run(
            &built.index,
            SearchParams {
                bbox: Some("135.45,34.62,135.52,34.70".into()),
                sort: Some("name".into()),
                limit: Some("7".into()),
                offset: Some(offset.to_string()),
                ..Default::default()
            },
        ))
    };
    let all = ids(&r);
    assert_eq!([page(0), page(7)].concat(), all[..14].to_vec());
}

/// `total=false&facets=false` stops nearest-first after the page: the page must be the
/// same as the full search's (near, near + radius, covers), and total a lower bound.
#[test]
fn early_stopping_gives_the_same_page() {
    let data = random_facilities(5, 3000);
    let built = build(&data);
    let mut rng = Rng::new(17);
    for round in 0..300 {
        let p = point_param(random_point(&mut rng));
        let kind = rng.pick(&Kind::ALL).code().to_string();
        let (near, covers, radius) = match round % 3 {
            0 => (p, None, None),
            1 => (p, None, Some(format!("{}", 0.5 + rng.unit() * 4.0))),
            _ => (None, p, None),
        };
        let offset = rng.below(5).to_string();
        let limit = (1 + rng.below(15)).to_string();
        let (full, fast) = full_and_cheap(
            &built.index,
            SearchParams {
                near,
                covers,
                radius_km: radius,
                kind: vec![kind],
                offset: Some(offset),
                limit: Some(limit),
                ..Default::default()
            },
            round,
        );
        assert!(fast.total <= full.total, "round {round}");
        assert!(fast.total_is_lower_bound && !full.total_is_lower_bound);
        assert!(fast.facets.kind.is_empty());
    }
}

#[test]
fn early_stopping_on_filter_trees_gives_the_same_page() {
    // Enough facilities that every kind, 訪問診療 and 車いす可 get their own R-tree, and a
    // fifth of them sharing a point with another (a clinic and its 訪問看護 in one
    // building), so the walk has exact ties to break by name.
    let mut data = random_facilities(23, 20_000);
    let mut rng = Rng::new(5);
    for i in 1..data.len() {
        if rng.chance(0.2) {
            let j = rng.below(i);
            data[i].location = data[j].location;
            data[i].ward_code = data[j].ward_code;
        }
    }
    let built = build(&data);
    let trees = &built.index.trees;
    assert!(trees.kind.iter().all(Option::is_some), "a tree per kind");
    assert!(trees.cap[Capability::HomeVisit as usize].is_some());
    assert!(trees.wheelchair.is_some());
    let mut stopped_early = 0;
    for round in 0..400 {
        let p = point_param(random_point(&mut rng));
        let (near, covers) = if round % 4 == 3 { (None, p) } else { (p, None) };
        let kind = match round % 3 {
            0 => vec![],
            _ => vec![rng.pick(&Kind::ALL).code().to_string()],
        };
        let cap = match round % 5 {
            0 | 1 => vec!["home_visit".to_string()],
            2 => vec![rng
                .pick(&Capability::all().collect::<Vec<_>>())
                .code()
                .to_string()],
            _ => vec![],
        };
        let wheelchair = (round % 7 == 0).then(|| "true".to_string());
        let offset = rng.below(5).to_string();
        let limit = (1 + rng.below(30)).to_string();
        let (full, fast) = full_and_cheap(
            &built.index,
            SearchParams {
                near,
                covers,
                kind: kind.clone(),
                cap: cap.clone(),
                wheelchair,
                offset: Some(offset),
                limit: Some(limit),
                ..Default::default()
            },
            round,
        );
        let d = |r: &zaitaku::SearchResult| -> Vec<Option<f64>> {
            r.hits.iter().map(|h| h.distance_m).collect()
        };
        assert_eq!(d(&fast), d(&full), "round {round}");
        // A rare combination (hospital + 24h) is cheaper to scan whole than to walk: then
        // the total is exact. Either way it never overstates.
        assert!(!full.total_is_lower_bound, "round {round}");
        if fast.total_is_lower_bound {
            stopped_early += 1;
        } else {
            assert_eq!(fast.total, full.total, "round {round}: {cap:?} {kind:?}");
        }
    }
    assert!(
        stopped_early > 300,
        "most rounds walk a tree and stop early: {stopped_early}/400"
    );
}

/// Sorted by name, `total=false&facets=false` checks candidates in 五十音 order until the
/// page is full (ranking the candidates, or walking a sparse cached word's members in name
/// order): the page must be the full search's, ties of equal names included.
#[test]
fn early_stopping_by_name_gives_the_same_page() {
    let mut data = random_facilities(31, 4000);
    let mut rng = Rng::new(9);
    // A third of the names repeat another's, so equal names must keep their order.
    for i in 1..data.len() {
        if rng.chance(0.3) {
            let j = rng.below(i);
            data[i].name = data[j].name.clone();
            data[i].name_kana = data[j].name_kana.clone();
        }
    }
    let built = build(&data);
    let mut stopped_early = 0;
    for round in 0..300 {
        let kind = match round % 3 {
            0 => vec![],
            _ => vec![rng.pick(&Kind::ALL).code().to_string()],
        };
        let cap = match round % 4 {
            0 => vec!["home_visit".to_string()],
            1 => vec![rng
                .pick(&Capability::all().collect::<Vec<_>>())
                .code()
                .to_string()],
            _ => vec![],
        };
        // Text that matches a few names (施設1 matches 施設1, 施設10, 施設100 …), or none.
        let text = match round % 6 {
            0 | 1 => Some(format!("施設{}", 1 + rng.below(40))),
            2 => Some("訪問".to_string()),
            3 => Some(format!("訪問看護 施設{}", 1 + rng.below(40))),
            _ => None,
        };
        let wheelchair = (round % 7 == 0).then(|| "true".to_string());
        let (full, fast) = full_and_cheap(
            &built.index,
            SearchParams {
                text,
                kind: kind.clone(),
                cap: cap.clone(),
                wheelchair,
                sort: Some("name".into()),
                offset: Some(rng.below(30).to_string()),
                limit: Some(rng.below(40).to_string()),
                typo: Some("false".into()),
                ..Default::default()
            },
            round,
        );
        assert!(!full.total_is_lower_bound, "round {round}");
        if fast.total_is_lower_bound {
            stopped_early += 1;
            assert!(fast.total <= full.total, "round {round}");
        } else {
            assert_eq!(fast.total, full.total, "round {round}: {kind:?} {cap:?}");
        }
    }
    assert!(
        stopped_early > 100,
        "most rounds stop early: {stopped_early}/300"
    );
    // The sparse words were cached with their members in name order (the walk's input).
    let text = &built.index.text;
    let m = text.matches("施設12", &built.index.tags).unwrap().unwrap();
    let walk = m.words[0].by_name.as_deref().expect("a sparse cached word");
    let mut members: Vec<u32> = m.set.ords().collect();
    members.sort_by_key(|o| built.index.columns.name_rank[*o as usize]);
    assert_eq!(walk, &members[..]);
}

/// The same search run fully and cheaply (`facets=false&total=false`, which may stop
/// early): the pages must be the same. Returns (full, cheap).
fn full_and_cheap(
    index: &zaitaku::SearchIndex,
    p: SearchParams,
    round: usize,
) -> (zaitaku::SearchResult, zaitaku::SearchResult) {
    let full = run(index, p.clone());
    let cheap = SearchParams {
        facets: Some("false".into()),
        total: Some("false".into()),
        ..p
    };
    let fast = run(index, cheap);
    assert_eq!(ids(&fast), ids(&full), "round {round}");
    (full, fast)
}

/// Osaka City's 24 wards.
fn wards() -> Vec<zaitaku::model::Region> {
    crate::support::city_regions().leaves().cloned().collect()
}

/// Issue 15: a care scene keeps exactly the facilities of the kinds it names that meet what
/// it asks of their kind, and says so in each explanation.
#[test]
fn scenes_match_their_table_by_brute_force() {
    let index = crate::support::demo_index();
    let all = index.facilities();
    for scene in zaitaku::search::scene::scenes() {
        let r = run(
            index,
            SearchParams {
                scene: Some(scene.code.clone()),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        let fits = |f: &Facility| {
            f.kinds.iter().any(|k| {
                scene.rule(*k).is_some_and(|groups| {
                    groups
                        .iter()
                        .all(|g| g.iter().any(|c| f.capabilities.contains(c)))
                })
            })
        };
        let brute = all.iter().filter(|f| fits(f)).count();
        assert_eq!(r.total, brute, "{}", scene.code);
        assert!(
            brute > 0,
            "{}: the demo has facilities for every scene",
            scene.code
        );
        for h in &r.hits {
            assert!(fits(&h.facility()), "{}: {}", scene.code, h.facility().name);
            assert!(
                h.explanation.contains(&format!("{}：", scene.label)),
                "{}: {}",
                scene.code,
                h.explanation
            );
        }
    }
    // 急変時の対応 asks a clinic for 往診 and 24時間対応.
    let r = run(
        index,
        SearchParams {
            scene: Some("急変時の対応".into()),
            kind: vec!["clinic".into()],
            ..Default::default()
        },
    );
    assert!(r.total > 0);
    for h in &r.hits {
        let f = h.facility();
        assert!(f.has_capability(Capability::HouseCall) && f.has_capability(Capability::Around24h));
        assert!(
            h.explanation.contains("急変時の対応：往診・24時間対応"),
            "{}",
            h.explanation
        );
    }
}

/// Each capability asked for is explained with its source, as the facility's record holds
/// it: the first claim that says yes (official before survey, filed before implied), or no
/// source when no claim says so. Many facilities share one 届出 list's source text.
#[test]
fn explanations_name_each_asked_capabilitys_source() {
    let index = crate::support::demo_index();
    let mut sourced = BTreeSet::new();
    for caps in [
        vec!["support_clinic"],
        vec!["24h", "home_visit"],
        vec!["palliative"],
    ] {
        let r = run(
            index,
            SearchParams {
                cap: caps.iter().map(|c| c.to_string()).collect(),
                limit: Some("500".into()),
                ..Default::default()
            },
        );
        assert!(r.total > 0, "{caps:?}");
        for h in &r.hits {
            let f = h.facility();
            let parts: Vec<String> = caps
                .iter()
                .map(|code| {
                    let cap = Capability::parse(code).unwrap();
                    match f.claims_for(cap).find(|claim| claim.value) {
                        Some(claim) => {
                            sourced.insert(claim.provenance());
                            format!("{}（{}）", cap.label(), claim.provenance())
                        }
                        None => cap.label().to_string(),
                    }
                })
                .collect();
            let want = format!("{}に対応", parts.join("・"));
            assert!(h.explanation.contains(&want), "{want} in {}", h.explanation);
        }
    }
    assert!(
        sourced.len() > 1,
        "the demo's claims have several sources: {sourced:?}"
    );
}

/// Counting within a radius (`limit=0`: the page's facet counts around a point) walks the
/// circle a bucket at a time; its total and every facet equal a haversine scan, with and
/// without a flag filter, at radii from inside one bucket to the whole city.
#[test]
fn counts_within_a_radius_match_brute_force() {
    let data = random_facilities(6, 4000);
    let built = build(&data);
    let p = LatLon::new(34.68, 135.50).unwrap();
    for radius_km in [0.3, 1.0, 2.5, 5.0, 12.0, 40.0] {
        for wheelchair in [None, Some(true)] {
            let search = |limit: &str| {
                run(
                    &built.index,
                    SearchParams {
                        near: Some("34.68,135.50".into()),
                        radius_km: Some(radius_km.to_string()),
                        wheelchair: wheelchair.map(|w: bool| w.to_string()),
                        limit: Some(limit.into()),
                        ..Default::default()
                    },
                )
            };
            let r = search("0");
            let inside: Vec<&Facility> = data
                .iter()
                .filter(|f| haversine_m(p, f.location) <= radius_km * 1000.0)
                .filter(|f| wheelchair.is_none() || f.wheelchair == wheelchair)
                .collect();
            let at = format!("{radius_km} km, wheelchair {wheelchair:?}");
            assert_eq!(r.total, inside.len(), "{at}");
            assert!(r.hits.is_empty());
            for fc in &r.facets.kind {
                let k = Kind::parse(&fc.code).unwrap();
                let n = inside.iter().filter(|f| f.has_kind(k)).count();
                assert_eq!(fc.count, n, "{at}: {}", fc.code);
            }
            for fc in &r.facets.capability {
                let c = Capability::parse(&fc.code).unwrap();
                let n = inside.iter().filter(|f| f.has_capability(c)).count();
                assert_eq!(fc.count, n, "{at}: {}", fc.code);
            }
            for fc in &r.facets.ward {
                let n = inside
                    .iter()
                    .filter(|f| f.ward_code.is_some_and(|w| w.to_string() == fc.code))
                    .count();
                assert_eq!(fc.count, n, "{at}: {}", fc.code);
            }
            // The same counts as a search that lists the matches.
            let listed = search("1");
            assert_eq!(listed.total, r.total, "{at}");
            assert_eq!(listed.facets.capability, r.facets.capability, "{at}");
        }
    }
}
