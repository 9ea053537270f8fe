//! The facility record: everything a care manager needs to decide whether to call.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{Capability, Kind, LatLon, WardCode, LEGAL_HOME_VISIT_RADIUS_KM};

/// Stable identifier: the official code where one exists (医療機関コード for hospitals and
/// clinics, 事業所番号 for care services), otherwise a dataset-local code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FacilityId(pub String);

impl fmt::Display for FacilityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A status that holds for a while: what it is (空床あり), when it was confirmed and the
/// last day it holds (ISO dates). After that day it reads 要確認.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedStatus {
    pub value: String,
    pub confirmed: String,
    pub until: String,
}

impl DatedStatus {
    /// Whether its last day is before `today` (then it reads 要確認).
    pub fn ended_by(&self, today: super::Day) -> bool {
        super::Day::parse(&self.until).is_some_and(|end| end < today)
    }
}

/// A yes / no / unknown value in the words ward sheets and lists use: ○, ×, or empty.
pub fn mark_word(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "○",
        Some(false) => "×",
        None => "",
    }
}

/// Whether the facility takes new patients / clients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accepting {
    /// 受入可.
    Yes,
    /// 要相談: possible, ask first.
    Consult,
    /// 停止中.
    No,
    #[default]
    Unknown,
}

/// The record's fields with their Japanese labels, in the order a facility's page shows
/// them (and names the source of each value).
pub const FIELD_LABELS: [(&str, &str); 20] = [
    ("name", "名称"),
    ("name_kana", "よみ"),
    ("kinds", "種別"),
    ("address", "住所"),
    ("postal_code", "郵便番号"),
    ("location", "位置"),
    ("ward_code", "市区町村"),
    ("phone", "電話"),
    ("fax", "FAX"),
    ("url", "ウェブサイト"),
    ("capabilities", "機能"),
    ("wheelchair", "車いす"),
    ("pediatric", "小児"),
    ("service_radius_km", "訪問範囲"),
    ("service_wards", "対応地域"),
    ("departments", "診療科"),
    ("notes", "備考"),
    ("accepting_new", "新規受入"),
    ("backup_beds", "後方病床"),
    ("active_roles", "積極的医療機関"),
];

impl Accepting {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "yes" | "可" | "受入可" | "true" | "1" => Some(Self::Yes),
            "consult" | "要相談" | "相談" => Some(Self::Consult),
            "no" | "不可" | "受入不可" | "停止中" | "受入停止" | "false" | "0" => {
                Some(Self::No)
            }
            "" | "unknown" | "不明" => Some(Self::Unknown),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::Consult => "consult",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }

    /// The status in a word, as a badge shows it: 受入可 / 要相談 / 停止中 / 要確認.
    pub fn short(self) -> &'static str {
        match self {
            Self::Yes => "受入可",
            Self::Consult => "要相談",
            Self::No => "停止中",
            Self::Unknown => "要確認",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "新規受入可",
            Self::Consult => "新規受入は要相談",
            Self::No => "新規受入停止中",
            Self::Unknown => "新規受入は要確認",
        }
    }
}

/// Where values came from. `fields` empty means "every value not attributed elsewhere".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSource {
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// One source's statement about one capability: the official 届出 lists say "yes" with a
/// 受理番号 and a date; a ward's survey may say yes or no. A capability no source mentions is
/// unknown, never "no".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityClaim {
    pub capability: Capability,
    /// `true`: the source says the facility has it; `false`: the source says it has not.
    pub value: bool,
    /// Human name of the source, e.g. 「近畿厚生局 施設基準の届出」 or the survey's name.
    pub source: String,
    /// From an official 届出 list: wins over surveys for the capabilities it gives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub official: bool,
    /// The 届出 that gives it: 受理記号 (支援診２) or the 届出 name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<String>,
    /// 受理番号, e.g. 第59号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// 算定開始年月日 (ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The source's data date (ISO date): the list's 「現在」 date or the survey's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The capability follows by definition from the filing (支援診 → 往診, 24時間対応).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
}

impl CapabilityClaim {
    /// Where the value comes from, for explanations: 「厚生局 施設基準の届出 支援診２ 2024-06-01
    /// 算定開始・2025-10-01 現在」.
    pub fn provenance(&self) -> String {
        self.provenance_with(false)
    }

