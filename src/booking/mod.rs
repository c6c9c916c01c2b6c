//! Consultation booking: consultants' availability and the free slots it leaves.
pub mod slots;
