//! The test harness: `TestApp::spawn()` starts the real Magnetiq server on `127.0.0.1:0` with its own
//! temporary data folder (migrated and seeded with the demo site) and a cookie-keeping HTTP client.
//! With `MAGNETIQ_TEST_POSTGRES=postgres://…/postgres` set, every test gets a PostgreSQL database of
//! its own instead of the SQLite file, dropped when the test ends.
#![allow(dead_code)]

pub mod accounts;
pub mod booking;
pub mod contact;
pub mod leads;
pub mod media;
pub mod process;
pub mod receiver;
pub mod smtp;
pub mod webinars;
pub mod whitepapers;

use std::net::SocketAddr;

use actix_web::web;
use magnetiq::app;
use magnetiq::config::Config;
use magnetiq::web::state::AppState;
use reqwest::header::HeaderMap;
use scraper::{Html, Selector};

/// The public address the test site believes it has (absolute links, sitemap, canonical URLs).
pub const BASE_URL: &str = "http://magnetiq.test";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: web::Data<AppState>,
    /// Keeps cookies, follows no redirects: tests assert on each hop, as a browser's network log shows.
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    /// The PostgreSQL database of this test, when the suite runs on PostgreSQL.
    pub database: Option<std::sync::Arc<TestDatabase>>,
}

