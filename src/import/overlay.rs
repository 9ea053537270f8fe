//! The curated overlay: a ward office's own survey, joined to official records by
//! 医療機関コード or 事業所番号. It is the only source of capabilities (在宅療養支援診療所,
//! 24時間対応, 看取り …), 車いす, 小児, service areas and 新規受入. Columns are documented in
//! `data/README.md`; `data/overlay.example.csv` is a template with fictional rows.
//!
//! Capabilities can be given as a list (`機能` = `24時間対応;看取り`) or, as ward offices
//! keep them in Excel, as one column per capability holding ○ / ×.

use std::collections::BTreeSet;
use std::path::Path;

use super::facilities_csv::parse_bool;
use super::record::RowOrigin;
use super::report::CapabilityConflict;
use super::{ImportError, Manifest};
use crate::model::{
    Accepting, Capability, CapabilityClaim, Facility, RadiusKm, Regions, WardCode,
    LEGAL_HOME_VISIT_RADIUS_KM,
};
use crate::table::{Col, Table};

/// Columns other than capability columns (Japanese header, English alias, meaning).
pub const OVERLAY_COLUMNS: &[(&str, &str, &str)] = &[
    (
        "医療機関コード",
        "medical_code",
        "7, 9 or 10 digits (病院・診療所)",
    ),
    (
        "事業所番号",
        "jigyosho_number",
        "10 digits (介護サービス事業所)",
    ),
    (
        "名称",
        "name",
        "facility name, for people reading the sheet (not used to join)",
    ),
    (
        "機能",
        "capabilities",
        "capabilities separated by ; 、 or ・ (codes or Japanese labels)",
    ),
    ("車いす", "wheelchair", "○ / × / empty"),
    ("小児", "pediatric", "○ / × / empty"),
    (
        "訪問範囲km",
        "service_radius_km",
        "home-visit radius in km (above 0, at most 50)",
    ),
    (
        "訪問可能区",
        "service_wards",
        "wards served, separated by ; 、 or ・",
    ),
    (
        "新規受入",
        "accepting_new",
        "受入可 / 要相談 / 停止中 / 不明 (with 更新日, the date it was confirmed)",
    ),
    (
        "有効期限",
        "accepting_until",
        "until when 新規受入 holds (default: 更新日 plus the dataset's validity, 90 days)",
    ),
    (
        "後方病床",
        "backup_beds",
        "空床あり / 満床 / なし (with 更新日; holds as long as 新規受入)",
    ),
    (
        "積極的医療機関の類型",
        "active_roles",
        "入院対応 / 往診対応 (both: 入院対応・往診対応)",
    ),
    ("備考", "notes", "free text shown on the facility"),
    (
        "更新日",
        "updated_at",
        "date of the survey, YYYY-MM-DD or YYYY/MM/DD",
    ),
    (
        "出典",
        "source",
        "name of the survey (default: the file name)",
    ),
];

#[derive(Clone, Debug, PartialEq)]
pub struct OverlayRow {
    pub origin: RowOrigin,
    /// Facility ids this row may join (10-digit 医療機関コード / 事業所番号).
    pub key: String,
    pub key_column: (usize, String),
    pub add: Vec<Capability>,
    pub remove: Vec<Capability>,
    pub wheelchair: Option<bool>,
    pub pediatric: Option<bool>,
    pub radius_km: Option<f64>,
    pub wards: Option<Vec<WardCode>>,
    pub accepting_new: Option<Accepting>,
    /// Until when `accepting_new` holds (ISO date).
    pub accepting_until: Option<String>,
    pub active_roles: Option<Vec<String>>,
    /// `Some(None)`: the facility has no backup beds (なし).
    pub backup_beds: Option<Option<crate::model::DatedStatus>>,
    pub notes: Option<String>,
    pub updated_at: Option<String>,
    pub source: String,
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '、', ',', '・', '；', '，'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

fn mark(s: &str) -> Result<Option<bool>, String> {
    match s.trim() {
        "〇" | "◯" | "●" | "✓" | "有" | "あり" | "対応" => Ok(Some(true)),
        "✕" | "無" | "なし" | "-" | "ー" => Ok(Some(false)),
        other => parse_bool(other),
    }
}

/// How long a 新規受入 status holds after its 更新日 when the dataset says nothing.
pub const DEFAULT_ACCEPTING_DAYS: u32 = 90;

/// `2026/4/1` or `2026-04-01` as `2026-04-01`.
fn iso_date(v: &str) -> Option<String> {
    let iso = v.trim().replace('/', "-");
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => Some(format!("{y}-{m:0>2}-{d:0>2}")),
        _ => None,
    }
}

