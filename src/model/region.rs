//! Geography as data: the regions a dataset covers (市町村 and the wards of designated
//! cities), the city each ward belongs to, and the areas that group them (二次医療圏,
//! Osaka City's 基本保健医療圏). The table comes with the dataset (`data/regions/`, read
//! by `import::regions`) and is stored in each index; the code keeps no list of places.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::LatLon;

/// JIS X 0402 code (5 digits, without check digit) of a 市町村 or of a ward of a
/// designated city, e.g. 27114 for 大阪市東淀川区 and 27205 for 吹田市.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WardCode(pub u32);

impl fmt::Display for WardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

/// A 市町村, or a ward of a designated city (政令指定都市の区).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: WardCode,
    /// 東淀川区, 吹田市, 島本町.
    pub name: String,
    /// ひがしよどがわく.
    pub kana: String,
    /// The 郡 of a town or village (三島郡), else empty.
    #[serde(default)]
    pub county: String,
    /// The designated city a ward belongs to (27100 大阪市), else `None`.
    pub parent: Option<WardCode>,
    /// The 二次医療圏 (an [`Area`] code); a ward has its city's.
    pub niji: Option<String>,
    /// Osaka City's 基本保健医療圏 (an [`Area`] code), for its wards.
    pub kihon: Option<String>,
    /// A point inside the region: where the demo places facilities, and what locates a
    /// point when the dataset has no polygons.
    pub point: Option<LatLon>,
    /// Area in km² and residents (国勢調査), where the table gives them.
    #[serde(default)]
    pub area_km2: Option<f64>,
    #[serde(default)]
    pub population: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    /// 二次医療圏 (大阪府保健医療計画).
    Niji,
    /// 基本保健医療圏 of a designated city.
    Kihon,
}

/// A group of regions: a 二次医療圏 or a 基本保健医療圏.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Area {
    /// `toyono`, `north`.
    pub code: String,
    /// 豊能, 北部.
    pub name: String,
    pub kind: AreaKind,
}

impl Area {
    /// 豊能二次医療圏, 北部基本保健医療圏.
    pub fn full_name(&self) -> String {
        match self.kind {
            AreaKind::Niji => format!("{}二次医療圏", self.name),
            AreaKind::Kihon => format!("{}基本保健医療圏", self.name),
        }
    }
}

