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
    pub fn ords(&self) -> Ords<'_> {
        Ords {
            words: &self.words,
            at: 0,
            word: self.words.first().copied().unwrap_or(0),
            left: self.count,
        }
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

/// A set of ordinals kept for lookups one at a time: a sorted list when it is small (a
/// surname in the names), a bitset when it is large (a kind word in the tags). What one
/// word matched in one text group, for explanations.
/// The members of a [`DocBits`] in ascending order: a plain loop over its words (a text
/// search takes thousands of candidates from one; a nested iterator per word took twice
/// as long as the intersection that made the set).
pub struct Ords<'a> {
    words: &'a [u64],
    /// The word being taken apart, and what is left of it.
    at: usize,
    word: u64,
    /// Members not yet given.
    left: usize,
}

impl Iterator for Ords<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.left == 0 {
            return None;
        }
        while self.word == 0 {
            self.at += 1;
            self.word = self.words[self.at];
        }
        let bit = self.word.trailing_zeros();
        self.word &= self.word - 1;
        self.left -= 1;
        Some((self.at * 64) as u32 + bit)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Ords<'_> {}

#[derive(Clone, Debug)]
pub enum Members {
    Sparse(Box<[u32]>),
    Dense(DocBits),
}

impl Members {
    /// The same set, as a list when four bytes a member take less than the bitset.
    pub fn from_bits(bits: DocBits) -> Self {
        if bits.len() * 32 < bits.words.len() * 64 {
            Members::Sparse(bits.ords().collect())
        } else {
            Members::Dense(bits)
        }
    }

    /// The set of `sorted` (ascending, each below `n`), as a list when that is smaller.
    pub fn from_sorted(sorted: Vec<u32>, n: usize) -> Self {
        if sorted.len() * 32 < n.div_ceil(64) * 64 {
            Members::Sparse(sorted.into_boxed_slice())
        } else {
            Members::Dense(DocBits::from_ords(sorted, n))
        }
    }

    pub fn contains(&self, ord: u32) -> bool {
        match self {
            Members::Sparse(list) => list.binary_search(&ord).is_ok(),
            Members::Dense(bits) => bits.contains(ord),
        }
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        match self {
            Members::Sparse(list) => list.len() * 4,
            Members::Dense(bits) => bits.bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_answer_like_the_bitset_they_were_made_from() {
        let n = 10_000;
        let sparse = DocBits::from_ords([5, 64, 9_999], n);
        let dense = DocBits::from_ords((0..n as u32).filter(|o| o % 3 == 0), n);
        for bits in [sparse, dense, DocBits::from_ords([], n)] {
            let m = Members::from_bits(bits.clone());
            assert_eq!(
                matches!(m, Members::Sparse(_)),
                bits.len() * 32 < n,
                "{} members",
                bits.len()
            );
            assert!(m.bytes() <= bits.bytes());
            let listed = Members::from_sorted(bits.ords().collect(), n);
            assert_eq!(
                matches!(listed, Members::Sparse(_)),
                matches!(m, Members::Sparse(_))
            );
            for ord in 0..n as u32 + 10 {
                assert_eq!(m.contains(ord), bits.contains(ord), "{ord}");
                assert_eq!(listed.contains(ord), bits.contains(ord), "{ord}");
            }
        }
    }

    #[test]
    fn ords_are_every_member_in_order() {
        for (n, step) in [
            (0usize, 1u32),
            (1, 1),
            (64, 1),
            (65, 64),
            (1_000, 7),
            (10_000, 997),
        ] {
            let want: Vec<u32> = (0..n as u32)
                .filter(|o| o % step == 0 || o % 64 == 63)
                .collect();
            let bits = DocBits::from_ords(want.iter().copied(), n);
            let got: Vec<u32> = bits.ords().collect();
            assert_eq!(got, want, "n {n}, step {step}");
            assert_eq!(bits.ords().len(), want.len());
            let all = (0..n as u32).filter(|o| bits.contains(*o)).count();
            assert_eq!(all, want.len());
        }
    }

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
