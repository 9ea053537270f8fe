//! Attaching 届出 to facilities. 施設基準 rows join by 医療機関コード; 訪問看護 stations, which
//! share no key with the 介護 list, join by phone number first, then by normalised name +
//! 市区町村. Everything that does not join is counted and reported, never dropped silently.

use std::collections::{BTreeMap, HashMap};

use super::{FilingList, FilingSummary, Holder, Listed};
use crate::model::{strip_prefecture, CapabilityClaim, Facility, Kind};
use crate::table::fold_code;

/// What joining one list did.
#[derive(Clone, Debug, Default)]
pub struct JoinReport {
    pub summary: Option<FilingSummary>,
    /// Institutions of the list that joined a facility.
    pub matched: usize,
    /// How stations joined: by phone, by name + 市区町村.
    pub matched_by_phone: usize,
    pub matched_by_name: usize,
    /// Institutions outside the dataset's municipalities (skipped), and their rows.
    pub outside: usize,
    pub outside_rows: usize,
    /// Institutions inside the dataset's area that match no facility: (row, name, code).
    pub unmatched: Vec<(u64, String, String)>,
    /// Facilities of the list's kinds with no row in it.
    pub facilities_without_row: usize,
    /// Capabilities given (facility × capability, implied ones included).
    pub claims: usize,
}

/// Joins the list's 届出 into `facilities` (`by_id`: facility id → position) and returns
/// the counts. `municipalities` are the dataset's municipality names (大阪市北区 …), used to
/// tell rows outside the dataset from codes that match nothing.
pub fn join(
    list: &FilingList,
    facilities: &mut [Facility],
    by_id: &HashMap<String, usize>,
    municipalities: &[String],
    regions: &crate::model::Regions,
) -> JoinReport {
    let mut report = JoinReport {
        summary: Some(list.summary()),
        ..JoinReport::default()
    };
    let stations = StationIndex::new(facilities, regions);
    let mut target: BTreeMap<&Holder, usize> = BTreeMap::new();
    for (holder, listed) in &list.listed {
        let found = match holder {
            Holder::Code(code) => by_id.get(code).copied(),
            Holder::Station(_) => match stations.find(listed, municipalities) {
                Some((i, by_phone)) => {
                    if by_phone {
                        report.matched_by_phone += 1;
                    } else {
                        report.matched_by_name += 1;
                    }
                    Some(i)
                }
                None => None,
            },
        };
        match found {
            Some(i) => {
                report.matched += 1;
                target.insert(holder, i);
            }
            None if in_area(&listed.address, municipalities) => report.unmatched.push((
                listed.line,
                listed.name.clone(),
                match holder {
                    Holder::Code(c) => c.clone(),
                    Holder::Station(_) => listed.phone.clone(),
                },
            )),
            None => {
                report.outside += 1;
                let filed = list.filings.iter().filter(|f| &f.holder == holder).count();
                // An institution without 届出 has its one row.
                report.outside_rows += filed.max(1);
            }
        }
    }
    let mut claims_of: BTreeMap<usize, Vec<CapabilityClaim>> = BTreeMap::new();
    for f in &list.filings {
        let Some(&i) = target.get(&f.holder) else {
            continue;
        };
        if let Ok(claims) = list.capabilities_of(f) {
            claims_of.entry(i).or_default().extend(claims);
        }
    }
    for (i, claims) in claims_of {
        report.claims += grant(&mut facilities[i], claims);
    }
    let joined: std::collections::HashSet<usize> = target.values().copied().collect();
    report.facilities_without_row = facilities
        .iter()
        .enumerate()
        .filter(|(i, f)| !joined.contains(i) && list_covers(list, f))
        .count();
    report
}

