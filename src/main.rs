//! The `magnetiq` command line: parses arguments and calls into the library.
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use magnetiq::config::{Config, Settings};
use magnetiq::users::password;
use magnetiq::{app, jobs};

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

fn main() -> std::process::ExitCode {
    // Before the runtime starts its threads, each of which would otherwise get a heap of its own.
    magnetiq::heap::keep_small();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("magnetiq: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start() -> std::process::ExitCode {
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
    let said = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => return app::serve(config).await,
        Command::Migrate => jobs::migrate(&config).await?,
        Command::Reindex => jobs::rebuild_search(&config).await?,
        Command::SeedDemo { pages } => jobs::seed_demo(&config, pages).await?,
        Command::CopyDb { to } => jobs::copy_db(&config, &to).await?,
        Command::CreateUser { email, role, name } => {
            jobs::create_user(&config, &email, &role, name, read_password).await?
        }
        Command::ResetTwoFactor { email } => jobs::reset_two_factor(&config, &email).await?,
        Command::Backup { file } => jobs::backup(&config, &file).await?,
    };
    println!("{said}");
    Ok(())
}

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
