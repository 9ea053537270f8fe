//! The roles of a home-care team (訪問診療医, 訪問看護 … 相談支援室): a table in
//! `data/team_roles.csv`, compiled in. Each row names the kinds that fill the role, what
//! they must offer (`requires`, as in the scenes table) and how the role reaches a home:
//! `covers` (its visiting area includes the home), `near` (a hospital within the legal
//! 16 km, it does not visit) or `responsible` (the office whose 担当区域 holds the home).

use std::sync::OnceLock;

use crate::model::{Capability, Kind, LEGAL_HOME_VISIT_RADIUS_KM};
use crate::search::scene::parse_groups;

pub const ROLES_TABLE: &str = include_str!("../../data/team_roles.csv");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Covers,
    Near,
    Responsible,
}

impl Reach {
    pub fn code(self) -> &'static str {
        match self {
            Reach::Covers => "covers",
            Reach::Near => "near",
            Reach::Responsible => "responsible",
        }
    }

    /// How the role's facilities were chosen, in words.
    pub fn label(self) -> &'static str {
        match self {
            Reach::Covers => "この住所に訪問できる施設",
            Reach::Near => "16 km 以内で近い順（訪問はしない施設）",
            Reach::Responsible => "この住所を担当する施設",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub code: String,
    pub label: String,
    /// What the "nobody" line calls one: 「歯科」.
    pub noun: String,
    pub kinds: Vec<Kind>,
    /// Groups of capabilities, each any of, every group needed.
    pub requires: Vec<Vec<Capability>>,
    pub reach: Reach,
    /// What was looked for, in the "nobody" line: 「訪問歯科」.
    pub registered: String,
}

impl Role {
    /// Whether a facility with these kind bits can fill the role.
    pub fn kind_bits(&self) -> u8 {
        self.kinds.iter().fold(0u8, |m, k| m | 1 << (*k as u8))
    }

    /// The farthest the role's facilities may be, in km: the legal 16 km for medical
    /// visits and hospitals, else the largest default reach of its kinds.
    pub fn radius_km(&self) -> f64 {
        self.kinds
            .iter()
            .map(|k| k.info().default_radius_km)
            .fold(LEGAL_HOME_VISIT_RADIUS_KM, f64::max)
    }
}

/// The roles, in table order.
pub fn roles() -> &'static [Role] {
    static ROLES: OnceLock<Vec<Role>> = OnceLock::new();
    ROLES.get_or_init(|| parse(ROLES_TABLE).expect("the compiled-in roles table is valid (tested)"))
}

/// A role by its code or label.
pub fn find(s: &str) -> Option<&'static Role> {
    let s = s.trim();
    roles().iter().find(|r| r.code == s || r.label == s)
}

/// Parses the table; an error names its line.
pub fn parse(text: &str) -> Result<Vec<Role>, String> {
    let mut out: Vec<Role> = Vec::new();
    for row in crate::data_table::rows::<7>("data/team_roles.csv", text) {
        let row = row?;
        let at = |e: String| row.error(e);
        let [code, label, noun, kinds, requires, reach, registered] = row.cells;
        let kinds = kinds
            .split('|')
            .map(|k| Kind::parse(k).map_err(|e| at(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let reach = match reach {
            "covers" => Reach::Covers,
            "near" => Reach::Near,
            "responsible" => Reach::Responsible,
            other => {
                return Err(at(format!(
                    "reach '{other}' is not covers, near or responsible"
                )))
            }
        };
        if out.iter().any(|r| r.code == code) {
            return Err(at(format!("role {code} twice")));
        }
        out.push(Role {
            code: code.to_string(),
            label: label.to_string(),
            noun: noun.to_string(),
            kinds,
            requires: parse_groups(requires).map_err(at)?,
            reach,
            registered: registered.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_roles_the_discharge_nurse_calls() {
        let codes: Vec<&str> = roles().iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "doctor",
                "nursing",
                "care_manager",
                "pharmacy",
                "dental",
                "backup_hospital",
                "community_care",
                "consultation"
            ]
        );
        let dental = find("dental").unwrap();
        assert_eq!(dental.kinds, [Kind::DentalClinic]);
        assert_eq!(dental.requires, [vec![Capability::HomeDental]]);
        assert_eq!(dental.reach, Reach::Covers);
        assert_eq!(dental.radius_km(), 16.0);
        assert_eq!(find("相談支援室").unwrap().reach, Reach::Responsible);
        assert_eq!(find("backup_hospital").unwrap().reach, Reach::Near);
        // The 相談支援室's default reach (20 km) is larger than the legal 16 km.
        assert_eq!(find("consultation").unwrap().radius_km(), 20.0);
    }

    #[test]
    fn a_bad_table_names_its_line() {
        let head = "code,label,noun,kinds,requires,reach,registered\n";
        let bad = |row: &str| parse(&format!("{head}{row}\n")).unwrap_err();
        assert!(bad("x,X,x,spaceport,,covers,x").contains("team_roles.csv:2"));
        assert!(bad("x,X,x,clinic,teleport,covers,x").contains("team_roles.csv:2"));
        assert!(bad("x,X,x,clinic,,far,x").contains("far"));
        assert!(bad("x,X,x,clinic,,covers").contains("7 expected"));
        assert!(parse(&format!(
            "{head}x,X,x,clinic,,covers,x\nx,X,x,clinic,,covers,x\n"
        ))
        .unwrap_err()
        .contains("twice"));
    }
}
