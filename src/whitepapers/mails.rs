//! The mail with a download link, in the reader's language: the whitepaper, how long the link works,
//! and that its first use confirms the address.
use super::model::{LINK_DOWNLOADS, Whitepaper};
use crate::i18n::{Lang, Messages};
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

/// Who gets the link.
pub struct To<'a> {
    pub first_name: &'a str,
    pub email: &'a str,
    pub lang: Lang,
}

/// The mail that carries `link` to `w`.
pub fn link_mail(
    ui: &Messages,
    w: &Whitepaper,
    default: Lang,
    to: &To<'_>,
    link: &str,
) -> anyhow::Result<NewMail> {
    let title = w.title.text(to.lang, default);
    let args = [
        ("title", title.into()),
        ("name", to.first_name.into()),
        ("downloads", LINK_DOWNLOADS.into()),
    ];
    let intro = ui.t_args("whitepaper-mail-intro", &args);
    let details = vec![
        (ui.t("whitepaper-title").to_owned(), title.to_owned()),
        (
            ui.t("whitepaper-link-valid").to_owned(),
            ui.t_args("whitepaper-link-valid-text", &args),
        ),
    ];
    Notice {
        recipient: to.email,
        lang: to.lang,
        subject: ui.t_args("whitepaper-mail-subject", &args),
        heading: ui.t("whitepaper-mail-heading"),
        intro: &intro,
        details: &details,
        link,
        link_label: ui.t("whitepaper-download"),
        attachment: None,
    }
    .render()
}
