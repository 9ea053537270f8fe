//! `zaitaku diff OLD NEW`: what changed between two indexes (two generations of one, or two
//! builds), per ward: facilities opened and closed, capabilities gained and lost, towns
//! whose coverage fell from two or more providers to one or none.

use std::path::PathBuf;

use zaitaku::coverage::changes::diff;
use zaitaku::SearchIndex;

use super::{Failure, Internal};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The older index (an index path or a generation directory).
    pub old: PathBuf,
    /// The newer index.
    pub new: PathBuf,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), Failure> {
    let old = SearchIndex::open(&a.old)?;
    let new = SearchIndex::open(&a.new)?;
    let c = diff(&old, &new);
    if a.json {
        println!("{}", serde_json::to_string(&c).internal()?);
        return Ok(());
    }
    println!("{}（{} → {}）", c.title, c.since.built, c.now.built);
    if c.wards.is_empty() {
        println!("変化はありません");
    }
    for w in &c.wards {
        println!("\n■ {}", w.name);
        for f in &w.opened {
            println!("  開設  {} [{}]", f.name, f.id);
        }
        for f in &w.closed {
            println!("  廃止  {} [{}]", f.name, f.id);
        }
        for g in &w.gained {
            println!("  対応追加  {}: {} [{}]", g.name, g.label, g.id);
        }
        for l in &w.lost {
            println!("  対応終了  {}: {} [{}]", l.name, l.label, l.id);
        }
        for t in &w.thinned {
            println!(
                "  手薄に  {} {}: {} → {}",
                t.town, t.metric, t.before, t.after
            );
        }
    }
    Ok(())
}
