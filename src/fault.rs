//! Whose fault a failure is. The user's (bad input, a broken file, a missing index: fix it
//! and run again; the CLI exits with 2) or not (a bug, a full disk, the network; exit
//! code 1). Every error type the CLI can meet says which through [`Fault`], so a new one
//! cannot fall into the wrong exit code unnoticed: the binary's `?` needs the impl.
//!
//! Messages never repeat their cause: an error that has a `source` leaves it out of its
//! own text, and [`report`] prints the whole chain once.

use std::error::Error;

pub trait Fault {
    /// True when the user can fix it (exit code 2).
    fn is_users(&self) -> bool;
}

/// An error and its causes, one after the other: `cannot write X: Permission denied`.
pub fn report(e: &(dyn Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl Fault for crate::search::QueryError {
    fn is_users(&self) -> bool {
        true
    }
}

impl Fault for crate::team::sheet::SheetError {
    fn is_users(&self) -> bool {
        !matches!(self, crate::team::sheet::SheetError::Search(_))
    }
}

/// A missing or unusable font is the installer's to fix.
impl Fault for crate::team::pdf::PdfError {
    fn is_users(&self) -> bool {
        true
    }
}

impl Fault for crate::geocode::GeocodeError {
    fn is_users(&self) -> bool {
        true
    }
}

impl Fault for crate::table::ImportError {
    fn is_users(&self) -> bool {
        true
    }
}

impl Fault for crate::table::ImportErrors {
    fn is_users(&self) -> bool {
        true
    }
}

impl Fault for crate::index::BuildError {
    /// A source that shrank too far is the user's to confirm (`--accept-shrink`).
    fn is_users(&self) -> bool {
        matches!(self, crate::index::BuildError::Shrink { .. })
    }
}

impl Fault for crate::index::OpenError {
    fn is_users(&self) -> bool {
        false
    }
}

impl Fault for crate::fetch::FetchError {
    fn is_users(&self) -> bool {
        false
    }
}

impl Fault for crate::search::SearchError {
    fn is_users(&self) -> bool {
        false
    }
}

impl Fault for rust_xlsxwriter::XlsxError {
    fn is_users(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write x")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_is_printed_once() {
        let e = Outer(std::io::Error::other("Permission denied"));
        assert_eq!(report(&e), "cannot write x: Permission denied");
    }
}
