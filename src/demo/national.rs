//! Where national-scale synthetic facilities go: spread like Japan's population, not
//! uniformly. Each facility picks a prefecture by population, then lands near its seat
//! (most people live in the core city) or anywhere in the prefecture (the rest).

use super::rng::Rng;
use crate::model::LatLon;

/// A prefecture: name, seat (lat, lon), population (10,000s, 2020 census, rounded), area km².
pub struct Prefecture {
    pub code: u32,
    pub name: &'static str,
    pub seat: (f64, f64),
    pub population: f64,
    pub area_km2: f64,
}

macro_rules! pref {
    ($code:expr, $name:expr, $lat:expr, $lon:expr, $pop:expr, $area:expr) => {
        Prefecture {
            code: $code,
            name: $name,
            seat: ($lat, $lon),
            population: $pop,
            area_km2: $area,
        }
    };
}

pub static PREFECTURES: [Prefecture; 47] = [
    pref!(1, "北海道", 43.064, 141.347, 522.0, 83424.0),
    pref!(2, "青森県", 40.824, 140.740, 124.0, 9646.0),
    pref!(3, "岩手県", 39.704, 141.153, 121.0, 15275.0),
    pref!(4, "宮城県", 38.269, 140.872, 230.0, 7282.0),
    pref!(5, "秋田県", 39.719, 140.102, 96.0, 11638.0),
    pref!(6, "山形県", 38.240, 140.363, 107.0, 9323.0),
    pref!(7, "福島県", 37.750, 140.468, 183.0, 13784.0),
    pref!(8, "茨城県", 36.342, 140.447, 287.0, 6097.0),
    pref!(9, "栃木県", 36.566, 139.884, 193.0, 6408.0),
    pref!(10, "群馬県", 36.391, 139.061, 194.0, 6362.0),
    pref!(11, "埼玉県", 35.857, 139.649, 734.0, 3798.0),
    pref!(12, "千葉県", 35.605, 140.123, 628.0, 5158.0),
    pref!(13, "東京都", 35.690, 139.692, 1405.0, 2194.0),
    pref!(14, "神奈川県", 35.448, 139.643, 924.0, 2416.0),
    pref!(15, "新潟県", 37.902, 139.023, 220.0, 12584.0),
    pref!(16, "富山県", 36.695, 137.211, 103.0, 4248.0),
    pref!(17, "石川県", 36.594, 136.626, 113.0, 4186.0),
    pref!(18, "福井県", 36.065, 136.222, 77.0, 4191.0),
    pref!(19, "山梨県", 35.664, 138.568, 81.0, 4465.0),
    pref!(20, "長野県", 36.651, 138.181, 205.0, 13562.0),
    pref!(21, "岐阜県", 35.391, 136.722, 198.0, 10621.0),
    pref!(22, "静岡県", 34.977, 138.383, 363.0, 7777.0),
    pref!(23, "愛知県", 35.180, 136.907, 754.0, 5173.0),
    pref!(24, "三重県", 34.730, 136.509, 177.0, 5774.0),
    pref!(25, "滋賀県", 35.004, 135.868, 141.0, 4017.0),
    pref!(26, "京都府", 35.021, 135.756, 258.0, 4612.0),
    pref!(27, "大阪府", 34.686, 135.520, 884.0, 1905.0),
    pref!(28, "兵庫県", 34.691, 135.183, 547.0, 8401.0),
    pref!(29, "奈良県", 34.685, 135.833, 132.0, 3691.0),
    pref!(30, "和歌山県", 34.226, 135.168, 92.0, 4725.0),
    pref!(31, "鳥取県", 35.504, 134.238, 55.0, 3507.0),
    pref!(32, "島根県", 35.472, 133.051, 67.0, 6708.0),
    pref!(33, "岡山県", 34.662, 133.935, 189.0, 7114.0),
    pref!(34, "広島県", 34.396, 132.459, 280.0, 8479.0),
    pref!(35, "山口県", 34.186, 131.471, 134.0, 6113.0),
    pref!(36, "徳島県", 34.066, 134.559, 72.0, 4147.0),
    pref!(37, "香川県", 34.340, 134.043, 95.0, 1877.0),
    pref!(38, "愛媛県", 33.842, 132.766, 133.0, 5676.0),
    pref!(39, "高知県", 33.560, 133.531, 69.0, 7104.0),
    pref!(40, "福岡県", 33.607, 130.418, 513.0, 4987.0),
    pref!(41, "佐賀県", 33.249, 130.299, 81.0, 2441.0),
    pref!(42, "長崎県", 32.745, 129.874, 131.0, 4131.0),
    pref!(43, "熊本県", 32.790, 130.742, 174.0, 7409.0),
    pref!(44, "大分県", 33.238, 131.613, 112.0, 6341.0),
    pref!(45, "宮崎県", 31.911, 131.424, 107.0, 7735.0),
    pref!(46, "鹿児島県", 31.560, 130.558, 159.0, 9187.0),
    pref!(47, "沖縄県", 26.212, 127.681, 147.0, 2282.0),
];

/// Share of facilities in the prefecture's core city (the rest spread over the prefecture).
const CORE_SHARE: f64 = 0.55;
/// Spread (standard deviation) of the core, km.
const CORE_KM: f64 = 7.0;

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u = rng.unit().max(1e-12);
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A prefecture (by population) and a point in it.
pub fn place(rng: &mut Rng) -> (&'static Prefecture, LatLon) {
    let weights: Vec<f64> = PREFECTURES.iter().map(|p| p.population).collect();
    let pref = &PREFECTURES[rng.weighted(&weights)];
    let spread_km = if rng.chance(CORE_SHARE) {
        CORE_KM
    } else {
        pref.area_km2.sqrt() / 3.0
    };
    loop {
        let dy = normal(rng) * spread_km / 111.0;
        let dx = normal(rng) * spread_km / (111.0 * pref.seat.0.to_radians().cos());
        let (lat, lon) = (pref.seat.0 + dy, pref.seat.1 + dx);
        if let Ok(p) = LatLon::new((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6) {
            return (pref, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_population() {
        let mut rng = Rng::new(1);
        let mut tokyo = 0;
        let mut tottori = 0;
        for _ in 0..20_000 {
            match place(&mut rng).0.code {
                13 => tokyo += 1,
                31 => tottori += 1,
                _ => {}
            }
        }
        // 1405 vs 55 (×10,000 people): about 25 times as many.
        assert!(tokyo > 15 * tottori, "{tokyo} vs {tottori}");
        let total: f64 = PREFECTURES.iter().map(|p| p.population).sum();
        assert!((12_000.0..13_000.0).contains(&total), "{total}");
    }
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn national_dataset_has_exactly_the_asked_count() {
        for n in [1000, 20_000] {
            assert_eq!(crate::demo::generate_national(3, n).len(), n);
        }
    }
}
