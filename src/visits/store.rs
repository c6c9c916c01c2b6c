//! Every SQL statement about visit statistics: the day's salt, the day's visitor hashes, visit
//! profiles, and the daily sums the counter adds to (additively, so several instances add up).
//! What the dashboard reads is in `report.rs`.
use std::collections::{HashMap, HashSet};

use sqlx::FromRow;

use super::Profile;
use crate::db::query::Sql;
use crate::db::{Db, Tx, sql};

/// Rows per multi-row statement. Few: SQLite finds a numbered parameter's name by walking the
/// statement's list of them and sqlx asks for every parameter's name, so a statement's binding
/// costs the square of its parameters (200 rows of seven, 1,400 parameters, took 4 % of both
/// cores while 20,000 distinct pages were visited). 32 rows keep that small and the round trips few.
const ROWS_PER_STATEMENT: usize = 32;

/// The salt of `day`: the one another instance made already, or a new one. Salts and visitor
/// hashes of earlier days are deleted here, so they cannot be recomputed once the day is over.
pub async fn salt_of(db: &Db, day: &str, fresh: [u8; 16]) -> sqlx::Result<Vec<u8>> {
    let mut tx = db.begin().await?;
    sql("INSERT INTO visit_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
        .bind(day)
        .bind(fresh.as_slice())
        .execute(&mut tx)
        .await?;
    let salt: Vec<u8> = sql("SELECT salt FROM visit_salts WHERE day = $1")
        .bind(day)
        .scalar(&mut tx)
        .await?;
    sql("DELETE FROM visit_salts WHERE day < $1")
        .bind(day)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM visit_visitors WHERE day < $1")
        .bind(day)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM visit_seen WHERE day < $1")
        .bind(day)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(salt)
}

/// The id of `profile`, made when it is new.
pub async fn profile_id(tx: &mut Tx, profile: &Profile) -> sqlx::Result<i64> {
    let bind = |statement: Sql| {
        statement
            .bind(profile.entry_path.as_str())
            .bind(profile.referrer.as_str())
            .bind(profile.utm_source.as_str())
            .bind(profile.utm_medium.as_str())
            .bind(profile.utm_campaign.as_str())
            .bind(profile.device)
            .bind(profile.browser)
    };
    bind(sql(
        "INSERT INTO visit_profiles (entry_path, referrer, utm_source, utm_medium, utm_campaign, device, browser) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    ))
    .execute(&mut *tx)
    .await?;
    bind(sql(
        "SELECT id FROM visit_profiles WHERE entry_path = $1 AND referrer = $2 AND utm_source = $3 \
         AND utm_medium = $4 AND utm_campaign = $5 AND device = $6 AND browser = $7",
    ))
    .scalar(&mut *tx)
    .await
}

/// Numbered placeholders for `rows` rows of `width` values, e.g. `($1, $2), ($3, $4)`.
fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=width)
                .map(|i| format!("${}", row * width + i))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts the visitors in `new` (hash and profile) that no instance counted today yet; returns
/// those. Sorted, so two instances writing at once take their row locks in the same order.
pub async fn count_new_visitors(
    tx: &mut Tx,
    day: &str,
    new: &[(i64, i64)],
) -> sqlx::Result<HashSet<i64>> {
    let mut new = new.to_vec();
    new.sort_unstable();
    let mut counted = HashSet::new();
    for chunk in new.chunks(ROWS_PER_STATEMENT) {
        let mut statement = Sql::assembled(format!(
            "INSERT INTO visit_visitors (day, visitor, profile_id) VALUES {} \
             ON CONFLICT (day, visitor) DO NOTHING RETURNING visitor",
            placeholders(chunk.len(), 3)
        ));
        for (visitor, profile) in chunk {
            statement = statement.bind(day).bind(*visitor).bind(*profile);
        }
        counted.extend(statement.scalars::<i64>(&mut *tx).await?);
    }
    Ok(counted)
}

#[derive(FromRow)]
struct CountedVisitor {
    visitor: i64,
    profile_id: i64,
}

/// The profiles that today's visitors among `visitors` were counted with (by any instance).
pub async fn profiles_of(
    tx: &mut Tx,
    day: &str,
    visitors: &[i64],
) -> sqlx::Result<HashMap<i64, i64>> {
    let mut found = HashMap::new();
    for chunk in visitors.chunks(ROWS_PER_STATEMENT) {
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let mut statement = Sql::assembled(format!(
            "SELECT visitor, profile_id FROM visit_visitors WHERE day = $1 AND visitor IN ({})",
            list.join(", ")
        ))
        .bind(day);
        for visitor in chunk {
            statement = statement.bind(*visitor);
        }
        let rows: Vec<CountedVisitor> = statement.fetch_all(&mut *tx).await?;
        found.extend(rows.into_iter().map(|r| (r.visitor, r.profile_id)));
    }
    Ok(found)
}

/// Of the visitor-and-page hashes in `keys`, those no instance had seen today; they are now.
pub async fn first_seen(tx: &mut Tx, day: &str, keys: &[i64]) -> sqlx::Result<HashSet<i64>> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    let mut first = HashSet::new();
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let mut statement = Sql::assembled(format!(
            "INSERT INTO visit_seen (day, key) VALUES {} ON CONFLICT (day, key) DO NOTHING RETURNING key",
            placeholders(chunk.len(), 2)
        ));
        for key in chunk {
            statement = statement.bind(day).bind(*key);
        }
        first.extend(statement.scalars::<i64>(&mut *tx).await?);
    }
    Ok(first)
}

