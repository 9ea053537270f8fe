//! tantivy collectors that turn matching documents into facility ordinals: as a set, or
//! with their scores. In a segment whose documents are in ordinal order without gaps (what
//! the writer makes, and what merges of neighbouring segments keep), a document's ordinal
//! is its number plus the segment's first ordinal, so the `ord` column is not read.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, IndexReader, Score, SegmentOrdinal, SegmentReader};

use super::DocBits;

/// Collects the ordinal and score of every match.
pub(super) struct AllScored<'a> {
    pub bases: &'a [Option<u32>],
}

pub(super) struct AllScoredSegment {
    base: Option<u32>,
    ord: Column<u64>,
    hits: Vec<(u32, Score)>,
}

impl Collector for AllScored<'_> {
    type Fruit = Vec<(u32, Score)>;
    type Child = AllScoredSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<AllScoredSegment> {
        Ok(AllScoredSegment {
            base: self.bases.get(segment_ord as usize).copied().flatten(),
            ord: segment.fast_fields().u64("ord")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for AllScoredSegment {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ord = match self.base {
            Some(base) => Some(base + doc),
            None => self.ord.first(doc).map(|o| o as u32),
        };
        if let Some(ord) = ord {
            self.hits.push((ord, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

/// Collects the matching ordinals as a set, a block of documents at a time.
pub(super) struct OrdSet<'a> {
    /// By segment ordinal: the first ordinal when the segment is contiguous.
    pub bases: &'a [Option<u32>],
    pub docs: usize,
}

pub(super) struct OrdSetSegment {
    base: Option<u32>,
    ord: Column<u64>,
    set: DocBits,
}

impl Collector for OrdSet<'_> {
    type Fruit = DocBits;
    type Child = OrdSetSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<OrdSetSegment> {
        Ok(OrdSetSegment {
            base: self.bases.get(segment_ord as usize).copied().flatten(),
            ord: segment.fast_fields().u64("ord")?,
            set: DocBits::from_ords([], self.docs),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DocBits>) -> tantivy::Result<DocBits> {
        let mut all = DocBits::from_ords([], self.docs);
        for set in &fruits {
            all.union_with(set);
        }
        Ok(all)
    }
}

impl SegmentCollector for OrdSetSegment {
    type Fruit = DocBits;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        match self.base {
            Some(base) => self.set.insert_all(docs.iter().map(|d| base + d)),
            None => {
                let ord = &self.ord;
                let ords = docs.iter().filter_map(|d| ord.first(*d));
                self.set.insert_all(ords.map(|o| o as u32));
            }
        }
    }

    fn harvest(self) -> DocBits {
        self.set
    }
}

/// Per segment of `reader`, its first ordinal when its documents are ordinals `base..`
/// in order (checked once, when the index is opened).
pub(super) fn contiguous_bases(reader: &IndexReader) -> tantivy::Result<Vec<Option<u32>>> {
    reader
        .searcher()
        .segment_readers()
        .iter()
        .map(|segment| {
            let ord = segment.fast_fields().u64("ord")?;
            let base = ord.first(0);
            let in_order = (0..segment.max_doc())
                .all(|doc| base.is_some_and(|b| ord.first(doc) == Some(b + u64::from(doc))));
            Ok(base
                .filter(|_| in_order && segment.alive_bitset().is_none())
                .map(|b| b as u32))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, FAST};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    /// One segment whose documents carry `ords` (in this order).
    fn index_with(ords: &[u64]) -> IndexReader {
        let mut schema = Schema::builder();
        let ord = schema.add_u64_field("ord", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for o in ords {
            let mut doc = TantivyDocument::default();
            doc.add_u64(ord, *o);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index.reader().unwrap()
    }

    #[test]
    fn ordinals_come_from_the_base_or_from_the_ord_column() {
        for (ords, contiguous) in [(vec![5, 6, 7, 8], true), (vec![7, 5, 8, 6], false)] {
            let reader = index_with(&ords);
            let bases = contiguous_bases(&reader).unwrap();
            assert_eq!(bases, vec![contiguous.then_some(5)], "{ords:?}");
            let searcher = reader.searcher();
            let set = searcher
                .search(
                    &AllQuery,
                    &OrdSet {
                        bases: &bases,
                        docs: 10,
                    },
                )
                .unwrap();
            assert_eq!(set.ords().collect::<Vec<_>>(), vec![5, 6, 7, 8]);
            let mut scored = searcher
                .search(&AllQuery, &AllScored { bases: &bases })
                .unwrap();
            scored.sort_by_key(|(o, _)| *o);
            let ords: Vec<u32> = scored.iter().map(|(o, _)| *o).collect();
            assert_eq!(ords, vec![5, 6, 7, 8]);
        }
    }
}
