//! Mails to a lead's owner, in the owner's language: a lead was assigned to them, and a lead's
//! follow-up day has come.
use super::model::Lead;
use crate::i18n::{Catalog, Lang};
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;

fn details(ui: &crate::i18n::Messages, lead: &Lead) -> Vec<(String, String)> {
    let mut details = vec![
        (ui.t("field-name").to_owned(), lead.name.clone()),
        (ui.t("login-email").to_owned(), lead.email.clone()),
    ];
    if !lead.company.is_empty() {
        details.push((ui.t("lead-company").to_owned(), lead.company.clone()));
    }
    let path = lead.lead_path().map_or("", |p| ui.t(p.label_id()));
    details.push((ui.t("lead-path").to_owned(), path.to_owned()));
    if !lead.subject.is_empty() {
        details.push((ui.t("lead-subject").to_owned(), lead.subject.clone()));
    }
    if let Some(day) = &lead.follow_up_on {
        details.push((ui.t("lead-follow-up").to_owned(), day.clone()));
    }
    details
}

/// To the lead's (new) owner; `None` when it has none.
pub fn assigned(
    catalog: &Catalog,
    default: Lang,
    lead: &Lead,
    base_url: &str,
) -> anyhow::Result<Option<NewMail>> {
    owner_mail(
        catalog,
        default,
        lead,
        base_url,
        "lead-assigned-subject",
        "lead-assigned-intro",
    )
}

/// To the lead's owner on its follow-up day; `None` when it has none.
pub fn follow_up(
    catalog: &Catalog,
    default: Lang,
    lead: &Lead,
    base_url: &str,
) -> anyhow::Result<Option<NewMail>> {
    owner_mail(
        catalog,
        default,
        lead,
        base_url,
        "lead-follow-up-subject",
        "lead-follow-up-intro",
    )
}

fn owner_mail(
    catalog: &Catalog,
    default: Lang,
    lead: &Lead,
    base_url: &str,
    subject: &str,
    intro: &str,
) -> anyhow::Result<Option<NewMail>> {
    let Some(to) = &lead.owner_email else {
        return Ok(None);
    };
    let lang = lead
        .owner_language
        .as_deref()
        .and_then(|l| Lang::parse(l).ok())
        .unwrap_or(default);
    let ui = catalog.messages(lang);
    let details = details(ui, lead);
    let link = format!("{base_url}/admin/leads/{}", lead.id);
    let args = [("name", lead.name.as_str().into())];
    Notice {
        recipient: to,
        lang: ui.lang(),
        subject: ui.t_args(subject, &args),
        heading: ui.t("lead-owner-heading"),
        intro: ui.t(intro),
        details: &details,
        link: &link,
        link_label: ui.t("lead-open"),
        attachment: None,
    }
    .render()
    .map(Some)
}
