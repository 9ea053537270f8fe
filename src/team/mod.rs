//! A home-care team for one address: for each role (訪問診療医, 訪問看護, 居宅介護支援, 薬局,
//! 歯科, 後方支援病院, and the responsible 地域包括 and 相談支援室), the facilities that
//! reach the home, those that fully meet the scene first (nearest first, a current
//! acceptance status before an unknown one), then those that meet it partly with what
//! each lacks, or one line saying why nobody does. The address is used for the search
//! and nothing else: the team holds the point, never the words.

pub mod pdf;
pub mod roles;
pub mod sheet;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::index::SearchIndex;
use crate::model::{Accepting, CapSet, Capability, Day, Kind, LatLon, WardCode};
use crate::search::scene::{group_words, Scene};
use crate::search::{
    scene_reason, search, Hit, Problem, QueryError, QueryPoint, SearchError, SearchParams,
    SearchQuery, Sort,
};
pub use roles::{Reach, Role};

/// Facilities per role and section unless asked otherwise, and the most that can be.
pub const DEFAULT_PER_ROLE: usize = 3;
pub const MAX_PER_ROLE: usize = 10;

/// Unvalidated parameters, named as in the query string and the CLI flags.
#[derive(Clone, Debug, Default)]
pub struct TeamParams {
    pub address: Option<String>,
    pub covers: Option<String>,
    pub scene: Option<String>,
    pub cap: Vec<String>,
    pub wheelchair: Option<String>,
    pub pediatric: Option<String>,
    /// Roles to fill (codes or labels); empty: every role.
    pub role: Vec<String>,
    /// Kinds: the roles those kinds fill.
    pub kind: Vec<String>,
    pub per_role: Option<String>,
}

/// A validated team query.
#[derive(Clone, Debug)]
pub struct TeamQuery {
    pub point: LatLon,
    pub scene: Option<&'static Scene>,
    /// What is asked besides the scene (`cap=`), of each role whose facilities offer it
    /// anywhere in the index.
    pub needs: Vec<Vec<Capability>>,
    pub wheelchair: bool,
    pub pediatric: bool,
    pub roles: Vec<&'static Role>,
    pub per_role: usize,
    pub today: Day,
}

impl TeamQuery {
    /// Validates `p` against `index` (its geocoder places the address).
    pub fn resolve(p: &TeamParams, index: &SearchIndex) -> Result<(Self, QueryPoint), QueryError> {
        if p.address.is_none() && p.covers.is_none() {
            return Err(QueryError::new(
                "address",
                "",
                Problem::Missing {
                    expected: "患者宅の住所・郵便番号、または covers=緯度,経度",
                },
                "give the home's address (or covers=lat,lon)",
            ));
        }
        let search = SearchParams {
            address: p.address.clone(),
            address_use: p.address.as_ref().map(|_| "covers".to_string()),
            covers: p.covers.clone(),
            scene: p.scene.clone(),
            cap: p.cap.clone(),
            wheelchair: p.wheelchair.clone(),
            pediatric: p.pediatric.clone(),
            kind: p.kind.clone(),
            ..SearchParams::default()
        };
        let resolved = SearchQuery::resolve(&search, index)?;
        let (q, point) = (resolved.query, resolved.point);
        let point = point.expect("address or covers gives a point");
        let mut chosen: Vec<&'static Role> = Vec::new();
        for v in p.role.iter().flat_map(|v| v.split(',')) {
            let role = roles::find(v).ok_or_else(|| {
                let valid: Vec<String> = roles::roles()
                    .iter()
                    .map(|r| format!("{} ({})", r.code, r.label))
                    .collect();
                let detail = format!("unknown role '{v}'; valid roles: {}", valid.join(", "));
                QueryError::new("role", v, Problem::Unknown { valid }, detail)
            })?;
            if !chosen.contains(&role) {
                chosen.push(role);
            }
        }
        if !q.kinds.is_empty() {
            for r in roles::roles() {
                if r.kinds.iter().any(|k| q.kinds.contains(k)) && !chosen.contains(&r) {
                    chosen.push(r);
                }
            }
        }
        if chosen.is_empty() {
            chosen = roles::roles().iter().collect();
        }
        // In table order, whatever order they were asked in.
        chosen.sort_by_key(|r| roles::roles().iter().position(|x| x == *r));
        let per_role = match &p.per_role {
            None => DEFAULT_PER_ROLE,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_PER_ROLE).contains(&n) => n,
                _ => {
                    return Err(QueryError::new(
                        "per_role",
                        v,
                        Problem::OutOfRange {
                            range: format!("1 以上 {MAX_PER_ROLE} 以下の整数"),
                        },
                        format!("per_role must be a whole number from 1 to {MAX_PER_ROLE}"),
                    ))
                }
            },
        };
        Ok((
            TeamQuery {
                point: LatLon {
                    lat: point.lat,
                    lon: point.lon,
                },
                scene: q.scene,
                needs: q.capabilities,
                wheelchair: q.wheelchair == Some(true),
                pediatric: q.pediatric == Some(true),
                roles: chosen,
                per_role,
                today: q.today,
            },
            point,
        ))
    }
}

