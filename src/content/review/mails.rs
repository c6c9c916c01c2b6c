//! The mail a submitter gets when a reviewer decides: approved, or changes requested with the
//! reviewer's comment, and the link to the page in the admin panel.
use crate::i18n::Messages;
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

pub struct Decision<'a> {
    pub recipient: &'a str,
    pub title: &'a str,
    pub reviewer: &'a str,
    pub comment: &'a str,
    pub link: &'a str,
    pub approved: bool,
}

pub fn decision(ui: &Messages, d: &Decision<'_>) -> anyhow::Result<NewMail> {
    let args = [("title", d.title.into()), ("reviewer", d.reviewer.into())];
    let (subject, heading, intro) = if d.approved {
        (
            "review-mail-approved-subject",
            "review-mail-approved-heading",
            "review-mail-approved-intro",
        )
    } else {
        (
            "review-mail-changes-subject",
            "review-mail-changes-heading",
            "review-mail-changes-intro",
        )
    };
    let intro = ui.t_args(intro, &args);
    let details: Vec<(String, String)> = if d.comment.is_empty() {
        Vec::new()
    } else {
        vec![(ui.t("review-comment").to_owned(), d.comment.to_owned())]
    };
    Notice {
        recipient: d.recipient,
        lang: ui.lang(),
        subject: ui.t_args(subject, &args),
        heading: ui.t(heading),
        intro: &intro,
        details: &details,
        link: d.link,
        link_label: ui.t("review-open-page"),
        attachment: None,
    }
    .render()
}
