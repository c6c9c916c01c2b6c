//! The newsletter: sign-ups with double opt-in (only confirmed addresses count and are exported),
//! one-click unsubscribe on every mail (RFC 8058), and the subscriber list at `/admin/subscribers`.
//! The issues sent to subscribers are written and sent by `crate::mailings`.
pub mod admin;
pub mod mails;
pub mod public;
pub mod request;
pub mod store;

use crate::db::Tx;
use crate::i18n::Lang;
use crate::web::state::AppState;

/// A visitor ticked the newsletter box on another lead form (a webinar registration, a whitepaper
/// request, a built form): the address joins the newsletter with its double opt-in, inside the
/// lead's transaction, with the version of the box's sentence (`lead-marketing`) as its consent.
/// `confirmed_by` names the lead path whose own mailed link proves the address (the subscription
/// is confirmed with that click, no second mail); `""`: the newsletter's confirmation mail is sent.
pub async fn join_from_lead(
    tx: &mut Tx,
    state: &AppState,
    lang: Lang,
    email: &str,
    source_url: &str,
    confirmed_by: &str,
) -> anyhow::Result<store::Outcome> {
    let token = crate::tokens::random_token()?;
    let hash = crate::tokens::token_hash(&token);
    let ui = state.catalog.messages(lang);
    let consent_version = ui.version("lead-marketing");
    let base = &state.config.base_url;
    let new = store::SignUp {
        email,
        language: lang.as_str(),
        consent_version: &consent_version,
        source_url,
        token_hash: &hash,
    };
    store::join_in(tx, &new, confirmed_by, jiff::Timestamp::now(), |id| {
        let unsubscribe = format!("{base}{}", public::unsubscribe_path(state, lang, id));
        let confirm = format!("{base}/{lang}/newsletter/confirm/{token}");
        Ok((
            mails::confirmation(ui, email, &confirm, &unsubscribe)?,
            unsubscribe,
        ))
    })
    .await
}
