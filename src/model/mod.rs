//! The domain model: facilities, their kinds and capabilities, and the geography they sit in.
//!
//! Everything here is plain data with validating constructors; the other modules trust these
//! types once built.

mod capset;
mod day;
mod facility;
mod latlon;
pub mod metric;
pub mod population;
mod radius;
mod region;
mod vocabulary;

pub use capset::CapSet;
pub use day::{Day, TODAY_ENV};
#[cfg(test)]
pub(crate) use facility::tests::sample as facility_sample;
#[cfg(test)]
pub(crate) use facility::tests::sample as sample_facility;
pub use facility::{
    list_view, mark_word, Accepting, CapabilityClaim, CapabilityStatus, DatedStatus, Facility,
    FacilityId, Reach, ValueSource, FIELD_LABELS, LIST_VIEW_END,
};
pub use latlon::{LatLon, LatLonError};
pub use radius::{RadiusError, RadiusKm};
pub use region::{
    strip_prefecture, Area, AreaKind, Place, PlaceError, Region, Regions, WardCode,
    PREFECTURE_NAMES,
};
pub use vocabulary::{
    Capability, CapabilityInfo, Kind, KindInfo, VocabularyError, CAPABILITIES, KINDS,
    LEGAL_HOME_VISIT_RADIUS_KM,
};
