//! Sends newsletter issues. When an issue's time comes, one instance starts it (its mails rendered,
//! a delivery row per recipient); then every instance's sender claims deliveries at the site's pace
//! (`MAGNETIQ_MAIL_RATE` a minute, one shared pace) and sends each one over SMTP with the
//! recipient's own unsubscribe address.
//!
//! Exactly once: a delivery is claimed for a lease, sent only while the claim still holds with
//! time to spare for the SMTP exchange, and marked sent as soon as the server accepted it. A sender
//! that dies leaves its claims to run out; another (or the restarted one) sends them then. Only a
//! process killed between the server's "250 OK" and the row's update can send a mail twice.
//! A permanent refusal (SMTP 5xx) marks the subscriber bounced; a temporary one is retried with the
//! outbox's backoff.
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncTransport, Message};

use super::delivery_store::{self, Claimed};
use super::model::{RenderedMail, UNSUBSCRIBE_MARK};
use super::store;
use crate::outbox::worker::{MAX_ATTEMPTS, Transport, backoff};
use crate::web::state::AppState;

/// How long claimed deliveries are one sender's alone.
pub const LEASE: SignedDuration = SignedDuration::from_secs(30);
/// What must be left of a claim to start an SMTP exchange (the transport's timeout and more).
const MARGIN: SignedDuration = SignedDuration::from_secs(22);
/// The most deliveries one round claims.
const BATCH: i64 = 20;

/// Everything a sender needs.
pub struct Sender {
    pub transport: Transport,
    pub from: Mailbox,
    /// `<newsletter.example.com>`: the `List-Id` of every issue.
    pub list_id: String,
}

impl Sender {
    pub fn new(state: &AppState, transport: Transport, from: Mailbox) -> Sender {
        let host = state
            .config
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost")
            .to_owned();
        Sender {
            transport,
            from,
            list_id: format!(
                "{} <newsletter.{host}>",
                state.config.site_name.replace(['<', '>', '"'], "")
            ),
        }
    }
}

/// The time between two mails at `per_minute`.
pub fn interval(per_minute: u32) -> SignedDuration {
    SignedDuration::from_nanos(60_000_000_000 / i64::from(per_minute.max(1)))
}

