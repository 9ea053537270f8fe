//! Issue 15: the home-care team for one address and its referral sheet. Every member is
//! checked against a brute-force scan of the index (who reaches the home, who fully fits
//! the scene, what each lacks, the order), on the demo index here and on the real Osaka
//! index in `osaka.rs`; the HTTP answers and the PDF on a real server.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;
use zaitaku::model::{Accepting, Capability, Facility, Kind, LatLon, LEGAL_HOME_VISIT_RADIUS_KM};
use zaitaku::search::scene;
use zaitaku::team::roles::{roles, Reach, Role};
use zaitaku::team::{find, find_all, Team, TeamParams, TeamQuery};
use zaitaku::SearchIndex;

use crate::support::cli::{bad, ok};
use crate::support::server::Server;
use crate::support::{build, demo, demo_index, require};

fn metres(a: LatLon, b: LatLon) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

fn query(index: &SearchIndex, p: TeamParams) -> (TeamQuery, zaitaku::search::QueryPoint) {
    TeamQuery::resolve(&p, index).unwrap_or_else(|e| panic!("{e}"))
}

fn at(lat: f64, lon: f64, scene: Option<&str>) -> TeamParams {
    TeamParams {
        covers: Some(format!("{lat},{lon}")),
        scene: scene.map(str::to_string),
        ..TeamParams::default()
    }
}

/// What the brute force expects of one facility in one role: whether it reaches the home,
/// and if so its lacks.
fn expected(
    index: &SearchIndex,
    q: &TeamQuery,
    role: &Role,
    asked: &[Vec<Capability>],
    f: &Facility,
) -> Option<(f64, Vec<String>, bool)> {
    if !f.kinds.iter().any(|k| role.kinds.contains(k)) {
        return None;
    }
    if !role
        .requires
        .iter()
        .all(|g| g.iter().any(|c| f.has_capability(*c)))
    {
        return None;
    }
    let d = metres(q.point, f.location);
    let home = index.wards.locate(q.point);
    let covers = |f: &Facility| {
        let Some(reach) = f.reach() else { return false };
        if d > reach.radius_km * 1000.0 + 0.5 {
            return false;
        }
        if f.service_wards.is_empty() {
            return true;
        }
        let Some(w) = home else { return false };
        if !f.service_wards.contains(&w) {
            return false;
        }
        f.service_towns.is_empty()
            || index
                .geocoder
                .town_at(q.point, w.0)
                .is_some_and(|t| f.service_towns.contains(&format!("{w}:{t}")))
    };
    match role.reach {
        Reach::Covers if !covers(f) => return None,
        Reach::Near if d > LEGAL_HOME_VISIT_RADIUS_KM * 1000.0 + 0.5 => return None,
        Reach::Responsible if f.service_wards.is_empty() || !covers(f) => return None,
        _ => {}
    }
    let mut lacks: Vec<String> = asked
        .iter()
        .filter(|g| !g.iter().any(|c| f.has_capability(*c)))
        .map(|g| scene::group_words(g))
        .collect();
    let status = f.accepting_on(q.today);
    if status == Accepting::No {
        lacks.push("新規受入：停止中".into());
    }
    Some((
        d,
        lacks,
        matches!(status, Accepting::Yes | Accepting::Consult),
    ))
}

/// What a role is asked: the scene's rule for its first kind the scene names, then what
/// the user asked (cap=) where some facility of the role's kinds offers it.
fn asked_of(q: &TeamQuery, role: &Role, all: &[Facility]) -> Vec<Vec<Capability>> {
    let mut asked: Vec<Vec<Capability>> = q
        .scene
        .and_then(|s| role.kinds.iter().find_map(|k| s.rule(*k)))
        .map(|g| g.to_vec())
        .unwrap_or_default();
    for g in &q.needs {
        let offered = all.iter().any(|other| {
            other.kinds.iter().any(|k| role.kinds.contains(k))
                && g.iter().any(|c| other.has_capability(*c))
        });
        if offered && !asked.contains(g) {
            asked.push(g.clone());
        }
    }
    asked
}