/// One facility in a role.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    /// The record, its distance from the home and why it reaches it.
    pub facility: Hit,
    /// Meets everything asked of the role.
    pub fits: bool,
    /// Why it fits the scene: 「急変時の対応：往診・24時間対応（届出）」.
    pub reason: Option<String>,
    /// What it does not offer of what was asked: 「24時間対応」, 「新規受入：停止中」.
    pub lacks: Vec<String>,
    /// Its 新規受入 status is known and current (受入可 or 要相談).
    pub status_current: bool,
}

/// One role's answer.
#[derive(Clone, Debug, Serialize)]
pub struct RoleTeam {
    pub role: &'static str,
    pub label: &'static str,
    /// `covers`, `near` or `responsible`.
    pub reach: &'static str,
    /// The same in words: 「この住所に訪問できる施設」.
    pub reach_label: &'static str,
    /// What the scene and the filters ask of this role, in words (empty: nothing more).
    pub asks: String,
    /// Those that meet everything, best first.
    pub full: Vec<Member>,
    /// Those that meet it partly, fewest lacks first, then nearest.
    pub partial: Vec<Member>,
    /// A remark on how the role was filled (no 担当区域 data, nobody fully fits …).
    pub note: Option<String>,
    /// Nobody reaches the home: 「この住所に訪問できる歯科は見つかりませんでした（…）」.
    pub none: Option<String>,
}

/// The scene, as the answer names it.
#[derive(Clone, Debug, Serialize)]
pub struct SceneRef {
    pub code: &'static str,
    pub label: &'static str,
    pub expands_to: String,
}

/// The team for one home.
#[derive(Clone, Debug, Serialize)]
pub struct Team {
    pub point: QueryPoint,
    /// The ward or 市町村 the home is in.
    pub ward: Option<String>,
    pub scene: Option<SceneRef>,
    pub today: String,
    pub roles: Vec<RoleTeam>,
    pub data_date: String,
    pub sources: Vec<String>,
}

impl Team {
    /// Every member, role by role.
    pub fn members(&self) -> impl Iterator<Item = (&RoleTeam, &Member)> {
        self.roles
            .iter()
            .flat_map(|r| r.full.iter().chain(&r.partial).map(move |m| (r, m)))
    }
}

/// Finds the team: the best `q.per_role` of each section. Every member of every role
/// reaches `q.point` as its role says.
pub fn find(index: &SearchIndex, q: &TeamQuery, point: QueryPoint) -> Result<Team, SearchError> {
    build(index, q, point, q.per_role)
}

/// The team with every judged candidate kept (a sheet's picks may lie past the first few).
pub fn find_all(
    index: &SearchIndex,
    q: &TeamQuery,
    point: QueryPoint,
) -> Result<Team, SearchError> {
    build(index, q, point, usize::MAX)
}

