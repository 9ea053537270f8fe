//! The sets of the most recently used common words, kept as bitsets within a memory
//! budget.

use std::collections::HashMap;
use std::sync::Arc;

use super::text::WordMatch;

/// Words of one or two characters matching fewer documents than this are not cached (one
/// short posting list is as cheap as the cache); longer words always are.
pub(super) const CACHE_MIN_MATCHES: usize = 1024;
/// Memory for cached word sets.
const CACHE_BYTES: usize = 16 << 20;

/// The sets of the most recently used words (like Lucene's query cache): "医院" or
/// "クリニック" match a third of a national index, and finding them again walks four posting
/// lists and the tag sets, while a cached set is one bit per facility and is ANDed with the
/// other words' sets a 64-bit word at a time. Each entry also holds where the word occurs
/// per text group (for explanations), a list when that is short.
#[derive(Default)]
pub(super) struct WordCache {
    pub sets: HashMap<String, (Arc<WordMatch>, u64)>,
    clock: u64,
    bytes: usize,
}

impl WordCache {
    pub fn get(&mut self, word: &str) -> Option<Arc<WordMatch>> {
        self.clock += 1;
        let clock = self.clock;
        self.sets.get_mut(word).map(|(set, used)| {
            *used = clock;
            set.clone()
        })
    }

    pub fn put(&mut self, word: &str, set: Arc<WordMatch>) {
        if set.bytes() > CACHE_BYTES || self.sets.contains_key(word) {
            return;
        }
        while self.bytes + set.bytes() > CACHE_BYTES {
            let Some(oldest) = self
                .sets
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(w, _)| w.clone())
            else {
                break;
            };
            if let Some((old, _)) = self.sets.remove(&oldest) {
                self.bytes -= old.bytes();
            }
        }
        self.clock += 1;
        self.bytes += set.bytes();
        self.sets.insert(word.to_string(), (set, self.clock));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::DocBits;

    #[test]
    fn word_cache_keeps_the_recently_used_within_its_budget() {
        // 2 Mi documents: 256 KiB per set, so 64 sets fill the budget.
        let n = 1 << 21;
        let set = |i: u32| {
            Arc::new(WordMatch {
                word: format!("w{i}"),
                set: Arc::new(DocBits::from_ords([i], n)),
                groups: None,
                by_name: None,
            })
        };
        let mut cache = WordCache::default();
        for i in 0..64 {
            cache.put(&format!("w{i}"), set(i));
        }
        assert_eq!(cache.sets.len(), 64);
        assert!(
            cache.get("w0").is_some(),
            "w0 is now the most recently used"
        );
        cache.put("new", set(99));
        assert!(cache.bytes <= CACHE_BYTES);
        assert!(cache.get("w1").is_none(), "the least recently used went");
        assert!(cache.get("w0").is_some() && cache.get("new").is_some());
        assert_eq!(
            cache.get("new").unwrap().set.ords().collect::<Vec<_>>(),
            vec![99]
        );
    }
}