    fn provenance_with(&self, receipt: bool) -> String {
        let mut out = self.source.clone();
        if let Some(f) = &self.filing {
            out.push_str(&format!(" {f}"));
        }
        if let (true, Some(r)) = (receipt && !self.implied, &self.receipt) {
            out.push_str(&format!(" {r}"));
        }
        if self.implied {
            out.push_str("の要件");
        }
        if let Some(d) = &self.since {
            out.push_str(&format!(" {d} 算定開始"));
        }
        if let Some(d) = &self.as_of {
            out.push_str(&format!("・{d} 現在"));
        }
        out
    }

    /// The full line for exports and reports, with the 受理番号: 「在宅療養支援診療所 — 厚生局
    /// 施設基準の届出 支援診２ 第59号 2024-06-01 算定開始・2025-10-01 現在」; a "no" reads
    /// 「在宅看取り なし — 区の調査」.
    pub fn describe(&self) -> String {
        format!(
            "{}{} — {}",
            self.capability.label(),
            if self.value { "" } else { " なし" },
            self.provenance_with(true)
        )
    }
}

/// What is known of one capability of a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityStatus {
    Yes,
    /// A source says the facility does not offer it.
    No,
    /// No source says either way ("not in the list" is not a no).
    Unknown,
}

/// A facility. The fields a result list shows come first and end before `name_kana`, which
/// is always written: a list answer (`view=list`) is a stored record cut there (see
/// [`LIST_VIEW_END`]), without decoding it. Keep new list fields above `name_kana`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    pub id: FacilityId,
    pub name: String,
    /// Sorted, no duplicates, at least one.
    pub kinds: Vec<Kind>,
    pub postal_code: Option<String>,
    pub address: String,
    pub location: LatLon,
    pub ward_code: Option<WardCode>,
    pub phone: Option<String>,
    /// What the facility offers ("yes"), sorted, no duplicates.
    pub capabilities: Vec<Capability>,
    pub wheelchair: Option<bool>,
    pub pediatric: Option<bool>,
    pub accepting_new: Accepting,
    /// 後方病床 (backup beds for patients at home) as the ward or 医師会 last heard it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_beds: Option<DatedStatus>,
    /// ISO date `YYYY-MM-DD`.
    pub updated_at: Option<String>,
    pub name_kana: String,
    pub fax: Option<String>,
    pub url: Option<String>,
    /// Where each capability value came from, including sources that say "no".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_claims: Vec<CapabilityClaim>,
    pub service_radius_km: Option<f64>,
    /// Declared service area; empty means "no declared wards" (radius only).
    pub service_wards: Vec<WardCode>,
    /// Finer than wards: the towns it serves, as `WARD:town` (`27114:豊新`), when its list
    /// names towns (a 地域包括支援センター's 担当区域).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_towns: Vec<String>,
    pub departments: Vec<String>,
    pub notes: String,
    /// Until when `accepting_new` holds (ISO date): the survey's 有効期限, or its 確認日 plus
    /// the dataset's validity. After it the status reads 要確認 and no filter matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepting_until: Option<String>,
    /// 積極的役割を担う医療機関: 入院対応, 往診対応 or both, from the ward's survey.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub active_roles: Vec<String>,
    pub sources: Vec<ValueSource>,
}

/// The key that follows a stored record's list fields (see [`Facility`]).
pub const LIST_VIEW_END: &str = ",\"name_kana\":";

/// The list view of a stored record (its JSON as serde writes a [`Facility`]): the record
/// cut before `name_kana`, without its closing brace. None for JSON of another layout.
///
/// The cut is found by bytes: inside a JSON string every `"` is escaped, so the key with
/// its quotes occurs only as a key, and no list field holds an object with that key.
pub fn list_view(record: &str) -> Option<&str> {
    record.find(LIST_VIEW_END).map(|at| &record[..at])
}

/// How far a facility travels to a patient's home, and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub radius_km: f64,
    /// The declared radius was larger than the legal 16 km and was cut to it.
    pub capped_by_law: bool,
    /// No radius was declared; the kind's default applies.
    pub defaulted: bool,
}

impl Facility {
    /// The 新規受入 status on `today`: after `accepting_until` it is unknown (要確認).
    pub fn accepting_on(&self, today: super::Day) -> Accepting {
        let ended = self
            .accepting_until
            .as_deref()
            .and_then(super::Day::parse)
            .is_some_and(|end| end < today);
        if ended {
            Accepting::Unknown
        } else {
            self.accepting_new
        }
    }

