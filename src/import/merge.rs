//! Merging official rows into facilities: place every row (publisher's point, or the
//! geocoded address), assign its ward by polygon, then join rows that are the same
//! facility:
//! - 事業所番号 `27` + `1` + 医療機関コード → the hospital/clinic that runs the 訪問看護
//!   (or 居宅介護支援) office; the same 事業所番号 in two services → one office;
//! - ナビイ hospitals → 厚生局 rows by normalised address + name.
//!
//! Every value keeps its source, and every row that cannot be used is reported.

use std::collections::HashMap;

use super::overlay::OverlayRow;
use super::record::{RecordKey, SourceRecord};
use super::report::{ImportReport, Joined, Placement};
use super::todokede::{self, FilingList};
use super::ImportError;
use crate::geo::Boundaries;
use crate::geocode::{fold, Geocoder, Level};
use crate::model::{Accepting, Facility, FacilityId, Kind, LatLon, Regions, ValueSource, WardCode};

/// A record with its place.
struct Placed {
    record: SourceRecord,
    point: LatLon,
    /// `None` when the publisher gave the point.
    geocoded: Option<Level>,
    ward: WardCode,
    /// Normalised address (municipality + 町丁目 + house number), for joining.
    address_key: String,
}

/// What is merged onto the facilities after they are built: 届出 lists first, then the
/// ward's overlay (which cannot overrule an official 届出).
pub struct Extra<'a> {
    pub filings: &'a [FilingList],
    /// The dataset's municipality names (大阪市北区 …), to tell rows outside it.
    pub municipalities: &'a [String],
    pub overlay: Vec<OverlayRow>,
}

