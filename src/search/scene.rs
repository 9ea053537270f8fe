//! Care scenes (入退院支援・日常の療養支援・急変時の対応・看取り, and 認知症, 災害・感染症): what
//! each asks of each kind of facility. The table is data (`data/scenes.csv`, compiled in):
//! one row per scene and kind; `requires` lists capability codes, `;` between what is all
//! needed and `|` between alternatives (`house_call;24h`, `emergency_admission|backup_hospital`).
//! A kind the scene does not name is not part of it.

use std::sync::OnceLock;

use crate::model::{Capability, Kind};

/// The compiled-in table.
pub const SCENES_TABLE: &str = include_str!("../../data/scenes.csv");

#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub code: String,
    pub label: String,
    pub description: String,
    /// Per kind: groups of capabilities, each group any of, every group needed.
    pub rules: Vec<(Kind, Vec<Vec<Capability>>)>,
}

impl Scene {
    /// What the scene asks of `kind` (`None`: the kind is not part of it).
    pub fn rule(&self, kind: Kind) -> Option<&[Vec<Capability>]> {
        self.rules
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, r)| r.as_slice())
    }

    /// The rule for a facility with these kind bits (its first kind the scene names).
    pub fn rule_for_bits(&self, kind_bits: u8) -> Option<(Kind, &[Vec<Capability>])> {
        self.rules
            .iter()
            .find(|(k, _)| kind_bits & (1u8 << (*k as u8)) != 0)
            .map(|(k, r)| (*k, r.as_slice()))
    }

    /// The rule in words: 「診療所: 往診・24時間対応、訪問看護: 24時間対応」.
    pub fn expands_to(&self) -> String {
        self.rules
            .iter()
            .map(|(k, groups)| {
                let need: Vec<String> = groups.iter().map(|g| group_words(g)).collect();
                if need.is_empty() {
                    k.label().to_string()
                } else {
                    format!("{}: {}", k.label(), need.join("・"))
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The scenes, in table order.
pub fn scenes() -> &'static [Scene] {
    static SCENES: OnceLock<Vec<Scene>> = OnceLock::new();
    SCENES.get_or_init(|| {
        parse(SCENES_TABLE).expect("the compiled-in scenes table is valid (tested)")
    })
}

/// A scene by its code or label.
pub fn find(s: &str) -> Option<&'static Scene> {
    let s = s.trim();
    scenes().iter().find(|x| x.code == s || x.label == s)
}

/// Capability groups as the tables write them: `;` between groups that are all needed, `|`
/// between alternatives (`house_call;24h`, `emergency_admission|backup_hospital`).
pub fn parse_groups(requires: &str) -> Result<Vec<Vec<Capability>>, String> {
    requires
        .split(';')
        .filter(|g| !g.trim().is_empty())
        .map(|g| {
            g.split('|')
                .map(|c| Capability::parse(c.trim()).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect()
}

/// A group in words: 「往診または訪問診療」.
pub fn group_words(group: &[Capability]) -> String {
    group
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join("または")
}

/// Parses the table; an error names its line.
pub fn parse(text: &str) -> Result<Vec<Scene>, String> {
    let mut out: Vec<Scene> = Vec::new();
    for row in crate::data_table::rows::<5>("data/scenes.csv", text) {
        let row = row?;
        let at = |e: String| row.error(e);
        let [code, label, description, kind, requires] = row.cells;
        let kind = Kind::parse(kind).map_err(|e| at(e.to_string()))?;
        let groups = parse_groups(requires).map_err(at)?;
        match out.iter_mut().find(|s| s.code == code) {
            Some(s) if s.label != label => return Err(at(format!("scene {code} has two labels"))),
            Some(s) if s.rule(kind).is_some() => {
                return Err(at(format!("{code} names {} twice", kind.label())))
            }
            Some(s) => s.rules.push((kind, groups)),
            None => out.push(Scene {
                code: code.to_string(),
                label: label.to_string(),
                description: description.to_string(),
                rules: vec![(kind, groups)],
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_six_scenes_as_the_issue_frames_them() {
        let codes: Vec<&str> = scenes().iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "discharge",
                "daily",
                "emergency",
                "end_of_life",
                "dementia",
                "disaster"
            ]
        );
        let e = find("急変時の対応").unwrap();
        assert_eq!(
            e.rule(Kind::Clinic).unwrap(),
            [vec![Capability::HouseCall], vec![Capability::Around24h]]
        );
        assert_eq!(
            e.rule(Kind::Hospital).unwrap(),
            [vec![
                Capability::EmergencyAdmission,
                Capability::BackupHospital
            ]]
        );
        assert!(e.rule(Kind::Pharmacy).is_none());
        assert!(
            e.expands_to().starts_with("診療所: 往診・24時間対応"),
            "{}",
            e.expands_to()
        );
        let t = find("end_of_life").unwrap();
        assert_eq!(
            t.rule(Kind::Clinic).unwrap(),
            [vec![Capability::EndOfLife], vec![Capability::Around24h]]
        );
    }

    #[test]
    fn a_bad_table_names_its_line() {
        let head = "code,label,description,kind,requires\n";
        assert!(parse(&format!("{head}x,X,,spaceport,\n"))
            .unwrap_err()
            .contains("scenes.csv:2"));
        assert!(parse(&format!("{head}x,X,,clinic,teleport\n"))
            .unwrap_err()
            .contains("scenes.csv:2"));
        assert!(parse(&format!("{head}x,X,,clinic,\nx,X,,clinic,\n"))
            .unwrap_err()
            .contains("twice"));
        assert!(parse(&format!("{head}x,X,,clinic\n"))
            .unwrap_err()
            .contains("5 expected"));
    }
}
