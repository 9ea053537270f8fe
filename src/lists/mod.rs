//! The ward's printed lists: every resource of a ward grouped by kind (name, address,
//! phone, the surveyed flags, the main capabilities with their source, 確認日), and its
//! 積極的役割を担う医療機関 with their type and the functions they take on. One data shape,
//! written as JSON (the API), CSV and xlsx (A4 landscape) for the ward office.

use serde::Serialize;

use crate::index::SearchIndex;
use crate::model::{mark_word, Accepting, Capability, Day, Facility, WardCode, KINDS};

/// The capabilities a list shows, in this order.
pub const MAIN_CAPABILITIES: [Capability; 8] = [
    Capability::HomeVisit,
    Capability::HouseCall,
    Capability::Around24h,
    Capability::EndOfLife,
    Capability::SupportClinic,
    Capability::SupportHospital,
    Capability::MedicalCareChildren,
    Capability::ActiveRole,
];

/// The functions of a 積極的役割を担う医療機関.
pub const ACTIVE_FUNCTIONS: [Capability; 4] = [
    Capability::HomeVisit,
    Capability::DischargeSupport,
    Capability::EmergencyAdmission,
    Capability::EndOfLife,
];

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// 車いす, 小児 as ○ / × / "".
    pub wheelchair: String,
    pub pediatric: String,
    /// 受入状況 as the page words it (受入可 / 要相談 / 停止中 / 要確認).
    pub accepting: String,
    /// 後方病床 with its date (空床あり（2026-11-20 確認）), or 要確認 after its end.
    pub backup_beds: String,
    /// Each main capability the facility has, with where it comes from.
    pub capabilities: Vec<String>,
    /// 入院対応 / 往診対応 (the active-role list).
    pub roles: Vec<String>,
    /// The functions it takes on (the active-role list).
    pub functions: Vec<String>,
    /// 確認日 (the newest date of its values).
    pub confirmed: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Section {
    pub kind: &'static str,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WardList {
    pub title: String,
    pub ward: WardCode,
    pub ward_name: String,
    pub sections: Vec<Section>,
    /// When the index was built, and from what.
    pub data_date: String,
    pub sources: Vec<String>,
}

fn entry(f: &Facility, today: Day) -> Entry {
    // Known and current, or known and run out (要確認); never known stays empty.
    let accepting = match f.accepting_on(today) {
        Accepting::Unknown if f.accepting_new == Accepting::Unknown => String::new(),
        a => a.short().to_string(),
    };
    let capabilities = MAIN_CAPABILITIES
        .iter()
        .filter(|c| f.has_capability(**c))
        .map(|c| match f.claims_for(*c).next() {
            Some(claim) => format!("{}（{}）", c.label(), claim.source),
            None => c.label().to_string(),
        })
        .collect();
    Entry {
        id: f.id.0.clone(),
        name: f.name.clone(),
        address: f.address.clone(),
        phone: f.phone.clone().unwrap_or_default(),
        wheelchair: mark_word(f.wheelchair).into(),
        pediatric: mark_word(f.pediatric).into(),
        accepting,
        backup_beds: match &f.backup_beds {
            Some(b) if b.ended_by(today) => {
                format!("{}（最終確認 {}）", Accepting::Unknown.short(), b.confirmed)
            }
            Some(b) => format!("{}（{} 確認）", b.value, b.confirmed),
            None => String::new(),
        },
        capabilities,
        roles: f.active_roles.clone(),
        functions: ACTIVE_FUNCTIONS
            .iter()
            .filter(|c| f.has_capability(**c))
            .map(|c| c.label().to_string())
            .collect(),
        confirmed: f.updated_at.clone().unwrap_or_default(),
    }
}

fn header(index: &SearchIndex, ward: WardCode, title: &str) -> WardList {
    let ward_name = index.regions.full_name(ward);
    WardList {
        title: format!("{ward_name} {title}"),
        ward,
        ward_name,
        sections: Vec::new(),
        data_date: index.meta.built_day().to_string(),
        sources: index.meta.source_rows.keys().cloned().collect(),
    }
}

/// Every resource of `ward`, grouped by kind (a facility of several kinds under its first).
pub fn ward_list(index: &SearchIndex, ward: WardCode, today: Day) -> WardList {
    let mut list = header(index, ward, "在宅医療・介護資源リスト");
    let facilities = index.facilities_in(ward);
    for k in &KINDS {
        let entries: Vec<Entry> = facilities
            .iter()
            .filter(|f| f.kinds.first() == Some(&k.kind))
            .map(|f| entry(f, today))
            .collect();
        if !entries.is_empty() {
            list.sections.push(Section {
                kind: k.label,
                entries,
            });
        }
    }
    list
}

/// The ward's 積極的役割を担う医療機関, with their type and functions.
pub fn active_list(index: &SearchIndex, ward: WardCode, today: Day) -> WardList {
    let mut list = header(index, ward, "積極的役割を担う医療機関");
    let entries: Vec<Entry> = index
        .facilities_in(ward)
        .iter()
        .filter(|f| f.has_capability(Capability::ActiveRole))
        .map(|f| entry(f, today))
        .collect();
    list.sections.push(Section {
        kind: "積極的役割を担う医療機関",
        entries,
    });
    list
}

/// The columns of a list, and each entry's cells (the kind first).
pub fn table(list: &WardList, active: bool) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let head = if active {
        vec![
            "種別",
            "名称",
            "住所",
            "電話",
            "類型",
            "担う機能",
            "後方病床",
            "確認日",
        ]
    } else {
        vec![
            "種別",
            "名称",
            "住所",
            "電話",
            "車いす",
            "小児",
            "受入状況",
            "主な機能（出典）",
            "確認日",
        ]
    };
    let mut rows = Vec::new();
    for s in &list.sections {
        for e in &s.entries {
            rows.push(if active {
                vec![
                    s.kind.to_string(),
                    e.name.clone(),
                    e.address.clone(),
                    e.phone.clone(),
                    e.roles.join("・"),
                    e.functions.join("・"),
                    e.backup_beds.clone(),
                    e.confirmed.clone(),
                ]
            } else {
                vec![
                    s.kind.to_string(),
                    e.name.clone(),
                    e.address.clone(),
                    e.phone.clone(),
                    e.wheelchair.clone(),
                    e.pediatric.clone(),
                    e.accepting.clone(),
                    e.capabilities.join("・"),
                    e.confirmed.clone(),
                ]
            });
        }
    }
    (head, rows)
}

/// The footer line: the data's date and sources.
pub fn footer(list: &WardList) -> String {
    format!(
        "データ: {} 時点（{}）",
        list.data_date,
        list.sources.join("、")
    )
}

/// The list as CSV (UTF-8 with BOM, for Excel), its footer as the last line.
pub fn to_csv(list: &WardList, active: bool) -> Vec<u8> {
    let (head, rows) = table(list, active);
    crate::table::write::to_csv(&head, &rows, Some(&footer(list)))
}

/// The list as an xlsx workbook: A4 landscape, the title on top, the footer below.
pub fn to_xlsx(list: &WardList, active: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (head, rows) = table(list, active);
    let layout = crate::table::write::SheetLayout {
        name: if active {
            "積極的医療機関"
        } else {
            "資源リスト"
        },
        title: &list.title,
        footer: &footer(list),
        landscape: true,
        widths: &[10.0, 30.0, 36.0, 14.0, 8.0, 8.0, 10.0, 40.0, 12.0],
    };
    crate::table::write::to_xlsx(&layout, &head, &rows)
}
