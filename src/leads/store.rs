//! Every SQL statement about the inbox's leads.
use jiff::Timestamp;

use super::NewLead;
use super::model::{Lead, LeadPath, LeadStatus};
use crate::db::{Db, Sql, Tx, sql};

const SELECT: &str = "SELECT l.id, l.path, l.email, l.name, l.company, l.language, l.subject, l.source_url,
            l.utm_source, l.utm_medium, l.utm_campaign, l.status, l.owner_id, u.display_name AS owner_name,
            u.email AS owner_email, u.language AS owner_language, l.notes, l.follow_up_on, l.created_at, l.updated_at, l.booking_id,
            l.registration_id, r.webinar_id, l.whitepaper_lead_id, l.message_id, l.submission_id
     FROM leads AS l
     LEFT JOIN users AS u ON u.id = l.owner_id
     LEFT JOIN webinar_registrations AS r ON r.id = l.registration_id";

/// Inserts the lead of a path's new row; `None` when that row has its lead already.
pub(super) async fn insert(
    tx: &mut Tx,
    new: &NewLead<'_>,
    now: Timestamp,
) -> anyhow::Result<Option<i64>> {
    let column = new.path.column();
    Ok(Sql::assembled(format!(
        "INSERT INTO leads (path, {column}, email, name, company, language, subject, source_url, utm_source,
                            utm_medium, utm_campaign, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $12)
         ON CONFLICT ({column}) DO NOTHING
         RETURNING id"
    ))
    .bind(new.path.key())
    .bind(new.record_id)
    .bind(new.email)
    .bind(new.name)
    .bind(new.company)
    .bind(new.language)
    .bind(cut(new.subject, 200))
    .bind(cut(&new.source.url, 500))
    .bind(&new.source.utm_source)
    .bind(&new.source.utm_medium)
    .bind(&new.source.utm_campaign)
    .bind(now)
    .scalar_optional(tx)
    .await?)
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

