//! The two mails a contact message makes: the team's notification (in the site's default
//! language, to the configured address, replying goes to the sender) and the sender's receipt
//! (in their language). The receipt goes to an address nobody confirmed, so it carries nothing the
//! visitor typed: not their name, not their message. Otherwise anyone could have the site mail
//! their own text, from the site's own domain, to any address.
use crate::i18n::{Lang, Messages};
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

/// What a message says, for both mails.
pub struct Sent<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub phone: &'a str,
    pub topic: &'a str,
    pub message: &'a str,
    pub lang: Lang,
}

fn details(ui: &Messages, s: &Sent<'_>) -> Vec<(String, String)> {
    let mut details = vec![
        (ui.t("contact-name").to_owned(), s.name.to_owned()),
        (ui.t("lead-email").to_owned(), s.email.to_owned()),
    ];
    for (label, value) in [
        ("contact-company", s.company),
        ("contact-phone", s.phone),
        ("contact-topic", s.topic),
    ] {
        if !value.is_empty() {
            details.push((ui.t(label).to_owned(), value.to_owned()));
        }
    }
    details.push((ui.t("contact-message").to_owned(), s.message.to_owned()));
    details
}

/// To the team: who wrote, about what, and the message; a link to it in the admin.
pub fn notification(
    team_ui: &Messages,
    to: &str,
    s: &Sent<'_>,
    admin_link: &str,
) -> anyhow::Result<NewMail> {
    let args = [("name", s.name.into())];
    let intro = team_ui.t_args("contact-notify-intro", &args);
    Notice {
        recipient: to,
        lang: team_ui.lang(),
        subject: team_ui.t_args("contact-notify-subject", &args),
        heading: team_ui.t("contact-notify-heading"),
        intro: &intro,
        details: &details(team_ui, s),
        link: admin_link,
        link_label: team_ui.t("contact-notify-open"),
        attachment: None,
    }
    .render()
}

/// To the sender: we have your message, and when it came; nothing of what was typed.
pub fn receipt(ui: &Messages, s: &Sent<'_>, site: &str, at: &str) -> anyhow::Result<NewMail> {
    let args = [("site", site.into())];
    let intro = ui.t_args("contact-receipt-intro", &args);
    let details = vec![(ui.t("contact-receipt-received").to_owned(), at.to_owned())];
    Notice {
        recipient: s.email,
        lang: s.lang,
        subject: ui.t("contact-receipt-subject").to_owned(),
        heading: ui.t("contact-receipt-heading"),
        intro: &intro,
        details: &details,
        link: "",
        link_label: "",
        attachment: None,
    }
    .render()
}
