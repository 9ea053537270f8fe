//! tantivy collectors that turn matching documents into facility ordinals: as a set, or
//! with their scores. In a segment whose documents are in ordinal order without gaps (what
//! the writer makes, and what merges of neighbouring segments keep), a document's ordinal
//! is its number plus the segment's first ordinal, so the `ord` column is not read.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, IndexReader, Score, SegmentOrdinal, SegmentReader};

use super::DocBits;

/// A segment's document → ordinal mapping: its first ordinal when it is contiguous (see
/// [`contiguous_bases`]), else its `ord` column.
struct SegmentOrds {
    base: Option<u32>,
    ord: Column<u64>,
}

impl SegmentOrds {
    fn new(
        bases: &[Option<u32>],
        n: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self> {
        Ok(Self {
            base: bases.get(n as usize).copied().flatten(),
            ord: segment.fast_fields().u64("ord")?,
        })
    }

    fn of(&self, doc: DocId) -> Option<u32> {
        match self.base {
            Some(base) => Some(base + doc),
            None => self.ord.first(doc).map(|o| o as u32),
        }
    }
}

/// Collects the ordinal and score of every match.
pub(super) struct AllScored<'a> {
    pub bases: &'a [Option<u32>],
}

pub(super) struct AllScoredSegment {
    ords: SegmentOrds,
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
            ords: SegmentOrds::new(self.bases, segment_ord, segment)?,
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
        if let Some(ord) = self.ords.of(doc) {
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
    ords: SegmentOrds,
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
            ords: SegmentOrds::new(self.bases, segment_ord, segment)?,
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
        let ords = &self.ords;
        self.set.insert_all(docs.iter().filter_map(|d| ords.of(*d)));
    }

    fn harvest(self) -> DocBits {
        self.set
    }
}

/// Collects the ordinals of every match as a sorted list: for a word's matches in one text
/// field, usually a few (a surname among the names), where a set would cost a bit per
/// facility per segment.
pub(super) struct OrdList<'a> {
    pub bases: &'a [Option<u32>],
}

pub(super) struct OrdListSegment {
    ords: SegmentOrds,
    list: Vec<u32>,
}

impl Collector for OrdList<'_> {
    type Fruit = Vec<u32>;
    type Child = OrdListSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<OrdListSegment> {
        Ok(OrdListSegment {
            ords: SegmentOrds::new(self.bases, segment_ord, segment)?,
            list: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        // Contiguous segments give ascending, disjoint lists: in order of their first
        // ordinal they are one sorted list. Otherwise (the `ord` column) they are sorted.
        fruits.sort_unstable_by_key(|l| l.first().copied());
        let mut all = fruits.concat();
        if !all.is_sorted() {
            all.sort_unstable();
        }
        Ok(all)
    }
}

impl SegmentCollector for OrdListSegment {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let ords = &self.ords;
        self.list.extend(docs.iter().filter_map(|d| ords.of(*d)));
    }

    fn harvest(self) -> Vec<u32> {
        self.list
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
            let list = searcher
                .search(&AllQuery, &OrdList { bases: &bases })
                .unwrap();
            assert_eq!(list, vec![5, 6, 7, 8]);
            let mut scored = searcher
                .search(&AllQuery, &AllScored { bases: &bases })
                .unwrap();
            scored.sort_by_key(|(o, _)| *o);
            let ords: Vec<u32> = scored.iter().map(|(o, _)| *o).collect();
            assert_eq!(ords, vec![5, 6, 7, 8]);
        }
    }
}
