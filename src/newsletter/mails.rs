//! The confirmation mail of a sign-up (double opt-in), in the subscriber's language, with the
//! unsubscribe link every mail to a subscriber carries.
use crate::i18n::Messages;
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

pub fn confirmation(
    ui: &Messages,
    email: &str,
    confirm_link: &str,
    unsubscribe_link: &str,
) -> anyhow::Result<NewMail> {
    let details = vec![(
        ui.t("newsletter-unsubscribe-label").to_owned(),
        unsubscribe_link.to_owned(),
    )];
    Notice {
        recipient: email,
        lang: ui.lang(),
        subject: ui.t("newsletter-mail-subject").to_owned(),
        heading: ui.t("newsletter-mail-heading"),
        intro: ui.t("newsletter-mail-intro"),
        details: &details,
        link: confirm_link,
        link_label: ui.t("newsletter-confirm-button"),
        attachment: None,
    }
    .render()
}