/// Adds claims to a facility; the capabilities they say yes to become its own. Returns
/// how many capabilities it gained or had confirmed.
pub fn grant(f: &mut Facility, claims: Vec<CapabilityClaim>) -> usize {
    let mut n = 0;
    for c in claims {
        if f.capability_claims.contains(&c) {
            continue;
        }
        if c.value && !f.capabilities.contains(&c.capability) {
            f.capabilities.push(c.capability);
        }
        n += 1;
        f.capability_claims.push(c);
    }
    f.capabilities.sort();
    f.capabilities.dedup();
    if n > 0
        && !f
            .sources
            .iter()
            .any(|s| s.fields.iter().any(|x| x == "capabilities"))
    {
        f.sources.push(crate::model::ValueSource {
            source: f
                .capability_claims
                .first()
                .map_or(String::new(), |c| c.source.clone()),
            fields: vec!["capabilities".into()],
        });
    }
    n
}

/// Whether a facility is of the kind the list covers (医科 list: hospitals and clinics with
/// a 医療機関コード; 訪問看護 list: stations).
fn list_covers(list: &FilingList, f: &Facility) -> bool {
    match list.format {
        super::FilingFormat::ShisetsuKijun => {
            let section = list.listed.keys().find_map(|h| match h {
                Holder::Code(c) => c.chars().nth(2),
                Holder::Station(_) => None,
            });
            f.id.0.len() == 10 && f.id.0.chars().nth(2) == section
        }
        super::FilingFormat::HoumonKango => f.has_kind(Kind::VisitingNursing),
    }
}

fn in_area(address: &str, municipalities: &[String]) -> bool {
    let a = fold_name(address);
    let a = strip_prefecture(&a);
    municipalities.iter().any(|m| a.starts_with(&fold_name(m)))
}

/// Names compared NFKC-folded without spaces and without the corporate prefix.
fn fold_name(s: &str) -> String {
    let mut t = super::mapping::fold(s);
    for prefix in [
        "株式会社",
        "有限会社",
        "合同会社",
        "医療法人",
        "社会福祉法人",
        "一般社団法人",
        "(株)",
        "(有)",
    ] {
        t = t.replace(prefix, "");
    }
    t
}

fn phone_key(s: &str) -> Option<String> {
    let digits: String = fold_code(s).chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 10).then_some(digits)
}

/// 訪問看護 stations by phone and by name.
struct StationIndex {
    by_phone: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    /// Folded address, and the ward's name when the facility has one.
    address: Vec<String>,
    ward: Vec<Option<String>>,
}

impl StationIndex {
    fn new(facilities: &[Facility], regions: &crate::model::Regions) -> Self {
        let mut idx = Self {
            by_phone: HashMap::new(),
            by_name: HashMap::new(),
            address: Vec::with_capacity(facilities.len()),
            ward: Vec::with_capacity(facilities.len()),
        };
        for (i, f) in facilities.iter().enumerate() {
            idx.address.push(fold_name(&f.address));
            idx.ward.push(
                f.ward_code
                    .and_then(|c| regions.get(c))
                    .map(|w| w.name.clone()),
            );
            if !f.has_kind(Kind::VisitingNursing) {
                continue;
            }
            if let Some(p) = f.phone.as_deref().and_then(phone_key) {
                idx.by_phone.entry(p).or_default().push(i);
            }
            idx.by_name.entry(fold_name(&f.name)).or_default().push(i);
        }
        idx
    }

    /// The station's facility and whether the phone decided.
    fn find(&self, s: &Listed, municipalities: &[String]) -> Option<(usize, bool)> {
        if let Some(p) = phone_key(&s.phone) {
            if let Some([one]) = self.by_phone.get(&p).map(Vec::as_slice) {
                return Some((*one, true));
            }
        }
        let muni = municipalities
            .iter()
            .map(|m| fold_name(m))
            .filter(|m| {
                let a = fold_name(&s.address);
                a.strip_prefix("大阪府")
                    .unwrap_or(&a)
                    .starts_with(m.as_str())
            })
            .max_by_key(String::len)?;
        let candidates: Vec<usize> = self
            .by_name
            .get(&fold_name(&s.name))?
            .iter()
            .copied()
            .filter(|&i| {
                self.address[i].contains(&muni)
                    || self.ward[i]
                        .as_deref()
                        .is_some_and(|w| muni.ends_with(&fold_name(w)))
            })
            .collect();
        match candidates.as_slice() {
            [one] => Some((*one, false)),
            _ => None,
        }
    }
}
