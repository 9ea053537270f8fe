//! The project's own facility CSV format (UTF-8, header row, columns located by name).
//! `data/README.md` documents every column; [`COLUMNS`] is the source of truth.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::Write;
use std::path::Path;

use super::{ImportError, ImportErrors};
use crate::geo::WardLocator;
use crate::model::{
    Accepting, Capability, CapabilityClaim, Facility, FacilityId, Kind, LatLon, RadiusKm, Regions,
    ValueSource, WardCode,
};
use crate::table::{Col, Table};

/// One column of the project's format.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
    /// What the column holds (documented in `data/README.md`).
    pub meaning: &'static str,
}

/// Every column, in the order the writer uses.
pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "id",
        required: true,
        meaning: "stable id: 医療機関コード, 事業所番号 or a dataset-local code",
    },
    ColumnSpec {
        name: "name",
        required: true,
        meaning: "facility name",
    },
    ColumnSpec {
        name: "name_kana",
        required: false,
        meaning: "reading of the name (katakana or hiragana)",
    },
    ColumnSpec {
        name: "kinds",
        required: true,
        meaning: "one or more kinds, `;`-separated (code, label or synonym)",
    },
    ColumnSpec {
        name: "postal_code",
        required: false,
        meaning: "7 digits, with or without hyphen",
    },
    ColumnSpec {
        name: "address",
        required: true,
        meaning: "address as written",
    },
    ColumnSpec {
        name: "lat",
        required: true,
        meaning: "latitude, WGS84 decimal degrees",
    },
    ColumnSpec {
        name: "lon",
        required: true,
        meaning: "longitude, WGS84 decimal degrees",
    },
    ColumnSpec {
        name: "ward_code",
        required: false,
        meaning: "JIS code or name of a ward or 市町村 of the regions table (27114, 吹田市); empty = located from lat/lon",
    },
    ColumnSpec {
        name: "phone",
        required: false,
        meaning: "phone number",
    },
    ColumnSpec {
        name: "fax",
        required: false,
        meaning: "fax number",
    },
    ColumnSpec {
        name: "url",
        required: false,
        meaning: "web site (http/https)",
    },
    ColumnSpec {
        name: "capabilities",
        required: false,
        meaning: "`;`-separated capability codes or labels",
    },
    ColumnSpec {
        name: "capability_claims",
        required: false,
        meaning: "where capability values come from: a JSON list of claims (capability, value, source, official, filing, receipt, since, as_of, implied); empty = none",
    },
    ColumnSpec {
        name: "wheelchair",
        required: false,
        meaning: "車いすでの利用可: true/false (yes/no, 1/0, ○/×); empty = unknown",
    },
    ColumnSpec {
        name: "pediatric",
        required: false,
        meaning: "小児の受け入れ可: true/false; empty = unknown",
    },
    ColumnSpec {
        name: "service_radius_km",
        required: false,
        meaning: "declared home-visit radius in km (above 0, at most 50)",
    },
    ColumnSpec {
        name: "service_wards",
        required: false,
        meaning: "declared service area: `;`-separated ward codes or names",
    },
    ColumnSpec {
        name: "departments",
        required: false,
        meaning: "`;`-separated 診療科",
    },
    ColumnSpec {
        name: "notes",
        required: false,
        meaning: "free text",
    },
    ColumnSpec {
        name: "accepting_new",
        required: false,
        meaning: "yes / consult / no / unknown",
    },
    ColumnSpec {
        name: "accepting_until",
        required: false,
        meaning: "last day accepting_new holds, YYYY-MM-DD (empty: no end)",
    },
    ColumnSpec {
        name: "updated_at",
        required: false,
        meaning: "date of the information, YYYY-MM-DD",
    },
    ColumnSpec {
        name: "sources",
        required: false,
        meaning: "`;`-separated sources; `name:field,field` limits one to fields",
    },
];

pub(crate) fn parse_bool(s: &str) -> Result<Option<bool>, String> {
    match s {
        "" | "unknown" | "不明" => Ok(None),
        "true" | "yes" | "1" | "○" | "可" | "y" => Ok(Some(true)),
        "false" | "no" | "0" | "×" | "不可" | "n" => Ok(Some(false)),
        _ => Err(format!(
            "'{s}' is not a boolean (use true/false, yes/no, 1/0, ○/×, or leave empty)"
        )),
    }
}

