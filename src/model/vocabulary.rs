//! The one vocabulary table: facility kinds and capabilities, each with a stable code, the
//! Japanese label shown to people, its kana reading and the synonyms/abbreviations people
//! type (在支診, 訪看, 強化型 …). Parsing, indexing and the UI all read from here.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::text::normalize;

/// By rule (療担規則) a home visit is limited to 16 km in a straight line from the clinic.
pub const LEGAL_HOME_VISIT_RADIUS_KM: f64 = 16.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VocabularyError {
    #[error("unknown kind '{value}'; valid kinds: {valid}")]
    UnknownKind { value: String, valid: String },
    #[error("unknown capability '{value}'; valid capabilities: {valid}")]
    UnknownCapability { value: String, valid: String },
    #[error("'{value}' could mean several capabilities ({candidates}); use one code")]
    AmbiguousCapability { value: String, candidates: String },
}

/// What kind of facility a record is. A facility can have several (a hospital that also
/// runs a 訪問看護 service).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Hospital,
    Clinic,
    DentalClinic,
    Pharmacy,
    VisitingNursing,
    CareManagement,
    CommunityCareCenter,
    HomeCareSupportOffice,
}

#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    pub code: &'static str,
    pub label: &'static str,
    /// Shorter label for badges and narrow screens.
    pub short: &'static str,
    pub kana: &'static str,
    pub synonyms: &'static [&'static str],
    /// Home-visit reach assumed when a facility declares none (see README, "who can visit").
    pub default_radius_km: f64,
    /// The colour group of its markers on the map: `medical`, `dental`, `pharmacy`,
    /// `nursing` or `care`.
    pub group: &'static str,
}