pub fn read_overlay(
    path: &Path,
    manifest: &Manifest,
    regions: &Regions,
) -> Result<(Vec<OverlayRow>, Vec<ImportError>), ImportError> {
    let t = Table::read(path)?;
    let col = |en: &str| {
        let (ja, en, _) = OVERLAY_COLUMNS
            .iter()
            .find(|c| c.1 == en)
            .expect("a column of OVERLAY_COLUMNS");
        t.column(&[ja, en])
    };
    let (medical, jigyosho) = (col("medical_code"), col("jigyosho_number"));
    if medical.is_none() && jigyosho.is_none() {
        return Err(t.require(&["医療機関コード", "事業所番号"]).unwrap_err());
    }
    // The optional columns, each by its English alias in OVERLAY_COLUMNS.
    let caps = col("capabilities");
    let (wheel, ped) = (col("wheelchair"), col("pediatric"));
    let (radius, wards) = (col("service_radius_km"), col("service_wards"));
    let accepting = col("accepting_new");
    let (until, roles) = (col("accepting_until"), col("active_roles"));
    let beds = col("backup_beds");
    let valid_days = manifest
        .overlay
        .as_ref()
        .map_or(DEFAULT_ACCEPTING_DAYS, |o| o.accepting_valid_days);
    let today = crate::model::Day::today();
    let (notes, date, source) = (col("notes"), col("updated_at"), col("source"));
    // Every other header must be a capability, so a typo'd column is not silently ignored.
    let mut cap_columns: Vec<(Col, Capability)> = Vec::new();
    for (i, h) in t.header.iter().enumerate() {
        if h.is_empty() || OVERLAY_COLUMNS.iter().any(|(ja, en, _)| h == ja || h == en) {
            continue;
        }
        match Capability::parse(h) {
            Ok(c) => cap_columns.push((
                Col {
                    index: i,
                    name: h.clone(),
                },
                c,
            )),
            Err(e) => {
                return Err(ImportError {
                    sheet: None,
                    file: path.to_path_buf(),
                    line: Some(1),
                    column: Some((i + 1, h.clone())),
                    reason: format!(
                        "column '{h}' is neither an overlay column nor a capability ({e})"
                    ),
                })
            }
        }
    }
    let pref = manifest.municipalities[0][..2].to_string();
    let default_source = path
        .file_name()
        .map_or("overlay".into(), |n| n.to_string_lossy().into_owned());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for r in &t.rows {
        let line = &r.line;
        let mut errs = Vec::new();
        let mut err = |c: &Col, reason: String| errs.push(t.cell_error(*line, c, reason));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (m, j) = (r.opt(&medical), r.opt(&jigyosho));
        let key = if !m.is_empty() {
            let c = medical.as_ref().expect("value read");
            match m.len() {
                10 if digits(m) => Some((m.to_string(), c)),
                9 if digits(m) => Some((format!("{}1{}", &m[..2], &m[2..]), c)),
                7 if digits(m) => Some((format!("{pref}1{m}"), c)),
                _ => {
                    err(c, format!("医療機関コード '{m}' is not 7, 9 or 10 digits"));
                    None
                }
            }
        } else if !j.is_empty() {
            let c = jigyosho.as_ref().expect("value read");
            if j.len() == 10 && digits(j) {
                Some((j.to_string(), c))
            } else {
                err(c, format!("事業所番号 '{j}' is not 10 digits"));
                None
            }
        } else {
            let c = medical.as_ref().or(jigyosho.as_ref()).expect("one exists");
            err(
                c,
                "the row has neither 医療機関コード nor 事業所番号".into(),
            );
            None
        };
        let mut add = BTreeSet::new();
        let mut remove = BTreeSet::new();
        if let Some(c) = &caps {
            for v in split_list(r.opt(&caps)) {
                match Capability::parse(v) {
                    Ok(cap) => {
                        add.insert(cap);
                    }
                    Err(e) => err(c, e.to_string()),
                }
            }
        }
        for (c, cap) in &cap_columns {
            match mark(r.get(c)) {
                Ok(Some(true)) => {
                    add.insert(*cap);
                }
                Ok(Some(false)) => {
                    remove.insert(*cap);
                }
                Ok(None) => {}
                Err(e) => err(c, e),
            }
        }
        let mut flag = |c: &Option<Col>| match c {
            Some(col) => mark(r.opt(c)).unwrap_or_else(|e| {
                err(col, e);
                None
            }),
            None => None,
        };
        let wheelchair = flag(&wheel);
        let pediatric = flag(&ped);
        let radius_km = match (r.opt(&radius), &radius) {
            ("", _) | (_, None) => None,
            (v, Some(c)) => match RadiusKm::parse(v) {
                Ok(x) => Some(x.km()),
                Err(e) => {
                    err(c, format!("訪問範囲km: {e} (the legal limit for 訪問診療 is {LEGAL_HOME_VISIT_RADIUS_KM} km)"));
                    None
                }
            },
        };
        let service_wards = match (&wards, r.opt(&wards)) {
            (Some(c), v) if !v.is_empty() => {
                let mut out = BTreeSet::new();
                for w in split_list(v) {
                    // A ward, a 市町村 (a city with wards stands for all of them) or
                    // an area (二次医療圏, 基本保健医療圏).
                    match regions.place(w) {
                        Ok(place) => out.extend(regions.leaves_of_place(&place)),
                        Err(e) => err(
                            c,
                            format!("'{w}' is not a ward, 市町村 or area of this dataset: {e}"),
                        ),
                    }
                }
                Some(out.into_iter().collect())
            }
            _ => None,
        };
        let accepting_new = match (&accepting, r.opt(&accepting)) {
            (Some(c), v) if !v.is_empty() => match Accepting::parse(v) {
                Some(a) => Some(a),
                None => {
                    err(
                        c,
                        format!("新規受入 '{v}' is not 受入可 / 要相談 / 停止中 / 不明"),
                    );
                    None
                }
            },
            _ => None,
        };
        let mut day = |col: &Option<Col>, what: &str| -> Option<crate::model::Day> {
            let (c, v) = (col.as_ref()?, r.opt(col));
            if v.is_empty() {
                return None;
            }
            match iso_date(v).and_then(|d| crate::model::Day::parse(&d)) {
                Some(d) => Some(d),
                None => {
                    err(c, format!("{what} '{v}' is not a date (YYYY-MM-DD)"));
                    None
                }
            }
        };
        let confirmed = day(&date, "更新日");
        let until_given = day(&until, "有効期限");
        if let (Some(c), Some(d)) = (&date, confirmed) {
            if d > today {
                err(c, format!("更新日 {d} is in the future (today is {today})"));
            }
        }
        let updated_at = confirmed.map(|d| d.to_string());
        let accepting_until = match (accepting_new, confirmed) {
            (Some(Accepting::Unknown) | None, _) => None,
            (Some(_), Some(d)) => {
                Some(until_given.unwrap_or(d.plus(valid_days as i32)).to_string())
            }
            (Some(_), None) => {
                if let Some(c) = &accepting {
                    err(c, "新規受入 needs 更新日 (the date it was confirmed): a status without a date cannot expire".into());
                }
                None
            }
        };
        let backup_beds = match (&beds, r.opt(&beds), confirmed) {
            (Some(_), "", _) | (None, _, _) => None,
            (Some(_), "なし" | "×", _) => Some(None),
            (Some(_), v @ ("空床あり" | "満床"), Some(d)) => {
                Some(Some(crate::model::DatedStatus {
                    value: v.to_string(),
                    confirmed: d.to_string(),
                    until: d.plus(valid_days as i32).to_string(),
                }))
            }
            (Some(c), "空床あり" | "満床", None) => {
                err(
                    c,
                    "後方病床 needs 更新日 (the date it was confirmed)".into(),
                );
                None
            }
            (Some(c), v, _) => {
                err(c, format!("後方病床 '{v}' is not 空床あり / 満床 / なし"));
                None
            }
        };
        let active_roles = match (&roles, r.opt(&roles)) {
            (Some(c), v) if !v.is_empty() => {
                let mut out = Vec::new();
                for x in split_list(v) {
                    match x {
                        "入院対応" | "往診対応" => out.push(x.to_string()),
                        "×" | "なし" => {}
                        other => err(
                            c,
                            format!("積極的医療機関の類型 '{other}' is not 入院対応 or 往診対応"),
                        ),
                    }
                }
                Some(out)
            }
            _ => None,
        };
        if !errs.is_empty() {
            errors.extend(errs);
            continue;
        }
        let Some((key, key_col)) = key else { continue };
        rows.push(OverlayRow {
            origin: RowOrigin {
                file: path.to_path_buf(),
                line: *line,
                source: default_source.clone(),
            },
            key,
            key_column: (key_col.index + 1, key_col.name.clone()),
            add: add.into_iter().collect(),
            remove: remove.into_iter().collect(),
            wheelchair,
            pediatric,
            radius_km,
            wards: service_wards,
            accepting_new,
            accepting_until,
            active_roles,
            backup_beds,
            notes: Some(r.opt(&notes).to_string()).filter(|s| !s.is_empty()),
            updated_at,
            source: Some(r.opt(&source).to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| default_source.clone()),
        });
    }
    Ok((rows, errors))
}

