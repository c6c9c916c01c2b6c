//! Contact messages: a form block editors place on any page, one endpoint that stores the message
//! with the team's notification and the sender's receipt (through the outbox), and the team's
//! inbox at `/admin/messages`. People (`crate::people`) reach the messages by address.
pub mod admin;
pub mod mails;
pub mod public;
pub mod request;
pub mod store;
