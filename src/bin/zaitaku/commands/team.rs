//! `zaitaku team`: the home-care team for one address, role by role, and (with `--pick`
//! and `--pdf`) its referral sheet as a PDF.

use std::path::PathBuf;

use anyhow::Context;
use zaitaku::team::pdf::{render, SheetFont};
use zaitaku::team::sheet::sheet;
use zaitaku::team::{find, TeamParams, TeamQuery};
use zaitaku::SearchIndex;

use super::{index_dir, Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index directory.
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// The patient's home: a written address or postal code. Used for the search only.
    #[arg(long)]
    pub address: Option<String>,
    /// The home as LAT,LON instead of an address.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub covers: Option<String>,
    /// A care scene (急変時の対応, emergency …): what it asks of each role.
    #[arg(long)]
    pub scene: Option<String>,
    /// Capability asked of every role whose facilities offer it (24時間対応 …).
    #[arg(long)]
    pub cap: Vec<String>,
    /// Only these roles (doctor, nursing, care_manager, pharmacy, dental,
    /// backup_hospital, community_care, consultation, or their labels).
    #[arg(long)]
    pub role: Vec<String>,
    /// Only the roles these kinds fill.
    #[arg(long)]
    pub kind: Vec<String>,
    #[arg(long)]
    pub wheelchair: bool,
    #[arg(long)]
    pub pediatric: bool,
    /// Facilities per role and section (1–10, default 3).
    #[arg(long, allow_hyphen_values = true)]
    pub per_role: Option<String>,
    /// Facility ids for the referral sheet (repeat or comma-separate; at most 8).
    #[arg(long)]
    pub pick: Vec<String>,
    /// Write the referral sheet of --pick as a one-page A4 PDF here.
    #[arg(long, requires = "pick")]
    pub pdf: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let flag = |b: bool| b.then(|| "true".to_string());
    let p = TeamParams {
        address: a.address.clone(),
        covers: a.covers.clone(),
        scene: a.scene.clone(),
        cap: a.cap.clone(),
        wheelchair: flag(a.wheelchair),
        pediatric: flag(a.pediatric),
        role: a.role.clone(),
        kind: a.kind.clone(),
        per_role: a.per_role.clone(),
    };
    let index = SearchIndex::open(&index_dir(a.index.as_deref())?)?;
    let (q, point) = TeamQuery::resolve(&p, &index)?;
    if let Some(out) = &a.pdf {
        let font = SheetFont::find()?;
        let s = sheet(&index, &q, point, &a.pick)?;
        let pdf = render(&s, &font)?;
        std::fs::write(out, pdf)
            .with_context(|| format!("cannot write {}", out.display()))
            .internal()?;
        println!(
            "{}: 紹介用シート（{} 施設、A4 1 ページ）",
            out.display(),
            s.entries.len()
        );
        return Ok(());
    }
    let team = find(&index, &q, point)?;
    if a.json {
        println!("{}", serde_json::to_string(&team).internal()?);
        return Ok(());
    }
    if let Some(ward) = &team.ward {
        println!("対象地域: {ward}");
    }
    if let Some(s) = &team.scene {
        println!("場面: {}（{}）", s.label, s.expands_to);
    }
    for r in &team.roles {
        println!(
            "\n■ {}{}",
            r.label,
            if r.asks.is_empty() {
                String::new()
            } else {
                format!("（{}）", r.asks)
            }
        );
        if let Some(none) = &r.none {
            println!("  {none}");
        }
        if let Some(note) = &r.note {
            println!("  ※ {note}");
        }
        for m in &r.full {
            let f = m.facility.facility();
            println!("  ◎ {}  {}  [{}]", f.name, m.facility.explanation, f.id.0);
            if let Some(reason) = &m.reason {
                println!("     {reason}");
            }
        }
        if !r.partial.is_empty() {
            println!("  一部を満たす:");
        }
        for m in &r.partial {
            let f = m.facility.facility();
            println!(
                "  △ {}  {}  不足: {}  [{}]",
                f.name,
                m.facility.explanation,
                m.lacks.join("・"),
                f.id.0
            );
        }
    }
    Ok(())
}
