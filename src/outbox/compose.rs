//! A mail as Magnetiq writes them: a heading, a sentence, a table of details and at most one link,
//! as HTML and plain text in the recipient's language; optionally a calendar file.
use askama::Template;

use super::store::{Attachment, NewMail};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct Html<'a> {
    lang: Lang,
    subject: &'a str,
    heading: &'a str,
    intro: &'a str,
    details: &'a [(String, String)],
    link: &'a str,
    link_label: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.txt", escape = "none")]
struct Text<'a> {
    heading: &'a str,
    intro: &'a str,
    details: &'a [(String, String)],
    link: &'a str,
    link_label: &'a str,
}

/// What one mail says.
pub struct Notice<'a> {
    pub recipient: &'a str,
    pub lang: Lang,
    pub subject: String,
    pub heading: &'a str,
    pub intro: &'a str,
    /// Label and value pairs.
    pub details: &'a [(String, String)],
    /// `""`: no link.
    pub link: &'a str,
    pub link_label: &'a str,
    pub attachment: Option<Attachment>,
}

impl Notice<'_> {
    pub fn render(self) -> anyhow::Result<NewMail> {
        Ok(NewMail {
            recipient: self.recipient.to_owned(),
            html: Html {
                lang: self.lang,
                subject: &self.subject,
                heading: self.heading,
                intro: self.intro,
                details: self.details,
                link: self.link,
                link_label: self.link_label,
            }
            .render()?,
            text: Text {
                heading: self.heading,
                intro: self.intro,
                details: self.details,
                link: self.link,
                link_label: self.link_label,
            }
            .render()?,
            subject: self.subject,
            attachment: self.attachment,
        })
    }
}
