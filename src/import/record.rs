//! One row of an official facility list, before merging: what the row says, where it is
//! (file and line), and the key that joins it to rows of other lists.

use std::path::PathBuf;

use crate::model::{Kind, LatLon};
use crate::table::{Col, Row, Table};

/// The official identifier a row carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordKey {
    /// 介護保険 事業所番号 (10 digits).
    Jigyosho(String),
    /// 医療機関コード as 10 digits: 都道府県 (2) + 点数表 (1 = 医科) + 7 digits. A hospital
    /// that runs 訪問看護 has the same number as its 事業所番号.
    Medical(String),
    /// 医療情報ネット ID (not the 医療機関コード: joined by name + address).
    Navii(String),
    /// A ward's curated entry (相談支援室, 地域包括支援センター): no official code, so a
    /// stable id made from its kind, name and address.
    Office(String),
}

impl RecordKey {
    pub fn facility_id(&self) -> String {
        match self {
            Self::Jigyosho(n) | Self::Medical(n) => n.clone(),
            Self::Navii(id) => format!("navii-{id}"),
            Self::Office(id) => format!("office-{id}"),
        }
    }
}

/// Where a row came from, for reports and for each value's source.
#[derive(Clone, Debug, PartialEq)]
pub struct RowOrigin {
    pub file: PathBuf,
    pub line: u64,
    /// Human name of the list, e.g. "介護サービス情報公表 jigyosho_130.csv".
    pub source: String,
}

impl RowOrigin {
    /// An import error about this row (file and line).
    pub fn error(&self, reason: impl Into<String>) -> super::ImportError {
        super::ImportError {
            line: Some(self.line),
            ..super::ImportError::file(&self.file, reason)
        }
    }
}

impl std::fmt::Display for RowOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceRecord {
    pub origin: RowOrigin,
    pub key: RecordKey,
    pub kinds: Vec<Kind>,
    pub name: String,
    pub name_kana: String,
    pub postal_code: Option<String>,
    /// The address as written (building name included).
    pub address: String,
    /// 1-based column of the address, for error messages.
    pub address_column: (usize, String),
    /// JIS municipality code the row states (5 digits), if any.
    pub municipality_code: Option<String>,
    /// The list has a municipality code column and this row's cell is empty or malformed
    /// (its address usually drops the ward, 郡 or town too): placed, and reported.
    pub code_missing: bool,
    /// The publisher's point; `None` when the row has none (or `0.0,0.0`).
    pub point: Option<LatLon>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub url: Option<String>,
    pub notes: Vec<String>,
    /// The area it serves (a curated entry's 担当区域), when the list gives one.
    pub service_wards: Vec<crate::model::WardCode>,
    /// Towns of its own ward it serves (a 担当区域 given by town).
    pub service_towns: Vec<String>,
}

impl SourceRecord {
    /// The one way importers start a record: where the row is, its key and kind, and the
    /// two values every row must have. The rest is set field by field.
    pub fn new(
        t: &Table,
        row: &Row,
        source: &str,
        key: RecordKey,
        kind: Kind,
        name: &str,
        (address, address_col): (&str, &Col),
    ) -> Self {
        Self {
            origin: RowOrigin {
                file: t.path.clone(),
                line: row.line,
                source: source.to_string(),
            },
            key,
            kinds: vec![kind],
            name: crate::table::clean(name).into_owned(),
            name_kana: String::new(),
            postal_code: None,
            address: crate::table::clean(address).into_owned(),
            address_column: (address_col.index + 1, address_col.name.clone()),
            municipality_code: None,
            code_missing: false,
            point: None,
            phone: None,
            fax: None,
            url: None,
            notes: Vec::new(),
            service_wards: Vec::new(),
            service_towns: Vec::new(),
        }
    }
}

/// What reading one file produced: its records and the rows it had to reject.
#[derive(Debug, Default)]
pub struct FileRead {
    pub rows: usize,
    pub records: Vec<SourceRecord>,
    pub rejected: Vec<super::ImportError>,
}

/// A publisher's point from its two cells: `None` when both are empty or `0.0,0.0` (the
/// "not geocoded" marker of ナビイ). A bad value is an error about the row that does not
/// stop it: the caller reports it and the address is geocoded instead.
pub(crate) fn read_point(
    t: &Table,
    line: u64,
    lat_col: &Option<Col>,
    lat: &str,
    lon: &str,
    label: &str,
) -> Result<Option<LatLon>, super::ImportError> {
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let point = LatLon::parse_number(lat).and_then(|a| Ok((a, LatLon::parse_number(lon)?)));
    let point = match point {
        Ok((a, o)) if a == 0.0 && o == 0.0 => return Ok(None),
        Ok((a, o)) => LatLon::new(a, o),
        Err(e) => Err(e),
    };
    point.map(Some).map_err(|e| {
        let col = lat_col.as_ref().expect("a value was read from it");
        t.cell_error(
            line,
            col,
            format!("{label} '{lat},{lon}' ignored ({e}); the address is geocoded instead"),
        )
    })
}

pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