pub(crate) fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(1900..=2100), Some(1..=12), Some(1..=31))
    )
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// One data row with its header map; collects every error instead of stopping at the first.
struct Row<'a> {
    fields: Vec<&'a str>,
    columns: &'a HashMap<&'static str, usize>,
    regions: &'a Regions,
    file: &'a Path,
    line: u64,
    errors: Vec<ImportError>,
}

impl<'a> Row<'a> {
    fn get(&self, name: &str) -> &'a str {
        self.columns
            .get(name)
            .and_then(|&i| self.fields.get(i))
            .map_or("", |s| s.trim())
    }

    fn error(&mut self, name: &str, reason: impl Into<String>) {
        let column = self.columns.get(name).map(|&i| (i + 1, name.to_string()));
        self.errors.push(ImportError {
            sheet: None,
            file: self.file.to_path_buf(),
            line: Some(self.line),
            column,
            reason: reason.into(),
        });
    }

    fn required(&mut self, name: &str) -> &'a str {
        let v = self.get(name);
        if v.is_empty() {
            self.error(name, format!("required field '{name}' is empty"));
        }
        v
    }

    fn coordinate(&mut self, name: &str) -> Option<f64> {
        let v = self.required(name);
        if v.is_empty() {
            return None;
        }
        match LatLon::parse_number(v) {
            Ok(n) => Some(n),
            Err(e) => {
                self.error(name, e.to_string());
                None
            }
        }
    }

    fn boolean(&mut self, name: &str) -> Option<bool> {
        let v = self.get(name);
        parse_bool(v).unwrap_or_else(|e| {
            self.error(name, e);
            None
        })
    }

    /// A ward or undivided 市町村 of the regions table.
    fn ward(&mut self, name: &str, v: &str) -> Option<WardCode> {
        let found = self.regions.find(v);
        match found.as_slice() {
            [r] if self.regions.leaves_of(r.code) == [r.code] => Some(r.code),
            [_] => {
                self.error(name, format!("'{v}' is a city with wards; name the ward"));
                None
            }
            [] => {
                self.error(name, format!("'{v}' is not a ward or 市町村 of the regions table (a JIS code such as 27114, or a name)"));
                None
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|r| self.regions.full_name(r.code))
                    .collect();
                self.error(
                    name,
                    format!("'{v}' fits {}; add the city", names.join(", ")),
                );
                None
            }
        }
    }

    fn into_facility(mut self, locator: &WardLocator) -> Result<Facility, Vec<ImportError>> {
        let id = self.required("id");
        let name = self.required("name");
        let address = self.required("address");

        let kinds_raw = self.required("kinds");
        let mut kinds = BTreeSet::new();
        for k in list(kinds_raw) {
            match Kind::parse(k) {
                Ok(k) => {
                    kinds.insert(k);
                }
                Err(e) => self.error("kinds", e.to_string()),
            }
        }
        let mut caps = BTreeSet::new();
        for c in list(self.get("capabilities")) {
            match Capability::parse(c) {
                Ok(c) => {
                    caps.insert(c);
                }
                Err(e) => self.error("capabilities", e.to_string()),
            }
        }

        let claims_raw = self.get("capability_claims");
        let capability_claims: Vec<CapabilityClaim> = if claims_raw.is_empty() {
            Vec::new()
        } else {
            match serde_json::from_str::<Vec<CapabilityClaim>>(claims_raw) {
                Ok(claims) => {
                    // A "yes" claim for a capability the row does not list would contradict it.
                    if let Some(c) = claims
                        .iter()
                        .find(|c| c.value && !caps.contains(&c.capability))
                    {
                        self.error(
                            "capability_claims",
                            format!(
                                "a claim says yes to {} but capabilities does not list it",
                                c.capability.code()
                            ),
                        );
                    }
                    claims
                }
                Err(e) => {
                    self.error(
                        "capability_claims",
                        format!("not a JSON list of claims: {e}"),
                    );
                    Vec::new()
                }
            }
        };

        let (lat, lon) = (self.coordinate("lat"), self.coordinate("lon"));
        let location = match (lat, lon) {
            (Some(lat), Some(lon)) => match LatLon::new(lat, lon) {
                Ok(p) => Some(p),
                Err(e) => {
                    let col = if e.to_string().starts_with("latitude") {
                        "lat"
                    } else {
                        "lon"
                    };
                    self.error(col, format!("bad coordinate: {e}"));
                    None
                }
            },
            _ => None,
        };

        let ward_raw = self.get("ward_code");
        let ward_code = if ward_raw.is_empty() {
            location.and_then(|p| locator.locate(p))
        } else {
            self.ward("ward_code", ward_raw)
        };
        let mut service_wards = BTreeSet::new();
        for w in list(self.get("service_wards")) {
            if let Some(code) = self.ward("service_wards", w) {
                service_wards.insert(code);
            }
        }

        let radius_raw = self.get("service_radius_km");
        let service_radius_km = if radius_raw.is_empty() {
            None
        } else {
            match RadiusKm::parse(radius_raw) {
                Ok(r) => Some(r.km()),
                Err(e) => {
                    self.error("service_radius_km", e.to_string());
                    None
                }
            }
        };

        let postal_raw = self.get("postal_code");
        let postal_digits: String = postal_raw
            .chars()
            .filter(|c| *c != '-' && *c != '〒')
            .collect();
        let postal_code = if postal_raw.is_empty() {
            None
        } else if postal_digits.len() == 7 && postal_digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(postal_digits)
        } else {
            self.error(
                "postal_code",
                format!("'{postal_raw}' is not a 7-digit postal code"),
            );
            None
        };

        let url = opt(self.get("url"));
        if let Some(u) = &url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                self.error("url", format!("'{u}' must start with http:// or https://"));
            }
        }

        let accepting_raw = self.get("accepting_new");
        let accepting_new = Accepting::parse(accepting_raw).unwrap_or_else(|| {
            self.error(
                "accepting_new",
                format!("'{accepting_raw}' must be yes, consult, no or unknown"),
            );
            Accepting::Unknown
        });

        let until_raw = self.get("accepting_until");
        if !until_raw.is_empty() && crate::model::Day::parse(until_raw).is_none() {
            self.error(
                "accepting_until",
                format!("'{until_raw}' is not a date YYYY-MM-DD"),
            );
        }
        let updated_raw = self.get("updated_at");
        if !updated_raw.is_empty() && !valid_date(updated_raw) {
            self.error(
                "updated_at",
                format!("'{updated_raw}' is not a date YYYY-MM-DD"),
            );
        }

        let sources = list(self.get("sources"))
            .map(|s| match s.split_once(':') {
                Some((source, fields)) => ValueSource {
                    source: source.trim().to_string(),
                    fields: fields.split(',').map(|f| f.trim().to_string()).collect(),
                },
                None => ValueSource {
                    source: s.to_string(),
                    fields: vec![],
                },
            })
            .collect::<Vec<_>>();
        for f in sources.iter().flat_map(|s| &s.fields) {
            if !COLUMNS.iter().any(|c| c.name == f) {
                self.error("sources", format!("source names unknown field '{f}'"));
            }
        }

        let wheelchair = self.boolean("wheelchair");
        let pediatric = self.boolean("pediatric");

        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Facility {
            id: FacilityId(id.to_string()),
            name: name.to_string(),
            name_kana: self.get("name_kana").to_string(),
            kinds: kinds.into_iter().collect(),
            postal_code,
            address: address.to_string(),
            location: location.expect("no errors means a location"),
            ward_code,
            phone: opt(self.get("phone")),
            fax: opt(self.get("fax")),
            url,
            capabilities: caps.into_iter().collect(),
            capability_claims,
            wheelchair,
            pediatric,
            service_radius_km,
            service_wards: service_wards.into_iter().collect(),
            departments: list(self.get("departments")).map(str::to_string).collect(),
            notes: self.get("notes").to_string(),
            accepting_new,
            accepting_until: opt(until_raw),
            active_roles: Vec::new(),
            backup_beds: None,
            service_towns: Vec::new(),
            updated_at: opt(updated_raw),
            sources,
        })
    }
}

