//! The demo dataset: deterministic, realistic mix, plausible correlations, inside its wards.

use zaitaku::demo::{generate, DEFAULT_SEED};
use zaitaku::geo::WardLocator;
use zaitaku::model::{Capability as C, Kind};

#[test]
fn is_deterministic_and_has_the_osaka_mix() {
    let a = generate(DEFAULT_SEED, 1.0);
    assert_eq!(a, generate(DEFAULT_SEED, 1.0));
    assert_ne!(a, generate(DEFAULT_SEED + 1, 1.0));
    let count = |k: Kind| a.iter().filter(|f| f.has_kind(k)).count();
    assert!((5_000..=6_000).contains(&a.len()), "{}", a.len());
    assert_eq!(count(Kind::Clinic), 3300);
    assert_eq!(count(Kind::Hospital), 170);
    assert!((700..=740).contains(&count(Kind::VisitingNursing)));
    assert_eq!(count(Kind::CareManagement), 1250);
    assert_eq!(count(Kind::CommunityCareCenter), 66);
    assert_eq!(count(Kind::HomeCareSupportOffice), 24);
    let home = a
        .iter()
        .filter(|f| f.has_kind(Kind::Clinic) && f.has_capability(C::HomeVisit))
        .count();
    assert!(
        (700..=1000).contains(&home),
        "about a quarter of clinics visit homes: {home}"
    );
}

#[test]
fn correlations_are_plausible() {
    let a = generate(DEFAULT_SEED, 1.0);
    for f in &a {
        assert!(f.name.starts_with("【デモ】"), "{}", f.name);
        assert!(f.phone.as_deref().unwrap().starts_with("06-0000-"));
        if f.has_capability(C::EnhancedSingle) || f.has_capability(C::EnhancedLinked) {
            assert!(
                f.has_capability(C::SupportClinic) || f.has_capability(C::SupportHospital),
                "{}",
                f.id
            );
        }
        if f.has_capability(C::SupportClinic) {
            assert!(f.has_capability(C::Around24h) && f.has_capability(C::HomeVisit));
        }
    }
    let nursing: Vec<_> = a
        .iter()
        .filter(|f| f.kinds == [Kind::VisitingNursing])
        .collect();
    let h24 = nursing
        .iter()
        .filter(|f| f.has_capability(C::Around24h))
        .count() as f64
        / nursing.len() as f64;
    assert!(h24 > 0.75, "24h is common among 訪問看護: {h24}");
    let ped = a
        .iter()
        .filter(|f| f.pediatric == Some(true) && !f.has_kind(Kind::Hospital))
        .count() as f64
        / a.len() as f64;
    assert!(ped < 0.1, "pediatric is rare: {ped}");
}

#[test]
fn every_point_is_in_its_ward() {
    let loc = WardLocator::points(crate::support::city_regions());
    for f in generate(DEFAULT_SEED, 1.0) {
        assert_eq!(loc.locate(f.location), f.ward_code, "{}", f.id);
    }
}

/// The READMEs document every column and every capability the code knows.
#[test]
fn docs_list_every_column_and_capability() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read_to_string(root.join("data/README.md")).unwrap();
    for column in zaitaku::import::COLUMNS.iter().map(|c| c.name) {
        assert!(
            data.contains(&format!("| `{column}` |")),
            "data/README.md lacks {column}"
        );
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for c in &zaitaku::model::CAPABILITIES {
        assert!(
            readme.contains(&format!("| `{}` | {} |", c.code, c.label)),
            "README lacks {}",
            c.code
        );
    }
    for k in &zaitaku::model::KINDS {
        assert!(
            readme.contains(&format!("| `{}` | {} |", k.code, k.label)),
            "README lacks {}",
            k.code
        );
    }
}