/// Checks a whole team (every candidate kept) against the brute force: the same members
/// in the same sections, each reaching the home, in the promised order.
pub fn check_against_brute_force(index: &SearchIndex, q: &TeamQuery, team: &Team) {
    let all: Vec<Facility> = (0..index.len() as u32).map(|o| index.facility(o)).collect();
    for (role, got) in q.roles.iter().zip(&team.roles) {
        assert_eq!(got.role, role.code);
        let asked = asked_of(q, role, &all);
        let mut full = BTreeSet::new();
        let mut partial = BTreeSet::new();
        for f in &all {
            if let Some((_, lacks, _)) = expected(index, q, role, &asked, f) {
                if lacks.is_empty() {
                    full.insert(f.id.0.clone());
                } else {
                    partial.insert(f.id.0.clone());
                }
            }
        }
        let ids = |ms: &[zaitaku::team::Member]| -> BTreeSet<String> {
            ms.iter().map(|m| m.facility.facility().id.0).collect()
        };
        if got
            .note
            .as_deref()
            .is_some_and(|n| n.contains("担当区域のデータがない"))
        {
            // No 担当区域 covers the home: the same ward's offices, nearest first.
            let home = index.wards.locate(q.point).unwrap();
            for m in got.full.iter().chain(&got.partial) {
                assert_eq!(m.facility.facility().ward_code, Some(home));
            }
            continue;
        }
        assert_eq!(ids(&got.full), full, "{}: full fits", role.code);
        assert_eq!(ids(&got.partial), partial, "{}: partial fits", role.code);
        for m in got.full.iter().chain(&got.partial) {
            let f = m.facility.facility();
            let (d, lacks, current) = expected(index, q, role, &asked, &f).unwrap();
            assert!(
                (m.facility.distance_m.unwrap() - d).abs() < 1.0,
                "{}",
                f.id.0
            );
            assert_eq!(m.lacks, lacks, "{} in {}", f.id.0, role.code);
            assert_eq!(m.fits, lacks.is_empty());
            assert_eq!(m.status_current, current);
        }
        // A current status first, then the nearest; partial: fewest lacks, then nearest.
        let key = |m: &zaitaku::team::Member| (!m.status_current, m.facility.distance_m.unwrap());
        assert!(
            got.full.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
            "{}",
            role.code
        );
        let key = |m: &zaitaku::team::Member| (m.lacks.len(), m.facility.distance_m.unwrap());
        assert!(got.partial.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
        assert_eq!(
            got.none.is_some(),
            full.is_empty() && partial.is_empty(),
            "{}",
            role.code
        );
    }
}

#[test]
fn every_member_reaches_the_home_as_the_brute_force_says() {
    let index = demo_index();
    let homes = [
        (34.7055, 135.4983), // 北区
        (34.7360, 135.5330), // 東淀川区
        (34.6130, 135.5000), // 住之江区
        (34.6460, 135.5630), // 生野区
    ];
    let mut roles_seen = BTreeSet::new();
    for (lat, lon) in homes {
        for s in [
            None,
            Some("emergency"),
            Some("end_of_life"),
            Some("dementia"),
        ] {
            let (q, point) = query(index, at(lat, lon, s));
            let team = find_all(index, &q, point).unwrap();
            check_against_brute_force(index, &q, &team);
            for r in &team.roles {
                if !r.full.is_empty() {
                    roles_seen.insert(r.role);
                }
            }
        }
    }
    // The demo fills every role somewhere: the check above was not vacuous.
    assert_eq!(roles_seen.len(), roles().len(), "{roles_seen:?}");
}

#[test]
fn the_best_few_are_the_head_of_the_whole_ranking() {
    let index = demo_index();
    let mut p = at(34.7055, 135.4983, Some("emergency"));
    p.per_role = Some("2".into());
    let (q, point) = query(index, p);
    let few = find(index, &q, point.clone()).unwrap();
    let all = find_all(index, &q, point).unwrap();
    for (a, b) in few.roles.iter().zip(&all.roles) {
        let ids = |ms: &[zaitaku::team::Member]| -> Vec<String> {
            ms.iter().map(|m| m.facility.facility().id.0).collect()
        };
        assert!(a.full.len() <= 2 && a.partial.len() <= 2);
        assert_eq!(ids(&a.full), ids(&b.full)[..a.full.len()]);
        assert_eq!(ids(&a.partial), ids(&b.partial)[..a.partial.len()]);
    }
}

#[test]
fn scenes_ask_of_each_role_what_the_table_says() {
    let index = demo_index();
    for s in scene::scenes() {
        let (q, point) = query(index, at(34.7055, 135.4983, Some(&s.code)));
        let team = find(index, &q, point).unwrap();
        assert_eq!(team.scene.as_ref().unwrap().code, s.code);
        for (role, got) in q.roles.iter().zip(&team.roles) {
            let rule = role.kinds.iter().find_map(|k| s.rule(*k));
            let words: Vec<String> = rule
                .unwrap_or_default()
                .iter()
                .map(|g| scene::group_words(g))
                .collect();
            assert_eq!(got.asks, words.join("・"), "{} / {}", s.code, role.code);
            for m in &got.full {
                if let Some(groups) = rule.filter(|g| !g.is_empty()) {
                    let reason = m.reason.as_deref().unwrap();
                    assert!(reason.starts_with(&format!("{}：", s.label)), "{reason}");
                    let f = m.facility.facility();
                    assert!(groups
                        .iter()
                        .all(|g| g.iter().any(|c| f.has_capability(*c))));
                }
            }
        }
    }
    // The emergency scene asks a visiting doctor for 往診 and 24時間対応, whatever its kind.
    let (q, point) = query(index, at(34.7055, 135.4983, Some("急変時の対応")));
    let team = find(index, &q, point).unwrap();
    assert_eq!(team.roles[0].asks, "往診・24時間対応");
    assert_eq!(
        team.roles[5].asks,
        "急変時の入院受入または在宅療養後方支援病院"
    );
}

fn facility(id: &str, kind: Kind, cap: Capability, lat: f64, lon: f64) -> Facility {
    crate::support::fixture(id, kind, &[cap], LatLon { lat, lon }, None)
}

/// A home no dental clinic reaches: two lines, one for "none registered within 16 km",
/// one for "registered, but none reaches this home".
#[test]
fn nobody_lines_say_why() {
    let home = LatLon {
        lat: 34.70,
        lon: 135.50,
    };
    // 2.7 km east, visiting 1 km around.
    let mut far = facility(
        "far",
        Kind::DentalClinic,
        Capability::HomeDental,
        34.70,
        135.53,
    );
    far.service_radius_km = Some(1.0);
    let clinic = facility(
        "clinic",
        Kind::Clinic,
        Capability::HomeVisit,
        home.lat,
        home.lon,
    );
    let built = build(&[far, clinic]);
    let p = TeamParams {
        covers: Some("34.70,135.50".into()),
        ..TeamParams::default()
    };
    let (q, point) = TeamQuery::resolve(&p, &built.index).unwrap();
    let team = find(&built.index, &q, point).unwrap();
    let line = |code: &str| {
        team.roles
            .iter()
            .find(|r| r.role == code)
            .unwrap()
            .none
            .clone()
    };
    assert_eq!(
        line("dental").as_deref(),
        Some("この住所に訪問できる歯科は見つかりませんでした（16 km 以内に訪問歯科の登録は 1 件あるが、いずれも訪問範囲にこの住所を含まない）")
    );
    assert_eq!(
        line("pharmacy").as_deref(),
        Some(
            "この住所に訪問できる薬局は見つかりませんでした（16 km 以内に訪問薬剤管理の登録なし）"
        )
    );
    assert!(line("backup_hospital")
        .unwrap()
        .starts_with("この住所の近くに後方支援病院は見つかりませんでした"));
    assert_eq!(line("doctor"), None);
    assert_eq!(team.roles[0].full.len(), 1);
}

#[test]
fn bad_team_parameters_name_the_parameter() {
    let index = demo_index();
    let err = |p: TeamParams| TeamQuery::resolve(&p, index).unwrap_err();
    let e = err(TeamParams::default());
    assert_eq!((e.parameter, e.code()), ("address", "missing_parameter"));
    let e = err(TeamParams {
        role: vec!["doctor,surgeon".into()],
        ..at(34.7, 135.5, None)
    });
    assert_eq!(
        (e.parameter, e.code(), e.value.as_str()),
        ("role", "unknown_value", "surgeon")
    );
    assert!(e.message().contains("訪問診療医"), "{}", e.message());
    for v in ["0", "11", "x", "-1"] {
        let e = err(TeamParams {
            per_role: Some(v.into()),
            ..at(34.7, 135.5, None)
        });
        assert_eq!((e.parameter, e.code()), ("per_role", "out_of_range"), "{v}");
    }
    let e = err(TeamParams {
        address: Some("大阪市北区梅田1丁目".into()),
        ..at(34.7, 135.5, None)
    });
    assert_eq!(e.code(), "conflict");
    let e = err(at(34.7, 135.5, Some("picnic")));
    assert_eq!((e.parameter, e.code()), ("scene", "unknown_value"));
    // Roles by kind and by label, in table order whatever the order asked.
    let (q, _) = query(
        index,
        TeamParams {
            role: vec!["相談支援室".into()],
            kind: vec!["訪問看護".into()],
            ..at(34.7, 135.5, None)
        },
    );
    let codes: Vec<&str> = q.roles.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["nursing", "consultation"]);
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Runs `tool args…` (poppler-utils), or None when it is not installed outside CI.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !require(found, &format!("{tool} (poppler-utils; scripts/setup.sh)")) {
        return None;
    }
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn font_there() -> bool {
    let there = zaitaku::team::pdf::SheetFont::find().is_ok();
    require(
        there,
        "the PDF font (fonts-ipafont-gothic; scripts/setup.sh)",
    )
}

/// The discharge nurse's flow over HTTP on a real socket: the team for an address, a
/// sheet of three picks as a page and as a PDF whose text holds each pick and the sources,
/// on one A4 page; and the refusals, each naming its parameter.
#[test]
fn team_sheet_and_pdf_over_http() {
    let server = Server::start(demo::dir(), &demo::dir().join("index/demo"));
    let address = "大阪市北区梅田1丁目";
    let (status, body) = server.get(&format!("/api/v1/team?address={address}&scene=emergency"));
    assert_eq!(status, 200, "{body}");
    let team = json(&body);
    assert_eq!(team["ward"], "大阪市北区");
    assert_eq!(team["roles"].as_array().unwrap().len(), 8);
    assert_eq!(team["point"]["source"], "address");
    let pick = |role: usize| -> (String, String) {
        let m = &team["roles"][role]["full"][0]["facility"];
        (
            m["id"].as_str().unwrap().into(),
            m["name"].as_str().unwrap().into(),
        )
    };
    let picks = [pick(0), pick(1), pick(6), pick(5)];
    // The backup hospital by role: a hospital can also be the visiting doctor.
    let ids: Vec<String> = picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == 3 {
                format!("backup_hospital:{}", p.0)
            } else {
                p.0.clone()
            }
        })
        .collect();
    let query = format!("address={address}&scene=emergency&pick={}", ids.join(","));

    let (status, html) = server.get(&format!("/team/sheet?{query}"));
    assert_eq!(status, 200, "{html}");
    for (_, name) in &picks {
        assert!(html.contains(name.as_str()), "{name}");
    }
    assert!(html.contains("size:A4 portrait"));
    assert!(
        html.contains(&format!("4. 【後方支援病院】{}", picks[3].1)),
        "{html}"
    );
    assert_eq!(html.matches("data-testid=\"sheet-entry\"").count(), 4);
    assert!(html.contains("患者氏名"));
    assert!(
        !html.contains("梅田1丁目"),
        "the sheet never prints the written address"
    );

    if font_there() {
        let (status, pdf) = server.get_bytes(&format!("/api/v1/team/sheet.pdf?{query}"));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
        assert!(pdf.starts_with(b"%PDF-"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sheet.pdf");
        std::fs::write(&file, &pdf).unwrap();
        let f = file.to_str().unwrap();
        if let Some(text) = poppler("pdftotext", &["-raw", f, "-"]) {
            let flat: String = text.split_whitespace().collect();
            for (_, name) in &picks {
                let name: String = name.split_whitespace().collect();
                assert!(flat.contains(&name), "PDF text lacks {name}:\n{text}");
            }
            let sources = team["sources"].as_array().unwrap();
            assert!(!sources.is_empty());
            for s in sources {
                assert!(flat.contains(s.as_str().unwrap()), "{s}: {text}");
            }
            assert!(flat.contains(team["data_date"].as_str().unwrap()), "{text}");
            assert!(flat.contains("患者氏名"), "{text}");
            assert!(flat.contains("急変時の対応"), "{text}");
        }
        if let Some(info) = poppler("pdfinfo", &[f]) {
            assert!(info.contains("Pages:           1"), "{info}");
            assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
        }
        let fonts = poppler("pdffonts", &[f]).unwrap_or_default();
        if !fonts.is_empty() {
            let row = fonts.lines().nth(2).unwrap_or("");
            assert!(
                row.contains("CID TrueType") && row.contains(" yes yes "),
                "{fonts}"
            );
        }
    }

    // A bare id stands in every role it fills: a hospital that visits and backs up.
    let in_role = |r: usize| -> BTreeSet<String> {
        ["full", "partial"]
            .iter()
            .flat_map(|s| team["roles"][r][s].as_array().unwrap().iter())
            .map(|m| m["facility"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let both = in_role(0)
        .intersection(&in_role(5))
        .next()
        .cloned()
        .expect("the demo has a hospital that visits and backs up near 梅田");
    let (status, html) = server.get(&format!(
        "/team/sheet?address={address}&scene=emergency&pick={both}"
    ));
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("1. 【訪問診療医・後方支援病院】"), "{html}");
    let (_, html) = server.get(&format!(
        "/team/sheet?address={address}&scene=emergency&pick=backup_hospital:{both}"
    ));
    assert!(html.contains("1. 【後方支援病院】"), "{html}");

    // Refusals.
    let error = |uri: &str, status: u16, code: &str, parameter: &str| {
        let (s, body) = server.get(uri);
        assert_eq!(s, status, "{uri}: {body}");
        let v = json(&body);
        assert_eq!(v["error"]["code"], code, "{uri}: {v}");
        assert_eq!(v["error"]["parameter"], parameter, "{uri}: {v}");
    };
    error("/api/v1/team", 400, "missing_parameter", "address");
    error(
        "/api/v1/team?covers=34.7,135.5&role=surgeon",
        400,
        "unknown_value",
        "role",
    );
    error(
        "/api/v1/team?covers=34.7,135.5&per_role=99",
        400,
        "out_of_range",
        "per_role",
    );
    error(
        "/api/v1/team?covers=34.7,135.5&radius_km=3",
        400,
        "unknown_parameter",
        "radius_km",
    );
    error(
        "/api/v1/team?covers=34.7,135.5&pick=x",
        400,
        "unknown_parameter",
        "pick",
    );
    error(
        "/api/v1/team?address=どこにもない町",
        404,
        "address_not_found",
        "address",
    );
    error(
        "/team/sheet?covers=34.7,135.5",
        400,
        "missing_parameter",
        "pick",
    );
    error(
        "/team/sheet?covers=34.7,135.5&pick=nope",
        400,
        "unknown_value",
        "pick",
    );
    let nine = (1..=9)
        .map(|i| format!("a{i}"))
        .collect::<Vec<_>>()
        .join(",");
    error(
        &format!("/api/v1/team/sheet.pdf?covers=34.7,135.5&pick={nine}"),
        400,
        "out_of_range",
        "pick",
    );
    // A facility of the index that does not reach this home is refused by name.
    let far = team["roles"][0]["full"][0]["facility"]["id"]
        .as_str()
        .unwrap();
    error(
        &format!("/team/sheet?covers=34.62,135.43&role=consultation&pick={far}"),
        400,
        "unknown_value",
        "pick",
    );
}

#[test]
fn the_cli_prints_the_team_and_writes_the_sheet() {
    let dir = demo::dir();
    let out = ok(
        dir,
        &[
            "team",
            "--address",
            "大阪市北区梅田1丁目",
            "--scene",
            "看取り",
        ],
    );
    assert!(out.contains("対象地域: 大阪市北区"), "{out}");
    assert!(
        out.contains("■ 訪問診療医（在宅看取り・24時間対応）"),
        "{out}"
    );
    assert!(out.contains("■ 相談支援室"), "{out}");
    let v: Value = json(&ok(
        dir,
        &[
            "team",
            "--covers",
            "34.7055,135.4983",
            "--json",
            "--role",
            "nursing",
        ],
    ));
    assert_eq!(v["roles"].as_array().unwrap().len(), 1);
    let id = v["roles"][0]["full"][0]["facility"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    bad(
        dir,
        &["team", "--covers", "34.7055,135.4983", "--role", "surgeon"],
        "role",
    );
    bad(dir, &["team"], "address");
    if font_there() {
        let tmp = tempfile::tempdir().unwrap();
        let pdf = tmp.path().join("s.pdf");
        let said = ok(
            dir,
            &[
                "team",
                "--covers",
                "34.7055,135.4983",
                "--pick",
                &id,
                "--pdf",
                pdf.to_str().unwrap(),
            ],
        );
        assert!(said.contains("A4 1 ページ"), "{said}");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
        bad(
            dir,
            &[
                "team",
                "--covers",
                "34.62,135.43",
                "--role",
                "consultation",
                "--pick",
                &id,
                "--pdf",
                pdf.to_str().unwrap(),
            ],
            "pick",
        );
    }
}
