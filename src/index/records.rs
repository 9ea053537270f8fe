//! The facility records of an index, kept as their JSON bytes (`records.jsonl`, one record
//! per line) instead of as decoded structs: a record costs its ~0.5 KB of JSON rather than a
//! struct with a dozen heap strings, and a search answer splices those bytes into the
//! response without decoding or encoding them again. Code that needs the fields decodes
//! the one record it needs with [`Records::get`].
//!
//! A served index maps its `records.jsonl` ([`RecordBytes::map`]) rather than reading it:
//! the bytes stay in the kernel's page cache, shared by every process serving the same
//! generation (replicas on one host), and only the pages searches read are resident.

use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use crate::model::Facility;

/// The bytes of `records.jsonl`.
pub enum RecordBytes {
    /// Read into memory (tests, and records made in memory).
    Owned(Vec<u8>),
    /// The generation's file, mapped read-only.
    Mapped(memmap2::Mmap),
}

impl RecordBytes {
    /// Maps the file at `path`.
    ///
    /// A served generation is never modified (the index records each part's SHA-256 and
    /// checks it when opening; a new index is a new generation directory), which is what a
    /// mapping of it needs: its bytes do not change under the server.
    #[allow(unsafe_code)]
    pub fn map(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        if file.metadata()?.len() == 0 {
            // An empty mapping is an error on some systems; nothing to map.
            return Ok(Self::Owned(Vec::new()));
        }
        // SAFETY: the file is a part of an immutable index generation (see above); the
        // mapping is read-only and lives as long as the `Records` that hold it.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        Ok(Self::Mapped(map))
    }

    pub fn as_slice(&self) -> &[u8] {
        match self {
            Self::Owned(v) => v,
            Self::Mapped(m) => m,
        }
    }

    /// Drops the pages read while opening from this process's page tables (they stay in
    /// the page cache): what is resident afterwards is what searches read.
    #[allow(unsafe_code)]
    fn release_pages(&self) {
        if let Self::Mapped(m) = self {
            // SAFETY: for a read-only mapping of a file, MADV_DONTNEED only unmaps the
            // pages; the next read maps the same bytes again from the page cache or the
            // file. No reference into the mapping is affected.
            let released = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
            if let Err(e) = released {
                tracing::debug!(error = %e, "madvise(DONTNEED) on records.jsonl failed");
            }
        }
    }
}

impl From<Vec<u8>> for RecordBytes {
    fn from(v: Vec<u8>) -> Self {
        Self::Owned(v)
    }
}

pub struct Records {
    /// Every record, one per line (checked as UTF-8 once, when opened: see [`Self::raw`]).
    text: RecordBytes,
    /// Start of record `i` is `starts[i]`; its end (before the newline) `starts[i + 1] - 1`.
    starts: Vec<u64>,
    /// Length of record `i`'s list view ([`crate::model::list_view`]), found once when
    /// opened instead of at every hit.
    list_lens: Vec<u32>,
    /// `(hash of id, ordinal)` sorted, for lookups by id without a string per record.
    by_id: Vec<(u64, u32)>,
}

/// A line of `records.jsonl` that is not a valid facility record.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct RecordError {
    pub line: usize,
    pub reason: String,
}

fn id_hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Writes `facilities` in the `records.jsonl` layout.
pub fn encode<'a>(facilities: impl IntoIterator<Item = &'a Facility>) -> Vec<u8> {
    let facilities = facilities.into_iter();
    let mut out = Vec::with_capacity(facilities.size_hint().0 * 600);
    for f in facilities {
        serde_json::to_writer(&mut out, f).expect("facilities serialize");
        out.push(b'\n');
    }
    out
}

/// The id of a stored record's JSON, whole or in the list view (the other fields are
/// skipped, not decoded).
pub fn id_of(record: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Id<'a> {
        #[serde(borrow)]
        id: std::borrow::Cow<'a, str>,
    }
    let r: Id = serde_json::from_str(record).expect("records were checked when opened");
    r.id.into_owned()
}