    pub fn has_kind(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn has_capability(&self, cap: Capability) -> bool {
        self.capabilities.contains(&cap)
    }

    /// Yes when the facility offers it, no only when a source says so, otherwise unknown.
    pub fn capability_status(&self, cap: Capability) -> CapabilityStatus {
        if self.has_capability(cap) {
            CapabilityStatus::Yes
        } else if self
            .capability_claims
            .iter()
            .any(|c| c.capability == cap && !c.value)
        {
            CapabilityStatus::No
        } else {
            CapabilityStatus::Unknown
        }
    }

    /// The claims behind one capability, official ones first.
    pub fn claims_for(&self, cap: Capability) -> impl Iterator<Item = &CapabilityClaim> {
        let mut claims: Vec<&CapabilityClaim> = self
            .capability_claims
            .iter()
            .filter(|c| c.capability == cap)
            .collect();
        claims.sort_by_key(|c| (!c.official, c.implied));
        claims.into_iter()
    }

    /// Medical home visits (訪問診療/往診) fall under the 16 km rule.
    fn does_medical_home_visits(&self) -> bool {
        self.has_capability(Capability::HomeVisit) || self.has_capability(Capability::HouseCall)
    }

    /// Kinds under which this facility goes to patients' homes. Hospitals and clinics only
    /// when they do 訪問診療/往診/訪問リハビリ, dental clinics with 訪問歯科, pharmacies with
    /// 訪問薬剤管理; the care services always.
    pub fn visiting_kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        self.kinds.iter().copied().filter(|k| match k {
            Kind::Hospital | Kind::Clinic => {
                self.does_medical_home_visits() || self.has_capability(Capability::HomeRehab)
            }
            Kind::DentalClinic => self.has_capability(Capability::HomeDental),
            Kind::Pharmacy => self.has_capability(Capability::HomePharmacy),
            Kind::VisitingNursing
            | Kind::CareManagement
            | Kind::CommunityCareCenter
            | Kind::HomeCareSupportOffice => true,
        })
    }

    /// The home-visit reach, or `None` when the facility does not visit homes at all.
    pub fn reach(&self) -> Option<Reach> {
        let default = self
            .visiting_kinds()
            .map(|k| k.info().default_radius_km)
            .fold(None, |acc: Option<f64>, r| {
                Some(acc.map_or(r, |a| a.max(r)))
            })?;
        let (declared, defaulted) = match self.service_radius_km {
            Some(r) => (r, false),
            None => (default, true),
        };
        let capped_by_law =
            self.does_medical_home_visits() && declared > LEGAL_HOME_VISIT_RADIUS_KM;
        Some(Reach {
            radius_km: if capped_by_law {
                LEGAL_HOME_VISIT_RADIUS_KM
            } else {
                declared
            },
            capped_by_law,
            defaulted,
        })
    }

