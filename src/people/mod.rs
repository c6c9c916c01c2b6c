//! People: everyone who left an e-mail address on any lead path, seen as one person per address
//! (`/admin/people`), with the privacy requests a company must answer: export and erasure. Sits
//! above the lead features it shows. Retention (`retention`) deletes what is due by itself.
pub mod admin;
pub mod retention;
pub mod store;
