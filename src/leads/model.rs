//! What a lead is in the inbox: the path it came by and where it stands.
use sqlx::FromRow;

use crate::db::DbTime;

/// The ways a lead reaches the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadPath {
    Booking,
    WebinarRegistration,
    WhitepaperRequest,
    ContactMessage,
    FormSubmission,
}

impl LeadPath {
    pub const ALL: [LeadPath; 5] = [
        LeadPath::Booking,
        LeadPath::WebinarRegistration,
        LeadPath::WhitepaperRequest,
        LeadPath::ContactMessage,
        LeadPath::FormSubmission,
    ];

    /// The `leads.path` value (the statistics' lead path keys too).
    pub fn key(self) -> &'static str {
        match self {
            LeadPath::Booking => "booking",
            LeadPath::WebinarRegistration => "webinar-registration",
            LeadPath::WhitepaperRequest => "whitepaper-request",
            LeadPath::ContactMessage => "contact-message",
            LeadPath::FormSubmission => "form-submission",
        }
    }

    pub fn of_key(key: &str) -> Option<LeadPath> {
        LeadPath::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The column of `leads` that points at the path's own row.
    pub(super) fn column(self) -> &'static str {
        match self {
            LeadPath::Booking => "booking_id",
            LeadPath::WebinarRegistration => "registration_id",
            LeadPath::WhitepaperRequest => "whitepaper_lead_id",
            LeadPath::ContactMessage => "message_id",
            LeadPath::FormSubmission => "submission_id",
        }
    }

    /// The UI string naming it.
    pub fn label_id(self) -> &'static str {
        match self {
            LeadPath::Booking => "lead-path-booking",
            LeadPath::WebinarRegistration => "lead-path-webinar-registration",
            LeadPath::WhitepaperRequest => "lead-path-whitepaper-request",
            LeadPath::ContactMessage => "lead-path-contact-message",
            LeadPath::FormSubmission => "lead-path-form-submission",
        }
    }
}

/// Where a lead stands: new → contacted → qualified → won or lost; or spam.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Won,
    Lost,
    Spam,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 6] = [
        LeadStatus::New,
        LeadStatus::Contacted,
        LeadStatus::Qualified,
        LeadStatus::Won,
        LeadStatus::Lost,
        LeadStatus::Spam,
    ];

    pub fn key(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Won => "won",
            LeadStatus::Lost => "lost",
            LeadStatus::Spam => "spam",
        }
    }

    pub fn of_key(key: &str) -> Option<LeadStatus> {
        LeadStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label_id(self) -> &'static str {
        match self {
            LeadStatus::New => "lead-status-new",
            LeadStatus::Contacted => "lead-status-contacted",
            LeadStatus::Qualified => "lead-status-qualified",
            LeadStatus::Won => "lead-status-won",
            LeadStatus::Lost => "lead-status-lost",
            LeadStatus::Spam => "lead-status-spam",
        }
    }

    /// Still being worked on: a follow-up date of a closed lead is not overdue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStatus::New | LeadStatus::Contacted | LeadStatus::Qualified
        )
    }
}

/// A lead as the inbox shows it.
#[derive(Clone, Debug, FromRow)]
pub struct Lead {
    pub id: i64,
    pub path: String,
    pub email: String,
    pub name: String,
    pub company: String,
    pub language: String,
    pub subject: String,
    pub source_url: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// The language mails to the owner are written in; `None`: the site's default.
    pub owner_language: Option<String>,
    pub notes: String,
    pub follow_up_on: Option<String>,
    pub created_at: DbTime,
    pub updated_at: DbTime,
    pub booking_id: Option<i64>,
    pub registration_id: Option<i64>,
    pub webinar_id: Option<i64>,
    pub whitepaper_lead_id: Option<i64>,
    pub message_id: Option<i64>,
    pub submission_id: Option<i64>,
}

impl Lead {
    pub fn lead_path(&self) -> Option<LeadPath> {
        LeadPath::of_key(&self.path)
    }

    pub fn lead_status(&self) -> LeadStatus {
        LeadStatus::of_key(&self.status).unwrap_or(LeadStatus::New)
    }

    /// Its follow-up date has passed (and it is still open), as of `today` ('YYYY-MM-DD').
    pub fn is_overdue(&self, today: &str) -> bool {
        self.lead_status().is_open() && self.follow_up_on.as_deref().is_some_and(|d| d < today)
    }

    /// Where the path's own list shows it (seats, slots, downloads, the message).
    pub fn record_href(&self) -> Option<String> {
        match self.lead_path()? {
            LeadPath::Booking => self.booking_id.map(|id| format!("/admin/bookings/{id}")),
            LeadPath::WebinarRegistration => self
                .webinar_id
                .map(|id| format!("/admin/webinars/{id}/registrations")),
            LeadPath::WhitepaperRequest => Some("/admin/whitepapers/leads".to_owned()),
            LeadPath::ContactMessage => self.message_id.map(|id| format!("/admin/messages/{id}")),
            LeadPath::FormSubmission => None,
        }
    }

    /// The lead as webhooks hand it on.
    pub fn payload(&self, base_url: &str) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "email": self.email,
            "name": self.name,
            "company": self.company,
            "language": self.language,
            "subject": self.subject,
            "source": {
                "page": self.source_url,
                "utm_source": self.utm_source,
                "utm_medium": self.utm_medium,
                "utm_campaign": self.utm_campaign,
            },
            "owner": self.owner_email,
            "follow_up_on": self.follow_up_on,
            "created_at": self.created_at.to_text(),
            "admin_url": format!("{base_url}/admin/leads/{}", self.id),
        })
    }
}