/// The server of the suite's PostgreSQL leg, if this run is one.
pub fn postgres_server() -> Option<String> {
    std::env::var("MAGNETIQ_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct TestDatabase {
    pub url: String,
    server: String,
    name: String,
}

impl TestDatabase {
    pub async fn create(server: &str) -> TestDatabase {
        use sqlx::Connection;
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).unwrap();
        let name = format!(
            "magnetiq_test_{}",
            random
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let mut admin = sqlx::PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("MAGNETIQ_TEST_POSTGRES={server}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let base = server
            .rsplit_once('/')
            .map_or(server, |(base, _)| base)
            .to_owned();
        TestDatabase {
            url: format!("{base}/{name}"),
            server: server.to_owned(),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Runs outside the test's runtime, which may be shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], with settings changed by `configure` first.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let database = match postgres_server() {
            Some(server) => Some(std::sync::Arc::new(TestDatabase::create(&server).await)),
            None => None,
        };
        TestApp::spawn_on(database, configure).await
    }

    /// A second instance of the same site: the same PostgreSQL database and media folder, its own
    /// data folder, page cache, workers and address (what a load balancer spreads visitors over).
    /// `None` on SQLite, where a site is one instance.
    pub async fn second_instance(&self) -> Option<TestApp> {
        let database = self.database.clone()?;
        let media = self.state.config.media_dir.clone();
        let purge = self.state.config.purge.clone();
        let webhook_allow_private = self.state.config.webhook_allow_private;
        let (smtp_url, mail_rate) = (
            self.state.config.smtp_url.clone(),
            self.state.config.mail_rate,
        );
        Some(
            TestApp::spawn_on(Some(database), move |c| {
                c.media_dir = media;
                c.purge = purge;
                c.webhook_allow_private = webhook_allow_private;
                c.smtp_url = smtp_url;
                c.mail_rate = mail_rate;
            })
            .await,
        )
    }

    /// Whether this test runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database.is_some()
    }

    async fn spawn_on(
        database: Option<std::sync::Arc<TestDatabase>>,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::local(data_dir.path(), "127.0.0.1:0");
        config.base_url = BASE_URL.to_owned();
        if let Some(database) = &database {
            config.database_url = database.url.clone();
        }
        configure(&mut config);
        let state = web::Data::new(app::prepare(config).await.expect("app prepares"));
        // The demo has publishing need review; tests that are not about review publish directly.
        magnetiq::content::review::store::set_required(&state.db, false)
            .await
            .expect("review setting");
        magnetiq::startup::spawn_mailer(&state).expect("mailer starts");
        let (server, addr) = app::start(state.clone(), 1).expect("server starts");
        tokio::spawn(server);
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            addr,
            state,
            client,
            data_dir,
            database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        self.client
            .get(self.url(path))
            .headers(map)
            .send()
            .await
            .expect("request")
    }

    /// GET with a fresh client: no cookies from earlier requests.
    pub async fn get_as_new_visitor(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut req = client.get(self.url(path));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.expect("request")
    }

    /// GET a page, asserting 200, and parse its HTML.
    pub async fn page(&self, path: &str) -> Html {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        Html::parse_document(&response.text().await.unwrap())
    }

    /// The fields of the form `selector` on `path` as they are now, with `changes` on top: what a
    /// browser posts (unticked boxes left out).
    pub async fn form_fields(
        &self,
        path: &str,
        selector: &str,
        changes: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let html = self.page(path).await;
        let mut fields: Vec<(String, String)> = Vec::new();
        let form = scraper::Selector::parse(selector).unwrap();
        let inputs = scraper::Selector::parse("input, textarea, select").unwrap();
        let selected = scraper::Selector::parse("option[selected]").unwrap();
        let form = html
            .select(&form)
            .next()
            .unwrap_or_else(|| panic!("no {selector} on {path}"));
        for input in form.select(&inputs) {
            let element = input.value();
            let Some(name) = element.attr("name") else {
                continue;
            };
            let value = match element.name() {
                "textarea" => input.text().collect::<String>(),
                "select" => input
                    .select(&selected)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("")
                    .to_owned(),
                _ if element.attr("type") == Some("checkbox") => {
                    if element.attr("checked").is_none() {
                        continue;
                    }
                    element.attr("value").unwrap_or("on").to_owned()
                }
                _ => element.attr("value").unwrap_or("").to_owned(),
            };
            fields.push((name.to_owned(), value));
        }
        for (name, value) in changes {
            fields.retain(|(n, _)| n != name);
            fields.push(((*name).to_owned(), (*value).to_owned()));
        }
        fields
    }

    /// What an editor's save does after a test wrote pages straight into the database.
    pub async fn content_changed(&self) {
        magnetiq::content::content_changed(&self.state, None)
            .await
            .unwrap();
    }
}

impl TestApp {
    /// Creates a user straight in the database, as `magnetiq create-user` would.
    pub async fn create_user(&self, email: &str, role: &str, password: &str) -> i64 {
        let email = magnetiq::users::Email::parse(email).unwrap();
        let role = magnetiq::users::Role::parse(role).unwrap();
        let hash = magnetiq::users::password::hash_password(password).unwrap();
        magnetiq::users::store::create_user(&self.state.db, &email, "Test User", role, &hash)
            .await
            .unwrap()
            .unwrap()
    }

    /// The CSRF token of the first form on an admin page.
    pub async fn csrf_token(&self, path: &str) -> String {
        let html = Html::parse_document(&self.get(path).await.text().await.unwrap());
        attrs(&html, "input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// Signs in through the login form, like a browser; returns the response to the form's POST.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let token = self.csrf_token("/admin/login").await;
        self.client
            .post(self.url("/admin/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
                ("next", "/admin"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A new browser (its own cookies) that tries to sign in; returns it with the login's response.
    pub async fn login_in_new_browser(
        &self,
        email: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = client
            .get(self.url("/admin/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = attrs(
            &Html::parse_document(&page),
            "input[name=csrf_token]",
            "value",
        )
        .remove(0);
        let response = client
            .post(self.url("/admin/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        (client, response)
    }

    /// POSTs an admin form with the session's CSRF token (taken from `token_page`).
    pub async fn post_form(
        &self,
        path: &str,
        token_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_token(token_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    pub async fn signed_in(role: &str) -> TestApp {
        let app = TestApp::spawn().await;
        app.sign_in_as(role).await;
        app
    }

    /// Creates `editor@magnetiq.test` with `role` and signs this app's client in as them.
    pub async fn sign_in_as(&self, role: &str) {
        self.create_user("editor@magnetiq.test", role, PASSWORD)
            .await;
        let response = self.login("editor@magnetiq.test", PASSWORD).await;
        assert_eq!(response.status(), 303, "login failed");
    }
}

impl TestApp {
    pub async fn page_id(&self, slug: &str) -> i64 {
        magnetiq::db::sql("SELECT id FROM pages WHERE slug = $1")
            .bind(slug)
            .scalar(&self.state.db)
            .await
            .unwrap()
    }

    pub async fn page_version(&self, id: i64) -> String {
        let version: i64 = magnetiq::db::sql("SELECT version FROM pages WHERE id = $1")
            .bind(id)
            .scalar(&self.state.db)
            .await
            .unwrap();
        version.to_string()
    }

    /// Changes the first block (a heading) of the page at `slug` through the admin, as an editor does.
    pub async fn edit_first_heading(&self, slug: &str, en: &str, de: &str) {
        let id = self.page_id(slug).await;
        let edit = format!("/admin/pages/{id}");
        let block = attrs(&self.page(&edit).await, ".block-row", "data-block-id").remove(0);
        let saved = self
            .post_form(
                &format!("/admin/pages/{id}/blocks/{block}"),
                &edit,
                &[
                    ("version", &self.page_version(id).await),
                    ("text.en", en),
                    ("text.de", de),
                    ("level", "2"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303, "block save");
    }

    /// Sends page `slug`'s form as the editor's browser does, with `changes` (the button pressed
    /// among them: `("action", "publish")`; `save` when none is).
    pub async fn save_page_form(&self, slug: &str, changes: &[(&str, &str)]) -> reqwest::Response {
        let id = self.page_id(slug).await;
        let edit = format!("/admin/pages/{id}");
        let mut fields = self.form_fields(&edit, "form.page-form", changes).await;
        fields.retain(|(n, _)| n != "csrf_token");
        if !fields.iter().any(|(n, _)| n == "action") {
            fields.push(("action".into(), "save".into()));
        }
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.post_form(&edit, &edit, &fields).await
    }

    /// Renames a published main-navigation page through the admin (its English title).
    pub async fn rename_page(&self, slug: &str, title_en: &str) {
        let id = self.page_id(slug).await;
        let edit = format!("/admin/pages/{id}");
        let saved = self
            .post_form(
                &edit,
                &edit,
                &[
                    ("version", &self.page_version(id).await),
                    ("title.en", title_en),
                    ("slug", slug),
                    ("placement", "main"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303, "page save");
    }
}

pub const PASSWORD: &str = "a long enough passphrase";

pub fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The body of an answer decoded from its `Content-Encoding` (br, gzip or none), as a browser would.
pub async fn decoded_body(response: reqwest::Response) -> String {
    let coding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    let mut out = Vec::new();
    match coding.as_deref() {
        None => out.extend_from_slice(&bytes),
        Some("br") => brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap(),
        Some("gzip") => {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    String::from_utf8(out).unwrap()
}

/// Texts of the elements matching `selector`, whitespace-trimmed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// Values of `attr` on the elements matching `selector`.
pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

pub fn count(html: &Html, selector: &str) -> usize {
    html.select(&Selector::parse(selector).unwrap()).count()
}

/// The routes of `app::routes` as (pattern, methods it answers), the admin scope's with its prefix,
/// read from `src/app.rs` (the one place that lists every URL): walks over every route take new
/// routes in by themselves. The file scopes are listed with a file below them.
pub fn routes() -> Vec<(String, Vec<String>)> {
    let source = include_str!("../../src/app.rs");
    let start = source.find("pub fn routes(").expect("app::routes");
    let end = start
        + source[start..]
            .find("\n}\n")
            .expect("the end of app::routes");
    let body: String = source[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let public_from = body
        .find("// Ordered by how often")
        .expect("the public routes after the admin scope");
    let mut routes = Vec::new();
    let mut rest = body.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("allow( web::resource(\"") {
        let after = &rest[at + "allow( web::resource(\"".len()..];
        let path = &after[..after.find('"').unwrap()];
        // The next string after the path is the list of methods `allow` is given.
        let after_path = &after[path.len() + 1..];
        let methods = &after_path[after_path.find('"').unwrap() + 1..];
        let methods = &methods[..methods.find('"').unwrap()];
        let position = offset + at;
        let route = if position < public_from {
            format!("/admin{path}")
        } else {
            path.to_owned()
        };
        routes.push((route, methods.split(", ").map(str::to_owned).collect()));
        offset += at + 1;
        rest = &rest[at + 1..];
    }
    for files in ["/static/site.css", "/media/missing.png"] {
        routes.push((files.to_owned(), vec!["GET".to_owned(), "HEAD".to_owned()]));
    }
    routes
}
