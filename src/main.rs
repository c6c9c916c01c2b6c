//! The `magnetiq` command line: parses arguments and calls into the library.
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use magnetiq::config::{Config, Settings};
use magnetiq::users::{self, Email, Role, password};
use magnetiq::{app, content, db};

#[derive(Parser)]
#[command(
    name = "magnetiq",
    version,
    about = "Magnetiq: a fast, multilingual website CMS on one SQLite file"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Add the demo site's pages that are not there yet.
    SeedDemo {
        /// Also add N generated pages `page-1` … `page-N` (for load tests of large sites).
        #[arg(long, default_value_t = 0)]
        pages: usize,
    },
    /// Rebuild the site search's index from the pages, webinars and whitepapers (after a restore,
    /// a copy between engines or a change of the configured languages).
    Reindex,
    /// Write a consistent copy of the live database to FILE and verify it.
    Backup { file: PathBuf },
    /// Copy the whole site into an empty database of the other engine (SQLite ↔ PostgreSQL), e.g.
    /// `--to postgres://magnetiq@db.example.com/magnetiq`.
    CopyDb {
        #[arg(long)]
        to: String,
    },
    /// Create an admin-panel user. The password comes from MAGNETIQ_PASSWORD or standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "editor", "author"])]
        role: String,
        /// The name shown in the admin panel (default: the part of the e-mail address before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Turn two-factor sign-in off for a user who lost their authenticator and recovery codes
    /// (for a lone admin; otherwise another admin does it on the user's page).
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // MAGNETIQ_LOG_FORMAT=json: one JSON object per line, for log shippers; else readable text.
    let json = std::env::var("MAGNETIQ_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // Request lines skip tracing's formatter and go out in batches (see web::request_log).
    magnetiq::web::request_log::install(if json {
        magnetiq::web::request_log::Format::Json
    } else {
        magnetiq::web::request_log::Format::Text
    });
    if json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let cli = Cli::parse();
    let outcome = run(cli).await;
    magnetiq::web::request_log::flush();
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("magnetiq: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_settings(cli.settings)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => app::serve(config).await,
        Command::Migrate => {
            let pool = db::connect(&config.database_url, config.pool()).await?;
            pool.close().await;
            println!(
                "database at {} is up to date",
                db::redacted(&config.database_url)
            );
            Ok(())
        }
        Command::Reindex => {
            let pool = db::connect(&config.database_url, config.pool()).await?;
            db::settings::record_languages(&pool, &config.languages).await?;
            let started = std::time::Instant::now();
            let (pages, webinars, whitepapers) = app::reindex(&pool).await?;
            pool.close().await;
            println!(
                "search index rebuilt in {:.1} s: {pages} pages findable, {webinars} webinars and {whitepapers} whitepapers looked at",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::SeedDemo { pages } => {
            let pool = db::connect(&config.database_url, config.pool()).await?;
            db::settings::record_languages(&pool, &config.languages).await?;
            let created = content::seed::seed_demo(&pool, config.languages.all()).await?;
            let generated =
                content::seed::seed_generated_pages(&pool, pages, config.languages.all()).await?;
            let consultants = magnetiq::booking::seed::seed_demo_consultants(&pool).await?;
            let webinars = magnetiq::webinars::seed::seed_demo_webinars(&pool).await?;
            let whitepapers =
                magnetiq::whitepapers::seed::seed_demo_whitepapers(&pool, &config.media_dir)
                    .await?;
            pool.close().await;
            println!(
                "demo content: {created} pages, {consultants} consultants, {webinars} webinars and {whitepapers} whitepapers added"
            );
            if pages > 0 {
                println!("generated pages: {generated} added");
            }
            Ok(())
        }
        Command::CopyDb { to } => {
            anyhow::ensure!(
                db::Engine::of_url(&to).is_some(),
                "--to {:?} is not supported: use {}",
                db::redacted(&to),
                db::SUPPORTED_URLS
            );
            let source = db::connect(&config.database_url, config.pool()).await?;
            let target = db::connect(&to, config.pool()).await?;
            let counts = db::copy::copy(&source, &target).await;
            source.close().await;
            target.close().await;
            let counts = counts?;
            println!(
                "copied {} to {}; rows checked on both sides:",
                db::redacted(&config.database_url),
                db::redacted(&to)
            );
            for (table, rows) in &counts {
                println!("  {table:<20} {rows:>8}");
            }
            Ok(())
        }
        Command::CreateUser { email, role, name } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role = Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("--role must be admin or editor"))?;
            let name =
                name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
            let password = read_password()?;
            password::check_strength(&password, &[email.as_str(), &name])?;
            let hash = password::hash_password(&password)?;
            let pool = db::connect(&config.database_url, config.pool()).await?;
            let created = users::store::create_user(&pool, &email, &name, role, &hash).await?;
            pool.close().await;
            match created {
                Some(_) => println!(
                    "created {} {email}; sign in at {}/admin",
                    role.as_str(),
                    config.base_url
                ),
                None => anyhow::bail!("a user with the e-mail address {email} exists already"),
            }
            Ok(())
        }
        Command::ResetTwoFactor { email } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let pool = db::connect(&config.database_url, config.pool()).await?;
            let found = users::store::credentials(&pool, &email).await?;
            let Some((user, _)) = found else {
                pool.close().await;
                anyhow::bail!("no user has the e-mail address {email}");
            };
            magnetiq::auth::two_factor::disable(&pool, user.id).await?;
            magnetiq::audit::store::record(
                &pool,
                magnetiq::audit::store::Actor::Typed("command line"),
                "two-factor-reset",
                Some(&format!("user {}", user.id)),
                None,
            )
            .await?;
            pool.close().await;
            println!(
                "two-factor sign-in is off for {email}; they sign in with their password and set it up again"
            );
            Ok(())
        }
        Command::Backup { file } => {
            let pool = db::connect(&config.database_url, config.pool()).await?;
            db::backup(&pool, &file).await?;
            pool.close().await;
            println!("backup written to {} and verified", file.display());
            Ok(())
        }
    }
}

/// `MAGNETIQ_PASSWORD`, else one line from standard input (not echoed when it is a terminal).
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    if let Ok(password) = std::env::var("MAGNETIQ_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        eprint!("Password (at least {} characters): ", password::MIN_LENGTH);
        std::io::stderr().flush()?;
        let _ = std::process::Command::new("stty").arg("-echo").status();
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if terminal {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