pub fn merge(
    records: Vec<SourceRecord>,
    extra: Extra<'_>,
    geocoder: &Geocoder,
    boundaries: &Boundaries,
    regions: &Regions,
    report: &mut ImportReport,
) -> Vec<Facility> {
    let mut placed = Vec::with_capacity(records.len());
    for r in records {
        if let Some(p) = place(r, geocoder, boundaries, regions, report) {
            placed.push(p);
        }
    }
    // Medical institutions first, so care offices and ナビイ rows can join them.
    placed.sort_by_key(|p| match p.record.key {
        RecordKey::Medical(_) => 0,
        RecordKey::Jigyosho(_) => 1,
        RecordKey::Navii(_) => 2,
        RecordKey::Office(_) => 3,
    });
    let mut facilities: Vec<(Facility, Placed)> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // (file, key) → the row that first had it: one list naming a code twice (two exports
    // concatenated, or a conflicting repeat) keeps the first row and reports the others
    // with both positions, so ids stay unique and the index opens. The same code in two
    // lists is a join, handled below.
    let mut seen: HashMap<(std::path::PathBuf, RecordKey), super::record::RowOrigin> =
        HashMap::new();
    for p in placed {
        let slot = (p.record.origin.file.clone(), p.record.key.clone());
        if let Some(first) = seen.get(&slot) {
            report.rejected.push(p.record.origin.error(format!(
                "duplicate id {}: already on {first}; this row is not used",
                p.record.key.facility_id()
            )));
            continue;
        }
        seen.insert(slot, p.record.origin.clone());
        match &p.record.key {
            RecordKey::Medical(id) | RecordKey::Jigyosho(id) => match by_id.get(id) {
                Some(&i) => {
                    let what = if facilities[i].1.record.key == RecordKey::Medical(id.clone()) {
                        Joined::MedicalOffice
                    } else {
                        Joined::SameOffice
                    };
                    report
                        .joins
                        .push((what, id.clone(), p.record.origin.clone()));
                    absorb(&mut facilities[i], p);
                }
                None => {
                    by_id.insert(id.clone(), facilities.len());
                    facilities.push((facility(&p), p));
                }
            },
            // A ward's own entries join nothing: each is a facility of its own.
            RecordKey::Office(_) => {
                let unknown: Vec<&String> = p
                    .record
                    .service_towns
                    .iter()
                    .filter(|t| !geocoder.has_town(p.ward.0, t))
                    .collect();
                if !unknown.is_empty() {
                    report.rejected.push(p.record.origin.error(format!(
                        "担当区域 {} is not a town of {} (the address's ward); this row is not used",
                        unknown.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("・"),
                        regions.label_or_code(p.ward)
                    )));
                    continue;
                }
                by_id.insert(p.record.key.facility_id(), facilities.len());
                facilities.push((facility(&p), p));
            }
            // The 医科 list has no dental clinics: ナビイ's dental rows stand alone.
            RecordKey::Navii(_) if p.record.kinds.contains(&Kind::DentalClinic) => {
                by_id.insert(p.record.key.facility_id(), facilities.len());
                facilities.push((facility(&p), p));
            }
            RecordKey::Navii(_) => match match_hospital(&p, &facilities) {
                Ok(i) => {
                    let id = facilities[i].0.id.0.clone();
                    report
                        .joins
                        .push((Joined::Navii, id, p.record.origin.clone()));
                    // ナビイ's 機関区分 (病院 / 診療所) is authoritative over the name rule.
                    facilities[i]
                        .0
                        .kinds
                        .retain(|k| !matches!(k, Kind::Hospital | Kind::Clinic));
                    absorb(&mut facilities[i], p);
                }
                Err(candidates) => {
                    let origin = p.record.origin.clone();
                    if candidates.is_empty() {
                        report.navii_unmatched.push((origin, p.record.name.clone()));
                    } else {
                        report.navii_ambiguous.push((
                            origin,
                            p.record.name.clone(),
                            candidates
                                .iter()
                                .map(|&i| facilities[i].0.id.0.clone())
                                .collect(),
                        ));
                    }
                    by_id.insert(p.record.key.facility_id(), facilities.len());
                    facilities.push((facility(&p), p));
                }
            },
        }
    }
    let (mut built, placed): (Vec<Facility>, Vec<Placed>) = facilities.into_iter().unzip();
    for list in extra.filings {
        let joined = todokede::join::join(list, &mut built, &by_id, extra.municipalities, regions);
        report.filings.push(joined);
    }
    for row in extra.overlay {
        match by_id.get(&row.key) {
            Some(&i) => {
                report.capability_conflicts.extend(row.apply(&mut built[i]));
                report.overlay_applied += 1;
            }
            None => report.rejected.push(ImportError {
                file: row.origin.file.clone(),
                line: Some(row.origin.line),
                column: Some(row.key_column.clone()),
                reason: format!(
                    "no facility has the code {}; the row was not applied",
                    row.key
                ),
                ..ImportError::default()
            }),
        }
    }
    let facilities: Vec<(Facility, Placed)> = built.into_iter().zip(placed).collect();
    let mut out: Vec<Facility> = facilities
        .into_iter()
        .map(|(mut f, p)| {
            if let Some(level) = p.geocoded {
                report.geocoded.push((level, p.record.origin.clone()));
            } else {
                report.official_points += 1;
            }
            f.kinds.sort();
            f.kinds.dedup();
            f
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The row's point and ward, or a report entry saying why it has none.
fn place(
    record: SourceRecord,
    geocoder: &Geocoder,
    boundaries: &Boundaries,
    regions: &Regions,
    report: &mut ImportReport,
) -> Option<Placed> {
    let query = match &record.postal_code {
        Some(p) => format!("{p} {}", record.address),
        None => record.address.clone(),
    };
    let geocoded = geocoder.geocode(&query);
    if let Some(official) = record.point {
        report.geocoder_checks.push(
            geocoded
                .as_ref()
                .ok()
                .map(|g| (g.level, crate::geo::haversine_m(g.point(), official))),
        );
    }
    let (point, level) = match (record.point, &geocoded) {
        (Some(p), _) => (p, None),
        (None, Ok(g)) => (g.point(), Some(g.level)),
        (None, Err(e)) => {
            report.rejected.push(ImportError {
                sheet: None,
                file: record.origin.file.clone(),
                line: Some(record.origin.line),
                column: Some(record.address_column.clone()),
                reason: format!(
                    "{} has no point and its address cannot be placed: {e}",
                    record.name
                ),
            });
            return None;
        }
    };
    let (point, level, ward) = match boundaries.locate(point) {
        Some(ward) => (point, level, ward),
        None => {
            // The publisher's point is outside the dataset's wards. If the address places
            // the row inside one (at 町 level or better), trust the address and say so.
            let inside = geocoded
                .as_ref()
                .ok()
                .filter(|g| g.level <= Level::Town)
                .and_then(|g| {
                    boundaries
                        .locate(g.point())
                        .map(|w| (g.point(), g.level, w))
                });
            let detail = match &inside {
                Some((p, _, w)) => format!(
                    "the publisher's point {point} is outside the dataset's wards; placed at its address instead ({p}, {})",
                    regions.label_or_code(*w)
                ),
                None => format!("{point} is outside the dataset's wards; not indexed"),
            };
            report.outside.push(Placement {
                origin: record.origin.clone(),
                name: record.name.clone(),
                address: record.address.clone(),
                detail,
            });
            let (p, l, w) = inside?;
            (p, Some(l), w)
        }
    };
    // What the row itself says about its ward: the municipality code, else the address.
    let stated = record
        .municipality_code
        .as_ref()
        .and_then(|c| c.parse::<u32>().ok())
        .map(WardCode)
        .or_else(|| geocoded.as_ref().ok().and_then(|g| g.stated_ward_code))
        // Without a code, where the geocoder found the town is no statement of the row.
        .or_else(|| {
            let g = geocoded.as_ref().ok().filter(|_| !record.code_missing)?;
            g.ward_code
        });
    let (mut point, mut level, mut ward) = (point, level, ward);
    if let Some(s) = stated.filter(|s| *s != ward) {
        // The address wins when its 町丁目 resolves, unambiguously, inside the ward it
        // names: the publisher's point then sits across the line (a point at the building
        // entrance, a neighbour's rounding), and the ward's lists must have the row.
        let at_address = geocoded.as_ref().ok().filter(|g| {
            g.level == Level::Chome
                && g.ward_code == Some(s)
                && boundaries.locate(g.point()) == Some(s)
        });
        let detail = match at_address {
            Some(g) => {
                let d = format!(
                    "the row says {} and its 町丁目 is there, but the publisher's point lies {:.0} m away in {}; placed at the address ({})",
                    regions.label_or_code(s),
                    crate::geo::haversine_m(g.point(), point),
                    regions.label_or_code(ward),
                    g.point()
                );
                (point, level, ward) = (g.point(), Some(g.level), s);
                report.address_wins += 1;
                d
            }
            None => format!(
                "the row says {} but the point lies in {}",
                regions.label_or_code(s),
                regions.label_or_code(ward)
            ),
        };
        report.ward_mismatches.push(Placement {
            origin: record.origin.clone(),
            name: record.name.clone(),
            address: record.address.clone(),
            detail,
        });
    }
    if record.code_missing {
        report.without_code.push(Placement {
            origin: record.origin.clone(),
            name: record.name.clone(),
            address: record.address.clone(),
            detail: format!(
                "no 市区町村コード; placed in {} by {}",
                regions.full_name(ward),
                if level.is_none() {
                    "the publisher's point"
                } else {
                    "its address"
                }
            ),
        });
    }
    let address_key = match &geocoded {
        Ok(g) if g.level == Level::Chome => g.normalized.clone(),
        _ => fold(&record.address),
    };
    Some(Placed {
        record,
        point,
        geocoded: level,
        ward,
        address_key,
    })
}

fn facility(p: &Placed) -> Facility {
    let r = &p.record;
    let mut sources = vec![ValueSource {
        source: r.origin.source.clone(),
        fields: vec![],
    }];
    if let Some(level) = p.geocoded {
        sources.insert(
            0,
            ValueSource {
                source: format!("住所から推定（{}）", level.label()),
                fields: vec!["location".into()],
            },
        );
    }
    Facility {
        id: FacilityId(r.key.facility_id()),
        name: r.name.clone(),
        name_kana: r.name_kana.clone(),
        kinds: r.kinds.clone(),
        postal_code: r.postal_code.clone(),
        address: r.address.clone(),
        location: p.point,
        ward_code: Some(p.ward),
        phone: r.phone.clone(),
        fax: r.fax.clone(),
        url: r.url.clone(),
        capabilities: vec![],
        capability_claims: Vec::new(),
        wheelchair: None,
        pediatric: None,
        service_radius_km: None,
        service_wards: if r.service_wards.is_empty()
            && (r.kinds.contains(&Kind::HomeCareSupportOffice) || !r.service_towns.is_empty())
        {
            // A 相談支援室 serves its own ward; towns are towns of its own ward.
            vec![p.ward]
        } else {
            r.service_wards.clone()
        },
        departments: vec![],
        notes: r.notes.join("\n"),
        accepting_new: Accepting::Unknown,
        accepting_until: None,
        active_roles: Vec::new(),
        backup_beds: None,
        service_towns: r
            .service_towns
            .iter()
            .map(|t| {
                format!(
                    "{}:{}",
                    p.ward,
                    crate::geocode::town_key(crate::geocode::split_chome(t).0)
                )
            })
            .collect(),
        updated_at: None,
        sources,
    }
}

/// Folds row `p` into an existing facility: kinds add up, a publisher's point replaces a
/// geocoded one, empty contact fields are filled; each value names its source.
fn absorb((f, placed): &mut (Facility, Placed), p: Placed) {
    let r = &p.record;
    let mut fields = vec!["kinds".to_string()];
    f.kinds.extend(r.kinds.iter().copied());
    if placed.geocoded.is_some() && p.geocoded.is_none() {
        f.location = p.point;
        f.ward_code = Some(p.ward);
        f.sources.retain(|s| s.fields != ["location"]);
        placed.geocoded = None;
        placed.point = p.point;
        fields.push("location".into());
    }
    let mut fill = |slot: &mut Option<String>, value: &Option<String>, name: &str| {
        if slot.is_none() && value.is_some() {
            slot.clone_from(value);
            fields.push(name.into());
        }
    };
    fill(&mut f.phone, &r.phone, "phone");
    fill(&mut f.fax, &r.fax, "fax");
    fill(&mut f.url, &r.url, "url");
    fill(&mut f.postal_code, &r.postal_code, "postal_code");
    if f.name_kana.is_empty() && !r.name_kana.is_empty() {
        f.name_kana.clone_from(&r.name_kana);
        fields.push("name_kana".into());
    }
    for n in &r.notes {
        if !f.notes.contains(n.as_str()) {
            if !f.notes.is_empty() {
                f.notes.push('\n');
            }
            f.notes.push_str(n);
        }
    }
    // Keep the other name searchable when the lists spell it differently.
    if fold(&r.name) != fold(&f.name) && !f.notes.contains(r.name.as_str()) {
        if !f.notes.is_empty() {
            f.notes.push('\n');
        }
        f.notes.push_str(&format!("別名: {}", r.name));
    }
    f.sources.push(ValueSource {
        source: r.origin.source.clone(),
        fields,
    });
}

fn name_key(name: &str) -> Vec<char> {
    fold(name).chars().filter(|c| !c.is_whitespace()).collect()
}

fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Name endings every facility of a type shares; a common ending made only of these
/// (「…科クリニック」) says nothing about being the same facility.
const GENERIC_ENDINGS: &[&str] = &["クリニック", "病院", "診療所", "医院", "センター"];

/// Characters of the common name ending beyond its generic part.
fn distinctive_suffix(a: &[char], b: &[char]) -> usize {
    let n = common_suffix(a, b);
    let tail: String = a[a.len() - n..].iter().collect();
    let generic = GENERIC_ENDINGS
        .iter()
        .map(|g| fold(g))
        .filter(|g| tail.ends_with(g.as_str()))
        .map(|g| g.chars().count())
        .max()
        .unwrap_or(0);
    n - generic
}

/// The 厚生局 row a ナビイ hospital is, or the candidates when none or several fit:
/// same address and a common name ending with at least 2 characters beyond a generic
/// ending such as 病院 (legal-form prefixes such as 医療法人○○会 differ between the
/// lists), else one name ending the other within the same ward.
fn match_hospital(p: &Placed, facilities: &[(Facility, Placed)]) -> Result<usize, Vec<usize>> {
    let name = name_key(&p.record.name);
    let medical = || {
        facilities
            .iter()
            .enumerate()
            .filter(|(_, (_, q))| matches!(q.record.key, RecordKey::Medical(_)))
    };
    let same_address: Vec<usize> = medical()
        .filter(|(_, (_, q))| q.address_key == p.address_key)
        .filter(|(_, (_, q))| distinctive_suffix(&name, &name_key(&q.record.name)) >= 2)
        .map(|(i, _)| i)
        .collect();
    if same_address.len() == 1 {
        return Ok(same_address[0]);
    }
    if same_address.len() > 1 {
        return Err(same_address);
    }
    let by_name: Vec<usize> = medical()
        .filter(|(_, (_, q))| q.ward == p.ward)
        .filter(|(_, (_, q))| {
            let other = name_key(&q.record.name);
            let shorter = name.len().min(other.len());
            shorter >= 3 && common_suffix(&name, &other) == shorter
        })
        .map(|(i, _)| i)
        .collect();
    match by_name.as_slice() {
        [one] => Ok(*one),
        _ => Err(by_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_endings() {
        let d = |a: &str, b: &str| distinctive_suffix(&name_key(a), &name_key(b));
        assert_eq!(
            d(
                "社会福祉法人恩賜財団済生会支部大阪府済生会泉尾病院",
                "社会福祉法人恩賜財団大阪府済生会泉尾病院"
            ),
            8
        );
        assert_eq!(d("梅田内科クリニック", "梅田眼科クリニック"), 1);
        assert_eq!(d("医療法人仁生会内藤病院", "内藤病院"), 2);
        assert_eq!(d("A病院", "B診療所"), 0);
    }
}