fn build(
    index: &SearchIndex,
    q: &TeamQuery,
    point: QueryPoint,
    keep: usize,
) -> Result<Team, SearchError> {
    let home_ward = index.wards.locate(q.point);
    let mut roles = Vec::with_capacity(q.roles.len());
    for role in &q.roles {
        // What `cap=` asks of this role, found once (it scans the index).
        let needs = role_needs(index, q, role);
        let mut all = candidates(index, q, role, &needs, home_ward)?;
        let (mut team, mut partial) = (Vec::new(), Vec::new());
        for m in all.members.drain(..) {
            if m.fits {
                team.push(m);
            } else {
                partial.push(m);
            }
        }
        // Nearest first already: a current status before an unknown one.
        team.sort_by_key(|m| !m.status_current);
        partial.sort_by_key(|m| m.lacks.len());
        let none = (team.is_empty() && partial.is_empty())
            .then(|| nobody(index, q, role, home_ward))
            .transpose()?;
        let note = all.note.or_else(|| {
            (team.is_empty() && !partial.is_empty()).then(|| {
                format!(
                    "条件をすべて満たす{}はありません。一部を満たす施設を示します。",
                    role.noun
                )
            })
        });
        team.truncate(keep);
        partial.truncate(keep);
        roles.push(RoleTeam {
            role: &role.code,
            label: &role.label,
            reach: role.reach.code(),
            reach_label: role.reach.label(),
            asks: asks(q, role, &needs),
            full: team,
            partial,
            note,
            none,
        });
    }
    Ok(Team {
        point,
        ward: home_ward.map(|w| index.regions.full_name(w)),
        scene: q.scene.map(|s| SceneRef {
            code: &s.code,
            label: &s.label,
            expands_to: s.expands_to(),
        }),
        today: q.today.to_string(),
        roles,
        data_date: index.meta.built_day().to_string(),
        sources: index.meta.source_rows.keys().cloned().collect(),
    })
}

/// A role's judged candidates, nearest first, before they are cut to size.
struct Candidates {
    members: Vec<Member>,
    note: Option<String>,
}

/// Every facility that can fill `role` for the home, judged.
fn candidates(
    index: &SearchIndex,
    q: &TeamQuery,
    role: &Role,
    needs: &[Vec<Capability>],
    home_ward: Option<WardCode>,
) -> Result<Candidates, SearchError> {
    // Every facility that reaches the home is judged: a current status far away comes
    // before an unknown one nearby, so the nearest few are not enough.
    let base = SearchQuery {
        kinds: role.kinds.clone(),
        capabilities: role.requires.clone(),
        sort: Sort::Distance,
        limit: index.len(),
        facets: false,
        total: false,
        today: q.today,
        ..SearchQuery::default()
    };
    let (hits, note) = match role.reach {
        Reach::Covers => (
            search(
                index,
                &SearchQuery {
                    covers: Some(q.point),
                    ..base
                },
            )?
            .hits,
            None,
        ),
        Reach::Near => (
            search(
                index,
                &SearchQuery {
                    near: Some(q.point),
                    radius_m: Some(role.radius_km() * 1000.0),
                    ..base
                },
            )?
            .hits,
            None,
        ),
        Reach::Responsible => {
            let covering = search(
                index,
                &SearchQuery {
                    covers: Some(q.point),
                    ..base.clone()
                },
            )?
            .hits;
            // Responsible: the 担当区域 (wards, or towns) holds the home.
            let responsible: Vec<Hit> = covering
                .into_iter()
                .filter(|h| !index.columns.service_wards(h.ord).is_empty())
                .collect();
            match home_ward {
                Some(w) if responsible.is_empty() => {
                    let same_ward = search(
                        index,
                        &SearchQuery {
                            near: Some(q.point),
                            places: BTreeSet::from([w]),
                            ..base
                        },
                    )?
                    .hits;
                    let note = (!same_ward.is_empty()).then(|| {
                        format!(
                            "担当区域のデータがないため、{}の{}を近い順に示します。担当はお問い合わせください。",
                            index.regions.label_or_code(w),
                            role.noun
                        )
                    });
                    (same_ward, note)
                }
                _ => (responsible, None),
            }
        }
    };
    let members = hits
        .into_iter()
        .map(|hit| judge(index, q, role, needs, hit))
        .collect();
    Ok(Candidates { members, note })
}

/// The asked capabilities (`cap=`) that this role's facilities offer somewhere in the
/// index: asking a 訪問看護 station for 訪問歯科 would leave every station lacking.
fn role_needs(index: &SearchIndex, q: &TeamQuery, role: &Role) -> Vec<Vec<Capability>> {
    q.needs
        .iter()
        .filter(|g| offered_by_role(index, role, g))
        .cloned()
        .collect()
}

/// The kind whose scene rule a role is judged by: its first kind the scene names (a
/// hospital that visits is judged as a visiting doctor, by the clinic's rule).
fn scene_kind(q: &TeamQuery, role: &Role) -> Option<Kind> {
    let scene = q.scene?;
    role.kinds
        .iter()
        .copied()
        .find(|k| scene.rule(*k).is_some())
}

