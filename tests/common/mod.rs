//! The test harness: `TestApp::spawn()` starts the real Magnetiq server on `127.0.0.1:0` with its own
//! temporary data folder (migrated and seeded with the demo site) and a cookie-keeping HTTP client.
#![allow(dead_code)]

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
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::local(data_dir.path(), "127.0.0.1:0");
        config.base_url = BASE_URL.to_owned();
        let state = web::Data::new(app::prepare(config).await.expect("app prepares"));
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

    /// What an editor's save does after a test wrote pages straight into the database.
    pub async fn content_changed(&self) {
        magnetiq::content::content_changed(&self.state)
            .await
            .unwrap();
    }
}

pub fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
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
