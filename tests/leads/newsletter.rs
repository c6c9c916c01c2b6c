//! The newsletter box on every lead form: ticked, the address joins the newsletter with its double
//! opt-in and the box's consent version; unticked, nothing happens.
use super::common::contact::confirmation_link;
use super::common::leads::{proposal, proposal_action, send};
use super::common::whitepapers::browser;
use super::common::{TestApp, attrs};
use magnetiq::db::sql;

async fn subscription(app: &TestApp, email: &str) -> Option<(String, String)> {
    sql("SELECT status, consent_version FROM newsletter_subscribers WHERE email = $1")
        .bind(email)
        .fetch_optional(&app.state.db)
        .await
        .unwrap()
}

async fn confirm_mails(app: &TestApp, email: &str) -> i64 {
    sql("SELECT count(*) FROM outbox WHERE recipient = $1 AND purpose = 'newsletter-confirm'")
        .bind(email)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// Opens the mailed confirmation link and presses its button, as the reader would.
async fn confirm(app: &TestApp, email: &str) {
    let visitor = browser();
    let link = confirmation_link(app, email).await;
    let page = visitor.get(app.url(&link)).send().await.unwrap();
    let page = scraper::Html::parse_document(&page.text().await.unwrap());
    let token = attrs(&page, "form.confirm-form input[name=csrf_token]", "value").remove(0);
    let r = visitor
        .post(app.url(&link))
        .header("origin", app.url(""))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn news_ticked_on_a_webinar_form_is_a_subscription_confirmed_by_its_own_mail() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let url = app.url("/en/webinars/forecasting-workshop");
    let token = super::common::webinars::form_token(&visitor, &url).await;
    let mut fields = super::common::webinars::registration(&token, "Nia", "nia@example.com");
    fields.push(("marketing", "yes"));
    let r =
        super::common::webinars::register(&app, &visitor, "en", "forecasting-workshop", &fields)
            .await;
    assert_eq!(r.status(), 303);
    let (status, version) = subscription(&app, "nia@example.com").await.unwrap();
    assert_eq!(
        status, "pending",
        "nothing counts before the address is proven"
    );
    assert!(version.starts_with("lead-marketing/"), "{version}");
    assert_eq!(confirm_mails(&app, "nia@example.com").await, 1);
    confirm(&app, "nia@example.com").await;
    assert_eq!(
        subscription(&app, "nia@example.com").await.unwrap().0,
        "confirmed"
    );
    // Without the tick: no subscription at all.
    let other = browser();
    let token = super::common::webinars::form_token(&other, &url).await;
    let fields = super::common::webinars::registration(&token, "Max", "max@example.com");
    super::common::webinars::register(&app, &other, "en", "forecasting-workshop", &fields).await;
    assert_eq!(subscription(&app, "max@example.com").await, None);
}

#[tokio::test]
async fn news_ticked_on_a_whitepaper_form_is_confirmed_by_the_download_link_alone() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let url = app.url("/en/whitepapers/mlops-checklist");
    let token = super::common::whitepapers::form_token(&visitor, &url).await;
    let mut fields = super::common::whitepapers::lead(&token, "Ola", "ola@example.com");
    fields.push(("marketing", "yes"));
    let r =
        super::common::whitepapers::post_request(&app, &visitor, "en", "mlops-checklist", &fields)
            .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        subscription(&app, "ola@example.com").await.unwrap().0,
        "pending"
    );
    // One mail, the download link: it proves the address for the newsletter too.
    assert_eq!(confirm_mails(&app, "ola@example.com").await, 0);
    let link = super::common::whitepapers::last_link(&app, "ola@example.com").await;
    let r = visitor.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        subscription(&app, "ola@example.com").await.unwrap().0,
        "confirmed"
    );
}

#[tokio::test]
async fn news_ticked_on_a_built_form_sends_the_newsletters_confirmation() {
    let app = TestApp::spawn().await;
    let visitor = browser();
    let action = proposal_action(&app, &visitor, "/en/services").await;
    let mut fields = proposal("Pia", "pia@example.com");
    fields.push(("marketing", "yes"));
    assert_eq!(send(&app, &visitor, &action, &fields).await.status(), 303);
    assert_eq!(confirm_mails(&app, "pia@example.com").await, 1);
    confirm(&app, "pia@example.com").await;
    assert_eq!(
        subscription(&app, "pia@example.com").await.unwrap().0,
        "confirmed"
    );
    let marketing: Option<magnetiq::db::DbTime> =
        sql("SELECT marketing_consent_at FROM form_submissions WHERE email = 'pia@example.com'")
            .scalar(&app.state.db)
            .await
            .unwrap();
    assert!(marketing.is_some());
    // An address confirmed already stays as it is and gets no second mail.
    assert_eq!(send(&app, &visitor, &action, &fields).await.status(), 303);
    assert_eq!(confirm_mails(&app, "pia@example.com").await, 1);
}
