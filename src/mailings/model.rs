//! A newsletter issue as Magnetiq keeps it: where it stands, what it says per language, the blocks
//! of its body and who gets it.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::{DbTime, JsonText};
use crate::i18n::Lang;

/// The most blocks one issue holds.
pub const MAX_BLOCKS: usize = 40;

/// Text per language code (`{"en": "...", "de": "..."}`); a missing language falls back to the
/// site's default.
pub type Texts = BTreeMap<String, String>;

/// The text of `texts` in `lang`, else in `default`, else empty.
pub fn text(texts: &Texts, lang: Lang, default: Lang) -> &str {
    texts
        .get(lang.as_str())
        .filter(|t| !t.trim().is_empty())
        .or_else(|| texts.get(default.as_str()))
        .map_or("", String::as_str)
}

/// Where an issue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    /// Waits for a reviewer.
    Submitted,
    /// Goes out at its time.
    Scheduled,
    Sending,
    Paused,
    Sent,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Submitted,
        Status::Scheduled,
        Status::Sending,
        Status::Paused,
        Status::Sent,
        Status::Cancelled,
    ];

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Scheduled => "scheduled",
            Status::Sending => "sending",
            Status::Paused => "paused",
            Status::Sent => "sent",
            Status::Cancelled => "cancelled",
        }
    }

    /// The UI string naming it.
    pub fn label_id(self) -> &'static str {
        match self {
            Status::Draft => "issue-status-draft",
            Status::Submitted => "issue-status-submitted",
            Status::Scheduled => "issue-status-scheduled",
            Status::Sending => "issue-status-sending",
            Status::Paused => "issue-status-paused",
            Status::Sent => "issue-status-sent",
            Status::Cancelled => "issue-status-cancelled",
        }
    }

    /// Whether its words and blocks may still change (before it is scheduled).
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Submitted)
    }
}

/// One block of an issue's body: what reads well in a mail.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailBlock {
    Heading {
        #[serde(default)]
        text: Texts,
    },
    /// Markdown: paragraphs, emphasis, links and lists.
    Text {
        #[serde(default)]
        markdown: Texts,
    },
    /// An image of the media library.
    Image {
        #[serde(default)]
        media_id: Option<i64>,
        #[serde(default)]
        alt: Texts,
    },
    Button {
        #[serde(default)]
        label: Texts,
        #[serde(default)]
        url: Texts,
    },
    Divider,
    /// An article: its cover, title, summary and a link; with `full`, its whole text.
    Article {
        #[serde(default)]
        article_id: Option<i64>,
        #[serde(default)]
        full: bool,
    },
    /// An upcoming webinar, by its address (`webinars/...`).
    Webinar {
        #[serde(default)]
        path: String,
    },
    /// A whitepaper, by its address (`whitepapers/...`).
    Whitepaper {
        #[serde(default)]
        path: String,
    },
}

impl MailBlock {
    pub const KINDS: [&'static str; 8] = [
        "heading",
        "text",
        "image",
        "button",
        "divider",
        "article",
        "webinar",
        "whitepaper",
    ];

    /// A new, empty block of `kind`.
    pub fn empty(kind: &str) -> Option<MailBlock> {
        Some(match kind {
            "heading" => MailBlock::Heading { text: Texts::new() },
            "text" => MailBlock::Text {
                markdown: Texts::new(),
            },
            "image" => MailBlock::Image {
                media_id: None,
                alt: Texts::new(),
            },
            "button" => MailBlock::Button {
                label: Texts::new(),
                url: Texts::new(),
            },
            "divider" => MailBlock::Divider,
            "article" => MailBlock::Article {
                article_id: None,
                full: false,
            },
            "webinar" => MailBlock::Webinar {
                path: String::new(),
            },
            "whitepaper" => MailBlock::Whitepaper {
                path: String::new(),
            },
            _ => return None,
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            MailBlock::Heading { .. } => "heading",
            MailBlock::Text { .. } => "text",
            MailBlock::Image { .. } => "image",
            MailBlock::Button { .. } => "button",
            MailBlock::Divider => "divider",
            MailBlock::Article { .. } => "article",
            MailBlock::Webinar { .. } => "webinar",
            MailBlock::Whitepaper { .. } => "whitepaper",
        }
    }

    /// The UI string naming the kind.
    pub fn label_id(kind: &str) -> &'static str {
        match kind {
            "heading" => "mail-block-heading",
            "text" => "mail-block-text",
            "image" => "mail-block-image",
            "button" => "mail-block-button",
            "divider" => "mail-block-divider",
            "article" => "mail-block-article",
            "webinar" => "mail-block-webinar",
            _ => "mail-block-whitepaper",
        }
    }
}

/// An issue's row.
#[derive(Clone, Debug, FromRow)]
pub struct IssueRow {
    pub id: i64,
    pub status: String,
    pub subject: JsonText,
    pub preheader: JsonText,
    pub blocks: JsonText,
    pub audience: String,
    pub send_at: Option<DbTime>,
    pub review_comment: String,
    pub created_by: Option<i64>,
    pub submitted_by: Option<i64>,
    pub started_at: Option<DbTime>,
    pub finished_at: Option<DbTime>,
    pub created_at: DbTime,
    pub updated_at: DbTime,
}

/// An issue, read.
#[derive(Clone, Debug)]
pub struct Issue {
    pub id: i64,
    pub status: Status,
    pub subject: Texts,
    pub preheader: Texts,
    pub blocks: Vec<MailBlock>,
    /// `None`: every confirmed subscriber; else only those of that language.
    pub audience: Option<String>,
    pub send_at: Option<DbTime>,
    pub review_comment: String,
    pub created_by: Option<i64>,
    pub submitted_by: Option<i64>,
    pub started_at: Option<DbTime>,
    pub finished_at: Option<DbTime>,
    pub created_at: DbTime,
    pub updated_at: DbTime,
}

impl TryFrom<IssueRow> for Issue {
    type Error = anyhow::Error;

    fn try_from(r: IssueRow) -> anyhow::Result<Issue> {
        Ok(Issue {
            id: r.id,
            status: Status::parse(&r.status)
                .ok_or_else(|| anyhow::anyhow!("issue {}: status {:?}", r.id, r.status))?,
            subject: r.subject.parse()?,
            preheader: r.preheader.parse()?,
            blocks: r.blocks.parse()?,
            audience: (r.audience != "all").then_some(r.audience),
            send_at: r.send_at,
            review_comment: r.review_comment,
            created_by: r.created_by,
            submitted_by: r.submitted_by,
            started_at: r.started_at,
            finished_at: r.finished_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl Issue {
    /// The subject in `lang` (the default language's where it has none).
    pub fn subject_in(&self, lang: Lang, default: Lang) -> &str {
        text(&self.subject, lang, default)
    }
}

/// One language's mail, rendered once when sending starts; `%%UNSUBSCRIBE%%` stands where each
/// recipient's own unsubscribe address goes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RenderedMail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Where each recipient's own unsubscribe address is written into a rendered mail.
pub const UNSUBSCRIBE_MARK: &str = "%%UNSUBSCRIBE%%";

/// How the sending of one issue stands.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub recipients: i64,
    pub sent: i64,
    pub pending: i64,
    pub failed: i64,
    pub bounced: i64,
    pub cancelled: i64,
    /// Recipients who unsubscribed since it was sent to them.
    pub unsubscribed_since: i64,
}
