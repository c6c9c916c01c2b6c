//! Every SQL statement about the audit log.
use sqlx::FromRow;

use crate::db::{Db, DbTime, sql};

#[derive(Debug, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub user_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub at: DbTime,
}

/// Who did it: a signed-in user, or only the e-mail address someone typed (failed logins).
pub enum Actor<'a> {
    User { id: i64, email: &'a str },
    Typed(&'a str),
}

/// Writes one entry. Actions are short verbs like `login`, `login-failed`, `page-updated`.
pub async fn record(
    db: &Db,
    actor: Actor<'_>,
    action: &str,
    target: Option<&str>,
    ip: Option<&str>,
) -> anyhow::Result<()> {
    debug_assert!(
        crate::audit::ACTIONS.contains(&action),
        "the audit action {action} is not in audit::ACTIONS"
    );
    let (user_id, email) = match actor {
        Actor::User { id, email } => (Some(id), email),
        Actor::Typed(email) => (None, email),
    };
    sql(
        "INSERT INTO audit_log (user_id, user_email, action, target, ip, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(email)
    .bind(action)
    .bind(target)
    .bind(ip)
    .bind(crate::db::now())
    .execute(db)
    .await?;
    Ok(())
}

/// Newest first, `limit` entries after skipping `offset`.
pub async fn recent(db: &Db, limit: i64, offset: i64) -> anyhow::Result<Vec<AuditEntry>> {
    Ok(sql(
        "SELECT id, user_email, action, target, ip, at FROM audit_log ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count(db: &Db) -> anyhow::Result<i64> {
    Ok(sql("SELECT count(*) FROM audit_log").scalar(db).await?)
}

/// A CSV export of personal data (bookings, registrations, leads, messages, subscribers): the
/// download, and the audit entry that says who took `target` (never the rows themselves).
pub struct CsvExport<'a> {
    pub file_name: &'a str,
    pub header: &'a [&'a str],
    pub lines: &'a [Vec<String>],
    pub action: &'a str,
    pub target: &'a str,
}

impl CsvExport<'_> {
    pub async fn answer(
        self,
        db: &Db,
        user: &crate::web::auth::CurrentUser,
        req: &actix_web::HttpRequest,
    ) -> Result<actix_web::HttpResponse, crate::error::AppError> {
        let text = crate::web::export::csv_text(self.header, self.lines)?;
        record_action(db, user, req, self.action, self.target).await?;
        Ok(crate::web::export::csv_download(self.file_name, text))
    }
}

/// Records what a signed-in user did in this request (with the request's address).
pub async fn record_action(
    db: &Db,
    user: &crate::web::auth::CurrentUser,
    req: &actix_web::HttpRequest,
    action: &str,
    target: &str,
) -> Result<(), crate::error::AppError> {
    let actor = Actor::User {
        id: user.user.id,
        email: user.user.email.as_str(),
    };
    record(
        db,
        actor,
        action,
        Some(target),
        Some(&crate::web::auth::client_ip(req)),
    )
    .await?;
    Ok(())
}