/// What is asked of `role`: the scene's groups for the role, then the role's needs.
fn asked(q: &TeamQuery, role: &Role, needs: &[Vec<Capability>]) -> Vec<Vec<Capability>> {
    let mut groups: Vec<Vec<Capability>> = q
        .scene
        .zip(scene_kind(q, role))
        .and_then(|(s, k)| s.rule(k))
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    for g in needs {
        if !groups.contains(g) {
            groups.push(g.clone());
        }
    }
    groups
}

/// Some facility of the role's kinds offers one of `group`.
fn offered_by_role(index: &SearchIndex, role: &Role, group: &[Capability]) -> bool {
    let c = &index.columns;
    let (bits, mask) = (role.kind_bits(), CapSet::of(group.iter().copied()));
    (0..index.len()).any(|i| c.kind_bits[i] & bits != 0 && c.cap_bits[i].intersects(mask))
}

/// What the scene and filters ask of the role, in words, for its first kind the scene names.
fn asks(q: &TeamQuery, role: &Role, needs: &[Vec<Capability>]) -> String {
    let mut words: Vec<String> = asked(q, role, needs)
        .iter()
        .map(|g| group_words(g))
        .collect();
    if role.reach != Reach::Responsible {
        if q.wheelchair {
            words.push("車いす可".into());
        }
        if q.pediatric {
            words.push("小児可".into());
        }
    }
    words.join("・")
}

fn judge(
    index: &SearchIndex,
    q: &TeamQuery,
    role: &Role,
    needs: &[Vec<Capability>],
    hit: Hit,
) -> Member {
    let c = &index.columns;
    let i = hit.ord as usize;
    let mut lacks: Vec<String> = asked(q, role, needs)
        .iter()
        .filter(|g| !g.iter().any(|cap| c.cap_bits[i].contains(*cap)))
        .map(|g| group_words(g))
        .collect();
    if role.reach != Reach::Responsible {
        for (asked, value, what) in [
            (q.wheelchair, c.wheelchair[i], "車いす"),
            (q.pediatric, c.pediatric[i], "小児"),
        ] {
            match value {
                _ if !asked => {}
                Some(true) => {}
                Some(false) => lacks.push(format!("{what}：不可")),
                None => lacks.push(format!("{what}：未確認")),
            }
        }
    }
    let status = c.accepting_on(i, q.today);
    if status == Accepting::No {
        lacks.push("新規受入：停止中".into());
    }
    let reason = q
        .scene
        .zip(scene_kind(q, role))
        .and_then(|(s, k)| scene_reason(index, hit.ord, s, Some(k)));
    Member {
        fits: lacks.is_empty(),
        reason,
        lacks,
        status_current: matches!(status, Accepting::Yes | Accepting::Consult),
        facility: hit,
    }
}

/// The line for a role nobody fills, with why.
fn nobody(
    index: &SearchIndex,
    q: &TeamQuery,
    role: &Role,
    home_ward: Option<WardCode>,
) -> Result<String, SearchError> {
    let km = role.radius_km();
    let within = search(
        index,
        &SearchQuery {
            kinds: role.kinds.clone(),
            capabilities: role.requires.clone(),
            near: Some(q.point),
            radius_m: Some(km * 1000.0),
            limit: 0,
            facets: false,
            today: q.today,
            ..SearchQuery::default()
        },
    )?
    .total;
    let km = if km.fract() == 0.0 {
        format!("{km:.0}")
    } else {
        format!("{km:.1}")
    };
    let (noun, what) = (&role.noun, &role.registered);
    Ok(match role.reach {
        Reach::Covers if within == 0 => format!(
            "この住所に訪問できる{noun}は見つかりませんでした（{km} km 以内に{what}の登録なし）"
        ),
        Reach::Covers => format!(
            "この住所に訪問できる{noun}は見つかりませんでした（{km} km 以内に{what}の登録は {within} 件あるが、いずれも訪問範囲にこの住所を含まない）"
        ),
        Reach::Near => format!(
            "この住所の近くに{noun}は見つかりませんでした（{km} km 以内に{what}の登録なし）"
        ),
        Reach::Responsible => {
            let place = home_ward
                .map(|w| index.regions.label_or_code(w))
                .unwrap_or_else(|| "この地域".into());
            format!("この住所を担当する{noun}は見つかりませんでした（{place}に{what}の登録なし）")
        }
    })
}
