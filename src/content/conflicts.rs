//! An edit that collided: someone saved the page after the editor opened the form. The save is
//! refused and the stored page is shown beside what the editor typed, field by field.
use super::page_form::FormMap;
use crate::web::state::AppState;

/// A save refused because the page changed meanwhile.
pub(super) struct Conflict {
    /// Who saved meanwhile, and when.
    pub(super) by: String,
    pub(super) at: String,
    pub(super) rows: Vec<ConflictRow>,
}

pub(super) struct ConflictRow {
    pub(super) field: String,
    pub(super) theirs: String,
    pub(super) yours: String,
}

impl ConflictRow {
    pub(super) fn differs(&self) -> bool {
        self.theirs.trim() != self.yours.trim()
    }
}

/// The stored page beside what the editor typed: the address, then title, summary and description
/// per language.
pub(super) fn conflict_rows(
    state: &AppState,
    ui: &crate::i18n::Messages,
    current: &super::model::Page,
    form: &FormMap,
) -> Vec<ConflictRow> {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let mut rows = vec![ConflictRow {
        field: ui.t("field-slug").to_owned(),
        theirs: current.slug.to_string(),
        yours: get("slug"),
    }];
    for lang in state.config.languages.all() {
        for (name, stored) in [
            ("title", &current.title),
            ("summary", &current.summary),
            ("meta_description", &current.meta_description),
        ] {
            rows.push(ConflictRow {
                field: format!(
                    "{} ({lang})",
                    ui.t(&format!("field-{}", name.replace('_', "-")))
                ),
                theirs: stored.exact(*lang).cloned().unwrap_or_default(),
                yours: get(&format!("{name}.{lang}")),
            });
        }
    }
    rows
}
