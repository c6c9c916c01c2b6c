//! How much disk a year of visit statistics takes: 365 days of 100,000 page views each (about
//! 30,000 visitors a day over 1,000 pages in two languages, with referrers, campaigns, devices,
//! browsers and a lead from one visitor in a hundred), counted through the real counter, day by day
//! with the salt changing, written as the server writes them. Prints the rows and the database's
//! size. `cargo bench --bench visit_year` (DAYS=30 for a shorter run; MAGNETIQ_TEST_POSTGRES=… for
//! PostgreSQL).
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use magnetiq::app;
use magnetiq::config::Config;
use magnetiq::i18n::Lang;
use magnetiq::visits::{LeadPath, Profile};

const VISITORS_PER_DAY: u32 = 30_000;
const PAGES: u32 = 1_000;

/// A small deterministic generator (xorshift), so every run counts the same year.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }

    /// Popular first: about a fifth of the picks go to the first 1 % of `n`.
    fn popular(&mut self, n: u32) -> u32 {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64) * r.powi(3)) as u32
    }
}

const REFERRERS: [&str; 12] = [
    "",
    "",
    "",
    "",
    "google.com",
    "google.com",
    "google.com",
    "bing.com",
    "duckduckgo.com",
    "linkedin.com",
    "news.ycombinator.com",
    "github.com",
];
const DEVICES: [&str; 3] = ["desktop", "phone", "tablet"];
const BROWSERS: [&str; 6] = [
    "Chrome",
    "Safari",
    "Firefox",
    "Edge",
    "Samsung Internet",
    "Opera",
];

fn main() {
    let days: i64 = std::env::var("DAYS")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(365);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    rt.block_on(async {
        let mut config = Config::local(dir.path(), "127.0.0.1:0");
        if let Ok(server) = std::env::var("MAGNETIQ_TEST_POSTGRES") {
            let name = format!("magnetiq_year_{}", std::process::id());
            sqlx_admin(&server, &format!("CREATE DATABASE {name}")).await;
            config.database_url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
        }
        let state = app::prepare(config).await.expect("prepare");
        let counter = magnetiq::visits::counter(&state)
            .expect("counting on")
            .clone();
        let (en, de) = (Lang::parse("en").unwrap(), Lang::parse("de").unwrap());
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        let before = size(&state.db).await;
        let mut total_views: u64 = 0;
        let started = Instant::now();
        // The year ends today: begin `days` ago.
        counter.shift_clock_for_tests(-days);
        for day in 0..days {
            counter.shift_clock_for_tests(1);
            let mut views = 0;
            for visitor in 0..VISITORS_PER_DAY {
                let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + visitor));
                let device = match dice.below(100) {
                    0..55 => DEVICES[0],
                    55..95 => DEVICES[1],
                    _ => DEVICES[2],
                };
                let browser = BROWSERS[dice.popular(6) as usize];
                let user_agent = format!("{browser}/{visitor}");
                let lang = if dice.below(3) == 0 { de } else { en };
                let entry = dice.popular(PAGES);
                let referrer = REFERRERS[dice.below(REFERRERS.len() as u32) as usize];
                let tagged = dice.below(7) == 0;
                let campaign = dice.below(10);
                // 1 to 6 pages, 3.33 on average: 100,000 views from 30,000 visitors.
                let own_views = 1 + dice.below(5) + u32::from(dice.below(3) == 0);
                for n in 0..own_views {
                    let page = if n == 0 { entry } else { dice.popular(PAGES) };
                    let path = format!("/{lang}/page-{page}");
                    counter
                        .view(&state.db, ip, user_agent.as_bytes(), &path, lang, || {
                            Profile {
                                entry_path: path.clone(),
                                referrer: referrer.to_owned(),
                                utm_source: if tagged {
                                    ["newsletter", "linkedin", "partner"][campaign as usize % 3]
                                        .into()
                                } else {
                                    String::new()
                                },
                                utm_medium: if tagged {
                                    ["email", "social"][campaign as usize % 2].into()
                                } else {
                                    String::new()
                                },
                                utm_campaign: if tagged {
                                    format!("campaign-{campaign}")
                                } else {
                                    String::new()
                                },
                                device,
                                browser,
                            }
                        })
                        .await;
                }
                views += own_views;
                if dice.below(100) == 0 {
                    let path = LeadPath::ALL[dice.below(5) as usize];
                    counter
                        .lead(
                            &state.db,
                            Some(ip),
                            user_agent.as_bytes(),
                            path,
                            &format!("/{lang}/page-{entry}"),
                            lang,
                        )
                        .await;
                }
                if visitor % 5_000 == 0 {
                    counter.write(&state.db).await;
                }
            }
            counter.write(&state.db).await;
            total_views += u64::from(views);
            if day % 30 == 0 || day + 1 == days {
                eprintln!(
                    "day {:>3}: {views} views, {:.0} s so far",
                    day + 1,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        let count = |table: &'static str| {
            let db = state.db.clone();
            async move {
                magnetiq::db::query::Sql::assembled(format!("SELECT count(*) FROM {table}"))
                    .scalar::<i64>(&db)
                    .await
                    .unwrap()
            }
        };
        println!(
            "{days} days, {total_views} page views, {:.0} s",
            started.elapsed().as_secs_f64()
        );
        for table in [
            "visit_pages",
            "visit_leads",
            "visit_profiles",
            "visit_visitors",
            "visit_seen",
            "visit_salts",
        ] {
            println!("{table:>15}: {} rows", count(table).await);
        }
        let after = size(&state.db).await;
        println!(
            "the database grew by {:.1} MB ({:.1} MB before, {:.1} MB after; {})",
            (after - before) as f64 / 1e6,
            before as f64 / 1e6,
            after as f64 / 1e6,
            if state.db.engine() == magnetiq::db::Engine::Sqlite {
                "SQLite, vacuumed"
            } else {
                "PostgreSQL, tables and indexes"
            }
        );
    });
}

async fn sqlx_admin(server: &str, statement: &str) {
    let db = magnetiq::db::connect(server, Default::default())
        .await
        .expect("server");
    magnetiq::db::query::Sql::assembled(statement.to_owned())
        .execute(&db)
        .await
        .expect("statement");
    db.close().await;
}

/// The size the statistics can be told apart by: the whole SQLite file after VACUUM, or the visit
/// tables with their indexes on PostgreSQL.
async fn size(db: &magnetiq::db::Db) -> i64 {
    match db.engine() {
        magnetiq::db::Engine::Sqlite => {
            magnetiq::db::sql("VACUUM").execute(db).await.expect("vacuum");
            magnetiq::db::sql(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .scalar(db)
            .await
            .expect("size")
        }
        magnetiq::db::Engine::Postgres => magnetiq::db::sql(
            "SELECT CAST(COALESCE(sum(pg_total_relation_size(c.oid)), 0) AS BIGINT) FROM pg_class c \
             WHERE c.relname LIKE 'visit_%' AND c.relkind = 'r'",
        )
        .scalar(db)
        .await
        .expect("size"),
    }
}