    /// The source a value came from: the source naming the field, else the catch-all one.
    pub fn source_of(&self, field: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.fields.iter().any(|f| f == field))
            .or_else(|| self.sources.iter().find(|s| s.fields.is_empty()))
            .map(|s| s.source.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample(kinds: &[Kind], caps: &[Capability]) -> Facility {
        Facility {
            id: FacilityId("T1".into()),
            name: "テスト".into(),
            name_kana: "てすと".into(),
            kinds: kinds.to_vec(),
            postal_code: None,
            address: "大阪市北区".into(),
            location: LatLon::new(34.7, 135.5).unwrap(),
            ward_code: Some(WardCode(27127)),
            phone: None,
            fax: None,
            url: None,
            capabilities: caps.to_vec(),
            capability_claims: vec![],
            wheelchair: None,
            pediatric: None,
            service_radius_km: None,
            service_wards: vec![],
            departments: vec![],
            notes: String::new(),
            accepting_new: Accepting::Unknown,
            accepting_until: None,
            active_roles: Vec::new(),
            backup_beds: None,
            service_towns: Vec::new(),
            updated_at: None,
            sources: vec![ValueSource {
                source: "test".into(),
                fields: vec![],
            }],
        }
    }

    /// The list fields, in the order the record writes them.
    const LIST_FIELDS: [&str; 14] = [
        "id",
        "name",
        "kinds",
        "postal_code",
        "address",
        "location",
        "ward_code",
        "phone",
        "capabilities",
        "wheelchair",
        "pediatric",
        "accepting_new",
        "backup_beds",
        "updated_at",
    ];

    #[test]
    fn list_view_is_the_record_cut_before_name_kana() {
        let mut f = sample(&[Kind::Clinic], &[Capability::HomeVisit]);
        // Text that looks like the cut, inside strings, does not move it.
        f.name = r#"名前,"name_kana":"x"#.into();
        f.notes = r#"{"id":1},"name_kana":"#.into();
        f.backup_beds = Some(DatedStatus {
            value: "空床あり".into(),
            confirmed: "2026-11-20".into(),
            until: "2026-12-20".into(),
        });
        let record = serde_json::to_string(&f).unwrap();
        let list = list_view(&record).unwrap();
        let v: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{list}}}")).unwrap();
        let keys: Vec<&str> = v.keys().map(String::as_str).collect();
        let mut want = LIST_FIELDS.to_vec();
        want.sort_unstable();
        assert_eq!(
            keys, want,
            "exactly the list fields (serde_json sorts keys)"
        );
        assert_eq!(v["name"], f.name.as_str());
        assert_eq!(v["backup_beds"]["value"], "空床あり");
        // Without backup beds the cut still comes right after updated_at.
        f.backup_beds = None;
        let record = serde_json::to_string(&f).unwrap();
        assert!(list_view(&record)
            .unwrap()
            .ends_with(r#""updated_at":null"#));
        // Not a record of this layout.
        assert_eq!(list_view(r#"{"id":"A","name":"B"}"#), None);
    }

    #[test]
    fn clinic_without_home_visits_does_not_visit() {
        assert_eq!(sample(&[Kind::Clinic], &[]).reach(), None);
        assert_eq!(
            sample(&[Kind::Pharmacy], &[Capability::Around24h]).reach(),
            None
        );
    }

    #[test]
    fn legal_cap_applies_to_medical_home_visits_only() {
        let mut clinic = sample(&[Kind::Clinic], &[Capability::HomeVisit]);
        clinic.service_radius_km = Some(25.0);
        let r = clinic.reach().unwrap();
        assert_eq!(
            (r.radius_km, r.capped_by_law, r.defaulted),
            (16.0, true, false)
        );

        let mut nursing = sample(&[Kind::VisitingNursing], &[]);
        assert_eq!(nursing.reach().unwrap().radius_km, 10.0);
        nursing.service_radius_km = Some(25.0);
        assert_eq!(nursing.reach().unwrap().radius_km, 25.0);

        // A hospital that also runs 訪問看護 reaches as far as its widest visiting kind.
        let both = sample(
            &[Kind::Hospital, Kind::VisitingNursing],
            &[Capability::HouseCall],
        );
        assert_eq!(both.reach().unwrap().radius_km, 16.0);
    }

    #[test]
    fn capabilities_are_yes_no_or_unknown_with_their_sources() {
        let mut f = sample(&[Kind::Clinic], &[Capability::SupportClinic]);
        let claim = |capability, value, official| CapabilityClaim {
            capability,
            value,
            source: if official {
                "厚生局 施設基準の届出"
            } else {
                "区の調査"
            }
            .into(),
            official,
            filing: official.then(|| "支援診２".into()),
            receipt: official.then(|| "第59号".into()),
            since: official.then(|| "2024-06-01".into()),
            as_of: Some("2025-10-01".into()),
            implied: false,
        };
        f.capability_claims = vec![
            claim(Capability::SupportClinic, true, true),
            claim(Capability::EndOfLife, false, false),
        ];
        assert_eq!(
            f.capability_status(Capability::SupportClinic),
            CapabilityStatus::Yes
        );
        assert_eq!(
            f.capability_status(Capability::EndOfLife),
            CapabilityStatus::No
        );
        assert_eq!(
            f.capability_status(Capability::Ventilator),
            CapabilityStatus::Unknown
        );
        let c = f.claims_for(Capability::SupportClinic).next().unwrap();
        assert_eq!(
            c.provenance(),
            "厚生局 施設基準の届出 支援診２ 2024-06-01 算定開始・2025-10-01 現在"
        );
        assert_eq!(
            c.describe(),
            "在宅療養支援診療所 — 厚生局 施設基準の届出 支援診２ 第59号 2024-06-01 算定開始・2025-10-01 現在"
        );
        let no = f.claims_for(Capability::EndOfLife).next().unwrap();
        assert_eq!(no.describe(), "在宅看取り なし — 区の調査・2025-10-01 現在");
    }

    #[test]
    fn source_of_prefers_field_specific_source() {
        let mut f = sample(&[Kind::Clinic], &[]);
        f.sources.push(ValueSource {
            source: "ward-survey".into(),
            fields: vec!["capabilities".into()],
        });
        assert_eq!(f.source_of("capabilities"), Some("ward-survey"));
        assert_eq!(f.source_of("address"), Some("test"));
    }
}
