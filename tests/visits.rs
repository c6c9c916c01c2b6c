//! Visit statistics as the marketing team reads them: page views and visitors counted by the server
//! (visitors once a day, anew after the day's salt is gone), crawlers, prefetches, `HEAD` and staff
//! left out, leads set against the campaign a visitor landed with, and the dashboard's figures,
//! filters and CSV equal to what the test sent.
mod common;

use common::{TestApp, attrs, location, texts};
use magnetiq::config::VisitCounting;
use scraper::{Html, Selector};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const ACCEPT_HTML: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// A browser: its user agent and `Accept` on every request, cookies kept, no redirects followed.
fn browser(user_agent: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT, ACCEPT_HTML.parse().unwrap());
    reqwest::Client::builder()
        .user_agent(user_agent)
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn visit(app: &TestApp, client: &reqwest::Client, path: &str, referer: Option<&str>) {
    let mut request = client.get(app.url(path));
    if let Some(referer) = referer {
        request = request.header("Referer", referer);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
}

/// The dashboard at `query`, read by the signed-in editor.
async fn dashboard(app: &TestApp, query: &str) -> Html {
    let response = app.get(&format!("/admin/analytics?{query}")).await;
    assert_eq!(response.status(), 200, "/admin/analytics?{query}");
    Html::parse_document(&response.text().await.unwrap())
}

/// The four figures of the cards: visitors, page views, leads, conversion.
fn cards(html: &Html) -> Vec<String> {
    texts(html, ".analytics-cards .analytics-card-value")
}

/// The rows of table `key`: the label and its numbers as the page shows them.
fn rows(html: &Html, key: &str) -> Vec<(String, Vec<String>)> {
    let row = Selector::parse(&format!("table[data-table={key}] tbody tr")).unwrap();
    let label = Selector::parse("th").unwrap();
    let num = Selector::parse("td").unwrap();
    html.select(&row)
        .map(|tr| {
            let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_owned();
            (
                tr.select(&label).next().map(text).unwrap_or_default(),
                tr.select(&num).map(text).collect(),
            )
        })
        .collect()
}

fn row(html: &Html, key: &str, label: &str) -> Option<Vec<String>> {
    rows(html, key)
        .into_iter()
        .find(|(l, _)| l == label)
        .map(|(_, numbers)| numbers)
}

#[tokio::test]
async fn views_are_counted_by_page_and_language_and_each_visitor_once_a_day() {
    let app = TestApp::signed_in("editor").await;
    let desktop = browser(CHROME);
    let phone = browser(IPHONE);
    visit(
        &app,
        &desktop,
        "/en/",
        Some("https://www.google.com/search?q=magnetiq"),
    )
    .await;
    visit(&app, &desktop, "/en/", None).await;
    visit(&app, &desktop, "/de/", Some(&app.url("/en/"))).await;
    visit(
        &app,
        &phone,
        "/de/?utm_source=Newsletter&utm_medium=email&utm_campaign=spring",
        None,
    )
    .await;

    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..3], ["2", "4", "0"]);
    // Pages: views, and visitors who saw the page.
    assert_eq!(row(&html, "page", "/en/").unwrap()[..2], ["1", "2"]);
    assert_eq!(row(&html, "page", "/de/").unwrap()[..2], ["2", "2"]);
    assert_eq!(row(&html, "entry", "/en/").unwrap()[0], "1");
    assert_eq!(row(&html, "entry", "/de/").unwrap()[0], "1");
    assert_eq!(
        row(&html, "referrer", "google.com").unwrap()[..2],
        ["1", "3"]
    );
    assert_eq!(
        row(&html, "referrer", "Direct or unknown").unwrap()[..2],
        ["1", "1"]
    );
    assert_eq!(row(&html, "campaign", "spring").unwrap()[0], "1");
    assert_eq!(row(&html, "utm_source", "newsletter").unwrap()[0], "1");
    assert_eq!(row(&html, "device", "Desktop").unwrap()[0], "1");
    assert_eq!(row(&html, "device", "Phone").unwrap()[0], "1");
    assert_eq!(row(&html, "browser", "Chrome").unwrap()[0], "1");
    assert_eq!(row(&html, "browser", "Safari").unwrap()[0], "1");
    assert_eq!(row(&html, "lang", "English").unwrap()[1], "2");
    assert_eq!(row(&html, "lang", "German").unwrap()[1], "2");
    // The days' table holds the same numbers as the cards, and the chart a bar for the day.
    assert_eq!(
        texts(&html, ".analytics-days tbody td")[..3],
        ["2", "4", "0"]
    );
    assert_eq!(
        html.select(&Selector::parse("svg.chart rect.chart-bar").unwrap())
            .count(),
        1
    );

    // Choosing a row narrows everything to it: Google's visitor saw both home pages, three times.
    let google = attrs(&html, "table[data-table=referrer] th a", "href")
        .into_iter()
        .find(|href| href.contains("referrer=google.com"))
        .expect("a link that chooses Google");
    let narrowed = dashboard(&app, google.trim_start_matches("/admin/analytics?")).await;
    assert_eq!(cards(&narrowed)[..2], ["1", "3"]);
    assert!(row(&narrowed, "device", "Phone").is_none());
    assert_eq!(row(&narrowed, "page", "/de/").unwrap()[..2], ["1", "1"]);
    let page_chosen = dashboard(&app, "period=today&page=/de/").await;
    assert_eq!(
        cards(&page_chosen)[..2],
        ["2", "2"],
        "visitors who saw /de/"
    );

    // The next day has a new salt: the same browser is a new visitor, and yesterday's salt and
    // visitor hashes are gone.
    let counter = magnetiq::visits::counter(&app.state).unwrap();
    let yesterday = counter.today().to_string();
    counter.shift_clock_for_tests(1);
    visit(&app, &desktop, "/en/", None).await;
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["1", "1"]);
    let week = dashboard(&app, "period=7d").await;
    assert_eq!(
        cards(&week)[..2],
        ["3", "5"],
        "two visitors yesterday, one today"
    );
    let db = &app.state.db;
    let salts: Vec<String> = magnetiq::db::sql("SELECT day FROM visit_salts")
        .scalars(db)
        .await
        .unwrap();
    assert_eq!(salts, [counter.today().to_string()]);
    let old: i64 = magnetiq::db::sql(
        "SELECT (SELECT count(*) FROM visit_visitors WHERE day = $1) + (SELECT count(*) FROM visit_seen WHERE day = $1)",
    )
    .bind(yesterday.as_str())
    .scalar(db)
    .await
    .unwrap();
    assert_eq!(old, 0, "yesterday's visitor hashes are deleted");
}

