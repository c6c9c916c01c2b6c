//! Consultation booking: consultants and their availability, the free slots it leaves, and bookings
//! that can never overlap.
pub mod admin;
pub mod confirmation;
pub mod consultant_store;
pub mod consultants;
pub mod mails;
pub mod model;
pub mod public;
pub mod request;
pub mod seed;
pub mod slots;
pub mod store;

use crate::i18n::Localized;
use crate::web::state::{AppState, Teaser};

/// Reads the bookable consultants the consultant card block shows again (at start, after a change
/// here or on another instance).
pub async fn refresh(state: &AppState) -> anyhow::Result<()> {
    let consultants = consultant_store::active_consultants(&state.db).await?;
    let languages = state.config.languages.all();
    state.set_teasers(
        crate::content::library_view::CONSULTANTS,
        consultants
            .into_iter()
            .map(|c| Teaser {
                title: languages.iter().fold(Localized::new(), |name, lang| {
                    name.with(*lang, c.name.clone())
                }),
                summary: c.title,
                when: c.bio,
                path: format!("book?consultant={}", c.id),
                until: None,
                group: Some(c.id.to_string()),
                image: c.photo,
            })
            .collect(),
    );
    Ok(())
}

/// After an editor changed a consultant: the card list again, and the pages with a consultant card
/// forgotten.
pub async fn changed(state: &AppState) -> anyhow::Result<()> {
    let shown = crate::content::Change::Shown(&["consultant"]);
    crate::content::changes::changed(state, shown, refresh(state)).await?;
    Ok(())
}