pub static KINDS: [KindInfo; 8] = [
    KindInfo {
        kind: Kind::Hospital,
        code: "hospital",
        label: "病院",
        short: "病院",
        kana: "びょういん",
        synonyms: &[],
        default_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
        group: "medical",
    },
    KindInfo {
        kind: Kind::Clinic,
        code: "clinic",
        label: "診療所",
        short: "診療所",
        kana: "しんりょうじょ",
        synonyms: &["クリニック", "医院", "一般診療所"],
        default_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
        group: "medical",
    },
    KindInfo {
        kind: Kind::DentalClinic,
        code: "dental_clinic",
        label: "歯科診療所",
        short: "歯科",
        kana: "しかしんりょうじょ",
        synonyms: &["歯科", "歯医者"],
        default_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
        group: "dental",
    },
    KindInfo {
        kind: Kind::Pharmacy,
        code: "pharmacy",
        label: "薬局",
        short: "薬局",
        kana: "やっきょく",
        synonyms: &["調剤薬局"],
        default_radius_km: LEGAL_HOME_VISIT_RADIUS_KM,
        group: "pharmacy",
    },
    KindInfo {
        kind: Kind::VisitingNursing,
        code: "visiting_nursing",
        label: "訪問看護ステーション",
        short: "訪問看護",
        kana: "ほうもんかんごすてーしょん",
        synonyms: &["訪問看護", "訪看", "ほうもんかんご"],
        default_radius_km: 10.0,
        group: "nursing",
    },
    KindInfo {
        kind: Kind::CareManagement,
        code: "care_management",
        label: "居宅介護支援事業所",
        short: "居宅介護支援",
        kana: "きょたくかいごしえんじぎょうしょ",
        synonyms: &[
            "居宅介護支援",
            "居宅",
            "ケアマネ",
            "ケアマネジャー",
            "ケアプラン",
        ],
        default_radius_km: 10.0,
        group: "care",
    },
    KindInfo {
        kind: Kind::CommunityCareCenter,
        code: "community_care_center",
        label: "地域包括支援センター",
        short: "地域包括",
        kana: "ちいきほうかつしえんせんたー",
        synonyms: &["地域包括", "包括", "包括支援センター"],
        default_radius_km: 5.0,
        group: "care",
    },
    KindInfo {
        kind: Kind::HomeCareSupportOffice,
        code: "home_care_support_office",
        label: "在宅医療・介護連携相談支援室",
        short: "連携相談支援室",
        kana: "ざいたくいりょうかいごれんけいそうだんしえんしつ",
        synonyms: &["相談支援室", "連携相談支援室", "在宅医療介護連携"],
        default_radius_km: 20.0,
        group: "care",
    },
];

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Hospital,
        Kind::Clinic,
        Kind::DentalClinic,
        Kind::Pharmacy,
        Kind::VisitingNursing,
        Kind::CareManagement,
        Kind::CommunityCareCenter,
        Kind::HomeCareSupportOffice,
    ];

    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// Accepts the code, the Japanese label or a synonym, in any width or kana script.
    pub fn parse(s: &str) -> Result<Kind, VocabularyError> {
        // A code is what the API sends: found without folding every label (no label is
        // another kind's code; a test checks).
        if let Some(k) = KINDS.iter().find(|k| k.code == s.trim()) {
            return Ok(k.kind);
        }
        let n = normalize(s);
        KINDS
            .iter()
            .find(|k| {
                k.code == s.trim()
                    || normalize(k.label) == n
                    || normalize(k.kana) == n
                    || k.synonyms.iter().any(|syn| normalize(syn) == n)
            })
            .map(|k| k.kind)
            .ok_or_else(|| VocabularyError::UnknownKind {
                value: s.to_string(),
                valid: KINDS
                    .iter()
                    .map(|k| format!("{} ({})", k.code, k.label))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a facility can do for a patient at home. Stored as one bit of a [`CapSet`]
/// (128 bits) in the search index.
///
/// [`CapSet`]: super::CapSet
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    HomeVisit,
    HouseCall,
    #[serde(rename = "24h")]
    Around24h,
    EndOfLife,
    SupportClinic,
    EnhancedSingle,
    EnhancedLinked,
    SupportHospital,
    BackupHospital,
    ActiveRole,
    CollaborationHub,
    EmergencyAdmission,
    DischargeSupport,
    Palliative,
    Dementia,
    PsychiatricNursing,
    Ventilator,
    HomeOxygen,
    TubeFeeding,
    Tpn,
    PressureUlcer,
    HomeRehab,
    HomeDental,
    HomePharmacy,
    ForeignLanguage,
    PalliativeEnhanced,
    HomeCareEnhanced,
    SupportDental,
    HomeCancer,
    SpecialManagement,
    EnhancedNursing,
    RegionalSupportHospital,
    MedicalCareChildren,
}

#[derive(Debug)]
pub struct CapabilityInfo {
    pub capability: Capability,
    pub code: &'static str,
    pub label: &'static str,
    /// Shorter label for badges and tables.
    pub short: &'static str,
    pub synonyms: &'static [&'static str],
}

macro_rules! cap {
    ($v:ident, $code:expr, $label:expr, $short:expr, [$($syn:expr),*]) => {
        CapabilityInfo {
            capability: Capability::$v,
            code: $code,
            label: $label,
            short: $short,
            synonyms: &[$($syn),*],
        }
    };
}

/// Order matches the enum (checked by a test).
pub static CAPABILITIES: [CapabilityInfo; 33] = [
    cap!(
        HomeVisit,
        "home_visit",
        "訪問診療",
        "訪問診療",
        ["在宅診療", "ほうもんしんりょう"]
    ),
    cap!(
        HouseCall,
        "house_call",
        "往診",
        "往診",
        ["おうしん", "臨時往診"]
    ),
    cap!(
        Around24h,
        "24h",
        "24時間対応",
        "24h",
        ["24時間", "24時間体制", "24h対応", "夜間対応"]
    ),
    cap!(
        EndOfLife,
        "end_of_life",
        "在宅看取り",
        "看取り",
        ["看取り", "みとり", "ターミナルケア", "ターミナル"]
    ),
    cap!(
        SupportClinic,
        "support_clinic",
        "在宅療養支援診療所",
        "支援診",
        ["在支診", "支援診", "在宅支援診療所"]
    ),
    cap!(
        EnhancedSingle,
        "enhanced_single",
        "機能強化型（単独型）",
        "強化型(単独)",
        ["強化型", "機能強化型", "単独型", "機能強化型単独"]
    ),
    cap!(
        EnhancedLinked,
        "enhanced_linked",
        "機能強化型（連携型）",
        "強化型(連携)",
        ["強化型", "機能強化型", "連携型", "機能強化型連携"]
    ),
    cap!(
        SupportHospital,
        "support_hospital",
        "在宅療養支援病院",
        "支援病",
        ["在支病", "支援病", "在宅支援病院"]
    ),
    cap!(
        BackupHospital,
        "backup_hospital",
        "在宅療養後方支援病院",
        "後方支援",
        ["後方支援病院", "後方支援"]
    ),
    cap!(
        ActiveRole,
        "active_role",
        "積極的役割を担う医療機関",
        "積極的医療機関",
        ["積極的医療機関", "積極的役割"]
    ),
    cap!(
        CollaborationHub,
        "collaboration_hub",
        "在宅医療の連携の拠点",
        "連携拠点",
        ["連携の拠点", "連携拠点", "在宅医療連携拠点"]
    ),
    cap!(
        EmergencyAdmission,
        "emergency_admission",
        "急変時の入院受入",
        "急変時入院",
        ["急変時入院", "緊急入院", "急変時対応", "バックベッド"]
    ),
    cap!(
        DischargeSupport,
        "discharge_support",
        "入退院支援",
        "入退院支援",
        ["退院支援", "入院支援", "退院調整"]
    ),
    cap!(
        Palliative,
        "palliative",
        "緩和ケア",
        "緩和ケア",
        ["緩和", "がん緩和"]
    ),
    cap!(Dementia, "dementia", "認知症対応", "認知症", ["認知症"]),
    cap!(
        PsychiatricNursing,
        "psychiatric_nursing",
        "精神科訪問看護",
        "精神科訪看",
        ["精神訪看", "精神科訪看"]
    ),
    cap!(
        Ventilator,
        "ventilator",
        "人工呼吸器",
        "人工呼吸器",
        ["呼吸器", "NPPV", "TPPV", "在宅人工呼吸"]
    ),
    cap!(
        HomeOxygen,
        "home_oxygen",
        "在宅酸素",
        "在宅酸素",
        ["HOT", "在宅酸素療法", "酸素療法"]
    ),
    cap!(
        TubeFeeding,
        "tube_feeding",
        "経管栄養・胃ろう",
        "胃ろう",
        ["胃ろう", "胃瘻", "経管栄養", "PEG"]
    ),
    cap!(
        Tpn,
        "tpn",
        "中心静脈栄養",
        "中心静脈栄養",
        ["TPN", "IVH", "在宅中心静脈栄養"]
    ),
    cap!(
        PressureUlcer,
        "pressure_ulcer",
        "褥瘡",
        "褥瘡",
        ["床ずれ", "褥瘡ケア", "じょくそう"]
    ),
    cap!(
        HomeRehab,
        "home_rehab",
        "訪問リハビリ",
        "訪問リハ",
        ["訪問リハ", "訪問リハビリテーション"]
    ),
    cap!(
        HomeDental,
        "home_dental",
        "訪問歯科",
        "訪問歯科",
        ["歯科訪問診療", "訪問歯科診療"]
    ),
    cap!(
        HomePharmacy,
        "home_pharmacy",
        "訪問薬剤管理",
        "訪問薬剤",
        ["訪問薬剤", "訪問服薬指導", "在宅訪問薬剤管理指導"]
    ),
    cap!(
        ForeignLanguage,
        "foreign_language",
        "外国語対応",
        "外国語",
        ["外国語", "多言語", "英語対応", "英語"]
    ),
    cap!(
        PalliativeEnhanced,
        "palliative_enhanced",
        "在宅緩和ケア充実",
        "緩和ケア充実",
        [
            "緩和ケア充実",
            "在宅緩和ケア充実診療所",
            "在宅緩和ケア充実病院"
        ]
    ),
    cap!(
        HomeCareEnhanced,
        "home_care_enhanced",
        "在宅医療充実体制",
        "在宅医療充実",
        ["在宅医療充実", "在宅医療充実体制加算"]
    ),
    cap!(
        SupportDental,
        "support_dental",
        "在宅療養支援歯科診療所",
        "歯援診",
        ["歯援診", "在宅療養支援歯科", "在支歯診"]
    ),
    cap!(
        HomeCancer,
        "home_cancer",
        "在宅がん医療",
        "在宅がん",
        ["在宅がん医療総合診療料", "在宅がん"]
    ),
    cap!(
        SpecialManagement,
        "special_management",
        "特別管理",
        "特別管理",
        ["特別管理加算", "特管"]
    ),
    cap!(
        EnhancedNursing,
        "enhanced_nursing",
        "機能強化型訪問看護",
        "強化型訪看",
        [
            "機能強化型訪問看護ステーション",
            "機能強化型訪問看護管理療養費",
            "強化型訪看"
        ]
    ),
    cap!(
        RegionalSupportHospital,
        "regional_support_hospital",
        "地域医療支援病院",
        "地域支援病院",
        ["地域医療支援"]
    ),
    cap!(
        MedicalCareChildren,
        "medical_care_children",
        "医療的ケア児",
        "医ケア児",
        ["医療的ケア", "医ケア児", "医療的ケア児対応"]
    ),
];

impl Capability {
    pub fn all() -> impl Iterator<Item = Capability> {
        CAPABILITIES.iter().map(|c| c.capability)
    }

    pub fn info(self) -> &'static CapabilityInfo {
        &CAPABILITIES[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn label(self) -> &'static str {
        self.info().label
    }

    pub fn set(self) -> super::CapSet {
        super::CapSet::empty().with(self)
    }

    fn valid_list() -> String {
        CAPABILITIES
            .iter()
            .map(|c| format!("{} ({})", c.code, c.label))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Resolves a query term to the capabilities it means: a code or label gives exactly one;
    /// a synonym may give several (`強化型` means either 機能強化型). A filter on the result
    /// is satisfied by any of them.
    pub fn parse_filter(s: &str) -> Result<Vec<Capability>, VocabularyError> {
        // A code is what the API sends: found without folding every label (no label is
        // another capability's code; a test checks).
        if let Some(c) = CAPABILITIES.iter().find(|c| c.code == s.trim()) {
            return Ok(vec![c.capability]);
        }
        let n = normalize(s);
        if let Some(c) = CAPABILITIES
            .iter()
            .find(|c| c.code == s.trim() || normalize(c.label) == n || normalize(c.short) == n)
        {
            return Ok(vec![c.capability]);
        }
        let hits: Vec<Capability> = CAPABILITIES
            .iter()
            .filter(|c| c.synonyms.iter().any(|syn| normalize(syn) == n))
            .map(|c| c.capability)
            .collect();
        if hits.is_empty() {
            return Err(VocabularyError::UnknownCapability {
                value: s.to_string(),
                valid: Self::valid_list(),
            });
        }
        Ok(hits)
    }

    /// Resolves a data value to exactly one capability (data must be unambiguous).
    pub fn parse(s: &str) -> Result<Capability, VocabularyError> {
        let hits = Self::parse_filter(s)?;
        match hits.as_slice() {
            [one] => Ok(*one),
            _ => Err(VocabularyError::AmbiguousCapability {
                value: s.to_string(),
                candidates: hits.iter().map(|c| c.code()).collect::<Vec<_>>().join(", "),
            }),
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that no entry's code, folded, is another entry's folded name: `(code, names)`
    /// per entry.
    fn assert_codes_are_no_other_names(entries: &[(&str, Vec<&str>)]) {
        for (i, (code, _)) in entries.iter().enumerate() {
            for (j, (other, names)) in entries.iter().enumerate() {
                if i != j {
                    for name in names {
                        assert_ne!(normalize(name), normalize(code), "{code} / {other}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_code_is_never_another_entrys_label_so_codes_are_found_first() {
        let kinds: Vec<(&str, Vec<&str>)> = KINDS
            .iter()
            .map(|k| (k.code, [&[k.label, k.kana][..], k.synonyms].concat()))
            .collect();
        assert_codes_are_no_other_names(&kinds);
        let caps: Vec<(&str, Vec<&str>)> = CAPABILITIES
            .iter()
            .map(|c| (c.code, [&[c.label, c.short][..], c.synonyms].concat()))
            .collect();
        assert_codes_are_no_other_names(&caps);
        for k in KINDS.iter() {
            assert_eq!(Kind::parse(k.code).unwrap(), k.kind);
        }
        for c in CAPABILITIES.iter() {
            assert_eq!(
                Capability::parse_filter(c.code).unwrap(),
                vec![c.capability]
            );
        }
    }

    #[test]
    fn tables_are_in_enum_order_and_codes_unique() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.kind as usize, i);
        }
        for (i, c) in CAPABILITIES.iter().enumerate() {
            assert_eq!(c.capability as usize, i, "{}", c.code);
        }
        let mut codes: Vec<_> = CAPABILITIES.iter().map(|c| c.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CAPABILITIES.len());
        assert!(
            CAPABILITIES.len() <= crate::model::CapSet::CAPACITY,
            "capabilities are stored as CapSet bits"
        );
    }

    #[test]
    fn json_names_are_the_codes() {
        for c in &CAPABILITIES {
            assert_eq!(serde_json::to_value(c.capability).unwrap(), c.code);
        }
        for k in &KINDS {
            assert_eq!(serde_json::to_value(k.kind).unwrap(), k.code);
        }
    }

    #[test]
    fn parses_kinds_by_code_label_synonym_and_width() {
        assert_eq!(
            Kind::parse("visiting_nursing").unwrap(),
            Kind::VisitingNursing
        );
        assert_eq!(Kind::parse("訪問看護").unwrap(), Kind::VisitingNursing);
        assert_eq!(Kind::parse("ﾎｳﾓﾝｶﾝｺﾞ").unwrap(), Kind::VisitingNursing);
        assert_eq!(Kind::parse("ケアマネ").unwrap(), Kind::CareManagement);
        let err = Kind::parse("温泉").unwrap_err().to_string();
        assert!(
            err.contains("温泉") && err.contains("visiting_nursing (訪問看護ステーション)"),
            "{err}"
        );
    }

    #[test]
    fn parses_capabilities_and_groups_synonyms() {
        assert_eq!(
            Capability::parse_filter("在支診").unwrap(),
            vec![Capability::SupportClinic]
        );
        assert_eq!(
            Capability::parse_filter("２４時間対応").unwrap(),
            vec![Capability::Around24h]
        );
        assert_eq!(
            Capability::parse_filter("24h").unwrap(),
            vec![Capability::Around24h]
        );
        assert_eq!(
            Capability::parse_filter("強化型").unwrap(),
            vec![Capability::EnhancedSingle, Capability::EnhancedLinked]
        );
        assert!(matches!(
            Capability::parse("強化型"),
            Err(VocabularyError::AmbiguousCapability { .. })
        ));
        let err = Capability::parse("空飛ぶ").unwrap_err().to_string();
        assert!(
            err.contains("空飛ぶ") && err.contains("24h (24時間対応)"),
            "{err}"
        );
    }
}
