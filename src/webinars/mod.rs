//! The knowledge program: webinars visitors register for, with seats that never oversell, a
//! waitlist, reminders without a scheduler (outbox rows due at their time), calendar files, and the
//! editors' side. The footer and the teaser block show the next webinars from [`refresh`]'s list.
pub mod admin;
pub mod admin_registrations;
pub mod confirmation;
pub mod findable;
pub mod form;
pub mod mails;
pub mod model;
pub mod public;
pub mod registration;
pub mod registration_store;
pub mod seat_store;
pub mod seed;
pub mod store;

use crate::i18n::Localized;
use crate::web::state::{AppState, Teaser};

/// How many upcoming webinars the footer and teaser blocks can choose from.
const TEASERS_KEPT: i64 = 12;

/// The name of the webinars' teaser list (the footer column, the teaser block).
pub const TEASERS: &str = crate::content::blocks::WebinarTeaser::LIST;

/// Reads the upcoming webinars the site's frame shows again (after a change here or on another
/// instance, and now and then, as webinars begin).
pub async fn refresh(state: &AppState) -> anyhow::Result<()> {
    let upcoming = store::upcoming(&state.db, jiff::Timestamp::now(), TEASERS_KEPT).await?;
    let languages = state.config.languages.all();
    state.set_teasers(
        TEASERS,
        upcoming
            .into_iter()
            .map(|w| Teaser {
                when: languages.iter().fold(Localized::new(), |when, lang| {
                    when.with(*lang, mails::when(w.starts_at, w.zone_name(), *lang))
                }),
                summary: w.summary,
                title: w.title,
                path: format!("webinars/{}", w.slug),
                until: Some(crate::db::DbTime::from(w.starts_at).0),
                group: None,
                image: None,
            })
            .collect(),
    );
    Ok(())
}

/// After an editor changed a webinar: the frame's list again, and the pages whose webinar teaser
/// blocks show the list forgotten (every page when the footer's list changed), other instances
/// told and a CDN purged, as for a page.
pub async fn changed(state: &AppState) -> anyhow::Result<()> {
    let shown = crate::content::Change::Shown(&["webinar_teaser"]);
    crate::content::changes::changed(state, shown, refresh(state)).await?;
    Ok(())
}

/// Keeps the frame's list full: read again as each listed webinar begins (it leaves the list and
/// the next one joins), and at least hourly. Runs until the process ends.
pub fn keep_fresh(state: actix_web::web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            let now = time::OffsetDateTime::now_utc();
            let hour = std::time::Duration::from_secs(3600);
            let wait = state
                .teasers(TEASERS)
                .iter()
                .filter_map(|t| t.until)
                .find(|start| *start > now)
                .and_then(|start| std::time::Duration::try_from(start - now).ok())
                .map_or(hour, |until| until.min(hour));
            // A moment after the start, so the webinar that began is no longer "upcoming".
            tokio::time::sleep(wait + std::time::Duration::from_secs(1)).await;
            // The webinar that began leaves the list and one further out may join it: the pages
            // showing the list are made again (every page when the footer's part changed).
            if let Err(error) = changed(&state).await {
                tracing::warn!(%error, "cannot read the upcoming webinars again");
            }
        }
    });
}

/// Before a person is erased (`crate::people`): their seats and waitlist places in webinars still
/// to come are cancelled as their own cancel would, so whoever waits longest moves up and is told.
/// Returns how many were cancelled.
pub async fn cancel_before_erasure(state: &AppState, email: &str) -> anyhow::Result<u64> {
    let now = jiff::Timestamp::now();
    let site = public::site(state);
    let mut cancelled = 0;
    for (webinar_id, id) in registration_store::upcoming_places_of(&state.db, email, now).await? {
        let Some(w) = store::webinar(&state.db, webinar_id).await? else {
            continue;
        };
        let changed = registration_store::set_registration_status(
            &state.db,
            webinar_id,
            id,
            model::RegistrationStatus::Cancelled,
            now,
            |next| mails::promoted(&state.catalog, &w, next, &site, now),
        )
        .await?;
        if changed.is_ok() {
            cancelled += 1;
        }
    }
    Ok(cancelled)
}
