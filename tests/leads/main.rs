//! The lead pipeline as a sales team uses it: one inbox for every path with status, owner, notes
//! and follow-up; forms editors build; marketing consent from any form joining the newsletter; and
//! webhooks handing leads to a CRM.
#[path = "../common/mod.rs"]
mod common;

mod built_form;
mod newsletter;
mod webhooks;

use common::contact::{message, post};
use common::leads::{inbox, proposal, proposal_action, send};
use common::whitepapers::browser;
use common::{TestApp, location, texts};
use magnetiq::db::sql;

/// One lead on each of the five paths, from one visitor each; returns their addresses by path.
async fn one_of_each(app: &TestApp) {
    let visitor = browser();
    let form = common::booking::booking_form(app, &visitor, "").await;
    let slot = form.slots[0].clone();
    let mut fields = common::booking::fields(&form, &slot, "Bea Booking");
    fields.retain(|(k, _)| *k != "email");
    fields.push(("email", "bea@example.com"));
    let r = visitor
        .post(app.url("/en/book"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "booking");
    let r = common::webinars::sign_up(app, "en", "forecasting-workshop", "Wim", "wim@example.com")
        .await;
    assert_eq!(r.status(), 303, "webinar");
    let r = common::whitepapers::request(
        app,
        &browser(),
        "en",
        "mlops-checklist",
        "Wanda",
        "wanda@example.com",
    )
    .await;
    assert_eq!(r.status(), 303, "whitepaper");
    let r = post(
        app,
        &visitor,
        "/en/contact/send",
        &message("", "Carl Contact", "carl@example.com"),
    )
    .await;
    assert_eq!(r.status(), 303, "message");
    let action = proposal_action(app, &visitor, "/en/services").await;
    let r = send(
        app,
        &visitor,
        &action,
        &proposal("Fiona Form", "fiona@example.com"),
    )
    .await;
    assert_eq!(r.status(), 303, "built form");
}

async fn lead_id(app: &TestApp, email: &str) -> i64 {
    sql("SELECT id FROM leads WHERE email = $1 ORDER BY id DESC")
        .bind(email)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_inbox_holds_every_path_newest_first_with_its_source_and_filters() {
    let app = TestApp::signed_in("editor").await;
    one_of_each(&app).await;
    let rows = inbox(&app, "/admin/leads").await;
    let paths: Vec<&str> = rows.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "form-submission",
            "contact-message",
            "whitepaper-request",
            "webinar-registration",
            "booking"
        ],
        "newest first"
    );
    assert!(rows.iter().all(|(_, _, status)| status == "new"));
    // Each path's own source: the webinar form's landing campaign, the built form's page.
    let webinar = lead_id(&app, "wim@example.com").await;
    let (page, campaign): (String, String) =
        sql("SELECT source_url, utm_campaign FROM leads WHERE id = $1")
            .bind(webinar)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (page.as_str(), campaign.as_str()),
        ("/en/webinars/x", "autumn")
    );
    let form = lead_id(&app, "fiona@example.com").await;
    let detail = app.page(&format!("/admin/leads/{form}")).await;
    let answers = texts(&detail, ".lead-answers dd");
    assert!(answers.contains(&"11–50".to_owned()), "{answers:?}");
    assert!(answers.contains(&"A forecasting pilot for our sales team.".to_owned()));
    assert!(
        texts(&detail, ".lead-details dd")
            .iter()
            .any(|d| d == "/en/services")
    );

    // Filters: one path, a campaign, a day with no leads.
    let only = inbox(&app, "/admin/leads?path=whitepaper-request").await;
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].1, "whitepaper-request");
    let autumn = inbox(&app, "/admin/leads?campaign=autumn").await;
    assert_eq!(autumn.iter().map(|r| r.0).collect::<Vec<_>>(), [webinar]);
    assert!(
        inbox(&app, "/admin/leads?from=2000-01-01&to=2000-01-02")
            .await
            .is_empty()
    );
    // Nonsense in the filters narrows nothing and breaks nothing.
    let r = app
        .get("/admin/leads?path=%3Cscript%3E&status=x&owner=abc&from=garbage&page=-3")
        .await;
    assert_eq!(r.status(), 200);

    // The CSV is the filtered view.
    let csv = app.get("/admin/leads.csv?path=form-submission").await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("id,created_at,path,subject,name,email"));
    assert!(lines[1].contains("fiona@example.com") && lines[1].contains("Ask for a proposal"));
    let all = app.get("/admin/leads.csv").await.text().await.unwrap();
    assert_eq!(all.lines().count(), 6);
}

