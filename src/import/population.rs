//! The population table (`population.csv`): one row per area, with the area's code (a ward
//! or 市町村 code such as 27114, or an area code such as `toyono`), its total population,
//! and those aged 65+ and 75+. Headers in Japanese or English; every bad cell is named
//! with its file, line and column.

use std::path::Path;

use crate::model::population::{Population, PopulationRow};
use crate::table::{ImportErrors, Table};

pub const POPULATION_FILE: &str = "population.csv";

pub fn read_population(path: &Path) -> Result<Population, ImportErrors> {
    let table = Table::read(path)?;
    let area = table.require(&["地域コード", "area"])?;
    let total = table.require(&["総数", "total"])?;
    let age65 = table.require(&["65歳以上", "age65"])?;
    let age75 = table.require(&["75歳以上", "age75"])?;
    let mut rows: Vec<PopulationRow> = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    for r in &table.rows {
        let number = |col| -> Option<u64> {
            let v = r.get(col).replace(',', "");
            v.trim().parse().ok()
        };
        let code = r.get(&area).trim().to_string();
        if code.is_empty() {
            errors.push(table.cell_error(r.line, &area, "the area code is empty"));
            continue;
        }
        if rows.iter().any(|x| x.area == code) {
            errors.push(table.cell_error(r.line, &area, format!("area '{code}' twice")));
            continue;
        }
        let mut bad = false;
        let mut get = |col| {
            number(col).or_else(|| {
                errors.push(table.cell_error(
                    r.line,
                    col,
                    format!("'{}' is not a whole number of people", r.get(col)),
                ));
                bad = true;
                None
            })
        };
        let (t, a65, a75) = (get(&total), get(&age65), get(&age75));
        if bad {
            continue;
        }
        let (t, a65, a75) = (t.unwrap_or(0), a65.unwrap_or(0), a75.unwrap_or(0));
        if a75 > a65 || a65 > t {
            errors.push(table.cell_error(
                r.line,
                &age65,
                format!("75+ ({a75}) ≤ 65+ ({a65}) ≤ total ({t}) does not hold"),
            ));
            continue;
        }
        rows.push(PopulationRow {
            area: code,
            total: t,
            age65: a65,
            age75: a75,
        });
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    Ok(Population {
        source: path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        rows,
    })
}

/// Writes a population table in the layout `read_population` reads.
pub fn write_population(path: &Path, rows: &[PopulationRow]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["地域コード", "総数", "65歳以上", "75歳以上"])?;
    for r in rows {
        w.write_record([
            r.area.clone(),
            r.total.to_string(),
            r.age65.to_string(),
            r.age75.to_string(),
        ])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_table_and_names_bad_cells() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("population.csv");
        std::fs::write(
            &p,
            "地域コード,総数,65歳以上,75歳以上\n27114,\"176,000\",44000,23000\ntoyono,1000000,270000,150000\n",
        )
        .unwrap();
        let pop = read_population(&p).unwrap();
        assert_eq!(pop.get("27114").unwrap().total, 176_000);
        assert_eq!(pop.get("toyono").unwrap().age75, 150_000);
        std::fs::write(
            &p,
            "area,total,age65,age75\n27114,x,1,1\n27115,10,20,1\n27116,1,1,1\n27116,1,1,1\n",
        )
        .unwrap();
        let e = read_population(&p).unwrap_err().to_string();
        assert!(e.contains("population.csv:2:2"), "{e}");
        assert!(e.contains("'x' is not a whole number"), "{e}");
        assert!(e.contains("population.csv:3:3"), "{e}");
        assert!(e.contains("population.csv:5:1"), "{e}");
        assert!(e.contains("twice"), "{e}");
    }
}
