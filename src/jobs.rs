//! The command line's jobs beside serving: migrate, seed the demo, rebuild the search index, copy
//! the database to another engine, back it up, create a user, reset someone's two-factor sign-in.
//! Each returns what to tell the operator.
use std::path::Path;

use crate::config::Config;
use crate::users::{Email, Role, password};
use crate::{content, db, webinars, whitepapers};

/// Rebuilds the site search's index from every page, webinar and whitepaper (`magnetiq reindex`,
/// and at start when it is missing); returns how many pages are findable and how many webinars and
/// whitepapers were looked at.
pub async fn reindex(db: &db::Db) -> anyhow::Result<(usize, usize, usize)> {
    let pages = content::findable::reindex_pages(db).await?;
    let webinars = webinars::findable::reindex(db).await?;
    let whitepapers = whitepapers::findable::reindex(db).await?;
    Ok((pages, webinars, whitepapers))
}

/// `magnetiq migrate`: the database created or brought up to date.
pub async fn migrate(config: &Config) -> anyhow::Result<String> {
    let pool = db::connect(&config.database_url, config.pool()).await?;
    pool.close().await;
    Ok(format!(
        "database at {} is up to date",
        db::redacted(&config.database_url)
    ))
}

/// `magnetiq reindex`.
pub async fn rebuild_search(config: &Config) -> anyhow::Result<String> {
    let pool = db::connect(&config.database_url, config.pool()).await?;
    db::settings::record_languages(&pool, &config.languages).await?;
    let started = std::time::Instant::now();
    let (pages, webinars, whitepapers) = reindex(&pool).await?;
    pool.close().await;
    Ok(format!(
        "search index rebuilt in {:.1} s: {pages} pages findable, {webinars} webinars and {whitepapers} whitepapers looked at",
        started.elapsed().as_secs_f64()
    ))
}

/// `magnetiq seed-demo [--pages N]`: the demo site, and `pages` generated pages beside it.
pub async fn seed_demo(config: &Config, pages: usize) -> anyhow::Result<String> {
    let pool = db::connect(&config.database_url, config.pool()).await?;
    db::settings::record_languages(&pool, &config.languages).await?;
    let created = content::seed::seed_demo(&pool, config.languages.all()).await?;
    let generated =
        content::seed::seed_generated_pages(&pool, pages, config.languages.all()).await?;
    let consultants = crate::booking::seed::seed_demo_consultants(&pool).await?;
    let webinars = webinars::seed::seed_demo_webinars(&pool).await?;
    let whitepapers = whitepapers::seed::seed_demo_whitepapers(&pool, &config.media_dir).await?;
    let articles = content::articles::seed::seed_demo_articles(
        &pool,
        &config.media_dir,
        config.languages.all(),
    )
    .await?;
    pool.close().await;
    let mut said = format!(
        "demo content: {created} pages, {articles} articles, {consultants} consultants, {webinars} webinars and {whitepapers} whitepapers added"
    );
    if pages > 0 {
        said.push_str(&format!("\ngenerated pages: {generated} added"));
    }
    Ok(said)
}

/// `magnetiq copy-db --to URL`: every row copied to another database, counted on both sides.
pub async fn copy_db(config: &Config, to: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        db::Engine::of_url(to).is_some(),
        "--to {:?} is not supported: use {}",
        db::redacted(to),
        db::SUPPORTED_URLS
    );
    let source = db::connect(&config.database_url, config.pool()).await?;
    let target = db::connect(to, config.pool()).await?;
    let counts = db::copy::copy(&source, &target).await;
    source.close().await;
    target.close().await;
    let counts = counts?;
    let mut said = format!(
        "copied {} to {}; rows checked on both sides:",
        db::redacted(&config.database_url),
        db::redacted(to)
    );
    for (table, rows) in &counts {
        said.push_str(&format!("\n  {table:<20} {rows:>8}"));
    }
    Ok(said)
}

/// `magnetiq create-user`: a user with the password `password` asks for once the address and role
/// are known to be right (checked for strength before anything is stored).
pub async fn create_user(
    config: &Config,
    email: &str,
    role: &str,
    name: Option<String>,
    password: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role =
        Role::parse(role).ok_or_else(|| anyhow::anyhow!("--role must be admin or editor"))?;
    let name = name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
    let password = password()?;
    password::check_strength(&password, &[email.as_str(), &name])?;
    let hash = password::hash_password(&password)?;
    let pool = db::connect(&config.database_url, config.pool()).await?;
    let created = crate::users::store::create_user(&pool, &email, &name, role, &hash).await?;
    pool.close().await;
    match created {
        Some(_) => Ok(format!(
            "created {} {email}; sign in at {}/admin",
            role.as_str(),
            config.base_url
        )),
        None => anyhow::bail!("a user with the e-mail address {email} exists already"),
    }
}

/// `magnetiq reset-two-factor`: someone who lost their authenticator signs in with their password
/// and sets it up again; the audit log says the command line did it.
pub async fn reset_two_factor(config: &Config, email: &str) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let pool = db::connect(&config.database_url, config.pool()).await?;
    let found = crate::users::store::credentials(&pool, &email).await?;
    let Some((user, _)) = found else {
        pool.close().await;
        anyhow::bail!("no user has the e-mail address {email}");
    };
    crate::auth::two_factor::disable(&pool, user.id).await?;
    crate::audit::store::record(
        &pool,
        crate::audit::store::Actor::Typed("command line"),
        "two-factor-reset",
        Some(&format!("user {}", user.id)),
        None,
    )
    .await?;
    pool.close().await;
    Ok(format!(
        "two-factor sign-in is off for {email}; they sign in with their password and set it up again"
    ))
}

/// `magnetiq backup FILE`: a consistent copy of the database, verified.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<String> {
    let pool = db::connect(&config.database_url, config.pool()).await?;
    db::backup(&pool, file).await?;
    pool.close().await;
    Ok(format!("backup written to {} and verified", file.display()))
}
