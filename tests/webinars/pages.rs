//! The knowledge program's public pages: the list and a webinar's page (times in the visitor's
//! zone, seats, JSON-LD, Open Graph), escaping, the footer column and the teaser block that follow
//! the calendar, and the sitemap.
use jiff::{SignedDuration, Timestamp};

use super::common::webinars::{self, create, form_token, register, registration};
use super::common::{attrs, texts};
use super::{DAY, spawn};

#[tokio::test]
async fn the_list_shows_upcoming_soonest_first_and_past_with_their_recording_in_the_visitors_zone()
{
    let app = spawn().await;
    create(&app, "later-one", 10, true, DAY * 20).await;
    create(&app, "sooner-one", 10, true, DAY * 2).await;
    let mut past = webinars::fields("past-one", 10, true, Timestamp::now() - DAY * 3);
    past.recording_link = "https://video.example.com/past-one".into();
    webinars::save(&app, None, &past).await;

    let html = app.page("/en/webinars?tz=Asia/Tokyo").await;
    let upcoming = texts(&html, "#upcoming-heading + ul h3");
    let ours: Vec<&String> = upcoming.iter().filter(|t| t.contains("-one")).collect();
    assert_eq!(ours, ["Webinar sooner-one", "Webinar later-one"]);
    assert!(texts(&html, ".webinar-when")[0].contains("Tokyo (UTC+9)"));
    assert!(
        attrs(&html, ".past a.button", "href")
            .contains(&"https://video.example.com/past-one".to_owned()),
        "the recording of a past webinar"
    );
    assert!(
        texts(&html, ".webinar-seats")
            .iter()
            .any(|s| s == "10 seats left")
    );
    // An unknown zone falls back to the organiser's; German speaks German.
    let html = app.page("/de/webinars?tz=Mars/Olympus").await;
    assert!(texts(&html, ".webinar-when")[0].contains("Berlin (UTC+"));
    assert_eq!(texts(&html, "h1"), ["Webinare"]);
}