/// What a place name given by a user stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Place<'a> {
    Region(&'a Region),
    Area(&'a Area),
}

/// The regions and areas of a dataset. Regions with a polygon (wards and undivided
/// 市町村) are the "leaves" a facility is placed in; a designated city stands for its wards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Table", into = "Table")]
pub struct Regions {
    regions: Vec<Region>,
    areas: Vec<Area>,
    /// Derived once (searches ask for them on every query): by position in `regions`.
    cache: Cache,
}

/// What an index stores: the table itself; the cache is rebuilt on open.
#[derive(Clone, Serialize, Deserialize)]
struct Table {
    regions: Vec<Region>,
    areas: Vec<Area>,
}

impl From<Table> for Regions {
    fn from(t: Table) -> Self {
        Regions::new(t.regions, t.areas)
    }
}

impl From<Regions> for Table {
    fn from(r: Regions) -> Self {
        Table {
            regions: r.regions,
            areas: r.areas,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Cache {
    /// Positions of the leaves (wards and undivided 市町村).
    leaves: Vec<usize>,
    /// Per region: its code as text, its label and its full name.
    code_text: Vec<&'static str>,
    label: Vec<&'static str>,
    full_name: Vec<&'static str>,
    /// The 市町村 (no parent) with their leaves.
    municipalities: Vec<(usize, Vec<WardCode>)>,
}

/// One `&'static str` per distinct text: region names are few (a few hundred in Japan) and
/// answers borrow them on every query, so they are kept for the life of the process
/// instead of being allocated per answer.
fn intern(s: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(s) = seen.get(s.as_str()) {
        return s;
    }
    let s: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(s);
    s
}

impl Cache {
    fn new(regions: &[Region]) -> Self {
        let get = |code: WardCode| regions.iter().find(|r| r.code == code);
        let has_children = |code: WardCode| regions.iter().any(|c| c.parent == Some(code));
        let leaves: Vec<usize> = (0..regions.len())
            .filter(|&i| !has_children(regions[i].code))
            .collect();
        let full_name: Vec<&'static str> = regions
            .iter()
            .map(|r| {
                intern(match r.parent.and_then(get) {
                    Some(city) => format!("{}{}", city.name, r.name),
                    None => format!("{}{}", r.county, r.name),
                })
            })
            .collect();
        let label = regions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let same = regions.iter().filter(|o| o.name == r.name).count();
                if same > 1 && r.parent.is_some() {
                    full_name[i]
                } else {
                    intern(r.name.clone())
                }
            })
            .collect();
        let municipalities = (0..regions.len())
            .filter(|&i| regions[i].parent.is_none())
            .map(|i| {
                let code = regions[i].code;
                let wards: Vec<WardCode> = regions
                    .iter()
                    .filter(|r| r.parent == Some(code))
                    .map(|r| r.code)
                    .collect();
                (i, if wards.is_empty() { vec![code] } else { wards })
            })
            .collect();
        Cache {
            leaves,
            code_text: regions.iter().map(|r| intern(r.code.to_string())).collect(),
            label,
            full_name,
            municipalities,
        }
    }
}

impl Regions {
    /// Checked by `import::regions`: codes unique, parents, 二次医療圏 and 基本保健医療圏
    /// named exist. A ward without its own 二次医療圏 gets its city's.
    pub fn new(mut regions: Vec<Region>, areas: Vec<Area>) -> Self {
        regions.sort_by_key(|r| r.code);
        let niji_of_parent: Vec<Option<String>> = regions
            .iter()
            .map(|r| {
                r.parent.and_then(|p| {
                    regions
                        .iter()
                        .find(|c| c.code == p)
                        .and_then(|c| c.niji.clone())
                })
            })
            .collect();
        for (r, n) in regions.iter_mut().zip(niji_of_parent) {
            if r.niji.is_none() {
                r.niji = n;
            }
        }
        let cache = Cache::new(&regions);
        Self {
            regions,
            areas,
            cache,
        }
    }

    fn position(&self, code: WardCode) -> Option<usize> {
        self.regions.binary_search_by_key(&code, |r| r.code).ok()
    }

    /// The code as text (`27205`), without allocating.
    pub fn code_text(&self, code: WardCode) -> Option<&'static str> {
        self.position(code).map(|i| self.cache.code_text[i])
    }

    /// Every 市町村 (designated cities as a whole) with the leaves it counts.
    pub fn municipalities(&self) -> impl Iterator<Item = (&Region, &[WardCode])> {
        self.cache
            .municipalities
            .iter()
            .map(|(i, leaves)| (&self.regions[*i], leaves.as_slice()))
    }

    /// The table cut to the leaves `keep` accepts, their cities, and the areas that still
    /// have a member: what a dataset of those places serves (so 北区 is 大阪市北区 in a
    /// dataset of Osaka City).
    pub fn restrict(&self, keep: impl Fn(WardCode) -> bool) -> Regions {
        let leaves: Vec<WardCode> = self.leaves().map(|r| r.code).filter(|c| keep(*c)).collect();
        let regions: Vec<Region> = self
            .regions
            .iter()
            .filter(|r| {
                leaves.contains(&r.code)
                    || leaves
                        .iter()
                        .any(|l| self.get(*l).and_then(|x| x.parent) == Some(r.code))
            })
            .cloned()
            .collect();
        let areas = self
            .areas
            .iter()
            .filter(|a| {
                regions.iter().any(|r| {
                    r.niji.as_deref() == Some(&a.code) || r.kihon.as_deref() == Some(&a.code)
                })
            })
            .cloned()
            .collect();
        Regions::new(regions, areas)
    }

    /// The words a region is searched by: its name and kana, and its 基本保健医療圏 (北部)
    /// or, for a 市町村, its 二次医療圏 (豊能). A ward's city and 二次医療圏 (大阪市) are
    /// left to the address, which says so for every facility of the city.
    pub fn words(&self, code: WardCode) -> Vec<String> {
        let Some(r) = self.get(code) else {
            return Vec::new();
        };
        let mut out = vec![r.name.clone(), r.kana.clone()];
        let niji = r.niji.as_ref().filter(|_| r.parent.is_none());
        for a in [r.kihon.as_ref(), niji].into_iter().flatten() {
            out.extend(self.area(a).map(|a| a.name.clone()));
        }
        out.retain(|w| !w.is_empty());
        out.sort();
        out.dedup();
        out
    }

    /// Every region, in code order (cities before their wards).
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    pub fn get(&self, code: WardCode) -> Option<&Region> {
        self.position(code).map(|i| &self.regions[i])
    }

    /// The regions a facility can be placed in: wards and the 市町村 without wards.
    pub fn leaves(&self) -> impl Iterator<Item = &Region> {
        self.cache.leaves.iter().map(|&i| &self.regions[i])
    }

    /// The leaves of a region: a designated city's wards, or the region itself.
    pub fn leaves_of(&self, code: WardCode) -> Vec<WardCode> {
        let wards: Vec<WardCode> = self
            .regions
            .iter()
            .filter(|r| r.parent == Some(code))
            .map(|r| r.code)
            .collect();
        if wards.is_empty() {
            self.get(code).map(|r| vec![r.code]).unwrap_or_default()
        } else {
            wards
        }
    }

    /// The 市町村 of a region: the city of a ward, else the region itself.
    pub fn municipality(&self, code: WardCode) -> Option<&Region> {
        let r = self.get(code)?;
        match r.parent {
            Some(p) => self.get(p),
            None => Some(r),
        }
    }

    /// 大阪市東淀川区, 吹田市, 三島郡島本町 (the code itself when unknown).
    pub fn full_name(&self, code: WardCode) -> String {
        self.full_name_static(code)
            .map_or_else(|| code.to_string(), str::to_string)
    }

    /// [`Self::full_name`] without allocating; `None` for an unknown code.
    pub fn full_name_static(&self, code: WardCode) -> Option<&'static str> {
        self.position(code).map(|i| self.cache.full_name[i])
    }

    /// The name to show for a region: 東淀川区 when the name is unique in the table,
    /// 堺市北区 when another city has a ward of that name. `None` for an unknown code.
    pub fn label(&self, code: WardCode) -> Option<&'static str> {
        self.position(code).map(|i| self.cache.label[i])
    }

    /// [`Self::label`], or the code itself (allocated only then).
    pub fn label_or_code(&self, code: WardCode) -> std::borrow::Cow<'static, str> {
        self.label(code)
            .map_or_else(|| code.to_string().into(), Into::into)
    }

    pub fn area(&self, code: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.code == code)
    }

    /// The leaves in an area, in code order.
    pub fn leaves_in_area(&self, area: &Area) -> Vec<WardCode> {
        self.leaves()
            .filter(|r| match area.kind {
                AreaKind::Niji => r.niji.as_deref() == Some(area.code.as_str()),
                AreaKind::Kihon => r.kihon.as_deref() == Some(area.code.as_str()),
            })
            .map(|r| r.code)
            .collect()
    }

    /// The 二次医療圏 of a region.
    pub fn niji_of(&self, code: WardCode) -> Option<&Area> {
        self.get(code)?.niji.as_deref().and_then(|a| self.area(a))
    }

    /// Finds the regions a written name stands for: the JIS code (`27114`), the name
    /// (`東淀川区`, `吹田市`), the name with its city or 郡 (`大阪市東淀川区`, `三島郡島本町`),
    /// without its suffix (`東淀川`, `吹田`) or the kana. 北区 alone matches both 大阪市北区
    /// and 堺市北区: the caller says which are meant.
    pub fn find(&self, s: &str) -> Vec<&Region> {
        let exact = self.find_exact(s);
        if exact.is_empty() {
            self.find_loose(s)
        } else {
            exact
        }
    }

    /// By code, name, or name with its city or 郡.
    fn find_exact(&self, s: &str) -> Vec<&Region> {
        let s = super::strip_prefecture(s.trim());
        if s.is_empty() {
            return Vec::new();
        }
        if let Ok(n) = s.parse::<u32>() {
            return self.get(WardCode(n)).into_iter().collect();
        }
        self.regions
            .iter()
            .enumerate()
            .filter(|(i, r)| self.cache.full_name[*i] == s || r.name == s)
            .map(|(_, r)| r)
            .collect()
    }

    /// By kana, or the name without its suffix (吹田, 東淀川, 大阪北区).
    fn find_loose(&self, s: &str) -> Vec<&Region> {
        let s = super::strip_prefecture(s.trim());
        if s.is_empty() {
            return Vec::new();
        }
        let stem = |n: &str| {
            n.strip_suffix(['区', '市', '町', '村'])
                .map(str::to_string)
                .unwrap_or_default()
        };
        self.regions
            .iter()
            .filter(|r| {
                r.kana == s
                    || stem(&r.name) == s
                    || r.parent
                        .and_then(|p| self.get(p))
                        .is_some_and(|c| format!("{}{}", stem(&c.name), r.name) == s)
            })
            .collect()
    }

    /// A region or an area by any of its names. An exact name of a region comes first (a
    /// city that is also a 二次医療圏, 大阪市, is the region), then an area by code
    /// (`toyono`), name (`豊能`) or full name (`豊能二次医療圏`), then a region by kana or
    /// without its suffix (so `豊能` is the 二次医療圏, not 豊能町). A name that fits several
    /// regions is an error naming them.
    pub fn place(&self, s: &str) -> Result<Place<'_>, PlaceError> {
        let t = s.trim();
        if let Some(r) = self.one(self.find_exact(t))? {
            return Ok(Place::Region(r));
        }
        let area = t
            .strip_suffix("二次医療圏")
            .or_else(|| t.strip_suffix("基本保健医療圏"))
            .unwrap_or(t);
        if let Some(a) = self
            .areas
            .iter()
            .find(|a| a.code == area || a.name == area || a.full_name() == t)
        {
            return Ok(Place::Area(a));
        }
        self.one(self.find_loose(t))?
            .map(Place::Region)
            .ok_or(PlaceError::Unknown)
    }

    /// The one region found, none, or an error naming them all.
    fn one<'a>(&self, found: Vec<&'a Region>) -> Result<Option<&'a Region>, PlaceError> {
        match found.as_slice() {
            [] => Ok(None),
            [r] => Ok(Some(*r)),
            many => Err(PlaceError::Ambiguous(
                many.iter().map(|r| self.full_name(r.code)).collect(),
            )),
        }
    }

    /// The leaves a place stands for.
    pub fn leaves_of_place(&self, place: &Place<'_>) -> Vec<WardCode> {
        match place {
            Place::Region(r) => self.leaves_of(r.code),
            Place::Area(a) => self.leaves_in_area(a),
        }
    }

    /// Where a facility in `facility` is relative to a home in `home`: `None` in the same
    /// leaf, `区外` in another ward of the same city, `市外` (`町外`, `村外`) elsewhere.
    pub fn relation(&self, facility: WardCode, home: WardCode) -> Option<String> {
        if facility == home {
            return None;
        }
        let fm = self.municipality(facility)?;
        let hm = self.municipality(home)?;
        if fm.code == hm.code {
            return Some("区外".into());
        }
        let suffix = hm
            .name
            .chars()
            .last()
            .filter(|c| matches!(c, '市' | '町' | '村'));
        Some(format!("{}外", suffix.unwrap_or('市')))
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PlaceError {
    #[error("no region or area of that name")]
    Unknown,
    #[error("the name fits several regions: {}; add the city", .0.join(", "))]
    Ambiguous(Vec<String>),
}

/// JIS prefecture names by code (`01` 北海道 … `47` 沖縄県).
pub const PREFECTURE_NAMES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The address without its prefecture name, when it starts with one.
pub fn strip_prefecture(address: &str) -> &str {
    PREFECTURE_NAMES
        .iter()
        .find_map(|p| address.strip_prefix(p))
        .unwrap_or(address)
}
