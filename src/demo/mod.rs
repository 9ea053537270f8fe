//! The demo dataset: about 5,700 clearly fictional facilities (names start with 【デモ】,
//! phone numbers are 06-0000-xxxx, addresses are in デモ町) spread over Osaka City's wards
//! with a realistic mix of kinds and capabilities. Deterministic for a given seed.

pub mod national;
mod rng;

pub use rng::Rng;

use crate::geo::WardLocator;
use crate::model::{
    Accepting, Capability as C, CapabilityClaim, Facility, FacilityId, Kind, LatLon, Regions,
    ValueSource, WardCode,
};

pub const DEFAULT_SEED: u64 = 20_261_125;
pub const DEMO_SOURCE: &str = "zaitaku-demo（架空データ）";

/// A ward the demo places facilities in: a region of the table with a point, an area and
/// a population (Osaka City's wards in the compiled-in table).
#[derive(Clone, Debug)]
struct Ward {
    code: WardCode,
    name: String,
    kana: String,
    city: String,
    point: LatLon,
    area_km2: f64,
    /// Residents in thousands: the weight of the ward when facilities are placed.
    population_k: f64,
}

impl Ward {
    fn all(regions: &Regions) -> Vec<Ward> {
        regions
            .leaves()
            .filter_map(|r| {
                Some(Ward {
                    code: r.code,
                    name: r.name.clone(),
                    kana: r.kana.clone(),
                    city: r
                        .parent
                        .and_then(|p| regions.get(p))
                        .map(|c| c.name.clone())?,
                    point: r.point?,
                    area_km2: r.area_km2?,
                    population_k: f64::from(r.population?) / 1000.0,
                })
            })
            .collect()
    }
}

