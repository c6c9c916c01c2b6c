//! Visit statistics: which pages and campaigns bring visitors and leads, counted by the server
//! without cookies, JavaScript or anything that identifies a person. A visitor is a hash of client
//! address and user agent under a salt that is replaced every day and then deleted; only daily
//! sums are kept. Leads are set against the visit profile (entry page, referrer, campaign, device)
//! of whoever sent them that day.
pub mod admin;
pub mod agent;
pub mod chart;
pub mod count;
pub mod counter;
pub mod report;
pub mod store;

use std::sync::Arc;

use actix_web::HttpRequest;
use actix_web::web;

pub use count::{count_views, pixel};
pub use counter::Counter;

use crate::web::state::AppState;

/// Where a visit came from and what it came with: what its first page said. Every field is short
/// text ("" when there was nothing to say).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Profile {
    pub entry_path: String,
    /// The host of the `Referer` of the first page, the site's own excluded, without `www.`.
    pub referrer: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub device: &'static str,
    pub browser: &'static str,
}

impl Profile {
    /// The profile of a lead whose visit was not seen (a page a CDN answered, or yesterday's).
    pub fn unknown() -> Profile {
        Profile::default()
    }

    /// Past the day's number of distinct profiles: where the visit came from is written as
    /// "(other)" unless it was plain.
    fn lump_rare_values(&mut self) {
        for field in [
            &mut self.referrer,
            &mut self.utm_source,
            &mut self.utm_medium,
            &mut self.utm_campaign,
        ] {
            if !field.is_empty() {
                *field = counter::OTHER.to_owned();
            }
        }
    }
}

/// The ways a visitor leaves their details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeadPath {
    Booking,
    WebinarRegistration,
    WhitepaperRequest,
    ContactMessage,
    NewsletterSignup,
    FormSubmission,
}

impl LeadPath {
    pub const ALL: [LeadPath; 6] = [
        LeadPath::Booking,
        LeadPath::WebinarRegistration,
        LeadPath::WhitepaperRequest,
        LeadPath::ContactMessage,
        LeadPath::NewsletterSignup,
        LeadPath::FormSubmission,
    ];

    pub fn key(self) -> &'static str {
        match self {
            LeadPath::Booking => "booking",
            LeadPath::WebinarRegistration => "webinar-registration",
            LeadPath::WhitepaperRequest => "whitepaper-request",
            LeadPath::ContactMessage => "contact-message",
            LeadPath::NewsletterSignup => "newsletter-signup",
            LeadPath::FormSubmission => "form-submission",
        }
    }

    pub fn of_key(key: &str) -> Option<LeadPath> {
        LeadPath::ALL.into_iter().find(|path| path.key() == key)
    }
}

/// The counter of this instance, when visits are counted.
pub fn counter(state: &AppState) -> Option<&Arc<Counter>> {
    state
        .extension::<count::Counting>()
        .map(|counting| &counting.counter)
}

/// A lead the site acknowledged: counted for `/metrics` and, set against the visit of whoever
/// sent it, for the statistics. Every lead handler calls it once the lead is stored.
pub async fn lead_received(req: &HttpRequest, state: &web::Data<AppState>, path: LeadPath) {
    state.lead_received(path.key());
    let Some(counter) = counter(state) else {
        return;
    };
    let sent = count::Sent::of(req, state);
    counter
        .lead(
            &state.db,
            sent.client,
            &sent.user_agent,
            path,
            &sent.page,
            sent.lang,
        )
        .await;
}

/// Writes every few seconds what this instance counted.
pub fn spawn_writer(state: &web::Data<AppState>) {
    let Some(counter) = counter(state).cloned() else {
        return;
    };
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            counter.write(&db).await;
        }
    });
}

/// Writes what is left when the instance stops.
pub async fn write_now(state: &AppState) {
    if let Some(counter) = counter(state) {
        counter.write(&state.db).await;
    }
}
