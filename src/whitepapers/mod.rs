//! Gated whitepapers: a library of PDFs, each behind a short lead form. The address must be real,
//! so the download link goes to the inbox (double opt-in); a reader who confirmed once is
//! remembered by a signed first-party cookie and gets the next whitepaper in one click. The footer
//! and the teaser block show the latest from [`refresh`]'s list.
pub mod admin;
pub mod admin_leads;
pub mod download;
pub mod findable;
pub mod form;
pub mod lead_store;
pub mod mails;
pub mod model;
pub mod pdf;
pub mod public;
pub mod reader;
pub mod request;
pub mod seed;
pub mod store;

use crate::i18n::Localized;
use crate::web::state::{AppState, Teaser};

/// The name of the whitepapers' teaser list (the footer column, the teaser block).
pub const TEASERS: &str = crate::content::blocks::WhitepaperTeaser::LIST;

/// How many of the latest whitepapers the footer and teaser blocks can choose from (a block may ask
/// for one category's).
const TEASERS_KEPT: usize = 200;

/// Reads the published whitepapers the site's frame shows again (after a change here or on another
/// instance).
pub async fn refresh(state: &AppState) -> anyhow::Result<()> {
    let papers = store::published(&state.db).await?;
    let languages = state.config.languages.all();
    state.set_teasers(
        TEASERS,
        papers
            .into_iter()
            .take(TEASERS_KEPT)
            .map(|w| Teaser {
                when: languages.iter().fold(Localized::new(), |when, lang| {
                    when.with(*lang, public::date_text(w.published_on, *lang))
                }),
                summary: w.summary,
                title: w.title,
                path: format!("whitepapers/{}", w.slug),
                until: None,
                group: w.category.map(|c| c.key),
                image: None,
            })
            .collect(),
    );
    Ok(())
}

/// After an editor changed a whitepaper: the frame's list again, and the pages whose whitepaper
/// teaser blocks show the list forgotten (every page when the footer's list changed), other
/// instances told and a CDN purged, as for a page.
pub async fn changed(state: &AppState) -> anyhow::Result<()> {
    let shown = crate::content::Change::Shown(&["whitepaper_teaser"]);
    crate::content::changes::changed(state, shown, refresh(state)).await?;
    Ok(())
}