impl OverlayRow {
    /// Applies the row to its facility and records which values it set. A "no" for a
    /// capability an official 届出 gives is kept as a claim but does not remove it: the
    /// conflict is returned for the report.
    pub fn apply(&self, f: &mut Facility) -> Vec<CapabilityConflict> {
        let mut fields = Vec::new();
        let mut conflicts = Vec::new();
        if !self.add.is_empty() || !self.remove.is_empty() {
            let official = |f: &Facility, c: Capability| {
                f.claims_for(c)
                    .find(|claim| claim.official && claim.value)
                    .map(CapabilityClaim::describe)
            };
            let mut caps: BTreeSet<Capability> = f.capabilities.iter().copied().collect();
            caps.extend(&self.add);
            for c in &self.remove {
                match official(f, *c) {
                    Some(described) => conflicts.push(CapabilityConflict {
                        facility: f.id.0.clone(),
                        name: f.name.clone(),
                        capability: *c,
                        official: described,
                        overlay: self.origin.clone(),
                        overlay_source: self.source.clone(),
                    }),
                    None => {
                        caps.remove(c);
                    }
                }
            }
            f.capabilities = caps.into_iter().collect();
            let claim = |capability: Capability, value: bool| CapabilityClaim {
                capability,
                value,
                source: self.source.clone(),
                official: false,
                filing: None,
                receipt: None,
                since: None,
                as_of: self.updated_at.clone(),
                implied: false,
            };
            for c in &self.add {
                f.capability_claims.push(claim(*c, true));
            }
            for c in &self.remove {
                f.capability_claims.push(claim(*c, false));
            }
            fields.push("capabilities");
        }
        if let Some(w) = self.wheelchair {
            f.wheelchair = Some(w);
            fields.push("wheelchair");
        }
        if let Some(p) = self.pediatric {
            f.pediatric = Some(p);
            fields.push("pediatric");
        }
        if let Some(r) = self.radius_km {
            f.service_radius_km = Some(r);
            fields.push("service_radius_km");
        }
        if let Some(w) = &self.wards {
            f.service_wards = w.clone();
            fields.push("service_wards");
        }
        if let Some(a) = self.accepting_new {
            f.accepting_new = a;
            f.accepting_until = self.accepting_until.clone();
            fields.push("accepting_new");
        }
        if let Some(b) = &self.backup_beds {
            f.backup_beds = b.clone();
            fields.push("backup_beds");
        }
        if let Some(r) = &self.active_roles {
            f.active_roles = r.clone();
            fields.push("active_roles");
        }
        if let Some(n) = &self.notes {
            f.notes = if f.notes.is_empty() {
                n.clone()
            } else {
                format!("{n}\n{}", f.notes)
            };
            fields.push("notes");
        }
        if let Some(d) = &self.updated_at {
            if f.updated_at.as_ref().is_none_or(|old| old < d) {
                f.updated_at = Some(d.clone());
            }
        }
        let source = match &self.updated_at {
            Some(d) => format!("{} ({d})", self.source),
            None => self.source.clone(),
        };
        // A source with no fields would read as "every other value" (see `source_of`).
        if !fields.is_empty() {
            f.sources.push(crate::model::ValueSource {
                source,
                fields: fields.into_iter().map(String::from).collect(),
            });
        }
        conflicts
    }
}
