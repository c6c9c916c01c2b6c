//! An audit entry as an admin reads it: the action in the admin's language, and what it touched
//! named and linked ("Page 13" → `/admin/pages/13`) instead of the stored code.
use crate::audit::AuditEntry;
use crate::db::DbTime;
use crate::i18n::Messages;

pub struct AuditLine {
    pub at: DbTime,
    pub who: String,
    pub action: String,
    /// What the action touched, in the admin's language ("Seite 13"); empty for none.
    pub target: String,
    /// Where that thing is edited, while it still exists.
    pub link: Option<String>,
    /// The rest of the stored target, such as a file name or a count.
    pub detail: String,
    pub ip: String,
}

impl AuditLine {
    pub fn of(entry: AuditEntry, ui: &Messages) -> AuditLine {
        let action = ui
            .get(&format!("audit-action-{}", entry.action))
            .map_or_else(|| entry.action.clone(), str::to_owned);
        let stored = entry.target.unwrap_or_default();
        let gone = entry.action.ends_with("-deleted") || entry.action.ends_with("-erased");
        let (target, link, detail) = match thing(&stored) {
            Some((kind, id, rest)) => (
                ui.t_args(
                    &format!("audit-target-{kind}"),
                    &[("id", id.to_owned().into())],
                ),
                (!gone).then(|| link(kind, id)).flatten(),
                rest.trim_start_matches([',', ' ']).to_owned(),
            ),
            None => (String::new(), None, stored),
        };
        AuditLine {
            at: entry.at,
            who: entry.user_email.unwrap_or_default(),
            action,
            target,
            link,
            detail,
            ip: entry.ip.unwrap_or_default(),
        }
    }
}

const KINDS: [&str; 12] = [
    "page",
    "booking",
    "media",
    "webinar",
    "user",
    "consultant",
    "mail",
    "redirect",
    "lead",
    "invitation",
    "inbox-lead",
    "webhook",
];

/// "page 13 (Über uns)" → ("page", "13", " (Über uns)"), for the kinds the log names.
fn thing(target: &str) -> Option<(&'static str, &str, &str)> {
    let (word, rest) = target.split_once(' ')?;
    let kind = KINDS.into_iter().find(|k| *k == word)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0).then(|| (kind, &rest[..end], &rest[end..]))
}

fn link(kind: &str, id: &str) -> Option<String> {
    Some(match kind {
        "page" => format!("/admin/pages/{id}"),
        "booking" => format!("/admin/bookings/{id}"),
        "media" => format!("/admin/media/{id}"),
        "webinar" => format!("/admin/webinars/{id}"),
        "user" => format!("/admin/users/{id}"),
        "consultant" => format!("/admin/consultants/{id}"),
        "mail" => format!("/admin/outbox/{id}"),
        "redirect" => "/admin/redirects".to_owned(),
        "lead" => "/admin/whitepapers/leads".to_owned(),
        "invitation" => "/admin/users".to_owned(),
        "inbox-lead" => format!("/admin/leads/{id}"),
        "webhook" => format!("/admin/webhooks/{id}"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Languages};

    #[test]
    fn the_stored_target_splits_into_kind_number_and_detail() {
        assert_eq!(thing("page 13"), Some(("page", "13", "")));
        assert_eq!(
            thing("media 4 (logo.png, Logo.png)"),
            Some(("media", "4", " (logo.png, Logo.png)"))
        );
        assert_eq!(
            thing("webinar 2, registration 7 (cancelled)"),
            Some(("webinar", "2", ", registration 7 (cancelled)"))
        );
        assert_eq!(thing("site"), None);
        assert_eq!(thing("12 bookings"), None);
        assert_eq!(thing("page x"), None);
    }

    #[test]
    fn every_action_has_a_label_in_every_admin_language() {
        let languages = Languages::parse("en,de").unwrap();
        let catalog = Catalog::load(&languages).unwrap();
        for lang in languages.all() {
            let ui = catalog.messages(*lang);
            for action in crate::audit::ACTIONS {
                let id = format!("audit-action-{action}");
                assert!(ui.get(&id).is_some(), "{lang}: no label {id}");
            }
            for kind in KINDS {
                let id = format!("audit-target-{kind}");
                assert!(
                    ui.get(&id).is_none(),
                    "{id} takes a number, so it is not plain"
                );
                assert_ne!(ui.t_args(&id, &[("id", "1".into())]), id, "{lang}: no {id}");
            }
        }
    }
}
