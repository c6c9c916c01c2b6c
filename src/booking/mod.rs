//! Consultation booking: consultants and their availability, the free slots it leaves, and bookings
//! that can never overlap.
pub mod admin;
pub mod confirmation;
pub mod consultants;
pub mod mails;
pub mod model;
pub mod public;
pub mod seed;
pub mod slots;
pub mod store;
