//! The mails of accounts: an invitation to the admin panel and a link to choose a new password, each
//! in the recipient's language with the one link it is about.
use crate::i18n::Messages;
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

pub struct Invite<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub inviter: &'a str,
    pub role: &'a str,
    pub site: &'a str,
    pub link: &'a str,
}

pub fn invitation(ui: &Messages, invite: &Invite<'_>) -> anyhow::Result<NewMail> {
    let args = [
        ("name", invite.name.into()),
        ("inviter", invite.inviter.into()),
        ("role", ui.t(invite.role).into()),
        ("site", invite.site.into()),
    ];
    let intro = ui.t_args("invitation-mail-intro", &args);
    let details = vec![
        (ui.t("login-email").to_owned(), invite.email.to_owned()),
        (
            ui.t("field-user-role").to_owned(),
            ui.t(invite.role).to_owned(),
        ),
        (
            ui.t("invitation-valid").to_owned(),
            ui.t("invitation-valid-text").to_owned(),
        ),
    ];
    Notice {
        recipient: invite.email,
        lang: ui.lang(),
        subject: ui.t_args("invitation-mail-subject", &args),
        heading: ui.t("invitation-mail-heading"),
        intro: &intro,
        details: &details,
        link: invite.link,
        link_label: ui.t("invitation-choose-password"),
        attachment: None,
    }
    .render()
}

pub fn password_reset(
    ui: &Messages,
    email: &str,
    site: &str,
    link: &str,
) -> anyhow::Result<NewMail> {
    let args = [("site", site.into())];
    let intro = ui.t_args("reset-mail-intro", &args);
    let details = vec![(
        ui.t("invitation-valid").to_owned(),
        ui.t("reset-valid-text").to_owned(),
    )];
    Notice {
        recipient: email,
        lang: ui.lang(),
        subject: ui.t_args("reset-mail-subject", &args),
        heading: ui.t("reset-mail-heading"),
        intro: &intro,
        details: &details,
        link,
        link_label: ui.t("reset-choose-password"),
        attachment: None,
    }
    .render()
}