#[tokio::test]
async fn a_webinar_page_says_what_search_engines_and_social_cards_need() {
    let app = spawn().await;
    let id = create(&app, "described", 2, true, DAY * 10).await;
    let html = app.page("/de/webinars/described").await;
    assert_eq!(texts(&html, "h1"), ["Webinar described (de)"]);
    assert_eq!(
        attrs(&html, "meta[property='og:title']", "content"),
        ["Webinar described (de)"]
    );
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        ["http://magnetiq.test/de/webinars/described"]
    );
    assert_eq!(
        attrs(&html, "link[rel=alternate][hreflang=en]", "href"),
        ["http://magnetiq.test/en/webinars/described"]
    );
    let json_ld = texts(&html, "script[type='application/ld+json']").remove(0);
    let event: serde_json::Value = serde_json::from_str(&json_ld).expect("JSON-LD parses");
    assert_eq!(event["@type"], "Event");
    assert_eq!(event["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(
        event["offers"]["availability"],
        "https://schema.org/InStock"
    );
    assert_eq!(event["performer"][0]["name"], "Aylin Demir");
    assert!(event["startDate"].as_str().unwrap().ends_with('Z'));

    // Full, then cancelled: the page and the markup say so.
    for (i, email) in ["a@example.com", "b@example.com"].iter().enumerate() {
        let token = form_token(&app.client, &app.url("/en/webinars/described")).await;
        let name = format!("Visitor {i}");
        assert_eq!(
            register(
                &app,
                &app.client,
                "en",
                "described",
                &registration(&token, &name, email)
            )
            .await
            .status(),
            303
        );
    }
    let html = app.page("/en/webinars/described").await;
    assert_eq!(
        texts(&html, ".webinar-facts .webinar-seats"),
        ["Full: join the waitlist"]
    );
    assert_eq!(
        texts(&html, ".registration-form button"),
        ["Join the waitlist"]
    );
    let event: serde_json::Value =
        serde_json::from_str(&texts(&html, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(
        event["offers"]["availability"],
        "https://schema.org/SoldOut"
    );
    let mut fields = webinars::fields("described", 2, true, Timestamp::now() + DAY * 10);
    fields.status = magnetiq::webinars::model::WebinarStatus::Cancelled;
    webinars::save(&app, Some(id), &fields).await;
    let html = app.page("/en/webinars/described").await;
    let event: serde_json::Value =
        serde_json::from_str(&texts(&html, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(event["eventStatus"], "https://schema.org/EventCancelled");
    assert!(texts(&html, ".registration-form").is_empty());
}

#[tokio::test]
async fn every_field_an_editor_or_visitor_typed_is_escaped() {
    let app = spawn().await;
    let evil = "<script>alert(1)</script>\"'&";
    let mut fields = webinars::fields("escaped", 10, true, Timestamp::now() + DAY * 10);
    let both = serde_json::json!({"en": evil, "de": evil});
    fields.title = magnetiq::db::JsonText::of(&both).unwrap();
    fields.summary = magnetiq::db::JsonText::of(&both).unwrap();
    fields.objectives = magnetiq::db::JsonText::of(&serde_json::json!({"en": [evil]})).unwrap();
    fields.description_html = magnetiq::db::JsonText::from(format!(
        r#"{{"en": {}}}"#,
        serde_json::to_string(&magnetiq::content::blocks::markdown_to_safe_html(&format!(
            "**ok** {evil}"
        )))
        .unwrap()
    ));
    fields.speakers = vec![magnetiq::webinars::model::Speaker {
        name: evil.into(),
        role: magnetiq::i18n::Localized::new()
            .with(magnetiq::i18n::Lang::parse("en").unwrap(), evil.to_owned()),
        bio: magnetiq::i18n::Localized::new()
            .with(magnetiq::i18n::Lang::parse("en").unwrap(), evil.to_owned()),
        photo: String::new(),
    }];
    webinars::save(&app, None, &fields).await;
    let mut pages = vec![
        "/en/webinars".to_owned(),
        "/en/webinars/escaped".to_owned(),
        "/en/".to_owned(),
    ];
    let token = form_token(&app.client, &app.url("/en/webinars/escaped")).await;
    let r = register(
        &app,
        &app.client,
        "en",
        "escaped",
        &registration(&token, evil, "evil@example.com"),
    )
    .await;
    assert_eq!(r.status(), 303);
    pages.push(super::common::location(&r).to_owned());
    pages.push(super::common::webinars::registration_link(&app, "evil@example.com").await);
    for path in pages {
        let body = app.get(&path).await.text().await.unwrap();
        assert!(
            !body.contains("<script>alert"),
            "{path} carries a script: {body}"
        );
        assert!(!body.contains("alert(1)</script>"), "{path}");
    }
    let html = app.page("/en/webinars/escaped").await;
    assert_eq!(texts(&html, "h1"), [evil]);
    assert_eq!(texts(&html, ".speaker-name"), [evil]);
    assert_eq!(texts(&html, ".objectives li"), [evil]);
    let event: serde_json::Value =
        serde_json::from_str(&texts(&html, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(
        event["name"], evil,
        "the JSON-LD keeps the text, escaped for the script element"
    );
    // In the mails too: the registrant's name is text, not markup.
    let html_mail: String = magnetiq::db::sql(
        "SELECT body_html FROM outbox WHERE recipient = 'evil@example.com' ORDER BY id LIMIT 1",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert!(!html_mail.contains("<script>alert"), "{html_mail}");
}

#[tokio::test]
async fn the_footer_and_the_teaser_block_follow_the_calendar_and_edits() {
    let app = spawn().await;
    // Starts in a few seconds: listed, then gone from every page once it begins, without an edit.
    let soon = Timestamp::now() + SignedDuration::from_secs(4);
    let fields = webinars::fields("starting-now", 10, true, soon);
    let id = webinars::save(&app, None, &fields).await;
    let footer = |html: &scraper::Html| texts(html, "footer nav[aria-label='Upcoming webinars'] a");
    let before = app.page("/en/about").await;
    assert!(
        footer(&before).contains(&"Webinar starting-now".to_owned()),
        "{:?}",
        footer(&before)
    );
    assert!(
        footer(&before).len() <= 5,
        "at most four and the way to all"
    );
    assert_eq!(footer(&before).last().unwrap(), "All webinars");
    // A page with a teaser block, as an editor adds it.
    app.sign_in_as("editor").await;
    let page = app.page_id("services").await;
    let version = app.page_version(page).await;
    let form = format!("/admin/pages/{page}/blocks/new?type=webinar_teaser");
    let added = app
        .post_form(
            &form,
            &format!("/admin/pages/{page}"),
            &[
                ("version", &version),
                ("title.en", "Coming up"),
                ("count", "2"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let html = app.page("/en/services").await;
    assert_eq!(texts(&html, ".block-webinar-teaser h2"), ["Coming up"]);
    let teased = texts(&html, ".block-webinar-teaser h3");
    assert_eq!(teased.len(), 2);
    assert_eq!(teased[0], "Webinar starting-now", "soonest first");

    while Timestamp::now() <= soon {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let after = app.page("/en/about").await;
    assert!(
        !footer(&after).contains(&"Webinar starting-now".to_owned()),
        "{:?}",
        footer(&after)
    );
    let html = app.page("/en/services").await;
    assert!(!texts(&html, ".block-webinar-teaser h3").contains(&"Webinar starting-now".to_owned()));

    // An edit shows on the next request.
    let mut renamed = webinars::fields("renamed", 10, true, Timestamp::now() + DAY);
    renamed.title = magnetiq::db::JsonText::from(r#"{"en": "Freshly renamed"}"#);
    webinars::save(&app, Some(id), &renamed).await;
    assert_eq!(footer(&app.page("/en/about").await)[0], "Freshly renamed");
}

#[tokio::test]
async fn the_sitemap_lists_the_program_and_each_webinar_in_every_language() {
    let app = spawn().await;
    create(&app, "mapped", 10, true, DAY * 10).await;
    let mut draft = webinars::fields("secret-draft", 10, true, Timestamp::now() + DAY);
    draft.status = magnetiq::webinars::model::WebinarStatus::Draft;
    webinars::save(&app, None, &draft).await;
    let xml = app.get("/sitemap.xml").await.text().await.unwrap();
    for loc in [
        "<loc>http://magnetiq.test/en/webinars</loc>",
        "<loc>http://magnetiq.test/de/webinars</loc>",
        "<loc>http://magnetiq.test/en/webinars/mapped</loc>",
        "<loc>http://magnetiq.test/de/webinars/mapped</loc>",
    ] {
        assert!(xml.contains(loc), "{loc}");
    }
    assert!(xml.contains(r#"hreflang="de" href="http://magnetiq.test/de/webinars/mapped""#));
    assert!(!xml.contains("secret-draft"));
}