#[tokio::test]
async fn crawlers_prefetches_head_requests_scripts_and_signed_in_staff_are_not_counted() {
    let app = TestApp::signed_in("editor").await;
    let googlebot =
        browser("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    visit(&app, &googlebot, "/en/", None).await;
    let person = browser(CHROME);
    let head = person.head(app.url("/en/")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let prefetch = person
        .get(app.url("/en/"))
        .header("Sec-Purpose", "prefetch")
        .send()
        .await
        .unwrap();
    assert_eq!(prefetch.status(), 200);
    // A script whose Accept asks for nothing in particular (`*/*`), and one that says what it is.
    let bare = reqwest::Client::builder()
        .user_agent(CHROME)
        .build()
        .unwrap();
    assert_eq!(
        bare.get(app.url("/en/")).send().await.unwrap().status(),
        200
    );
    visit(&app, &browser("curl/8.5.0"), "/en/", None).await;
    // The signed-in editor looking at the site in the same browser.
    let staff = app
        .get_with("/en/", &[("User-Agent", FIREFOX), ("Accept", ACCEPT_HTML)])
        .await;
    assert_eq!(staff.status(), 200);
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["0", "0"]);

    // Signed out, the same browser is a visitor again (the sign-out takes the mark away).
    let token = app.csrf_token("/admin").await;
    let out = app
        .client
        .post(app.url("/admin/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&out), "/admin/login");
    let visitor = app
        .get_with("/en/", &[("User-Agent", FIREFOX), ("Accept", ACCEPT_HTML)])
        .await;
    assert_eq!(visitor.status(), 200);
    // And a real visitor in another browser, for contrast.
    visit(&app, &person, "/en/", None).await;
    let back = app.login("editor@magnetiq.test", common::PASSWORD).await;
    assert_eq!(back.status(), 303);
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["2", "2"]);
}

#[tokio::test]
async fn a_booking_is_set_against_the_campaign_its_visitor_landed_with() {
    let app = TestApp::signed_in("editor").await;
    let visitor = browser(CHROME);
    visit(
        &app,
        &visitor,
        "/en/?utm_source=linkedin&utm_medium=social&utm_campaign=autumn-consulting",
        Some("https://www.linkedin.com/"),
    )
    .await;
    let page = visitor.get(app.url("/en/book")).send().await.unwrap();
    let html = Html::parse_document(&page.text().await.unwrap());
    let form = common::booking::booking_form_from(&html);
    let fields = common::booking::fields(&form, &form.slots[0], "Ada Lovelace");
    let booked = visitor
        .post(app.url("/en/book"))
        .header("Referer", app.url("/en/book"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303, "the booking is taken");
    // Another visitor who books nothing.
    visit(&app, &browser(IPHONE), "/en/book", None).await;

    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html), ["2", "3", "1", "50.0 %"]);
    assert_eq!(
        row(&html, "campaign", "autumn-consulting").unwrap(),
        ["1", "2", "1", "100.0 %"]
    );
    assert_eq!(row(&html, "referrer", "linkedin.com").unwrap()[2], "1");
    assert_eq!(row(&html, "entry", "/en/").unwrap()[2], "1");
    assert_eq!(
        row(&html, "page", "/en/book").unwrap(),
        ["2", "2", "1", "50.0 %"]
    );
    assert_eq!(row(&html, "lead", "Consultation bookings").unwrap(), ["1"]);

    // The campaign chosen: its one visitor, their two pages, their booking.
    let chosen = dashboard(&app, "period=today&campaign=autumn-consulting").await;
    assert_eq!(cards(&chosen), ["1", "2", "1", "100.0 %"]);

    // The CSV of the campaigns, and of the days, as the dashboard shows them.
    let csv = app
        .get("/admin/analytics.csv?table=campaign&period=today")
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("visits-campaign-")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "campaign,visitors,page_views,leads,conversion_percent"
    );
    assert_eq!(lines[1], "autumn-consulting,1,2,1,100.0");
    let days = app
        .get("/admin/analytics.csv?table=days&period=today")
        .await
        .text()
        .await
        .unwrap();
    let today = magnetiq::visits::counter(&app.state)
        .unwrap()
        .today()
        .to_string();
    assert!(days.contains(&format!("{today},2,3,1,50.0")), "{days}");
    assert_eq!(
        app.get("/admin/analytics.csv?table=nonsense")
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn the_dashboard_is_for_editors_and_admins_and_reads_any_period() {
    let app = TestApp::signed_in("author").await;
    assert_eq!(app.get("/admin/analytics").await.status(), 403);
    assert_eq!(app.get("/admin/analytics.csv").await.status(), 403);
    let app = TestApp::signed_in("editor").await;
    for query in [
        "period=30d",
        "period=month&month=2026-11",
        "period=range&from=2026-01-01&to=2026-03-31",
    ] {
        let html = dashboard(&app, query).await;
        assert_eq!(cards(&html)[..3], ["0", "0", "0"], "{query}");
    }
    let month = dashboard(&app, "period=month&month=2026-02").await;
    assert_eq!(
        month
            .select(&Selector::parse("svg.chart rect.chart-bar").unwrap())
            .count(),
        28
    );
    // A period that cannot be read says so and shows the last seven days.
    let unreadable = dashboard(&app, "period=range&from=2026-05-01&to=2026-04-01").await;
    assert_eq!(texts(&unreadable, ".form-error").len(), 1);
    assert_eq!(
        unreadable
            .select(&Selector::parse("svg.chart rect.chart-bar").unwrap())
            .count(),
        7
    );
    // Hostile values in the address are only text.
    let hostile = app
        .get("/admin/analytics?period=today&referrer=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(hostile.status(), 200);
    assert!(!hostile.text().await.unwrap().contains("<script>alert"));
    // The admin's dashboard shows the week at a glance, with the way to the rest.
    let home = app.page("/admin").await;
    assert_eq!(
        attrs(&home, ".visits-glance a", "href"),
        ["/admin/analytics"]
    );
}

#[tokio::test]
async fn behind_a_cdn_each_page_asks_for_an_image_that_counts_it() {
    let app = TestApp::spawn_with(|c| c.visits = VisitCounting::Pixel).await;
    app.sign_in_as("editor").await;
    let visitor = browser(CHROME);
    let page = visitor.get(app.url("/en/")).send().await.unwrap();
    let html = Html::parse_document(&page.text().await.unwrap());
    let src = attrs(&html, "img.visit-pixel", "src");
    assert_eq!(src, ["/visit.gif?p=%2Fen%2F"]);
    // The page itself (which a CDN would answer) is not counted; the image is, with the campaign
    // of the address the browser names as the page it is on.
    let dashboard_before = dashboard(&app, "period=today").await;
    assert_eq!(cards(&dashboard_before)[1], "0");
    let image = visitor
        .get(app.url(&src[0]))
        .header(
            "Accept",
            "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
        )
        .header("Referer", app.url("/en/?utm_campaign=cdn-launch"))
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/gif");
    assert_eq!(image.headers()["cache-control"], "no-store");
    assert!(image.headers().get("set-cookie").is_none());
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["1", "1"]);
    assert_eq!(row(&html, "campaign", "cdn-launch").unwrap()[0], "1");
    assert_eq!(row(&html, "page", "/en/").unwrap()[1], "1");
}

#[tokio::test]
async fn several_instances_count_a_visitor_once() {
    let app = TestApp::signed_in("editor").await;
    let Some(second) = app.second_instance().await else {
        return; // One SQLite file is one instance.
    };
    let visitor = browser(CHROME);
    visit(&app, &visitor, "/en/?utm_campaign=shared", None).await;
    // The load balancer sends the next page to the other instance, which counts it first.
    visit(&second, &visitor, "/de/", None).await;
    // Whichever instance writes first gives the visit its profile (here the one that saw it first).
    magnetiq::visits::write_now(&app.state).await;
    magnetiq::visits::write_now(&second.state).await;
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["1", "2"]);
    let entries = rows(&html, "entry");
    assert_eq!(entries.len(), 1, "{entries:?}");
    // The second instance's view belongs to the visit the first one began.
    assert_eq!(row(&html, "campaign", "shared").unwrap()[..2], ["1", "2"]);
}

#[tokio::test]
async fn the_privacy_notice_says_in_every_language_what_is_counted() {
    let app = TestApp::spawn().await;
    for (path, words) in [
        (
            "/en/privacy",
            [
                "Visit statistics",
                "without cookies",
                "deleted",
                "daily totals",
            ],
        ),
        (
            "/de/datenschutz",
            [
                "Besuchsstatistik",
                "ohne Cookies",
                "gelöscht",
                "Tagessummen",
            ],
        ),
    ] {
        let text = app
            .page(path)
            .await
            .root_element()
            .text()
            .collect::<String>();
        for word in words {
            assert!(text.contains(word), "{path} says {word:?}");
        }
    }
}

#[tokio::test]
async fn views_counted_on_many_threads_at_once_add_up_and_count_each_visitor_once() {
    let app = TestApp::signed_in("editor").await;
    let counter = magnetiq::visits::counter(&app.state).unwrap().clone();
    let en = magnetiq::i18n::Lang::parse("en").unwrap();
    let shared: std::net::IpAddr = "192.0.2.7".parse().unwrap();
    let profile = |entry: &str| magnetiq::visits::Profile {
        entry_path: entry.to_owned(),
        device: "desktop",
        browser: "Chrome",
        ..Default::default()
    };
    // The day's salt is fetched once; after that a view needs no database.
    counter
        .view(&app.state.db, shared, CHROME.as_bytes(), "/en/", en, || {
            profile("/en/")
        })
        .await;
    let threads: Vec<_> = (0..4u8)
        .map(|n| {
            let counter = counter.clone();
            let db = app.state.db.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let own: std::net::IpAddr = format!("198.51.100.{n}").parse().unwrap();
                    for _ in 0..100 {
                        for (ip, path) in [(shared, "/en/"), (shared, "/en/about"), (own, "/de/")] {
                            counter
                                .view(&db, ip, CHROME.as_bytes(), path, en, || profile(path))
                                .await;
                        }
                    }
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["5", "1201"]);
    assert_eq!(row(&html, "page", "/en/").unwrap()[..2], ["1", "401"]);
    assert_eq!(row(&html, "page", "/en/about").unwrap()[..2], ["1", "400"]);
    assert_eq!(row(&html, "page", "/de/").unwrap()[..2], ["4", "400"]);
    assert_eq!(
        row(&html, "entry", "/en/").unwrap()[0],
        "1",
        "the shared visitor began at /en/"
    );
}

#[tokio::test]
async fn many_visitors_in_one_flush_are_all_counted() {
    // More visitors than one multi-row statement holds: each is counted once, none twice.
    let app = TestApp::signed_in("editor").await;
    for i in 0..75 {
        let agent = CHROME.replace("131.0.0.0", &format!("131.0.{i}.0"));
        visit(&app, &browser(&agent), "/en/", None).await;
    }
    let html = dashboard(&app, "period=today").await;
    assert_eq!(cards(&html)[..2], ["75", "75"]);
    assert_eq!(row(&html, "page", "/en/").unwrap()[..2], ["75", "75"]);
}
