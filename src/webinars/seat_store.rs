//! Seats a script cannot fill. The key a registration keeps of its client (one client's count per
//! webinar), and the SQL of a seat confirmed by mail: a registration of a webinar that asks for it waits as
//! `unconfirmed`, holding nothing, until its mailed link is used; then it takes a seat (or a place
//! on the waitlist) exactly as a registration would have at that moment, under the webinar's lock.
use jiff::Timestamp;

use super::model::{Closed, Registration, RegistrationStatus, registration_state};
use crate::db::{Db, DbTime, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_to_visitor};
use crate::web::state::AppState;

/// How confirming went.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// A seat or a place on the waitlist, now.
    Now(RegistrationStatus),
    /// Confirmed before (or cancelled): nothing changed.
    Already,
    /// Every seat was taken meanwhile and there is no waitlist; still unconfirmed.
    Full,
    Closed(Closed),
}

/// Confirms registration `id` of webinar `webinar_id` and queues the mails `mails` makes for the
/// seat it got (confirmation, reminders), in one transaction.
pub async fn confirm_seat(
    db: &Db,
    webinar_id: i64,
    id: i64,
    now: Timestamp,
    mails: impl FnOnce(RegistrationStatus) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<Confirmed> {
    let mut tx = db.begin().await?;
    tx.lock_row("webinars", webinar_id).await?;
    let was: Option<String> = sql("SELECT status FROM webinar_registrations WHERE id = $1")
        .bind(id)
        .scalar_optional(&mut tx)
        .await?;
    if was.as_deref() != Some(RegistrationStatus::Unconfirmed.as_db()) {
        return Ok(Confirmed::Already);
    }
    let (status, starts_at, deadline, capacity, waitlist): (
        String,
        DbTime,
        Option<DbTime>,
        i64,
        bool,
    ) = sql(
        "SELECT status, starts_at, registration_deadline, capacity, waitlist FROM webinars WHERE id = $1",
    )
    .bind(webinar_id)
    .fetch_one(&mut tx)
    .await?;
    let registered: i64 =
        sql("SELECT coalesce((SELECT taken FROM webinar_seat_counts WHERE webinar_id = $1), 0)")
            .bind(webinar_id)
            .scalar(&mut tx)
            .await?;
    let seat = match registration_state(
        super::model::WebinarStatus::parse(&status).unwrap_or(super::model::WebinarStatus::Draft),
        starts_at.into(),
        deadline.map(Into::into),
        capacity,
        registered,
        waitlist,
        now,
    ) {
        Registration::Open => RegistrationStatus::Registered,
        Registration::Waitlist => RegistrationStatus::Waitlisted,
        Registration::Full => return Ok(Confirmed::Full),
        Registration::Closed(why) => return Ok(Confirmed::Closed(why)),
    };
    let email: String =
        sql("UPDATE webinar_registrations SET status = $1 WHERE id = $2 RETURNING email")
            .bind(seat.as_db())
            .bind(id)
            .scalar(&mut tx)
            .await?;
    // The mailed link proved the address: a newsletter sign-up ticked on the form counts as
    // confirmed by it.
    crate::newsletter::store::confirm_by_lead(
        &mut tx,
        &email,
        crate::leads::LeadPath::WebinarRegistration.key(),
        now,
    )
    .await?;
    for (mail, placement) in mails(seat)? {
        let placement = Placement {
            registration_id: Some(id),
            ..placement
        };
        enqueue_to_visitor(&mut tx, &mail, &placement).await?;
    }
    tx.commit().await?;
    Ok(Confirmed::Now(seat))
}

/// Deletes registrations whose address was never confirmed, made before `before` (retention);
/// their mails go with them. Returns how many.
pub async fn delete_unconfirmed_before(db: &Db, before: Timestamp) -> anyhow::Result<u64> {
    Ok(
        sql("DELETE FROM webinar_registrations WHERE status = 'unconfirmed' AND created_at < $1")
            .bind(before)
            .execute(db)
            .await?,
    )
}

/// The webinar of the registration whose link before the current one was `token` (someone
/// registered again and was mailed a new link).
pub async fn replaced_link(db: &Db, token: &str) -> anyhow::Result<Option<i64>> {
    Ok(
        sql("SELECT webinar_id FROM webinar_registrations WHERE previous_token_hash = $1")
            .bind(crate::tokens::token_hash(token))
            .scalar_optional(db)
            .await?,
    )
}

/// What a registration stores of the client that sent it: a keyed hash of its address and the
/// webinar, enough to count one client's registrations for one webinar and nothing more (it cannot
/// be turned back into the address, nor matched across webinars).
pub fn client_key(state: &AppState, webinar_id: i64, ip: &str) -> String {
    use blake2::{Blake2s256, Digest};
    // BLAKE2 is safe to key by prefixing (no length extension).
    let digest = Blake2s256::new()
        .chain_update(state.session_key.signing())
        .chain_update(b"|webinar-client|")
        .chain_update(webinar_id.to_string().as_bytes())
        .chain_update(b"|")
        .chain_update(ip.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
