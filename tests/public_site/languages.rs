use crate::common::{TestApp, attrs, location, texts};

#[tokio::test]
async fn visitor_without_preferences_lands_on_the_default_language() {
    let app = TestApp::spawn().await;
    let response = app.get_as_new_visitor("/", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/en/");
}

#[tokio::test]
async fn visitor_with_german_browser_lands_on_german_home() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as_new_visitor("/", &[("Accept-Language", "de-AT,de;q=0.9,en;q=0.5")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/de/");
    let vary = response.headers().get("vary").unwrap().to_str().unwrap();
    assert!(
        vary.contains("Accept-Language") && vary.contains("Cookie"),
        "{vary}"
    );
}

#[tokio::test]
async fn accept_language_q_values_decide_between_languages() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as_new_visitor("/", &[("Accept-Language", "en;q=0.3, fr, de;q=0.7")])
        .await;
    assert_eq!(location(&response), "/de/");
    let response = app
        .get_as_new_visitor("/", &[("Accept-Language", "fr-FR, it")])
        .await;
    assert_eq!(location(&response), "/en/");
}

#[tokio::test]
async fn lang_cookie_beats_the_browser_language() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as_new_visitor("/", &[("Accept-Language", "en"), ("Cookie", "lang=de")])
        .await;
    assert_eq!(location(&response), "/de/");
}

#[tokio::test]
async fn switching_language_keeps_the_page_and_is_remembered() {
    let app = TestApp::spawn().await;
    let about = app.page("/en/about").await;
    let switch = attrs(&about, ".lang-switch a[hreflang=de]", "href");
    assert_eq!(switch, vec!["/de/ueber-uns".to_string()]);

    // The visitor (an English browser) follows the switcher: the German page sets the cookie, and `/`
    // now leads to German.
    let german = app.get_with(&switch[0], &[("Accept-Language", "en")]).await;
    assert_eq!(german.status(), 200);
    let cookie = german
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("lang=de") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let back_home = app.get_with("/", &[("Accept-Language", "en")]).await;
    assert_eq!(location(&back_home), "/de/");

    // A second German page does not set the same cookie again.
    let again = app
        .get_with("/de/kontakt", &[("Accept-Language", "en")])
        .await;
    assert!(again.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn language_prefix_without_slash_redirects_to_the_home_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/de").await;
    assert_eq!(response.status(), 308);
    assert_eq!(location(&response), "/de/");
}

#[tokio::test]
async fn every_page_names_its_language_and_its_alternates() {
    let app = TestApp::spawn().await;
    let html = app.page("/de/leistungen").await;
    assert_eq!(attrs(&html, "html", "lang"), vec!["de"]);
    let base = crate::common::BASE_URL;
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        vec![format!("{base}/de/leistungen")]
    );
    assert_eq!(
        attrs(&html, "link[rel=alternate][hreflang=en]", "href"),
        vec![format!("{base}/en/services")]
    );
    assert_eq!(
        attrs(&html, "link[rel=alternate][hreflang=de]", "href"),
        vec![format!("{base}/de/leistungen")]
    );
    assert_eq!(
        attrs(&html, "link[rel=alternate][hreflang=x-default]", "href"),
        vec![format!("{base}/en/services")]
    );
    assert_eq!(
        texts(&html, ".lang-switch a[aria-current=true] .visually-hidden"),
        vec!["Deutsch"]
    );
}

#[tokio::test]
async fn an_untranslated_page_says_so_in_the_visitors_language_and_marks_its_own() {
    let app = TestApp::spawn().await;
    let html = app.page("/de/cloud-consulting").await;
    assert_eq!(
        texts(&html, ".untranslated-notice"),
        vec![
            "Diese Seite ist noch nicht ins Deutsche übersetzt: Sie lesen sie in der Sprache, in der sie geschrieben wurde."
        ]
    );
    assert_eq!(attrs(&html, ".page-header h1", "lang"), vec!["en"]);
    let english = app.page("/en/cloud-consulting").await;
    assert!(texts(&english, ".untranslated-notice").is_empty());
}