const FAMILY: &[(&str, &str)] = &[
    ("田中", "タナカ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山口", "ヤマグチ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("岡田", "オカダ"),
    ("後藤", "ゴトウ"),
    ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"),
    ("近藤", "コンドウ"),
    ("坂本", "サカモト"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("西村", "ニシムラ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("三浦", "ミウラ"),
    ("藤井", "フジイ"),
    ("岡本", "オカモト"),
    ("松田", "マツダ"),
    ("中川", "ナカガワ"),
    ("髙橋", "タカハシ"),
    ("山﨑", "ヤマザキ"),
];

const NICE: &[(&str, &str)] = &[
    ("さくら", "サクラ"),
    ("ひまわり", "ヒマワリ"),
    ("あおば", "アオバ"),
    ("みどり", "ミドリ"),
    ("ひかり", "ヒカリ"),
    ("なにわ", "ナニワ"),
    ("つばさ", "ツバサ"),
    ("やまびこ", "ヤマビコ"),
    ("こすもす", "コスモス"),
    ("わかば", "ワカバ"),
    ("あさひ", "アサヒ"),
    ("ほほえみ", "ホホエミ"),
    ("すずらん", "スズラン"),
    ("けやき", "ケヤキ"),
    ("はなみずき", "ハナミズキ"),
];

const CLINIC_SUFFIX: &[(&str, &str)] = &[
    ("クリニック", "クリニック"),
    ("医院", "イイン"),
    ("内科", "ナイカ"),
    ("診療所", "シンリョウジョ"),
    ("内科クリニック", "ナイカクリニック"),
    ("在宅クリニック", "ザイタククリニック"),
    ("ファミリークリニック", "ファミリークリニック"),
];

const DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "整形外科",
    "皮膚科",
    "眼科",
    "耳鼻咽喉科",
    "精神科",
    "心療内科",
    "リハビリテーション科",
    "循環器内科",
    "消化器内科",
    "泌尿器科",
];

struct Generator {
    rng: Rng,
    out: Vec<Facility>,
    locator: WardLocator,
    wards: Vec<Ward>,
    population: Vec<f64>,
    /// National scale: facilities spread like Japan's population instead of over Osaka's
    /// wards (names still borrow ward stems).
    national: bool,
}

/// Ward stem without 区 (東淀川区 → 東淀川) and its kana without く.
fn stem(w: &Ward) -> (&str, &str) {
    (w.name.trim_end_matches('区'), w.kana.trim_end_matches('く'))
}

impl Generator {
    /// The demo's places: Osaka City's wards of the compiled-in regions table.
    fn new(seed: u64, national: bool) -> Self {
        let all = crate::geo::regions::osaka();
        let city = all.leaves_of(WardCode(27100));
        let regions = all.restrict(|c| city.contains(&c));
        let wards = Ward::all(&regions);
        Generator {
            rng: Rng::new(seed),
            out: Vec::new(),
            locator: WardLocator::points(&regions),
            population: wards.iter().map(|w| w.population_k).collect(),
            wards,
            national,
        }
    }

    /// A point inside `ward`: uniform in a disc around its representative point, kept only
    /// when the ward locator agrees it is in that ward.
    fn point_in(&mut self, ward: &Ward) -> LatLon {
        let radius_km = (ward.area_km2 / std::f64::consts::PI).sqrt() * 0.9;
        let center = ward.point;
        loop {
            let r = radius_km * self.rng.unit().sqrt();
            let a = self.rng.unit() * std::f64::consts::TAU;
            let lat = center.lat + r * a.sin() / 111.0;
            let lon = center.lon + r * a.cos() / (111.0 * center.lat.to_radians().cos());
            let p = LatLon::new((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6)
                .expect("points near Osaka are in Japan");
            if self.locator.locate(p) == Some(ward.code) {
                return p;
            }
        }
    }

    fn name_part(&mut self) -> (String, String) {
        if self.rng.chance(0.6) {
            let (k, r) = *self.rng.pick(FAMILY);
            (k.into(), r.into())
        } else {
            let (k, r) = *self.rng.pick(NICE);
            (k.into(), r.into())
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        prefix: &str,
        kinds: Vec<Kind>,
        ward: &Ward,
        name: String,
        kana: String,
        caps: Vec<C>,
        radius: Option<f64>,
    ) -> &mut Facility {
        let n = self.out.len() + 1;
        let (location, place, ward_code, postal) = if self.national {
            let (pref, p) = national::place(&mut self.rng);
            let ward = self.locator.locate(p).filter(|_| pref.code == 27);
            let place = match ward.and_then(|c| self.wards.iter().find(|w| w.code == c)) {
                Some(w) => format!("大阪府{}{}", w.city, w.name),
                None => format!("{}デモ市", pref.name),
            };
            let postal = format!("{:03}0000", pref.code * 20 + self.rng.below(20) as u32);
            (p, place, ward, postal)
        } else {
            (
                self.point_in(ward),
                format!("大阪府{}{}", ward.city, ward.name),
                Some(ward.code),
                format!("5{:02}0000", ward.code.0 % 100),
            )
        };
        let town = 1 + self.rng.below(9);
        let address = format!(
            "{place}デモ町{}丁目{}-{}",
            town,
            1 + self.rng.below(30),
            1 + self.rng.below(20)
        );
        let mut caps = caps;
        caps.sort();
        caps.dedup();
        let visiting = kinds.iter().any(|k| {
            !matches!(
                k,
                Kind::Hospital | Kind::Clinic | Kind::DentalClinic | Kind::Pharmacy
            )
        }) || caps.iter().any(|c| {
            matches!(
                c,
                C::HomeVisit | C::HouseCall | C::HomeDental | C::HomePharmacy
            )
        });
        let accepting_new = if !visiting {
            Accepting::Unknown
        } else {
            match self.rng.weighted(&[7.0, 1.0, 2.0]) {
                0 => Accepting::Yes,
                1 => Accepting::No,
                _ => Accepting::Unknown,
            }
        };
        let clinical = kinds.iter().any(|k| {
            matches!(
                k,
                Kind::Hospital | Kind::Clinic | Kind::DentalClinic | Kind::Pharmacy
            )
        });
        let wheelchair = if clinical {
            match self.rng.weighted(&[6.0, 2.0, 2.0]) {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            }
        } else {
            None
        };
        let month = 1 + self.rng.below(10);
        let day = 1 + self.rng.below(28);
        self.out.push(Facility {
            id: FacilityId(format!("DEMO-{prefix}{n:05}")),
            name: format!("【デモ】{name}"),
            name_kana: kana,
            kinds,
            postal_code: Some(postal),
            address,
            location,
            ward_code,
            phone: Some(format!("06-0000-{:04}", n % 10_000)),
            fax: None,
            url: None,
            capabilities: caps,
            capability_claims: Vec::new(),
            wheelchair,
            pediatric: None,
            service_radius_km: radius,
            service_wards: vec![],
            departments: vec![],
            notes: String::new(),
            accepting_new,
            // A few statuses were confirmed long ago and have run out (要確認 since
            // autumn 2026); the others have no end in the demo.
            accepting_until: (accepting_new != Accepting::Unknown
                && month <= 6
                && day.is_multiple_of(8))
            .then(|| {
                crate::model::Day::parse(&format!("2026-{month:02}-{day:02}"))
                    .expect("a real date")
                    .plus(90)
                    .to_string()
            }),
            active_roles: Vec::new(),
            backup_beds: None,
            service_towns: Vec::new(),
            updated_at: Some(format!("2026-{month:02}-{day:02}")),
            sources: vec![ValueSource {
                source: DEMO_SOURCE.into(),
                fields: vec![],
            }],
        });
        self.out.last_mut().expect("just pushed")
    }

    fn ward(&mut self) -> Ward {
        self.wards[self.rng.weighted(&self.population)].clone()
    }

    /// Adds each capability with its probability.
    fn some_caps(&mut self, caps: &mut Vec<C>, table: &[(C, f64)]) {
        for (c, p) in table {
            if self.rng.chance(*p) {
                caps.push(*c);
            }
        }
    }

    /// Declared service area for some visiting facilities: own ward plus a neighbour.
    fn maybe_service_wards(&mut self, p: f64) {
        if !self.rng.chance(p) {
            return;
        }
        let f = self.out.last().expect("a facility");
        // National facilities outside Osaka City have no ward to declare.
        let Some(own) = f
            .ward_code
            .and_then(|c| self.wards.iter().find(|w| w.code == c))
        else {
            return;
        };
        let mut near: Vec<&Ward> = self.wards.iter().collect();
        near.sort_by(|a, b| {
            let da = crate::geo::haversine_m(own.point, a.point);
            let db = crate::geo::haversine_m(own.point, b.point);
            da.total_cmp(&db)
        });
        let extra = 1 + self.rng.below(2);
        let mut wards: Vec<_> = near.iter().take(1 + extra).map(|w| w.code).collect();
        wards.sort();
        self.out.last_mut().expect("a facility").service_wards = wards;
    }

    fn clinic(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let (suffix, suffix_kana) = *self.rng.pick(CLINIC_SUFFIX);
        let mut caps = Vec::new();
        let home = suffix == "在宅クリニック" || self.rng.chance(0.14);
        let mut radius = None;
        let mut pediatric = self.rng.chance(0.08);
        if home {
            caps.push(C::HomeVisit);
            self.some_caps(
                &mut caps,
                &[
                    (C::HouseCall, 0.8),
                    (C::EndOfLife, 0.35),
                    (C::Palliative, 0.25),
                    (C::Dementia, 0.3),
                    (C::HomeOxygen, 0.45),
                    (C::TubeFeeding, 0.35),
                    (C::Tpn, 0.15),
                    (C::PressureUlcer, 0.45),
                    (C::HomeRehab, 0.08),
                    (C::DischargeSupport, 0.1),
                ],
            );
            if self.rng.chance(0.55) {
                // 在支診 must offer 24-hour contact and visits; 機能強化型 ⊂ 在支診.
                caps.extend([C::SupportClinic, C::Around24h]);
                self.some_caps(
                    &mut caps,
                    &[
                        (C::EndOfLife, 0.5),
                        (C::Ventilator, 0.12),
                        (C::ActiveRole, 0.15),
                        (C::CollaborationHub, 0.03),
                    ],
                );
                if self.rng.chance(0.3) {
                    caps.push(if self.rng.chance(0.33) {
                        C::EnhancedSingle
                    } else {
                        C::EnhancedLinked
                    });
                }
            }
            if self.rng.chance(0.5) {
                radius = Some(*self.rng.pick(&[2.0, 3.0, 4.0, 5.0, 8.0, 10.0, 16.0]));
            }
            pediatric = self.rng.chance(0.05);
        }
        self.some_caps(&mut caps, &[(C::ForeignLanguage, 0.05)]);
        let mut departments = vec!["内科".to_string()];
        for _ in 0..self.rng.below(3) {
            departments.push(self.rng.pick(DEPARTMENTS).to_string());
        }
        if pediatric {
            departments.push("小児科".into());
        }
        departments.dedup();
        let name = format!("{part}{suffix}");
        let kana = format!("{part_kana}{suffix_kana}");
        let f = self.push("C", vec![Kind::Clinic], ward, name, kana, caps, radius);
        f.pediatric = Some(pediatric);
        f.departments = departments;
        f.capability_claims = filing_claims(f);
        if home {
            self.maybe_service_wards(0.1);
        }
    }

    fn hospital(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let (suffix, suffix_kana) = *self.rng.pick(&[
            ("病院", "ビョウイン"),
            ("記念病院", "キネンビョウイン"),
            ("総合病院", "ソウゴウビョウイン"),
        ]);
        let mut caps = Vec::new();
        self.some_caps(
            &mut caps,
            &[
                (C::EmergencyAdmission, 0.5),
                (C::DischargeSupport, 0.8),
                (C::Palliative, 0.2),
                (C::Dementia, 0.2),
                (C::ForeignLanguage, 0.15),
            ],
        );
        if self.rng.chance(0.3) {
            caps.extend([
                C::SupportHospital,
                C::HomeVisit,
                C::Around24h,
                C::EmergencyAdmission,
            ]);
            self.some_caps(
                &mut caps,
                &[
                    (C::HouseCall, 0.6),
                    (C::EndOfLife, 0.4),
                    (C::ActiveRole, 0.3),
                    (C::CollaborationHub, 0.1),
                ],
            );
        } else if self.rng.chance(0.15) {
            caps.extend([C::BackupHospital, C::EmergencyAdmission]);
        }
        let mut kinds = vec![Kind::Hospital];
        if self.rng.chance(0.1) {
            kinds.push(Kind::VisitingNursing);
            self.some_caps(&mut caps, &[(C::PressureUlcer, 0.6), (C::TubeFeeding, 0.5)]);
        }
        let f = self.push(
            "H",
            kinds,
            ward,
            format!("{part}{suffix}"),
            format!("{part_kana}{suffix_kana}"),
            caps,
            None,
        );
        f.departments = vec!["内科".into(), "外科".into(), "整形外科".into()];
        f.pediatric = Some(true);
    }

    fn nursing(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let (s, sk) = stem(ward);
        let (name, kana) = if self.rng.chance(0.2) {
            (
                format!("{s}{part}訪問看護ステーション"),
                format!("{sk}{part_kana}ホウモンカンゴステーション"),
            )
        } else {
            (
                format!("{part}訪問看護ステーション"),
                format!("{part_kana}ホウモンカンゴステーション"),
            )
        };
        let mut caps = Vec::new();
        self.some_caps(
            &mut caps,
            &[
                (C::Around24h, 0.85),
                (C::EndOfLife, 0.6),
                (C::PsychiatricNursing, 0.25),
                (C::Ventilator, 0.3),
                (C::TubeFeeding, 0.6),
                (C::Tpn, 0.4),
                (C::PressureUlcer, 0.7),
                (C::HomeRehab, 0.4),
                (C::Palliative, 0.4),
                (C::Dementia, 0.4),
                (C::HomeOxygen, 0.5),
                (C::ForeignLanguage, 0.03),
            ],
        );
        let radius = self
            .rng
            .chance(0.5)
            .then(|| *self.rng.pick(&[3.0, 5.0, 8.0, 10.0]));
        let pediatric = self.rng.chance(0.08);
        let f = self.push(
            "N",
            vec![Kind::VisitingNursing],
            ward,
            name,
            kana,
            caps,
            radius,
        );
        f.pediatric = Some(pediatric);
        self.maybe_service_wards(0.15);
    }

    fn care_management(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let (name, kana) = if self.rng.chance(0.5) {
            (
                format!("{part}ケアプランセンター"),
                format!("{part_kana}ケアプランセンター"),
            )
        } else {
            (
                format!("居宅介護支援事業所{part}"),
                format!("キョタクカイゴシエンジギョウショ{part_kana}"),
            )
        };
        let mut caps = Vec::new();
        self.some_caps(&mut caps, &[(C::Dementia, 0.3), (C::ForeignLanguage, 0.03)]);
        let radius = self
            .rng
            .chance(0.3)
            .then(|| *self.rng.pick(&[3.0, 5.0, 10.0]));
        self.push(
            "K",
            vec![Kind::CareManagement],
            ward,
            name,
            kana,
            caps,
            radius,
        );
        self.maybe_service_wards(0.2);
    }

    fn community_center(&mut self, ward: &Ward, n: usize) {
        let (s, sk) = stem(ward);
        let name = format!("{s}第{n}地域包括支援センター");
        let kana = format!("{sk}ダイ{n}チイキホウカツシエンセンター");
        let f = self.push(
            "G",
            vec![Kind::CommunityCareCenter],
            ward,
            name,
            kana,
            vec![C::Dementia],
            None,
        );
        f.service_wards = f.ward_code.into_iter().collect();
    }

    fn support_office(&mut self, ward: &Ward) {
        let (s, sk) = stem(ward);
        let name = format!("{s}区在宅医療・介護連携相談支援室");
        let kana = format!("{sk}クザイタクイリョウカイゴレンケイソウダンシエンシツ");
        let f = self.push(
            "S",
            vec![Kind::HomeCareSupportOffice],
            ward,
            name,
            kana,
            vec![C::CollaborationHub],
            None,
        );
        f.service_wards = f.ward_code.into_iter().collect();
    }

    fn dental(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let mut caps = Vec::new();
        self.some_caps(&mut caps, &[(C::HomeDental, 0.3)]);
        // Visiting dentists and pharmacists declare a small area (2–4 km, no draw from
        // the generator: the rest of the demo stays as it was), so the planners' town map
        // has thin places.
        let radius = caps
            .contains(&C::HomeDental)
            .then_some(2.0 + (self.out.len() % 5) as f64 * 0.5);
        let f = self.push(
            "D",
            vec![Kind::DentalClinic],
            ward,
            format!("{part}歯科医院"),
            format!("{part_kana}シカイイン"),
            caps,
            radius,
        );
        f.departments = vec!["歯科".into()];
    }

    fn pharmacy(&mut self) {
        let ward = &self.ward();
        let (part, part_kana) = self.name_part();
        let mut caps = Vec::new();
        self.some_caps(
            &mut caps,
            &[(C::HomePharmacy, 0.4), (C::Around24h, 0.15), (C::Tpn, 0.05)],
        );
        let radius = caps
            .contains(&C::HomePharmacy)
            .then_some(2.0 + (self.out.len() % 5) as f64 * 0.5);
        self.push(
            "P",
            vec![Kind::Pharmacy],
            ward,
            format!("{part}薬局"),
            format!("{part_kana}ヤッキョク"),
            caps,
            radius,
        );
    }
}

/// Counts per kind in the demo dataset, modelled on Osaka City.
pub const MIX: [(Kind, usize); 8] = [
    (Kind::Clinic, 3300),
    (Kind::Hospital, 170),
    (Kind::VisitingNursing, 700),
    (Kind::CareManagement, 1250),
    (Kind::CommunityCareCenter, 66),
    (Kind::HomeCareSupportOffice, 24),
    (Kind::DentalClinic, 150),
    (Kind::Pharmacy, 150),
];

/// Generates the demo facilities for `seed`, scaled by `scale` (1.0 = Osaka City).
pub fn generate(seed: u64, scale: f64) -> Vec<Facility> {
    let mut g = Generator::new(seed, false);
    let n = |k: usize| ((k as f64) * scale).round() as usize;
    for (kind, count) in MIX {
        match kind {
            Kind::Clinic => (0..n(count)).for_each(|_| g.clinic()),
            Kind::Hospital => (0..n(count)).for_each(|_| g.hospital()),
            Kind::VisitingNursing => (0..n(count)).for_each(|_| g.nursing()),
            Kind::CareManagement => (0..n(count)).for_each(|_| g.care_management()),
            Kind::CommunityCareCenter => {
                // Every ward has at least two; the rest go to the most populous wards.
                let wards = g.wards.clone();
                let mut per_ward = vec![2usize; wards.len()];
                let mut by_pop: Vec<usize> = (0..wards.len()).collect();
                by_pop.sort_by(|a, b| g.population[*b].total_cmp(&g.population[*a]));
                for i in by_pop
                    .iter()
                    .cycle()
                    .take(n(count).saturating_sub(2 * wards.len()))
                {
                    per_ward[*i] += 1;
                }
                for (w, k) in wards.iter().zip(per_ward) {
                    (1..=k).for_each(|i| g.community_center(w, i));
                }
            }
            Kind::HomeCareSupportOffice => g.wards.clone().iter().for_each(|w| g.support_office(w)),
            Kind::DentalClinic => (0..n(count)).for_each(|_| g.dental()),
            Kind::Pharmacy => (0..n(count)).for_each(|_| g.pharmacy()),
        }
    }
    g.out
}

/// The demo's fictional 町丁目: デモ町1丁目 to 9丁目 in every ward of Osaka City, at points
/// inside the ward, in the reference table's own layout (`towns.csv`), so the demo has
/// towns to place addresses on and to count coverage for.
pub fn towns(seed: u64) -> Vec<crate::geocode::TownRow> {
    let mut g = Generator::new(seed ^ 0x746f_776e, false);
    let mut out = Vec::new();
    for w in g.wards.clone() {
        for n in 1..=9 {
            let p = g.point_in(&w);
            out.push(crate::geocode::TownRow {
                code: w.code.0,
                municipality: format!("{}{}", w.city, w.name),
                name: format!("デモ町{n}丁目"),
                lat: p.lat,
                lon: p.lon,
            });
        }
    }
    out
}

/// Fictional 町丁目 for the national dataset: `count` points placed like Japan's
/// population (as its facilities are), named デモ町N, in the prefecture's code space
/// (Osaka City's wards where they fall in one): what the planners' town coverage costs
/// at national scale.
pub fn national_towns(seed: u64, count: usize) -> Vec<crate::geocode::TownRow> {
    let mut g = Generator::new(seed ^ 0x6e61_7469, true);
    (0..count)
        .map(|n| {
            let (pref, p) = national::place(&mut g.rng);
            let ward = g.locator.locate(p).filter(|_| pref.code == 27);
            crate::geocode::TownRow {
                code: ward.map_or(pref.code * 1000 + 1, |w| w.0),
                municipality: format!("{}デモ市", pref.name),
                name: format!("デモ町{}", n + 1),
                lat: p.lat,
                lon: p.lon,
            }
        })
        .collect()
}

/// The demo's fictional population table: per ward, its residents as the regions table
/// says, with a 65+ share of 20–30 % and a 75+ share of about half of that.
pub fn population(seed: u64) -> Vec<crate::model::population::PopulationRow> {
    let mut g = Generator::new(seed ^ 0x0070_6f70, false);
    g.wards
        .clone()
        .iter()
        .map(|w| {
            let total = (w.population_k * 1000.0).round() as u64;
            let share65 = 0.20 + 0.10 * g.rng.unit();
            let age65 = (total as f64 * share65).round() as u64;
            let age75 = (age65 as f64 * (0.45 + 0.1 * g.rng.unit())).round() as u64;
            crate::model::population::PopulationRow {
                area: w.code.0.to_string(),
                total,
                age65,
                age75,
            }
        })
        .collect()
}

/// Facilities in Japan by kind (rounded national counts: 医療施設調査, 介護サービス施設・
/// 事業所調査, 地域包括支援センター). About 300,000 in all.
pub const NATIONAL_MIX: [(Kind, usize); 8] = [
    (Kind::Clinic, 105_000),
    (Kind::Hospital, 8_000),
    (Kind::VisitingNursing, 17_000),
    (Kind::CareManagement, 36_000),
    (Kind::CommunityCareCenter, 5_400),
    (Kind::HomeCareSupportOffice, 1_700),
    (Kind::DentalClinic, 68_000),
    (Kind::Pharmacy, 62_000),
];

/// A deterministic national-scale dataset of about `total` facilities: the demo's
/// builders (names, capabilities, reach), placed like Japan's population
/// (see [`national`]). Facilities outside Osaka City have no ward.
pub fn generate_national(seed: u64, total: usize) -> Vec<Facility> {
    let mut g = Generator::new(seed, true);
    g.out.reserve(total);
    let all: usize = NATIONAL_MIX.iter().map(|(_, n)| n).sum();
    // Counts per kind in proportion, rounded down; the remainder goes to clinics (first in
    // the mix) so the total is exactly `total`.
    let mut counts: Vec<usize> = NATIONAL_MIX.iter().map(|(_, n)| n * total / all).collect();
    counts[0] += total - counts.iter().sum::<usize>();
    for ((kind, _), n) in NATIONAL_MIX.into_iter().zip(counts) {
        for i in 0..n {
            match kind {
                Kind::Clinic => g.clinic(),
                Kind::Hospital => g.hospital(),
                Kind::VisitingNursing => g.nursing(),
                Kind::CareManagement => g.care_management(),
                Kind::CommunityCareCenter => {
                    let w = g.ward();
                    g.community_center(&w, 1 + i % 9)
                }
                Kind::HomeCareSupportOffice => {
                    let w = g.ward();
                    g.support_office(&w)
                }
                Kind::DentalClinic => g.dental(),
                Kind::Pharmacy => g.pharmacy(),
            }
        }
    }
    g.out
}
/// The demo's stand-in for the official 届出 lists: a 在支診 of the demo files 支援診１, ２ or
/// ３ by its tier (fictional 受理番号), mapped through the same table as real lists
/// (`data/todokede/`), so the page shows where each capability comes from.
fn filing_claims(f: &Facility) -> Vec<CapabilityClaim> {
    if !f.has_capability(C::SupportClinic) {
        return Vec::new();
    }
    let symbol = if f.has_capability(C::EnhancedSingle) {
        "支援診１"
    } else if f.has_capability(C::EnhancedLinked) {
        "支援診２"
    } else {
        "支援診３"
    };
    use crate::import::todokede::mapping;
    let Some(rule) = mapping::symbols().get(&mapping::fold(symbol)) else {
        return Vec::new();
    };
    rule.all_capabilities()
        .filter(|(c, _)| f.has_capability(*c))
        .map(|(capability, implied)| CapabilityClaim {
            capability,
            value: true,
            source: "【デモ】厚生局 施設基準の届出".into(),
            official: true,
            filing: Some(symbol.into()),
            receipt: Some(format!(
                "第{}号",
                f.id.0.trim_start_matches("DEMO-C").trim_start_matches('0')
            )),
            since: Some("2024-06-01".into()),
            as_of: Some("2026-10-01".into()),
            implied,
        })
        .collect()
}
