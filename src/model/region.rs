//! Geography tables: Osaka City's 24 wards, its 4 基本保健医療圏 and Osaka Prefecture's
//! 8 二次医療圏. These are facts that change by ordinance, so they live in code, not data.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::LatLon;

/// JIS X 0402 municipality code (5 digits, without check digit), e.g. 27114 for 東淀川区.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WardCode(pub u32);

impl fmt::Display for WardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

/// The municipality code of Osaka City as a whole (its wards are 27102–27128).
pub const OSAKA_CITY_CODE: WardCode = WardCode(27100);

/// 基本保健医療圏 of Osaka City.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KihonArea {
    North,
    West,
    East,
    South,
}

impl KihonArea {
    pub const ALL: [KihonArea; 4] = [Self::North, Self::West, Self::East, Self::South];

    pub fn code(self) -> &'static str {
        match self {
            Self::North => "north",
            Self::West => "west",
            Self::East => "east",
            Self::South => "south",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::North => "北部",
            Self::West => "西部",
            Self::East => "東部",
            Self::South => "南部",
        }
    }

    pub fn wards(self) -> impl Iterator<Item = &'static Ward> {
        WARDS.iter().filter(move |w| w.kihon == self)
    }

    /// Accepts the code (`north`), the label (`北部`) or the label with its suffix
    /// (`北部基本保健医療圏`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s.strip_suffix("基本保健医療圏").unwrap_or(s);
        Self::ALL
            .into_iter()
            .find(|a| a.code() == s || a.label() == s)
    }
}

/// One of Osaka City's 24 administrative wards.
#[derive(Debug)]
pub struct Ward {
    pub code: WardCode,
    pub name: &'static str,
    pub kana: &'static str,
    pub kihon: KihonArea,
    /// A point inside the ward (from the N03 polygons); used by the demo generator and to
    /// locate points when no polygons are loaded.
    pub representative: (f64, f64),
    pub area_km2: f64,
}

macro_rules! ward {
    ($code:expr, $name:expr, $kana:expr, $kihon:ident, $lat:expr, $lon:expr, $area:expr) => {
        Ward {
            code: WardCode($code),
            name: $name,
            kana: $kana,
            kihon: KihonArea::$kihon,
            representative: ($lat, $lon),
            area_km2: $area,
        }
    };
}

/// The 24 wards in JIS code order.
pub static WARDS: [Ward; 24] = [
    ward!(
        27102,
        "都島区",
        "みやこじまく",
        North,
        34.7119,
        135.5272,
        6.08
    ),
    ward!(27103, "福島区", "ふくしまく", West, 34.6939, 135.4753, 4.67),
    ward!(
        27104,
        "此花区",
        "このはなく",
        West,
        34.6680,
        135.4201,
        19.30
    ),
    ward!(27106, "西区", "にしく", West, 34.6778, 135.4838, 5.21),
    ward!(27107, "港区", "みなとく", West, 34.6603, 135.4508, 7.86),
    ward!(
        27108,
        "大正区",
        "たいしょうく",
        West,
        34.6441,
        135.4663,
        9.43
    ),
    ward!(
        27109,
        "天王寺区",
        "てんのうじく",
        East,
        34.6599,
        135.5204,
        4.84
    ),
    ward!(27111, "浪速区", "なにわく", East, 34.6596, 135.4954, 4.39),
    ward!(
        27113,
        "西淀川区",
        "にしよどがわく",
        West,
        34.7039,
        135.4412,
        14.21
    ),
    ward!(
        27114,
        "東淀川区",
        "ひがしよどがわく",
        North,
        34.7433,
        135.5308,
        13.27
    ),
    ward!(
        27115,
        "東成区",
        "ひがしなりく",
        East,
        34.6731,
        135.5469,
        4.54
    ),
    ward!(27116, "生野区", "いくのく", East, 34.6524, 135.5444, 8.37),
    ward!(27117, "旭区", "あさひく", North, 34.7255, 135.5473, 6.32),
    ward!(
        27118,
        "城東区",
        "じょうとうく",
        East,
        34.6966,
        135.5489,
        8.38
    ),
    ward!(
        27119,
        "阿倍野区",
        "あべのく",
        South,
        34.6330,
        135.5135,
        5.98
    ),
    ward!(
        27120,
        "住吉区",
        "すみよしく",
        South,
        34.6049,
        135.5047,
        9.40
    ),
    ward!(
        27121,
        "東住吉区",
        "ひがしすみよしく",
        South,
        34.6190,
        135.5316,
        9.75
    ),
    ward!(
        27122,
        "西成区",
        "にしなりく",
        South,
        34.6386,
        135.4900,
        7.37
    ),
    ward!(
        27123,
        "淀川区",
        "よどがわく",
        North,
        34.7290,
        135.4822,
        12.78
    ),
    ward!(27124, "鶴見区", "つるみく", East, 34.7035, 135.5754, 8.17),
    ward!(
        27125,
        "住之江区",
        "すみのえく",
        South,
        34.6128,
        135.4567,
        20.68
    ),
    ward!(27126, "平野区", "ひらのく", South, 34.6150, 135.5607, 15.28),
    ward!(27127, "北区", "きたく", North, 34.7052, 135.5019, 10.34),
    ward!(
        27128,
        "中央区",
        "ちゅうおうく",
        East,
        34.6801,
        135.5141,
        8.87
    ),
];

