//! A set of facility ordinals as a bitset: what one text word matched, ANDed across words,
//! and looked up once per candidate while filtering.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocBits {
    words: Vec<u64>,
    count: usize,
}

impl DocBits {
    pub fn from_ords(ords: impl IntoIterator<Item = u32>, n: usize) -> Self {
        let mut words = vec![0u64; n.div_ceil(64)];
        for ord in ords {
            words[ord as usize / 64] |= 1 << (ord % 64);
        }
        let count = words.iter().map(|w| w.count_ones() as usize).sum();
        Self { words, count }
    }

    /// Adds members (each below the size the set was made with).
    pub fn insert_all(&mut self, ords: impl IntoIterator<Item = u32>) {
        for ord in ords {
            let (word, bit) = (&mut self.words[ord as usize / 64], 1 << (ord % 64));
            self.count += usize::from(*word & bit == 0);
            *word |= bit;
        }
    }

    /// Adds the members of `other` (a set of the same size).
    pub fn union_with(&mut self, other: &DocBits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self.count = self.words.iter().map(|w| w.count_ones() as usize).sum();
    }

    pub fn contains(&self, ord: u32) -> bool {
        self.words
            .get(ord as usize / 64)
            .is_some_and(|w| w & (1 << (ord % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Members in ascending order.
    pub fn ords(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, w)| {
            let mut w = *w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    (i * 64) as u32 + bit
                })
            })
        })
    }

    /// Members of both.
    pub fn and(&self, other: &DocBits) -> DocBits {
        let words: Vec<u64> = self
            .words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| a & b)
            .collect();
        let count = words.iter().map(|w| w.count_ones() as usize).sum();
        Self { words, count }
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_intersection() {
        let a = DocBits::from_ords([0, 3, 64, 65, 199], 200);
        let b = DocBits::from_ords([3, 65, 100, 199], 200);
        assert_eq!(a.len(), 5);
        assert_eq!(a.ords().collect::<Vec<_>>(), vec![0, 3, 64, 65, 199]);
        assert!(a.contains(64) && !a.contains(63) && !a.contains(5000));
        let both = a.and(&b);
        assert_eq!(both.ords().collect::<Vec<_>>(), vec![3, 65, 199]);
        assert_eq!(both.len(), 3);
        assert!(DocBits::from_ords([], 10).is_empty());
        let mut c = a.clone();
        c.insert_all([3, 4, 199, 4]);
        assert_eq!(c.ords().collect::<Vec<_>>(), vec![0, 3, 4, 64, 65, 199]);
        assert_eq!(c.len(), 6);
        c.union_with(&b);
        assert_eq!(
            c.ords().collect::<Vec<_>>(),
            vec![0, 3, 4, 64, 65, 100, 199]
        );
        assert_eq!(c.len(), 7);
    }
}
