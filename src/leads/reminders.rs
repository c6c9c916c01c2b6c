//! Follow-up reminders: on a lead's follow-up day its owner gets one mail (once per date, however
//! many instances run), and the dashboard shows open leads whose day has passed as overdue.
use std::time::Duration;

use crate::web::state::AppState;

const EVERY: Duration = Duration::from_secs(60);

/// Today in the site's zone, `YYYY-MM-DD`: the day follow-up dates are compared with.
pub fn today(state: &AppState) -> String {
    let zone = jiff::tz::TimeZone::get(&state.config.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    zone.to_datetime(jiff::Timestamp::now()).date().to_string()
}

/// Queues the reminders due today; returns how many.
pub async fn send_due(state: &AppState) -> anyhow::Result<usize> {
    let today = today(state);
    let default = state.config.languages.default_lang();
    let mut queued = 0;
    for lead in super::store::due_reminders(&state.db, &today).await? {
        let Some(mail) =
            super::mails::follow_up(&state.catalog, default, &lead, &state.config.base_url)?
        else {
            continue;
        };
        if super::store::remind_once(&state.db, &lead, &mail).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Checks every minute until the process ends.
pub fn spawn(state: actix_web::web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            match send_due(&state).await {
                Ok(0) => {}
                Ok(queued) => tracing::info!(queued, "leads: follow-up reminders queued"),
                Err(error) => tracing::warn!(%error, "leads: follow-up reminders failed"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