/// Reads and validates a facility CSV. Every bad row and field is reported, with file,
/// line and column; nothing is returned unless the whole file is clean.
pub fn read_facilities(path: &Path, regions: &Regions) -> Result<Vec<Facility>, ImportErrors> {
    let bytes = crate::table::read_source(path)?;
    let text = crate::table::decode::utf8(path, &bytes)?;
    let t = Table::parse(path, text.strip_prefix('\u{feff}').unwrap_or(text))?;
    let mut errors = Vec::new();
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in t.header.iter().enumerate() {
        let col = Col {
            index: i,
            name: h.clone(),
        };
        match COLUMNS.iter().find(|c| c.name == h) {
            Some(c) if columns.insert(c.name, i).is_some() => errors.push(t.cell_error(
                t.header_line,
                &col,
                format!("column '{h}' appears twice"),
            )),
            Some(_) => {}
            None => errors.push(t.cell_error(
                t.header_line,
                &col,
                format!(
                    "unknown column '{h}'; valid columns: {}",
                    COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    for c in COLUMNS
        .iter()
        .filter(|c| c.required && !columns.contains_key(c.name))
    {
        errors.push(t.row_error(
            t.header_line,
            format!("required column '{}' is missing", c.name),
        ));
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    let locator = WardLocator::points(regions);
    let mut facilities: Vec<Facility> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in &t.rows {
        let line = r.line;
        if r.cells().len() != t.header.len() {
            errors.push(t.row_error(
                line,
                format!(
                    "row has {} fields, the header has {}",
                    r.cells().len(),
                    t.header.len()
                ),
            ));
            continue;
        }
        let row = Row {
            fields: r.cells().iter().map(String::as_str).collect(),
            columns: &columns,
            regions,
            file: path,
            line,
            errors: Vec::new(),
        };
        match row.into_facility(&locator) {
            Ok(f) => {
                if let Some(prev) = seen.insert(f.id.0.clone(), line) {
                    errors.push(ImportError {
                        line: Some(line),
                        column: columns.get("id").map(|&i| (i + 1, "id".into())),
                        reason: format!("duplicate id '{}' (first on line {prev})", f.id),
                        ..ImportError::file(path, "")
                    });
                } else {
                    facilities.push(f);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(facilities)
    } else {
        Err(ImportErrors(errors))
    }
}

fn bool_cell(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

/// Writes facilities in the project format (the inverse of [`read_facilities`]).
pub fn write_facilities(path: &Path, facilities: &[Facility]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|c| c.name))?;
    for f in facilities {
        let join = |items: Vec<String>| items.join(";");
        out.write_record([
            f.id.0.clone(),
            f.name.clone(),
            f.name_kana.clone(),
            join(f.kinds.iter().map(|k| k.code().to_string()).collect()),
            f.postal_code.clone().unwrap_or_default(),
            f.address.clone(),
            format!("{}", f.location.lat),
            format!("{}", f.location.lon),
            f.ward_code.map(|w| w.to_string()).unwrap_or_default(),
            f.phone.clone().unwrap_or_default(),
            f.fax.clone().unwrap_or_default(),
            f.url.clone().unwrap_or_default(),
            join(
                f.capabilities
                    .iter()
                    .map(|c| c.code().to_string())
                    .collect(),
            ),
            if f.capability_claims.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&f.capability_claims).map_err(std::io::Error::other)?
            },
            bool_cell(f.wheelchair).into(),
            bool_cell(f.pediatric).into(),
            f.service_radius_km
                .map(|r| r.to_string())
                .unwrap_or_default(),
            join(f.service_wards.iter().map(|w| w.to_string()).collect()),
            join(f.departments.clone()),
            f.notes.clone(),
            if f.accepting_new == Accepting::Unknown {
                String::new()
            } else {
                f.accepting_new.code().into()
            },
            f.accepting_until.clone().unwrap_or_default(),
            f.updated_at.clone().unwrap_or_default(),
            join(
                f.sources
                    .iter()
                    .map(|s| {
                        if s.fields.is_empty() {
                            s.source.clone()
                        } else {
                            format!("{}:{}", s.source, s.fields.join(","))
                        }
                    })
                    .collect(),
            ),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    // Write whole, then rename: a reader never sees half a file.
    let tmp = path.with_extension("csv.tmp");
    File::create(&tmp)?.write_all(&bytes)?;
    std::fs::rename(tmp, path)
}
