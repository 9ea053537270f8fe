//! The referral sheet (紹介用シート): the chosen team on one A4 page, to print or fax.
//! The same [`Sheet`] is the print page and the PDF. It names the home's area (ward and
//! 町丁目), never the written address, and leaves a blank box for the patient's name.

use serde::Serialize;

use super::{find_all, Member, RoleTeam, TeamQuery};
use crate::index::SearchIndex;
use crate::model::Accepting;
use crate::search::{format_distance, QueryPoint, SearchError};

/// The most facilities one A4 page holds in large type.
pub const MAX_PICKS: usize = 8;

/// One facility on the sheet, every value in words.
#[derive(Clone, Debug, Serialize)]
pub struct SheetEntry {
    pub role: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    /// Its 地域連携室 or contact, where the record says so.
    pub contact: Option<String>,
    /// Why it fits: the scene's reason, or the role's.
    pub reason: String,
    /// What it lacks of what was asked.
    pub lacks: Vec<String>,
    pub distance: String,
    pub accepting: String,
    /// The data's 確認日 for this facility.
    pub checked: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sheet {
    pub title: String,
    /// The home's area: 「大阪市北区 梅田一丁目 付近」.
    pub area: String,
    pub scene: Option<String>,
    pub entries: Vec<SheetEntry>,
    pub today: String,
    pub data_date: String,
    pub sources: Vec<String>,
}

impl Sheet {
    /// 「データ: 2026-12-01 時点（…）」.
    pub fn footer(&self) -> String {
        format!(
            "データ: {} 時点（出典: {}）。掲載内容は変わることがあります。紹介前に各施設へご確認ください。",
            self.data_date,
            self.sources.join("、")
        )
    }
}

/// Why a sheet cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("pick: choose at least one facility")]
    NoPick,
    #[error("pick: at most {MAX_PICKS} facilities fit on one A4 page ({0} given)")]
    TooMany(usize),
    #[error("pick: '{0}' is not one of this home's team")]
    NotInTeam(String),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl SheetError {
    /// The message in Japanese, for the page.
    pub fn message(&self) -> String {
        match self {
            SheetError::NoPick => "「pick」で施設を1つ以上選んでください。".into(),
            SheetError::TooMany(n) => {
                format!("「pick」はA4 1枚に収まる {MAX_PICKS} 件までです（{n} 件指定）。")
            }
            SheetError::NotInTeam(id) => {
                format!("「pick」の「{id}」は、この住所に訪問・対応できる施設の中にありません。")
            }
            SheetError::Search(_) => "検索中にエラーが発生しました。".into(),
        }
    }
}

/// The sheet of the facilities `picks` (ids or `role:id`, in the order given) in the team
/// for the home. Each must reach the home in its role, as the team endpoint lists it.
pub fn sheet(
    index: &SearchIndex,
    q: &TeamQuery,
    point: QueryPoint,
    picks: &[String],
) -> Result<Sheet, SheetError> {
    let mut ids: Vec<&str> = Vec::new();
    for id in picks.iter().flat_map(|p| p.split(',')).map(str::trim) {
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(SheetError::NoPick);
    }
    if ids.len() > MAX_PICKS {
        return Err(SheetError::TooMany(ids.len()));
    }
    let team = find_all(index, q, point)?;
    let mut entries = Vec::new();
    for pick in ids {
        // `role:id` names the role; a bare id stands in every role it fills (a hospital
        // can be the visiting doctor and the backup hospital).
        let (role, id) = match pick.split_once(':') {
            Some((r, id)) if super::roles::find(r).is_some_and(|x| x.code == r) => (Some(r), id),
            _ => (None, pick),
        };
        let found: Vec<(&RoleTeam, &Member)> = team
            .members()
            .filter(|(r, _)| role.is_none_or(|want| r.role == want))
            .filter(|(_, m)| m.facility.facility().id.0 == id)
            .collect();
        let Some((_, m)) = found.first() else {
            return Err(SheetError::NotInTeam(pick.to_string()));
        };
        let mut labels: Vec<&str> = found.iter().map(|(r, _)| r.label).collect();
        labels.dedup();
        entries.push(entry(&labels.join("・"), m, q));
    }
    let ward = index.wards.locate(q.point);
    let town = ward.and_then(|w| index.geocoder.town_at(q.point, w.0));
    let area = match (ward, town) {
        (Some(w), Some(t)) => format!("{} {t} 付近", index.regions.full_name(w)),
        (Some(w), None) => index.regions.full_name(w),
        _ => format!("{:.3}, {:.3} 付近", q.point.lat, q.point.lon),
    };
    Ok(Sheet {
        title: "在宅療養 紹介用シート".into(),
        area,
        scene: team.scene.map(|s| s.label.to_string()),
        entries,
        today: team.today,
        data_date: team.data_date,
        sources: team.sources,
    })
}

fn entry(roles: &str, m: &Member, q: &TeamQuery) -> SheetEntry {
    let f = m.facility.facility();
    let contact = f
        .notes
        .split(['。', '\n'])
        .find(|s| s.contains("地域連携") || s.contains("連携室") || s.contains("窓口"))
        .map(|s| s.trim().to_string());
    let status = f.accepting_on(q.today);
    let accepting = match (status, &f.accepting_until) {
        (Accepting::Unknown, _) => Accepting::Unknown.short().to_string(),
        (s, Some(until)) => format!("{}（{until} まで）", s.short()),
        (s, None) => s.short().to_string(),
    };
    // The scene's reason when there is a scene, else how it reaches the home.
    let reason = m
        .reason
        .clone()
        .unwrap_or_else(|| m.facility.explanation.clone());
    SheetEntry {
        role: roles.to_string(),
        name: f.name.clone(),
        kind: f
            .kinds
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("・"),
        address: f.address.clone(),
        phone: f.phone.clone().unwrap_or_else(|| "—".into()),
        fax: f.fax.clone().unwrap_or_else(|| "—".into()),
        contact,
        reason,
        lacks: m.lacks.clone(),
        distance: m
            .facility
            .distance_m
            .map(format_distance)
            .unwrap_or_else(|| "—".into()),
        accepting,
        checked: f.updated_at.clone().unwrap_or_else(|| "—".into()),
    }
}