pub async fn lead(db: &Db, id: i64) -> anyhow::Result<Option<Lead>> {
    Ok(Sql::assembled(format!("{SELECT} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

pub(super) async fn lead_in(tx: &mut Tx, id: i64) -> anyhow::Result<Option<Lead>> {
    Ok(Sql::assembled(format!("{SELECT} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(tx)
        .await?)
}

/// Whose leads the inbox shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Anyone,
    Nobody,
    User(i64),
}

/// The inbox's filters, each optional.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub path: Option<LeadPath>,
    pub status: Option<LeadStatus>,
    pub owner: Option<Owner>,
    /// Created on or after (UTC, from the start of a day in the site's zone).
    pub from: Option<Timestamp>,
    /// Created before.
    pub until: Option<Timestamp>,
    /// `utm_campaign`, as stored.
    pub campaign: Option<String>,
    /// Only leads whose follow-up date is before this day ('YYYY-MM-DD') and that are still open.
    pub overdue_before: Option<String>,
}

impl Filters {
    /// The WHERE clause and its values, numbered from `$1`.
    fn clause(&self) -> (String, Vec<crate::db::query::Value>) {
        let mut parts = Vec::new();
        let mut values: Vec<crate::db::query::Value> = Vec::new();
        let next = |value: crate::db::query::Value, values: &mut Vec<_>| {
            values.push(value);
            format!("${}", values.len())
        };
        if let Some(path) = self.path {
            parts.push(format!("l.path = {}", next(path.key().into(), &mut values)));
        }
        if let Some(status) = self.status {
            parts.push(format!(
                "l.status = {}",
                next(status.key().into(), &mut values)
            ));
        }
        match self.owner {
            None | Some(Owner::Anyone) => {}
            Some(Owner::Nobody) => parts.push("l.owner_id IS NULL".to_owned()),
            Some(Owner::User(id)) => {
                parts.push(format!("l.owner_id = {}", next(id.into(), &mut values)));
            }
        }
        if let Some(from) = self.from {
            parts.push(format!(
                "l.created_at >= {}",
                next(from.into(), &mut values)
            ));
        }
        if let Some(until) = self.until {
            parts.push(format!(
                "l.created_at < {}",
                next(until.into(), &mut values)
            ));
        }
        if let Some(campaign) = &self.campaign {
            parts.push(format!(
                "l.utm_campaign = {}",
                next(campaign.clone().into(), &mut values)
            ));
        }
        if let Some(day) = &self.overdue_before {
            parts.push(format!(
                "l.follow_up_on < {} AND l.status IN ('new', 'contacted', 'qualified')",
                next(day.clone().into(), &mut values)
            ));
        }
        let clause = if parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", parts.join(" AND "))
        };
        (clause, values)
    }
}

/// The leads matching `filters`, newest first.
pub async fn list(
    db: &Db,
    filters: &Filters,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<Lead>> {
    let (clause, values) = filters.clause();
    let n = values.len();
    let mut query = Sql::assembled(format!(
        "{SELECT}{clause} ORDER BY l.created_at DESC, l.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    ));
    for value in values {
        query = query.bind(value);
    }
    Ok(query.bind(limit).bind(offset).fetch_all(db).await?)
}

pub async fn count(db: &Db, filters: &Filters) -> anyhow::Result<i64> {
    let (clause, values) = filters.clause();
    let mut query = Sql::assembled(format!("SELECT count(*) FROM leads AS l{clause}"));
    for value in values {
        query = query.bind(value);
    }
    Ok(query.scalar(db).await?)
}

/// The campaigns leads came with, for the filter.
pub async fn campaigns(db: &Db) -> anyhow::Result<Vec<String>> {
    Ok(sql(
        "SELECT DISTINCT utm_campaign FROM leads WHERE utm_campaign <> '' ORDER BY utm_campaign LIMIT 200",
    )
    .scalars(db)
    .await?)
}

/// What a save changes: every field of the lead's work.
pub struct Change<'a> {
    pub status: LeadStatus,
    pub owner_id: Option<i64>,
    pub notes: &'a str,
    pub follow_up_on: Option<&'a str>,
}

/// The lead before and after a change, for the events and mails it causes.
pub struct Changed {
    pub before: Lead,
    pub after: Lead,
}

impl Changed {
    pub fn status_changed(&self) -> bool {
        self.before.status != self.after.status
    }

    pub fn owner_changed(&self) -> bool {
        self.before.owner_id != self.after.owner_id
    }
}

/// Applies `change` to the lead, and hands what the change means on (a `lead.status_changed`
/// event, the new owner's mail, made by `assigned`) in the same transaction; `None`: no such lead.
pub async fn change(
    db: &Db,
    id: i64,
    change: &Change<'_>,
    base_url: &str,
    assigned: &(dyn Fn(&Lead) -> anyhow::Result<Option<crate::outbox::store::NewMail>> + Sync),
) -> anyhow::Result<Option<Changed>> {
    let mut tx = db.begin().await?;
    let changed = change_in(&mut tx, id, change, base_url, assigned).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The same change for many leads at once (each as [`change`] would, in one transaction), only
/// the fields `status` and `owner` when given; returns how many leads there were.
pub async fn change_many(
    db: &Db,
    ids: &[i64],
    status: Option<LeadStatus>,
    owner: Option<Option<i64>>,
    base_url: &str,
    assigned: &(dyn Fn(&Lead) -> anyhow::Result<Option<crate::outbox::store::NewMail>> + Sync),
) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let mut changed = 0;
    for id in ids {
        let Some(before) = lead_in(&mut tx, *id).await? else {
            continue;
        };
        let change = Change {
            status: status.unwrap_or(before.lead_status()),
            owner_id: owner.unwrap_or(before.owner_id),
            notes: &before.notes,
            follow_up_on: before.follow_up_on.as_deref(),
        };
        if change_in(&mut tx, *id, &change, base_url, assigned)
            .await?
            .is_some()
        {
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(changed)
}

async fn change_in(
    tx: &mut Tx,
    id: i64,
    change: &Change<'_>,
    base_url: &str,
    assigned: &(dyn Fn(&Lead) -> anyhow::Result<Option<crate::outbox::store::NewMail>> + Sync),
) -> anyhow::Result<Option<Changed>> {
    tx.lock_name(&format!("lead:{id}")).await?;
    let Some(before) = lead_in(tx, id).await? else {
        return Ok(None);
    };
    sql("UPDATE leads SET status = $1, owner_id = $2, notes = $3, follow_up_on = $4, updated_at = $5,
                          follow_up_reminded = CASE WHEN follow_up_on = $4 THEN follow_up_reminded ELSE NULL END
         WHERE id = $6")
    .bind(change.status.key())
    .bind(change.owner_id)
    .bind(change.notes)
    .bind(change.follow_up_on)
    .bind(Timestamp::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let after = lead_in(tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("lead {id} vanished inside its own transaction"))?;
    let changed = Changed { before, after };
    if changed.status_changed() {
        crate::webhooks::queue(
            tx,
            crate::webhooks::Event::LeadStatusChanged,
            &changed.after.email,
            serde_json::json!({
                "lead": changed.after.payload(base_url),
                "previous_status": changed.before.status,
            }),
        )
        .await?;
    }
    if changed.owner_changed()
        && let Some(mail) = assigned(&changed.after)?
    {
        crate::outbox::store::enqueue_placed(
            tx,
            &mail,
            &crate::outbox::store::Placement {
                inbox_lead_id: Some(id),
                purpose: "lead-assigned",
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(Some(changed))
}

/// For the dashboard: new leads, and open leads whose follow-up day is before `today`.
pub async fn new_and_overdue(db: &Db, today: &str) -> anyhow::Result<(i64, i64)> {
    Ok(sql(
        "SELECT count(*) FILTER (WHERE status = 'new'),
                count(*) FILTER (WHERE follow_up_on < $1 AND status IN ('new', 'contacted', 'qualified'))
         FROM leads",
    )
    .bind(today)
    .fetch_one(db)
    .await?)
}

/// Open leads with an owner whose follow-up day has come (on or before `today`) and who was not
/// reminded of that day yet: the reminders to send.
pub async fn due_reminders(db: &Db, today: &str) -> anyhow::Result<Vec<Lead>> {
    Ok(Sql::assembled(format!(
        "{SELECT} WHERE l.owner_id IS NOT NULL AND l.follow_up_on <= $1
                    AND l.status IN ('new', 'contacted', 'qualified')
                    AND (l.follow_up_reminded IS NULL OR l.follow_up_reminded <> l.follow_up_on)
         ORDER BY l.id LIMIT 100"
    ))
    .bind(today)
    .fetch_all(db)
    .await?)
}

/// Marks the reminder of `lead`'s follow-up day sent and queues its mail, once: another instance
/// that got there first makes this a no-op (`false`).
pub async fn remind_once(
    db: &Db,
    lead: &Lead,
    mail: &crate::outbox::store::NewMail,
) -> anyhow::Result<bool> {
    let Some(day) = &lead.follow_up_on else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    let claimed = sql(
        "UPDATE leads SET follow_up_reminded = $1
         WHERE id = $2 AND follow_up_on = $1 AND (follow_up_reminded IS NULL OR follow_up_reminded <> $1)",
    )
    .bind(day.as_str())
    .bind(lead.id)
    .execute(&mut tx)
    .await?;
    if claimed == 1 {
        crate::outbox::store::enqueue_placed(
            &mut tx,
            mail,
            &crate::outbox::store::Placement {
                inbox_lead_id: Some(lead.id),
                purpose: "lead-follow-up",
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(claimed == 1)
}

/// A person's leads in the inbox, newest first (their export: status, owner and notes are about
/// them too).
pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Vec<Lead>> {
    Ok(Sql::assembled(format!(
        "{SELECT} WHERE l.email = $1 ORDER BY l.created_at DESC"
    ))
    .bind(email)
    .fetch_all(db)
    .await?)
}
