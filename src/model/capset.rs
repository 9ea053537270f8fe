//! A set of capabilities as one 64-bit word: room for 64 capabilities (the vocabulary has
//! about half that), and a filter is one AND per facility. Eight bytes a facility: the
//! column is 2.4 MB at 300k facilities, half of what a `u128` took, so fewer of a search's
//! reads miss the cache.

use std::fmt;

use super::Capability;

#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CapSet(u64);

impl CapSet {
    /// How many capabilities the set can hold.
    pub const CAPACITY: usize = 64;

    pub const fn empty() -> Self {
        Self(0)
    }

    pub fn of(caps: impl IntoIterator<Item = Capability>) -> Self {
        caps.into_iter().fold(Self::empty(), Self::with)
    }

    #[must_use]
    pub fn with(self, c: Capability) -> Self {
        Self(self.0 | 1u64 << (c as u32))
    }

    pub fn contains(self, c: Capability) -> bool {
        self.0 & (1u64 << (c as u32)) != 0
    }

    /// Whether any capability is in both sets (a filter group is satisfied by any of its
    /// capabilities).
    pub fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Positions of the capabilities in the set, lowest first.
    pub fn positions(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let at = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                at
            })
        })
    }

    pub fn iter(self) -> impl Iterator<Item = Capability> {
        let all: Vec<Capability> = Capability::all().collect();
        self.positions().filter_map(move |i| all.get(i).copied())
    }
}

impl fmt::Debug for CapSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Capability::code))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_capability_and_finds_them_again() {
        let all: Vec<Capability> = Capability::all().collect();
        assert!(
            all.len() > 32,
            "the point of the type: more than a u32 holds"
        );
        assert!(all.len() <= CapSet::CAPACITY);
        let set = CapSet::of(all.iter().copied());
        assert_eq!(set.iter().collect::<Vec<_>>(), all);
        let last = *all.last().unwrap();
        let one = CapSet::empty().with(last);
        assert!(one.contains(last) && !one.contains(all[0]));
        assert!(set.intersects(one));
        assert!(!CapSet::of([all[0]]).intersects(one));
        assert_eq!(one.positions().collect::<Vec<_>>(), vec![last as usize]);
    }
}