/// What a flush adds to one page's row of the day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSums {
    pub lang: String,
    pub views: i64,
    pub visitors: i64,
    pub entries: i64,
}

/// Adds `sums` (by path and profile) to the day's rows.
pub async fn add_page_sums(
    tx: &mut Tx,
    day: &str,
    sums: &HashMap<(std::sync::Arc<str>, i64), PageSums>,
) -> sqlx::Result<()> {
    let mut rows: Vec<_> = sums.iter().collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut statement = Sql::assembled(format!(
            "INSERT INTO visit_pages (day, path, profile_id, lang, views, visitors, entries) VALUES {} \
             ON CONFLICT (day, path, profile_id) DO UPDATE SET views = visit_pages.views + excluded.views, \
             visitors = visit_pages.visitors + excluded.visitors, entries = visit_pages.entries + excluded.entries",
            placeholders(chunk.len(), 7)
        ));
        for ((path, profile), sums) in chunk {
            statement = statement
                .bind(day)
                .bind(&**path)
                .bind(*profile)
                .bind(sums.lang.as_str())
                .bind(sums.views)
                .bind(sums.visitors)
                .bind(sums.entries);
        }
        statement.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Where a flush's leads go: path, the page the form was on, the visit profile; the language.
pub type LeadKey = (&'static str, String, i64);

/// Adds `leads` to the day's rows.
pub async fn add_leads(
    tx: &mut Tx,
    day: &str,
    leads: &HashMap<LeadKey, (String, i64)>,
) -> sqlx::Result<()> {
    let mut rows: Vec<_> = leads.iter().collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut statement = Sql::assembled(format!(
            "INSERT INTO visit_leads (day, kind, page, profile_id, lang, leads) VALUES {} \
             ON CONFLICT (day, kind, page, profile_id) DO UPDATE SET leads = visit_leads.leads + excluded.leads",
            placeholders(chunk.len(), 6)
        ));
        for ((kind, page, profile), (lang, count)) in chunk {
            statement = statement
                .bind(day)
                .bind(*kind)
                .bind(page.as_str())
                .bind(*profile)
                .bind(lang.as_str())
                .bind(*count);
        }
        statement.execute(&mut *tx).await?;
    }
    Ok(())
}
