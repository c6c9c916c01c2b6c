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

/// Tells a person that how they sign in changed (`action`: `two-factor-enabled`,
/// `two-factor-disabled`, `recovery-codes-renewed`, `password-changed`), with the link to their
/// security page, in case it was not them.
pub fn sign_in_changed(
    ui: &Messages,
    email: &str,
    site: &str,
    action: &str,
    link: &str,
) -> anyhow::Result<NewMail> {
    let args = [("site", site.into())];
    let what = ui.t(match action {
        "two-factor-enabled" => "sign-in-changed-two-factor-enabled",
        "two-factor-disabled" => "sign-in-changed-two-factor-disabled",
        "recovery-codes-renewed" => "sign-in-changed-recovery-codes-renewed",
        _ => "sign-in-changed-password-changed",
    });
    let details = vec![(ui.t("sign-in-changed-what").to_owned(), what.to_owned())];
    Notice {
        recipient: email,
        lang: ui.lang(),
        subject: ui.t_args("sign-in-changed-subject", &args),
        heading: ui.t("sign-in-changed-heading"),
        intro: ui.t("sign-in-changed-intro"),
        details: &details,
        link,
        link_label: ui.t("sign-in-changed-link"),
        attachment: None,
    }
    .render()
}