impl Records {
    /// Checks every line and hands each decoded record to `visit` (in ordinal order), so
    /// the caller builds its columns without keeping the structs.
    pub fn decode(
        bytes: impl Into<RecordBytes>,
        mut visit: impl FnMut(u32, Facility),
    ) -> Result<Self, RecordError> {
        let stored = bytes.into();
        let bytes = stored.as_slice();
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            RecordError {
                line,
                reason: format!("not UTF-8 at byte {at}"),
            }
        })?;
        let mut starts = Vec::new();
        let mut list_lens = Vec::new();
        let mut by_id = Vec::new();
        let mut at = 0usize;
        while at < bytes.len() {
            let line = starts.len() + 1;
            let end = bytes[at..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| at + p)
                .ok_or_else(|| RecordError {
                    line,
                    reason: "the last record is cut off (no newline)".into(),
                })?;
            let f: Facility = serde_json::from_slice(&bytes[at..end]).map_err(|e| RecordError {
                line,
                reason: e.to_string(),
            })?;
            let ord = u32::try_from(starts.len()).map_err(|_| RecordError {
                line,
                reason: "more than 4,294,967,295 records".into(),
            })?;
            by_id.push((id_hash(&f.id.0), ord));
            starts.push(at as u64);
            // The text was checked as UTF-8 and a line ends at a newline byte.
            let line_text = &text[at..end];
            let list = crate::model::list_view(line_text).map_or(line_text.len() - 1, str::len);
            list_lens.push(u32::try_from(list).map_err(|_| RecordError {
                line,
                reason: "a record over 4 GB".into(),
            })?);
            visit(ord, f);
            at = end + 1;
        }
        starts.push(bytes.len() as u64);
        by_id.sort_unstable();
        let records = Self {
            text: stored,
            starts,
            list_lens,
            by_id,
        };
        if let Some(w) = records
            .by_id
            .windows(2)
            .find(|w| w[0].0 == w[1].0 && records.get(w[0].1).id == records.get(w[1].1).id)
        {
            return Err(RecordError {
                line: w[1].1 as usize + 1,
                reason: format!("duplicate id {}", records.get(w[1].1).id),
            });
        }
        records.text.release_pages();
        Ok(records)
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record's JSON object, exactly as served, without checking it as UTF-8 again:
    /// every hit reads a record, and checking its ~0.5 KB each time would cost more than
    /// copying it.
    #[allow(unsafe_code)]
    pub fn raw(&self, ord: u32) -> &str {
        let i = ord as usize;
        let bytes = &self.text.as_slice()[self.starts[i] as usize..self.starts[i + 1] as usize - 1];
        debug_assert!(std::str::from_utf8(bytes).is_ok());
        // SAFETY: `decode` checked all the bytes as UTF-8, and a record starts after a
        // newline byte (or at 0) and ends before one, so both ends are character boundaries
        // and the slice is UTF-8. The bytes never change: they are owned, or a mapping of
        // an immutable generation (`RecordBytes::map`).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// How many bytes of [`raw`](Self::raw) are the record's list view: its list fields
    /// without the closing brace (the whole record but the brace for another layout).
    pub fn list_len(&self, ord: u32) -> usize {
        self.list_lens[ord as usize] as usize
    }

    /// Reads a byte of every cache line of each record of `ords` (of its list fields, or
    /// of all of it when `whole`), so that their cache misses overlap instead of each
    /// coming when its record is copied.
    pub fn touch(&self, ords: impl Iterator<Item = u32>, whole: bool) {
        let text = self.text.as_slice();
        for ord in ords {
            let i = ord as usize;
            let at = self.starts[i] as usize;
            let len = if whole {
                self.starts[i + 1] as usize - 1 - at
            } else {
                self.list_lens[i] as usize
            };
            for line in (at..at + len).step_by(64) {
                std::hint::black_box(text[line]);
            }
        }
    }

    /// The decoded record.
    pub fn get(&self, ord: u32) -> Facility {
        serde_json::from_str(self.raw(ord)).expect("records were checked when opened")
    }

    /// The record's id alone (the other fields are skipped, not decoded).
    pub fn id(&self, ord: u32) -> String {
        id_of(self.raw(ord))
    }

    /// Every record, decoded, in ordinal order.
    pub fn iter(&self) -> impl Iterator<Item = Facility> + '_ {
        (0..self.len() as u32).map(|ord| self.get(ord))
    }

    /// The ordinal of the facility with this id.
    pub fn find(&self, id: &str) -> Option<u32> {
        let h = id_hash(id);
        let from = self.by_id.partition_point(|(x, _)| *x < h);
        self.by_id[from..]
            .iter()
            .take_while(|(x, _)| *x == h)
            .map(|(_, ord)| *ord)
            .find(|ord| self.get(*ord).id.0 == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Capability, FacilityId, Kind};

    fn two() -> Vec<Facility> {
        let mut a = crate::model::facility_sample(&[Kind::Clinic], &[Capability::HomeVisit]);
        a.id = FacilityId("A1".into());
        a.notes = "改行\nを含む".into();
        let mut b = a.clone();
        b.id = FacilityId("B2".into());
        vec![a, b]
    }

    #[test]
    fn round_trip_and_lookup() {
        let fs = two();
        let mut seen = Vec::new();
        let r = Records::decode(encode(&fs), |ord, f| seen.push((ord, f.id.0))).unwrap();
        assert_eq!(seen, vec![(0, "A1".to_string()), (1, "B2".to_string())]);
        assert_eq!(r.len(), 2);
        assert_eq!(r.get(0), fs[0]);
        assert_eq!(r.get(1), fs[1]);
        assert_eq!(r.find("B2"), Some(1));
        assert_eq!(r.find("A1"), Some(0));
        assert_eq!(r.find("C3"), None);
        assert!(r.raw(0).starts_with("{\"id\":\"A1\""));
        assert!(r.raw(0).ends_with('}'));
    }

    #[test]
    fn a_mapped_file_reads_as_the_bytes() {
        let fs = two();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.jsonl");
        std::fs::write(&path, encode(&fs)).unwrap();
        let mapped = RecordBytes::map(&path).unwrap();
        assert!(matches!(mapped, RecordBytes::Mapped(_)));
        let r = Records::decode(mapped, |_, _| {}).unwrap();
        // After the opening pass has released its pages, reads map them again.
        assert_eq!(r.get(1), fs[1]);
        assert_eq!(r.find("A1"), Some(0));
        assert_eq!(
            r.raw(0),
            Records::decode(encode(&fs), |_, _| {}).unwrap().raw(0)
        );

        // Other files: a mapped file must not change while mapped.
        let mut bad = encode(&fs);
        bad.extend_from_slice(b"{\"id\":\"\xff\"}\n");
        let path = dir.path().join("bad.jsonl");
        std::fs::write(&path, bad).unwrap();
        let e = Records::decode(RecordBytes::map(&path).unwrap(), |_, _| {})
            .err()
            .unwrap();
        assert_eq!(e.line, 3, "{e}");

        let path = dir.path().join("empty.jsonl");
        std::fs::write(&path, b"").unwrap();
        let empty = Records::decode(RecordBytes::map(&path).unwrap(), |_, _| {}).unwrap();
        assert!(empty.is_empty());
        assert!(RecordBytes::map(&dir.path().join("missing.jsonl")).is_err());
    }

    #[test]
    fn bad_lines_are_named() {
        let mut bytes = encode(&two());
        bytes.extend_from_slice(b"{\"id\":\"X\"}\n");
        let e = Records::decode(bytes, |_, _| {}).err().unwrap();
        assert_eq!(e.line, 3, "{e}");

        let mut bad = encode(&two());
        bad.extend_from_slice(b"{\"id\":\"\xff\"}\n");
        let e = Records::decode(bad, |_, _| {}).err().unwrap();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.reason.contains("not UTF-8"), "{e}");

        let mut cut = encode(&two());
        cut.truncate(cut.len() - 1);
        let e = Records::decode(cut, |_, _| {}).err().unwrap();
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("cut off"), "{e}");

        let mut dup = two();
        dup[1].id = dup[0].id.clone();
        let e = Records::decode(encode(&dup), |_, _| {}).err().unwrap();
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("duplicate id A1"), "{e}");
    }
}
