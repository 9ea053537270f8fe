//! Calendar days (proleptic Gregorian, no time zone): survey dates, how long a status holds,
//! and today. `ZAITAKU_TODAY=YYYY-MM-DD` sets today (tests, and replaying a past day).

use std::fmt;

/// Days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

/// The environment variable that overrides today.
pub const TODAY_ENV: &str = "ZAITAKU_TODAY";

impl Day {
    /// `YYYY-MM-DD` (a real date of the calendar).
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.trim().as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).ok()?.parse::<i32>().ok();
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Day(days_from_civil(y, m, d)))
    }

    /// Today in Japan (UTC+9), or `ZAITAKU_TODAY` as the process started with it (read
    /// once: every search asks, and reading the environment takes its lock).
    pub fn today() -> Day {
        static SET: std::sync::OnceLock<Option<Day>> = std::sync::OnceLock::new();
        let set = SET.get_or_init(|| std::env::var(TODAY_ENV).ok().and_then(|s| Day::parse(&s)));
        if let Some(d) = *set {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Day(((secs + 9 * 3600) / 86_400) as i32)
    }

    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// (year, month, day).
    pub fn civil(self) -> (i32, i32, i32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i32, m: i32, d: i32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, i32, i32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_add() {
        for s in ["1970-01-01", "2000-02-29", "2026-12-06", "2024-12-31"] {
            assert_eq!(Day::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
        assert_eq!(
            Day::parse("2026-11-20").unwrap().plus(90).to_string(),
            "2027-02-18"
        );
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-1",
            "20261201",
            "2026-12-32",
        ] {
            assert!(Day::parse(bad).is_none(), "{bad}");
        }
    }
}