/// Runs until the process ends.
pub fn spawn(state: actix_web::web::Data<AppState>, sender: Sender) {
    tokio::spawn(async move {
        let pause = Duration::from_millis(
            (interval(state.config.mail_rate).as_millis() as u64).clamp(20, 1000),
        );
        loop {
            match round(&state, &sender, Timestamp::now()).await {
                Ok(0) => tokio::time::sleep(pause.max(Duration::from_millis(500))).await,
                Ok(_) => tokio::time::sleep(pause).await,
                Err(error) => {
                    tracing::warn!(%error, "newsletter: sending round failed");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    });
}

/// One round: starts what is due, sends what the pace allows, marks finished issues sent; returns
/// how many mails were handed to the mail server.
pub async fn round(state: &AppState, sender: &Sender, now: Timestamp) -> anyhow::Result<usize> {
    start_due(state, now).await?;
    let claimed = delivery_store::claim(
        &state.db,
        now,
        interval(state.config.mail_rate),
        BATCH,
        LEASE,
    )
    .await?;
    let mut mails: BTreeMap<i64, BTreeMap<String, RenderedMail>> = BTreeMap::new();
    for delivery in &claimed {
        if let Entry::Vacant(slot) = mails.entry(delivery.issue_id) {
            let rendered = store::rendered(&state.db, delivery.issue_id)
                .await?
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or_default();
            slot.insert(rendered);
        }
    }
    // One after another: a mail the server accepted is marked sent before the next one goes, so
    // a process killed mid-send leaves at most one mail in doubt (sending several at once would
    // leave as many).
    let mut sent = 0;
    for delivery in claimed {
        let Some(issue_mails) = mails.get(&delivery.issue_id) else {
            continue;
        };
        if send_one(state, sender, issue_mails, &delivery).await? {
            sent += 1;
        }
    }
    delivery_store::finish_done(&state.db, Timestamp::now()).await?;
    Ok(sent)
}

/// Starts every issue whose time has come (another instance may be first: then nothing happens).
pub async fn start_due(state: &AppState, now: Timestamp) -> anyhow::Result<()> {
    for id in store::due(&state.db, now).await? {
        let Some(issue) = store::get(&state.db, id).await? else {
            continue;
        };
        let languages = state.config.languages.all();
        let resolved = super::render::resolve(state, &issue).await?;
        let rendered = resolved.mails(&issue, languages, &state.catalog)?;
        let written = super::render::written_in(&issue, languages);
        let default = state.config.languages.default_lang();
        if let Some(recipients) =
            delivery_store::start(&state.db, id, &rendered, &written, default.as_str(), now).await?
        {
            tracing::info!(issue = id, recipients, "newsletter: sending started");
        }
    }
    Ok(())
}

/// Sends one claimed delivery; whether the mail server took it.
async fn send_one(
    state: &AppState,
    sender: &Sender,
    mails: &BTreeMap<String, RenderedMail>,
    delivery: &Claimed,
) -> anyhow::Result<bool> {
    // Paused or cancelled meanwhile, or the claim ran out: left for later (or for nobody).
    if !delivery_store::still_held(&state.db, delivery.id, Timestamp::now(), MARGIN).await? {
        return Ok(false);
    }
    let Some(mail) = mails
        .get(&delivery.language)
        .or_else(|| mails.values().next())
    else {
        delivery_store::mark_failed(&state.db, delivery.id, "no rendered mail", None).await?;
        return Ok(false);
    };
    let lang = state
        .config
        .languages
        .find(&delivery.language)
        .unwrap_or_else(|| state.config.languages.default_lang());
    let unsubscribe = format!(
        "{}{}",
        state.config.base_url,
        crate::newsletter::public::unsubscribe_path(state, lang, delivery.subscriber_id)
    );
    let result = match message(sender, mail, &delivery.email, &unsubscribe) {
        Ok(message) => sender
            .transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| (e.is_permanent(), e.to_string())),
        // An address the mail library cannot write is as good as refused.
        Err(e) => Err((true, e.to_string())),
    };
    let finished = Timestamp::now();
    match result {
        Ok(()) => {
            delivery_store::mark_sent(&state.db, delivery.id, finished).await?;
            Ok(true)
        }
        Err((true, error)) => {
            tracing::warn!(delivery = delivery.id, %error, "newsletter: refused for good, the address is bounced");
            delivery_store::mark_bounced(&state.db, delivery.id, &error, finished).await?;
            Ok(false)
        }
        Err((false, error)) => {
            let attempts = delivery.attempts + 1;
            let retry_at = (attempts < MAX_ATTEMPTS).then(|| finished + backoff(attempts));
            tracing::warn!(delivery = delivery.id, attempts, %error, "newsletter: delivery failed");
            delivery_store::mark_failed(&state.db, delivery.id, &error, retry_at).await?;
            Ok(false)
        }
    }
}

/// The mail to one recipient: their unsubscribe address in the body and in `List-Unsubscribe`
/// (with RFC 8058's one-click `List-Unsubscribe-Post`), the list's `List-Id`, text and HTML.
pub fn message(
    sender: &Sender,
    mail: &RenderedMail,
    recipient: &str,
    unsubscribe: &str,
) -> anyhow::Result<Message> {
    let to: Mailbox = recipient.parse()?;
    let html_link = unsubscribe.replace('&', "&amp;").replace('"', "&quot;");
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(mail.text.replace(UNSUBSCRIBE_MARK, unsubscribe)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(mail.html.replace(UNSUBSCRIBE_MARK, &html_link)),
        );
    let header = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    Ok(Message::builder()
        .from(sender.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .raw_header(header("List-Id", sender.list_id.clone()))
        .raw_header(header("List-Unsubscribe", format!("<{unsubscribe}>")))
        .raw_header(header(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .raw_header(header("Precedence", "bulk".to_owned()))
        .multipart(body)?)
}
