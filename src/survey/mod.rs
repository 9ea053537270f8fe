//! The ward office's survey loop. `export` writes one workbook per ward: a sheet with a row
//! per facility (protected key columns, the current value and its source next to each
//! answer, drop-downs), instructions and the allowed codes. `import` reads the filled
//! workbook back, checks every cell, shows what would change and, asked to, writes the
//! ward's own overlay file (`overlay/27114.csv`) atomically, which the next index build
//! merges.

mod export;
mod import;

pub use export::{export, ExportSummary};
pub use import::{apply, diff, read, Change, Survey, SurveyRow};

use crate::model::{Accepting, Capability, Facility};

/// The survey sheet's name (errors name cells as `file:調査!H12`).
pub const SHEET: &str = "調査";
/// The instructions sheet.
pub const README_SHEET: &str = "説明";
/// The allowed values.
pub const CODES_SHEET: &str = "コード";

/// The key columns, protected in the sheet.
pub const KEY_COLUMNS: [&str; 5] = ["ID", "市区町村コード", "名称", "住所", "種別"];

/// What an answer cell takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// ○ / × / 不明.
    Mark,
    /// 入院対応 / 往診対応 / 両方 / ×.
    Role,
    /// 受入可 / 要相談 / 停止中 / 不明.
    Accepting,
    /// 空床あり / 満床 / なし / 不明.
    Beds,
    /// A date, YYYY-MM-DD.
    Date,
    /// Free text.
    Text,
}

impl Answer {
    /// The values a drop-down offers (none for dates and text).
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            Self::Mark => &["○", "×", "不明"],
            Self::Role => &["入院対応", "往診対応", "両方", "×"],
            Self::Accepting => &["受入可", "要相談", "停止中", "不明"],
            Self::Beds => &["空床あり", "満床", "なし", "不明"],
            Self::Date | Self::Text => &[],
        }
    }
}

/// Where an answer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Wheelchair,
    Pediatric,
    Capability(Capability),
    /// 積極的役割を担う医療機関 and its type.
    ActiveRole,
    /// 後方病床: a status with its date.
    BackupBeds,
    Accepting,
    /// 確認日: the date of every answer of the row.
    Confirmed,
    /// 有効期限 of the 受入状況.
    Until,
    Notes,
    Surveyor,
}

/// One answer column of the survey sheet.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub header: &'static str,
    pub answer: Answer,
    pub target: Target,
}

/// The answer columns, in sheet order; each follows a protected 「現在: …」 column.
pub const FIELDS: [Field; 15] = [
    field("車いす", Answer::Mark, Target::Wheelchair),
    field("小児", Answer::Mark, Target::Pediatric),
    field(
        "医療的ケア児",
        Answer::Mark,
        Target::Capability(Capability::MedicalCareChildren),
    ),
    field("積極的医療機関", Answer::Role, Target::ActiveRole),
    field(
        "日常の療養支援",
        Answer::Mark,
        Target::Capability(Capability::HomeVisit),
    ),
    field(
        "入退院支援",
        Answer::Mark,
        Target::Capability(Capability::DischargeSupport),
    ),
    field(
        "急変時の対応",
        Answer::Mark,
        Target::Capability(Capability::EmergencyAdmission),
    ),
    field(
        "看取り",
        Answer::Mark,
        Target::Capability(Capability::EndOfLife),
    ),
    field(
        "登録往診医",
        Answer::Mark,
        Target::Capability(Capability::HouseCall),
    ),
    field("後方病床", Answer::Beds, Target::BackupBeds),
    field("受入状況", Answer::Accepting, Target::Accepting),
    field("確認日", Answer::Date, Target::Confirmed),
    field("有効期限", Answer::Date, Target::Until),
    field("備考", Answer::Text, Target::Notes),
    field("調査者", Answer::Text, Target::Surveyor),
];

const fn field(header: &'static str, answer: Answer, target: Target) -> Field {
    Field {
        header,
        answer,
        target,
    }
}

/// The current value of a field for a facility, in the sheet's words, and its source.
pub fn current(f: &Facility, target: Target) -> (String, String) {
    let mark = crate::model::mark_word;
    let source = |field: &str| f.source_of(field).unwrap_or_default().to_string();
    match target {
        Target::Wheelchair => (mark(f.wheelchair).into(), source("wheelchair")),
        Target::Pediatric => (mark(f.pediatric).into(), source("pediatric")),
        Target::Capability(c) => {
            let value = match f.capability_status(c) {
                crate::model::CapabilityStatus::Yes => "○",
                crate::model::CapabilityStatus::No => "×",
                crate::model::CapabilityStatus::Unknown => "",
            };
            let from = f
                .claims_for(c)
                .next()
                .map(|claim| claim.source.clone())
                .unwrap_or_default();
            (value.into(), from)
        }
        Target::ActiveRole => (role_word(&f.active_roles).into(), source("active_roles")),
        Target::BackupBeds => (
            f.backup_beds
                .as_ref()
                .map(|b| b.value.clone())
                .unwrap_or_default(),
            source("backup_beds"),
        ),
        Target::Accepting => (
            match f.accepting_new {
                Accepting::Yes => "受入可",
                Accepting::Consult => "要相談",
                Accepting::No => "停止中",
                Accepting::Unknown => "",
            }
            .into(),
            source("accepting_new"),
        ),
        Target::Confirmed => (f.updated_at.clone().unwrap_or_default(), String::new()),
        Target::Until => (f.accepting_until.clone().unwrap_or_default(), String::new()),
        Target::Notes => (f.notes.clone(), source("notes")),
        Target::Surveyor => (String::new(), String::new()),
    }
}

/// 入院対応 / 往診対応 / 両方 for the roles a facility has ("" for none).
pub fn role_word(roles: &[String]) -> &'static str {
    let has = |r: &str| roles.iter().any(|x| x == r);
    match (has("入院対応"), has("往診対応")) {
        (true, true) => "両方",
        (true, false) => "入院対応",
        (false, true) => "往診対応",
        (false, false) => "",
    }
}