#[tokio::test]
async fn a_lead_is_worked_with_status_owner_notes_and_its_new_owner_is_told() {
    let app = TestApp::signed_in("editor").await;
    let owner = app
        .create_user("sales@magnetiq.test", "editor", common::PASSWORD)
        .await;
    one_of_each(&app).await;
    let id = lead_id(&app, "carl@example.com").await;
    let page = format!("/admin/leads/{id}");
    let tomorrow = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48))
        .date()
        .to_string();
    // A date that is none: 422, the notes typed are still there.
    let r = app
        .post_form(
            &page,
            &page,
            &[
                ("status", "contacted"),
                ("owner", &owner.to_string()),
                ("notes", "Called, <b>wants</b> a quote"),
                ("follow_up_on", "next tuesday"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert_eq!(
        texts(&html, "#lead-notes"),
        ["Called, <b>wants</b> a quote"]
    );
    assert_eq!(texts(&html, "#lead-follow-up-error").len(), 1);
    let r = app
        .post_form(
            &page,
            &page,
            &[
                ("status", "contacted"),
                ("owner", &owner.to_string()),
                ("notes", "Called, <b>wants</b> a quote"),
                ("follow_up_on", &tomorrow),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), page);
    let (status, owner_id, notes, day): (String, Option<i64>, String, Option<String>) =
        sql("SELECT status, owner_id, notes, follow_up_on FROM leads WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), owner_id, notes.as_str(), day.as_deref()),
        (
            "contacted",
            Some(owner),
            "Called, <b>wants</b> a quote",
            Some(tomorrow.as_str())
        )
    );
    // The owner hears of it once, not again when the lead is saved unchanged.
    let assigned = || async {
        sql("SELECT count(*) FROM outbox WHERE recipient = 'sales@magnetiq.test' AND purpose = 'lead-assigned'")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap()
    };
    assert_eq!(assigned().await, 1);
    let subject: String = sql("SELECT subject FROM outbox WHERE purpose = 'lead-assigned'")
        .scalar(&app.state.db)
        .await
        .unwrap();
    assert_eq!(subject, "Lead assigned to you: Carl Contact");
    app.post_form(
        &page,
        &page,
        &[
            ("status", "qualified"),
            ("owner", &owner.to_string()),
            ("notes", "x"),
        ],
    )
    .await;
    assert_eq!(assigned().await, 1);
    // Escaped on the page, listed as the owner's in the inbox.
    let body = app.get(&page).await.text().await.unwrap();
    assert!(!body.contains("<b>wants</b>"));
    let mine = inbox(&app, &format!("/admin/leads?owner={owner}")).await;
    assert_eq!(mine.iter().map(|r| r.0).collect::<Vec<_>>(), [id]);
    // An owner who is no staff member is refused.
    let r = app
        .post_form(&page, &page, &[("status", "won"), ("owner", "99999")])
        .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn several_leads_change_status_and_owner_at_once() {
    let app = TestApp::signed_in("editor").await;
    let owner = app
        .create_user("sales@magnetiq.test", "editor", common::PASSWORD)
        .await;
    one_of_each(&app).await;
    let picked = [
        lead_id(&app, "bea@example.com").await,
        lead_id(&app, "fiona@example.com").await,
    ];
    let token = app.csrf_token("/admin/leads").await;
    let (a, b) = (picked[0].to_string(), picked[1].to_string());
    let owner_value = owner.to_string();
    let r = app
        .client
        .post(app.url("/admin/leads/bulk"))
        .header("origin", app.url(""))
        .form(&[
            ("csrf_token", token.as_str()),
            ("back", "/admin/leads?path=booking"),
            ("lead", a.as_str()),
            ("lead", b.as_str()),
            ("status", "qualified"),
            ("owner", owner_value.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/leads?path=booking");
    let qualified = inbox(&app, "/admin/leads?status=qualified").await;
    let mut ids: Vec<i64> = qualified.iter().map(|r| r.0).collect();
    ids.sort();
    assert_eq!(ids, picked);
    let told: i64 = sql(
        "SELECT count(*) FROM outbox WHERE recipient = 'sales@magnetiq.test' AND purpose = 'lead-assigned'",
    )
    .scalar(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, 2, "one mail per lead given");
    // The others are untouched; a bad owner or no choice changes nothing.
    assert_eq!(inbox(&app, "/admin/leads?status=new").await.len(), 3);
    let r = app
        .client
        .post(app.url("/admin/leads/bulk"))
        .header("origin", app.url(""))
        .form(&[
            ("csrf_token", token.as_str()),
            ("lead", a.as_str()),
            ("owner", "not-a-user"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A back address that leaves the inbox is not followed.
    let r = app
        .client
        .post(app.url("/admin/leads/bulk"))
        .header("origin", app.url(""))
        .form(&[
            ("csrf_token", token.as_str()),
            ("back", "https://evil.example/"),
            ("lead", a.as_str()),
            ("status", "won"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/admin/leads");
}

#[tokio::test]
async fn the_follow_up_day_reminds_the_owner_once_and_a_past_day_is_overdue() {
    let app = TestApp::signed_in("editor").await;
    let owner = app
        .create_user("sales@magnetiq.test", "editor", common::PASSWORD)
        .await;
    one_of_each(&app).await;
    let today = magnetiq::leads::reminders::today(&app.state);
    let yesterday = today
        .parse::<jiff::civil::Date>()
        .unwrap()
        .yesterday()
        .unwrap()
        .to_string();
    let due = lead_id(&app, "wim@example.com").await;
    let late = lead_id(&app, "wanda@example.com").await;
    let closed = lead_id(&app, "bea@example.com").await;
    for (id, status, day) in [
        (due, "contacted", today.as_str()),
        (late, "qualified", yesterday.as_str()),
        (closed, "won", yesterday.as_str()),
    ] {
        let page = format!("/admin/leads/{id}");
        let r = app
            .post_form(
                &page,
                &page,
                &[
                    ("status", status),
                    ("owner", &owner.to_string()),
                    ("follow_up_on", day),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    // Today's and yesterday's open leads remind their owner; the won one does not.
    let reminders = || async {
        sql("SELECT count(*) FROM outbox WHERE recipient = 'sales@magnetiq.test' AND purpose = 'lead-follow-up'")
            .scalar::<i64>(&app.state.db)
            .await
            .unwrap()
    };
    assert_eq!(reminders().await, 2);
    // Once per date, however often the reminders are looked for.
    magnetiq::leads::reminders::send_due(&app.state)
        .await
        .unwrap();
    magnetiq::leads::reminders::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(reminders().await, 2);
    let subjects: Vec<String> =
        sql("SELECT subject FROM outbox WHERE purpose = 'lead-follow-up' ORDER BY id")
            .scalars(&app.state.db)
            .await
            .unwrap();
    assert!(
        subjects.contains(&"Follow up today: Wim Visitor".to_owned()),
        "{subjects:?}"
    );
    // Overdue: the open lead whose day has passed, on the dashboard and as a filter.
    let overdue = inbox(&app, "/admin/leads?overdue=yes").await;
    assert_eq!(overdue.iter().map(|r| r.0).collect::<Vec<_>>(), [late]);
    let dashboard = app.page("/admin").await;
    assert_eq!(texts(&dashboard, "[data-inbox-overdue]"), ["1"]);
    assert_eq!(texts(&dashboard, "[data-inbox-new]"), ["2"]);
    assert_eq!(
        common::count(&app.page("/admin/leads").await, "tr.lead-overdue"),
        1
    );
}

#[tokio::test]
async fn the_inbox_is_for_editors_and_admins_and_every_change_needs_its_token() {
    let app = TestApp::signed_in("author").await;
    for path in ["/admin/leads", "/admin/leads.csv", "/admin/leads/1"] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
    let editor = TestApp::signed_in("editor").await;
    one_of_each(&editor).await;
    let id = lead_id(&editor, "carl@example.com").await;
    let r = editor
        .client
        .post(editor.url(&format!("/admin/leads/{id}")))
        .header("origin", editor.url(""))
        .form(&[("status", "spam")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(editor.get("/admin/leads/99999").await.status(), 404);
    let status: String = sql("SELECT status FROM leads WHERE id = $1")
        .bind(id)
        .scalar(&editor.state.db)
        .await
        .unwrap();
    assert_eq!(status, "new");
    // The whitepaper requests keep a list of their own (downloads, confirmation).
    assert_eq!(editor.get("/admin/whitepapers/leads").await.status(), 200);
}