impl Ward {
    pub fn by_code(code: WardCode) -> Option<&'static Ward> {
        WARDS.iter().find(|w| w.code == code)
    }

    /// Accepts the JIS code (`27114`), the name (`東淀川区`, `大阪市東淀川区`), the name without
    /// 区 (`東淀川`) or the kana (`ひがしよどがわく`).
    pub fn parse(s: &str) -> Option<&'static Ward> {
        let s = s.trim();
        if let Ok(n) = s.parse::<u32>() {
            return Self::by_code(WardCode(n));
        }
        let s = s.strip_prefix("大阪市").unwrap_or(s);
        WARDS
            .iter()
            .find(|w| w.name == s || w.kana == s || w.name.strip_suffix('区') == Some(s))
    }

    pub fn representative_point(&self) -> LatLon {
        LatLon {
            lat: self.representative.0,
            lon: self.representative.1,
        }
    }

    pub fn niji(&self) -> &'static NijiArea {
        NijiArea::containing(self.code).expect("every ward is listed in NIJI_AREAS")
    }
}

/// One of Osaka Prefecture's 8 二次医療圏 and the municipalities it contains.
#[derive(Debug)]
pub struct NijiArea {
    pub code: &'static str,
    pub name: &'static str,
    /// JIS codes of member municipalities. For the two designated cities the city code and
    /// every ward code are listed, so a ward-level facility code matches directly.
    pub municipalities: &'static [u32],
}

/// Osaka Prefecture's 二次医療圏 (大阪府保健医療計画). Osaka City is listed first.
pub static NIJI_AREAS: [NijiArea; 8] = [
    NijiArea {
        code: "osaka_city",
        name: "大阪市",
        municipalities: &[
            27100, 27102, 27103, 27104, 27106, 27107, 27108, 27109, 27111, 27113, 27114, 27115,
            27116, 27117, 27118, 27119, 27120, 27121, 27122, 27123, 27124, 27125, 27126, 27127,
            27128,
        ],
    },
    NijiArea {
        code: "toyono",
        name: "豊能",
        municipalities: &[27203, 27204, 27205, 27220, 27321, 27322],
    },
    NijiArea {
        code: "mishima",
        name: "三島",
        municipalities: &[27207, 27211, 27224, 27301],
    },
    NijiArea {
        code: "kitakawachi",
        name: "北河内",
        municipalities: &[27209, 27210, 27215, 27218, 27223, 27229, 27230],
    },
    NijiArea {
        code: "nakakawachi",
        name: "中河内",
        municipalities: &[27212, 27221, 27227],
    },
    NijiArea {
        code: "minamikawachi",
        name: "南河内",
        municipalities: &[
            27214, 27216, 27217, 27222, 27226, 27231, 27381, 27382, 27383,
        ],
    },
    NijiArea {
        code: "sakai",
        name: "堺市",
        municipalities: &[27140, 27141, 27142, 27143, 27144, 27145, 27146, 27147],
    },
    NijiArea {
        code: "senshu",
        name: "泉州",
        municipalities: &[
            27202, 27206, 27208, 27213, 27219, 27225, 27228, 27232, 27341, 27361, 27362, 27366,
        ],
    },
];

impl NijiArea {
    /// Accepts the code (`osaka_city`), the name (`大阪市`, `豊能`) or the name with
    /// `二次医療圏` appended. The 5-digit codes 27100 / 27140 name the two city areas.
    pub fn parse(s: &str) -> Option<&'static NijiArea> {
        let s = s.trim();
        let s = s.strip_suffix("二次医療圏").unwrap_or(s);
        NIJI_AREAS.iter().find(|a| {
            a.code == s
                || a.name == s
                || (a.name.ends_with('市') && a.municipalities[0].to_string() == s)
        })
    }

    pub fn containing(code: WardCode) -> Option<&'static NijiArea> {
        NIJI_AREAS
            .iter()
            .find(|a| a.municipalities.contains(&code.0))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ward_table_matches_the_issue_membership() {
        let count = |a: KihonArea| a.wards().count();
        assert_eq!(
            [
                count(KihonArea::North),
                count(KihonArea::West),
                count(KihonArea::East),
                count(KihonArea::South)
            ],
            [5, 6, 7, 6]
        );
        let total: f64 = WARDS.iter().map(|w| w.area_km2).sum();
        assert!(
            (total - 225.3).abs() < 1.0,
            "Osaka City is ~225 km², got {total}"
        );
        for w in &WARDS {
            assert_eq!(w.niji().name, "大阪市");
        }
    }

    #[test]
    fn parses_wards_and_areas_in_every_spelling() {
        for s in [
            "27114",
            "東淀川区",
            "大阪市東淀川区",
            "東淀川",
            "ひがしよどがわく",
        ] {
            assert_eq!(Ward::parse(s).unwrap().code, WardCode(27114), "{s}");
        }
        assert!(Ward::parse("27100").is_none());
        assert!(Ward::parse("堺区").is_none());
        assert_eq!(
            KihonArea::parse("北部基本保健医療圏"),
            Some(KihonArea::North)
        );
        assert_eq!(KihonArea::parse("south"), Some(KihonArea::South));
        assert_eq!(NijiArea::parse("豊能二次医療圏").unwrap().code, "toyono");
        assert_eq!(NijiArea::parse("27140").unwrap().name, "堺市");
        assert!(NijiArea::parse("27203").is_none());
        assert_eq!(NijiArea::containing(WardCode(27142)).unwrap().name, "堺市");
        let n: usize = NIJI_AREAS.iter().map(|a| a.municipalities.len()).sum();
        assert_eq!(n, 25 + 6 + 4 + 7 + 3 + 9 + 8 + 12);
    }
}
