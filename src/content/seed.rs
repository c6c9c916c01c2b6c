//! The demo site: a small consultancy's pages in English and German, using every block type. One page
//! is a draft, one is in English only (to show the fallback).
use anyhow::Context;
use serde_json::{Value, json};

use super::blocks::BlockKind;
use super::model::{PageStatus, Placement, Slug};
use super::store::{self, NewPage};
use crate::db::{self, Db};
use crate::i18n::Localized;

fn tr(en: &str, de: &str) -> Value {
    json!({"en": en, "de": de})
}

fn en_only(en: &str) -> Value {
    json!({"en": en})
}

struct DemoPage {
    slug: &'static str,
    parent: Option<&'static str>,
    placement: Placement,
    draft: bool,
    title: Value,
    summary: Value,
    blocks: Vec<(&'static str, Value)>,
}

fn localized(v: &Value) -> anyhow::Result<Localized<String>> {
    Ok(serde_json::from_value(v.clone())?)
}

/// Adds the demo pages whose slugs are still free; returns how many were added.
pub async fn seed_demo(db: &Db, langs: &[crate::i18n::Lang]) -> anyhow::Result<usize> {
    let mut created = 0;
    let mut ids: Vec<(&str, i64)> = Vec::new();
    for (order, page) in demo_pages().into_iter().enumerate() {
        let slug = Slug::parse(page.slug).context("demo slug")?;
        if let Some(id) = store::page_id_by_slug(db, &slug).await? {
            ids.push((page.slug, id));
            continue;
        }
        let blocks = page
            .blocks
            .iter()
            .map(|(kind, content)| BlockKind::parse(kind, &content.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("demo page {}", page.slug))?;
        let parent_id = page
            .parent
            .and_then(|p| ids.iter().find(|(s, _)| *s == p).map(|(_, id)| *id));
        let new = NewPage {
            slugs: localized(&demo_slugs(page.slug))?,
            slug,
            title: localized(&page.title)?,
            summary: localized(&page.summary)?,
            meta_description: localized(&page.summary)?,
            status: if page.draft {
                PageStatus::Draft
            } else {
                PageStatus::Published(db::now())
            },
            parent_id,
            nav_order: order as i64 * 10,
            placement: page.placement,
            kind: Default::default(),
            article: Default::default(),
        };
        let id = store::create_page(db, &new, blocks, langs).await?;
        ids.push((page.slug, id));
        created += 1;
    }
    if created > 0 {
        // The demo shows the editorial workflow: editors submit, another editor or an admin approves.
        super::review::store::set_required_unless_set(db, true).await?;
    }
    Ok(created)
}

/// The demo pages' own German addresses (`/de/ueber-uns` for `/en/about`); the others keep the
/// English slug in German too.
fn demo_slugs(slug: &str) -> Value {
    let german = match slug {
        "about" => "ueber-uns",
        "services" => "leistungen",
        "contact" => "kontakt",
        "imprint" => "impressum",
        "privacy" => "datenschutz",
        "careers" => "karriere",
        _ => return json!({}),
    };
    json!({ "de": german })
}

fn demo_pages() -> Vec<DemoPage> {
    vec![
        DemoPage {
            slug: "home",
            parent: None,
            placement: Placement::Main,
            draft: false,
            title: tr(
                "AI engineering for growing companies",
                "KI-Entwicklung für wachsende Unternehmen",
            ),
            summary: tr(
                "Magnetiq helps small and mid-sized companies put AI and modern software to work: from the first workshop to production.",
                "Magnetiq bringt KI und moderne Software in kleine und mittlere Unternehmen: vom ersten Workshop bis in den Betrieb.",
            ),
            blocks: vec![
                (
                    "hero",
                    json!({
                        "headline": tr("Software that learns. Teams that lead.", "Software, die lernt. Teams, die führen."),
                        "subheadline": tr(
                            "We design, build and run AI-powered products with your team, in weeks rather than quarters.",
                            "Wir entwerfen, bauen und betreiben KI-gestützte Produkte mit Ihrem Team – in Wochen statt Quartalen.",
                        ),
                        "buttons": [
                            {"label": tr("Book a free consultation", "Kostenloses Erstgespräch buchen"), "url": tr("/en/contact", "/de/kontakt")},
                            {"label": tr("Explore our services", "Unsere Leistungen"), "url": tr("/en/services", "/de/leistungen")}
                        ],
                        "background_image": "/static/img/hero.svg"
                    }),
                ),
                (
                    "features",
                    json!({
                        "title": tr("Why teams choose us", "Warum Teams uns wählen"),
                        "items": [
                            {"icon": "bolt", "title": tr("Fast results", "Schnelle Ergebnisse"),
                             "text": tr("A working prototype within four weeks, measured against your own data.", "Ein funktionierender Prototyp in vier Wochen, gemessen an Ihren eigenen Daten.")},
                            {"icon": "shield", "title": tr("Privacy by design", "Datenschutz von Anfang an"),
                             "text": tr("GDPR-compliant architectures, hosted in the EU on request.", "DSGVO-konforme Architekturen, auf Wunsch in der EU gehostet.")},
                            {"icon": "users", "title": tr("Your team grows", "Ihr Team wächst mit"),
                             "text": tr("We pair with your developers so the knowledge stays in-house.", "Wir arbeiten eng mit Ihren Entwicklern, damit das Wissen im Haus bleibt.")},
                            {"icon": "chart", "title": tr("Measurable impact", "Messbarer Nutzen"),
                             "text": tr("Every project starts with a metric and ends with a report.", "Jedes Projekt beginnt mit einer Kennzahl und endet mit einem Bericht.")}
                        ]
                    }),
                ),
                (
                    "rich_text",
                    json!({"body": tr(
                        "## From idea to production\n\nMost AI projects stall between the demo and the daily routine. We close that gap: we start with **one concrete process**, build a solution your staff actually use, and hand it over with documentation, tests and monitoring.\n\n- Discovery workshop and feasibility check\n- Prototype on your data\n- Production rollout and training",
                        "## Von der Idee in den Betrieb\n\nDie meisten KI-Projekte bleiben zwischen Demo und Alltag stecken. Wir schließen diese Lücke: Wir beginnen mit **einem konkreten Prozess**, bauen eine Lösung, die Ihre Mitarbeitenden wirklich nutzen, und übergeben sie mit Dokumentation, Tests und Monitoring.\n\n- Discovery-Workshop und Machbarkeitsprüfung\n- Prototyp mit Ihren Daten\n- Einführung im Betrieb und Schulung",
                    )}),
                ),
                (
                    "quote",
                    json!({
                        "text": tr(
                            "Within six weeks our support team answered twice as many requests, without a single new hire.",
                            "Innerhalb von sechs Wochen beantwortete unser Support-Team doppelt so viele Anfragen – ohne eine einzige Neueinstellung.",
                        ),
                        "person": tr("Julia Berger", "Julia Berger"),
                        "role": tr("Head of Customer Service", "Leiterin Kundenservice"),
                        "company": tr("Alpenrad GmbH", "Alpenrad GmbH")
                    }),
                ),
                (
                    "call_to_action",
                    json!({
                        "headline": tr("Let's talk about your next step", "Sprechen wir über Ihren nächsten Schritt"),
                        "text": tr("Thirty minutes, free of charge, with one of our engineers.", "Dreißig Minuten, kostenlos, mit einer unserer Ingenieurinnen oder einem unserer Ingenieure."),
                        "label": tr("Book a consultation", "Beratung buchen"),
                        "url": tr("/en/contact", "/de/kontakt")
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "about",
            parent: None,
            placement: Placement::Main,
            draft: false,
            title: tr("About us", "Über uns"),
            summary: tr(
                "A team of twelve engineers and designers in Munich and Berlin.",
                "Ein Team aus zwölf Ingenieurinnen, Ingenieuren und Designern in München und Berlin.",
            ),
            blocks: vec![
                (
                    "heading",
                    json!({"text": tr("Engineers first", "Zuerst Ingenieure"), "level": 2}),
                ),
                (
                    "rich_text",
                    json!({"body": tr(
                        "Magnetiq was founded in 2019 by three engineers who had spent years shipping machine learning systems at scale. Today we are twelve people in **Munich** and **Berlin**, working with manufacturers, retailers and public institutions across the DACH region.",
                        "Magnetiq wurde 2019 von drei Ingenieuren gegründet, die jahrelang Machine-Learning-Systeme im großen Maßstab ausgeliefert hatten. Heute sind wir zwölf Menschen in **München** und **Berlin** und arbeiten mit Herstellern, Händlern und öffentlichen Einrichtungen im DACH-Raum.",
                    )}),
                ),
                (
                    "image",
                    json!({
                        "src": "/static/img/team.svg",
                        "alt": tr("Illustration of our team working together at a whiteboard", "Illustration unseres Teams bei der gemeinsamen Arbeit am Whiteboard"),
                        "caption": tr("Our Munich office, where most workshops take place.", "Unser Münchner Büro, in dem die meisten Workshops stattfinden."),
                        "width": 960, "height": 540
                    }),
                ),
                (
                    "quote",
                    json!({
                        "text": tr("Good software is a conversation that never stops.", "Gute Software ist ein Gespräch, das nie aufhört."),
                        "person": tr("Tobias Krämer", "Tobias Krämer"),
                        "role": tr("Co-founder", "Mitgründer"),
                        "company": tr("Magnetiq", "Magnetiq")
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "services",
            parent: None,
            placement: Placement::Main,
            draft: false,
            title: tr("Services", "Leistungen"),
            summary: tr(
                "AI engineering, software development and cloud consulting for small and mid-sized companies.",
                "KI-Entwicklung, Softwareentwicklung und Cloud-Beratung für kleine und mittlere Unternehmen.",
            ),
            blocks: vec![
                (
                    "rich_text",
                    json!({"body": tr(
                        "We offer three services that build on each other. Start wherever you are: with a first AI use case, with a product that needs engineering muscle, or with infrastructure that has outgrown its first setup.",
                        "Wir bieten drei Leistungen, die aufeinander aufbauen. Beginnen Sie dort, wo Sie stehen: mit einem ersten KI-Anwendungsfall, mit einem Produkt, das Entwicklungskraft braucht, oder mit einer Infrastruktur, die ihrem ersten Aufbau entwachsen ist.",
                    )}),
                ),
                (
                    "features",
                    json!({
                        "title": tr("What we do", "Was wir tun"),
                        "items": [
                            {"icon": "chat", "title": tr("AI engineering", "KI-Entwicklung"), "text": tr("Assistants, document understanding, forecasting.", "Assistenten, Dokumentenverständnis, Prognosen.")},
                            {"icon": "code", "title": tr("Software development", "Softwareentwicklung"), "text": tr("Web platforms and APIs, built to last.", "Webplattformen und APIs, gebaut für die Dauer.")},
                            {"icon": "globe", "title": tr("Cloud consulting", "Cloud-Beratung"), "text": tr("Secure, affordable infrastructure in the EU.", "Sichere, bezahlbare Infrastruktur in der EU.")}
                        ]
                    }),
                ),
                (
                    "form",
                    json!({
                        "title": tr("Ask for a proposal", "Angebot anfragen"),
                        "intro": tr(
                            "Tell us a little about your plans; we send a first proposal within three working days.",
                            "Erzählen Sie uns kurz von Ihren Plänen; wir senden Ihnen binnen drei Werktagen ein erstes Angebot.",
                        ),
                        "items": [
                            {"kind": "text", "label": tr("Your name", "Ihr Name"), "required": "yes"},
                            {"kind": "email", "label": tr("Email", "E-Mail"), "required": "yes"},
                            {"kind": "text", "label": tr("Company", "Unternehmen")},
                            {"kind": "choice", "label": tr("Team size", "Teamgröße"),
                             "options": tr("1–10\n11–50\n51–250\nMore than 250", "1–10\n11–50\n51–250\nMehr als 250"), "required": "yes"},
                            {"kind": "checkboxes", "label": tr("What interests you?", "Was interessiert Sie?"),
                             "options": tr("AI engineering\nSoftware development\nCloud consulting", "KI-Entwicklung\nSoftwareentwicklung\nCloud-Beratung")},
                            {"kind": "long_text", "label": tr("What are you planning?", "Was haben Sie vor?"),
                             "help": tr("A few sentences are enough.", "Ein paar Sätze genügen.")},
                            {"kind": "consent", "label": tr(
                                "I agree that Magnetiq contacts me about this request.",
                                "Ich bin einverstanden, dass Magnetiq mich zu dieser Anfrage kontaktiert.",
                            )}
                        ],
                        "submit": tr("Ask for a proposal", "Angebot anfragen"),
                        "thanks": tr(
                            "Thank you! We will send you a first proposal within three working days.",
                            "Vielen Dank! Wir senden Ihnen binnen drei Werktagen ein erstes Angebot.",
                        ),
                        "newsletter": "yes"
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "ai-engineering",
            parent: Some("services"),
            placement: Placement::Main,
            draft: false,
            title: tr("AI engineering", "KI-Entwicklung"),
            summary: tr(
                "Assistants, document understanding and forecasting, built on your data and run in production.",
                "Assistenten, Dokumentenverständnis und Prognosen – auf Ihren Daten gebaut und im Betrieb.",
            ),
            blocks: vec![
                (
                    "rich_text",
                    json!({"body": tr(
                        "We build AI features that earn their keep: a support assistant that knows your manuals, an inbox that sorts itself, a forecast your purchasing team trusts. Every model is evaluated on **your** data before it goes live.",
                        "Wir bauen KI-Funktionen, die sich rechnen: einen Support-Assistenten, der Ihre Handbücher kennt, ein Postfach, das sich selbst sortiert, eine Prognose, der Ihr Einkauf vertraut. Jedes Modell wird vor dem Start mit **Ihren** Daten bewertet.",
                    )}),
                ),
                (
                    "video",
                    json!({
                        "provider": "youtube",
                        "video_id": "aqz-KE-bpKQ",
                        "title": tr("How we run a four-week AI prototype", "So läuft ein vierwöchiger KI-Prototyp ab")
                    }),
                ),
                (
                    "call_to_action",
                    json!({
                        "headline": tr("Have a process in mind?", "Schon einen Prozess im Blick?"),
                        "label": tr("Talk to an engineer", "Mit einem Ingenieur sprechen"),
                        "url": tr("/en/contact", "/de/kontakt")
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "software-development",
            parent: Some("services"),
            placement: Placement::Main,
            draft: false,
            title: tr("Software development", "Softwareentwicklung"),
            summary: tr(
                "Web platforms and APIs with tests, documentation and a clean handover.",
                "Webplattformen und APIs mit Tests, Dokumentation und sauberer Übergabe.",
            ),
            blocks: vec![
                (
                    "heading",
                    json!({"text": tr("Built to be maintained", "Gebaut, um gepflegt zu werden"), "level": 2}),
                ),
                (
                    "rich_text",
                    json!({"body": tr(
                        "We write software your team can own: typed, tested and documented. We prefer boring technology, small deployments and fast feedback.",
                        "Wir schreiben Software, die Ihr Team übernehmen kann: typisiert, getestet und dokumentiert. Wir bevorzugen bewährte Technik, kleine Deployments und schnelle Rückmeldung.",
                    )}),
                ),
                (
                    "image",
                    json!({
                        "src": "/static/img/code.svg",
                        "alt": tr("Stylised code editor with a passing test run", "Stilisierter Code-Editor mit erfolgreichem Testlauf"),
                        "width": 960, "height": 540
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "cloud-consulting",
            parent: Some("services"),
            placement: Placement::Main,
            draft: false,
            title: en_only("Cloud consulting"),
            summary: en_only("Secure and affordable infrastructure, hosted in the EU."),
            blocks: vec![(
                "rich_text",
                json!({"body": en_only(
                    "This page is only available in English so far. We review your current setup, cut costs and move workloads to EU data centres without downtime.",
                )}),
            )],
        },
        DemoPage {
            slug: "contact",
            parent: None,
            placement: Placement::Main,
            draft: false,
            title: tr("Contact", "Kontakt"),
            summary: tr(
                "Write to us or book a free thirty-minute consultation.",
                "Schreiben Sie uns oder buchen Sie ein kostenloses dreißigminütiges Erstgespräch.",
            ),
            blocks: vec![
                (
                    "rich_text",
                    json!({"body": tr(
                        "**Magnetiq GmbH**  \nLeopoldstraße 42  \n80802 Munich, Germany\n\nPhone: +49 89 1234 5678  \nEmail: [hello@magnetiq.example](mailto:hello@magnetiq.example)",
                        "**Magnetiq GmbH**  \nLeopoldstraße 42  \n80802 München\n\nTelefon: +49 89 1234 5678  \nE-Mail: [hello@magnetiq.example](mailto:hello@magnetiq.example)",
                    )}),
                ),
                (
                    "call_to_action",
                    json!({
                        "headline": tr("Rather talk it through?", "Lieber direkt sprechen?"),
                        "text": tr("Thirty minutes with one of our engineers, free of charge.", "Dreißig Minuten mit einer unserer Ingenieurinnen oder einem unserer Ingenieure, kostenlos."),
                        "label": tr("Book a consultation", "Beratung buchen"),
                        "url": tr("/en/book", "/de/book")
                    }),
                ),
                (
                    "contact_form",
                    json!({
                        "title": tr("Send us a message", "Senden Sie uns eine Nachricht"),
                        "intro": tr(
                            "Tell us what you are working on; we answer within one working day.",
                            "Erzählen Sie uns, woran Sie arbeiten; wir antworten innerhalb eines Werktags.",
                        ),
                        "topics": tr(
                            "A project enquiry\nA question about a webinar or whitepaper\nPress and partnerships\nSomething else",
                            "Eine Projektanfrage\nEine Frage zu einem Webinar oder Whitepaper\nPresse und Partnerschaften\nEtwas anderes",
                        ),
                    }),
                ),
            ],
        },
        DemoPage {
            slug: "faq",
            parent: None,
            placement: Placement::Resources,
            draft: false,
            title: tr("Frequently asked questions", "Häufige Fragen"),
            summary: tr(
                "Answers about projects, pricing and data protection.",
                "Antworten zu Projekten, Preisen und Datenschutz.",
            ),
            blocks: vec![(
                "rich_text",
                json!({"body": tr(
                    "## How long does a project take?\n\nA prototype takes about four weeks; a production rollout two to three months.\n\n## Where is our data stored?\n\nIn EU data centres, unless you ask otherwise. We sign a data processing agreement before we see any data.",
                    "## Wie lange dauert ein Projekt?\n\nEin Prototyp dauert etwa vier Wochen, eine Einführung im Betrieb zwei bis drei Monate.\n\n## Wo werden unsere Daten gespeichert?\n\nIn Rechenzentren in der EU, sofern Sie nichts anderes wünschen. Wir schließen einen Auftragsverarbeitungsvertrag, bevor wir Daten sehen.",
                )}),
            )],
        },
        DemoPage {
            slug: "imprint",
            parent: None,
            placement: Placement::Legal,
            draft: false,
            title: tr("Imprint", "Impressum"),
            summary: tr(
                "Legal information about Magnetiq GmbH.",
                "Rechtliche Angaben zur Magnetiq GmbH.",
            ),
            blocks: vec![(
                "rich_text",
                json!({"body": tr(
                    "**Magnetiq GmbH**, Leopoldstraße 42, 80802 Munich, Germany  \nManaging directors: Tobias Krämer, Aylin Demir  \nRegister court: Munich Local Court, HRB 123456  \nVAT ID: DE123456789",
                    "**Magnetiq GmbH**, Leopoldstraße 42, 80802 München  \nGeschäftsführung: Tobias Krämer, Aylin Demir  \nRegistergericht: Amtsgericht München, HRB 123456  \nUSt-IdNr.: DE123456789",
                )}),
            )],
        },
        DemoPage {
            slug: "privacy",
            parent: None,
            placement: Placement::Legal,
            draft: false,
            title: tr("Privacy policy", "Datenschutzerklärung"),
            summary: tr(
                "How we handle your personal data.",
                "Wie wir mit Ihren personenbezogenen Daten umgehen.",
            ),
            blocks: vec![
                (
                    "rich_text",
                    json!({"body": tr(
                        "We process personal data only to answer your requests and to provide our services (Art. 6 (1) (b) GDPR). This website sets one cookie that remembers your language. When you confirm a whitepaper download, a second cookie (“mq_reader”, signed, first-party, kept 90 days) remembers you as a reader so the next whitepaper is one click; clearing your cookies removes it, and the whitepaper page has a “Not you?” button that does the same. It loads no third-party fonts, scripts or trackers. Embedded videos use YouTube's privacy-enhanced mode.",
                        "Wir verarbeiten personenbezogene Daten nur, um Ihre Anfragen zu beantworten und unsere Leistungen zu erbringen (Art. 6 Abs. 1 lit. b DSGVO). Diese Website setzt ein Cookie, das sich Ihre Sprache merkt. Wenn Sie einen Whitepaper-Download bestätigen, merkt sich ein zweites Cookie („mq_reader“, signiert, nur von dieser Website, 90 Tage gespeichert) Sie als Leser, damit das nächste Whitepaper nur einen Klick kostet; das Löschen Ihrer Cookies entfernt es, ebenso die Schaltfläche „Nicht Sie?“ auf der Whitepaper-Seite. Sie lädt keine Schriften, Skripte oder Tracker von Dritten. Eingebettete Videos nutzen den erweiterten Datenschutzmodus von YouTube.",
                    )}),
                ),
                (
                    "rich_text",
                    json!({"body": tr(
                        "**Visit statistics.** To learn which pages and campaigns are read, this website counts page views on its own server: without cookies, without JavaScript and without third parties (legitimate interest, Art. 6 (1) (f) GDPR). From your IP address, your browser's name and a random value that is replaced every day and then deleted, it forms a code that tells one day's visitors apart; the address and the browser name themselves are not stored, and the code cannot be traced back once the day's value is gone. What is kept are daily totals only: pages viewed, the page a visit began on, the website you came from (its name, not the page), campaign tags in the address (utm_source, utm_medium, utm_campaign), the kind of device and the browser family, and whether a visit ended in a booking, registration, request, message or sign-up. Nothing is about you as a person, so nothing of it is in a data export; crawlers and our own staff are not counted.",
                        "**Besuchsstatistik.** Um zu erfahren, welche Seiten und Kampagnen gelesen werden, zählt diese Website Seitenaufrufe auf ihrem eigenen Server: ohne Cookies, ohne JavaScript und ohne Dritte (berechtigtes Interesse, Art. 6 Abs. 1 lit. f DSGVO). Aus Ihrer IP-Adresse, dem Namen Ihres Browsers und einem Zufallswert, der jeden Tag ersetzt und dann gelöscht wird, bildet sie einen Code, der die Besucher eines Tages unterscheidet; Adresse und Browsername selbst werden nicht gespeichert, und der Code lässt sich nicht zurückverfolgen, sobald der Tageswert gelöscht ist. Aufbewahrt werden nur Tagessummen: aufgerufene Seiten, die Einstiegsseite eines Besuchs, die Website, von der Sie kamen (ihr Name, nicht die Seite), Kampagnen-Angaben in der Adresse (utm_source, utm_medium, utm_campaign), die Art des Geräts und die Browserfamilie sowie, ob ein Besuch zu einer Buchung, Anmeldung, Anfrage, Nachricht oder Newsletter-Anmeldung führte. Nichts davon betrifft Sie als Person, daher erscheint nichts davon in einer Datenauskunft; Crawler und unsere eigenen Mitarbeitenden werden nicht gezählt.",
                    )}),
                ),
                (
                    "rich_text",
                    json!({"body": tr(
                        "**Newsletter.** If you subscribe and confirm your address, this website sends you its newsletter from its own server, in your language (consent, Art. 6 (1) (a) GDPR). Its mails contain no tracking pixels and their links are not rewritten: we do not learn whether or when you open a mail or what you click. Every mail has your own unsubscribe link, which works with one click. We keep which issues were sent to you (part of your data export, erased with your data); if your mail server refuses our mail for good, we note the address as undeliverable and send nothing more to it.",
                        "**Newsletter.** Wenn Sie den Newsletter abonnieren und Ihre Adresse bestätigen, schickt Ihnen diese Website ihn von ihrem eigenen Server, in Ihrer Sprache (Einwilligung, Art. 6 Abs. 1 lit. a DSGVO). Die Mails enthalten keine Zählpixel, und ihre Links werden nicht umgeschrieben: Wir erfahren nicht, ob oder wann Sie eine Mail öffnen oder was Sie anklicken. Jede Mail enthält Ihren eigenen Abmeldelink, der mit einem Klick wirkt. Wir speichern, welche Ausgaben Ihnen gesendet wurden (Teil Ihrer Datenauskunft, gelöscht mit Ihren Daten); lehnt Ihr Mailserver unsere Mail dauerhaft ab, vermerken wir die Adresse als unzustellbar und senden nichts mehr an sie.",
                    )}),
                ),
            ],
        },
        DemoPage {
            slug: "packages",
            parent: None,
            placement: Placement::Main,
            draft: false,
            title: tr("Packages", "Pakete"),
            summary: tr(
                "Three ways to start with AI, with what each includes and costs.",
                "Drei Wege, mit KI zu beginnen: was jeder enthält und kostet.",
            ),
            blocks: vec![
                (
                    "stats",
                    json!({"items": [
                        {"value": tr("120+", "120+"), "label": tr("projects delivered", "abgeschlossene Projekte")},
                        {"value": tr("14 days", "14 Tage"), "label": tr("from kickoff to first prototype", "vom Start zum ersten Prototyp")},
                        {"value": tr("98 %", "98 %"), "label": tr("of clients would book us again", "der Kunden würden wieder buchen")},
                    ]}),
                ),
                (
                    "pricing",
                    json!({"title": tr("Choose your start", "Wählen Sie Ihren Einstieg"), "items": [
                        {"name": tr("Workshop", "Workshop"), "price": tr("2,400 €", "2.400 €"), "period": tr("once", "einmalig"),
                         "features": tr("One day on site\nUse cases ranked\nA written plan", "Ein Tag vor Ort\nAnwendungsfälle priorisiert\nEin schriftlicher Plan"),
                         "cta_label": tr("Book a call", "Gespräch buchen"), "cta_url": tr("/en/book", "/de/book")},
                        {"name": tr("Prototype", "Prototyp"), "price": tr("9,800 €", "9.800 €"), "period": tr("fixed price", "Festpreis"),
                         "features": tr("Workshop included\nA working prototype in 14 days\nEvaluation on your data", "Workshop inklusive\nEin funktionierender Prototyp in 14 Tagen\nEvaluierung mit Ihren Daten"),
                         "highlighted": "yes", "cta_label": tr("Book a call", "Gespräch buchen"), "cta_url": tr("/en/book", "/de/book")},
                        {"name": tr("Partnership", "Partnerschaft"), "price": tr("from 6,000 €", "ab 6.000 €"), "period": tr("per month", "pro Monat"),
                         "features": tr("A team on call\nProduction and monitoring\nQuarterly reviews", "Ein Team auf Abruf\nBetrieb und Monitoring\nQuartalsweise Reviews"),
                         "cta_label": tr("Talk to us", "Sprechen Sie uns an"), "cta_url": tr("/en/contact", "/de/kontakt")},
                    ]}),
                ),
                (
                    "table",
                    json!({"title": tr("What each package includes", "Was jedes Paket enthält"), "rows": tr(
                        "Included | Workshop | Prototype | Partnership\nUse-case workshop | yes | yes | yes\nWorking prototype | no | yes | yes\nProduction support | no | no | yes",
                        "Enthalten | Workshop | Prototyp | Partnerschaft\nAnwendungsfall-Workshop | ja | ja | ja\nFunktionierender Prototyp | nein | ja | ja\nBetrieb | nein | nein | ja",
                    )}),
                ),
                ("divider", json!({"style": "line"})),
                (
                    "testimonials",
                    json!({"title": tr("What clients say", "Was Kunden sagen"), "items": [
                        {"quote": tr("Two weeks later we had a prototype our staff actually used.", "Zwei Wochen später hatten wir einen Prototyp, den unser Team wirklich nutzte."),
                         "name": tr("Mara Ilić", "Mara Ilić"), "role": tr("COO, logistics company", "COO, Logistikunternehmen"), "photo": "/static/img/speaker.svg"},
                        {"quote": tr("Clear about costs from day one, and no lock-in.", "Vom ersten Tag an klar bei den Kosten, und keine Abhängigkeit."),
                         "name": tr("Jonas Weber", "Jonas Weber"), "role": tr("Managing director, engineering firm", "Geschäftsführer, Ingenieurbüro")},
                    ]}),
                ),
                (
                    "gallery",
                    json!({"title": tr("From the last workshops", "Aus den letzten Workshops"), "items": [
                        {"src": "/static/img/team.svg", "alt": tr("The team at the whiteboard", "Das Team am Whiteboard"), "caption": tr("Ranking use cases", "Anwendungsfälle priorisieren")},
                        {"src": "/static/img/code.svg", "alt": tr("Code on a screen", "Code auf einem Bildschirm"), "caption": tr("The first prototype", "Der erste Prototyp")},
                        {"src": "/static/img/hero.svg", "alt": tr("An abstract chart", "Ein abstraktes Diagramm"), "caption": tr("Measuring the result", "Das Ergebnis messen")},
                    ]}),
                ),
                (
                    "columns",
                    json!({"items": [
                        {"body": tr("### Before\nWe read your processes and data, and name what AI can and cannot do for them.", "### Vorher\nWir lesen Ihre Prozesse und Daten und sagen, was KI dafür kann und was nicht.")},
                        {"body": tr("### After\nYou own the code, the evaluation and the plan; we stay only if you want us to.", "### Nachher\nCode, Evaluierung und Plan gehören Ihnen; wir bleiben nur, wenn Sie es wollen.")},
                    ]}),
                ),
                (
                    "faq",
                    json!({"title": tr("Questions we hear often", "Häufige Fragen"), "items": [
                        {"question": tr("Do our data leave the EU?", "Verlassen unsere Daten die EU?"), "answer": tr("No. We work with EU-hosted models or models running on your own servers.", "Nein. Wir arbeiten mit in der EU betriebenen Modellen oder mit Modellen auf Ihren eigenen Servern.")},
                        {"question": tr("Can we start small?", "Können wir klein anfangen?"), "answer": tr("Yes: the workshop is one day and stands on its own.", "Ja: Der Workshop dauert einen Tag und steht für sich.")},
                        {"question": tr("What if the prototype does not work?", "Was, wenn der Prototyp nicht funktioniert?"), "answer": tr("Then you know before spending more, and you keep the evaluation.", "Dann wissen Sie es, bevor Sie mehr ausgeben, und behalten die Evaluierung.")},
                    ]}),
                ),
                (
                    "consultant",
                    json!({"consultant": "1", "title": tr("Your first contact", "Ihr erster Kontakt")}),
                ),
            ],
        },
        DemoPage {
            slug: "careers",
            parent: None,
            placement: Placement::Main,
            draft: true,
            title: tr("Careers", "Karriere"),
            summary: tr(
                "Join our team (draft, not yet published).",
                "Werden Sie Teil unseres Teams (Entwurf, noch nicht veröffentlicht).",
            ),
            blocks: vec![(
                "heading",
                json!({"text": tr("We are hiring", "Wir stellen ein"), "level": 2}),
            )],
        },
    ]
}

/// Adds `count` generated pages `page-1` … `page-{count}` (hidden from the navigation, listed in the
/// sitemap), each with eight blocks of realistic size in English and German: the large site that load
/// tests and benchmarks run against. Pages whose slug exists are skipped.
pub async fn seed_generated_pages(
    db: &Db,
    count: usize,
    langs: &[crate::i18n::Lang],
) -> anyhow::Result<usize> {
    let existing: std::collections::HashSet<String> =
        store::page_slugs(db).await?.into_iter().collect();
    let now = db::now();
    let pages = (1..=count).filter(|n| !existing.contains(&format!("page-{n}"))).map(|n| {
        let page = NewPage {
            slug: Slug::parse(&format!("page-{n}")).unwrap_or_else(|_| unreachable!("page-N is a valid slug")),
            slugs: Localized::new(),
            title: localized_pair(&format!("Practical guide {n}"), &format!("Praxisleitfaden {n}")),
            summary: localized_pair(
                &format!("Guide {n}: how small teams introduce AI step by step, with checklists and examples."),
                &format!("Leitfaden {n}: Wie kleine Teams KI Schritt für Schritt einführen, mit Checklisten und Beispielen."),
            ),
            meta_description: Localized::new(),
            status: PageStatus::Published(now),
            parent_id: None,
            nav_order: n as i64,
            placement: Placement::Hidden,
            kind: Default::default(),
            article: Default::default(),
        };
        (page, generated_blocks(n))
    });
    let pages: Vec<_> = pages.collect();
    store::create_pages(db, pages, langs).await
}

fn localized_pair(en: &str, de: &str) -> Localized<String> {
    serde_json::from_value(tr(en, de)).unwrap_or_default()
}

fn generated_blocks(n: usize) -> Vec<BlockKind> {
    let paragraph_en = "Small companies rarely lack ideas; they lack the time to test them. This guide walks through one process from the first question to a measured result, with the decisions we saw teams struggle with and the shortcuts that worked.";
    let paragraph_de = "Kleinen Unternehmen fehlen selten Ideen, sondern die Zeit, sie zu prüfen. Dieser Leitfaden begleitet einen Prozess von der ersten Frage bis zum gemessenen Ergebnis, mit den Entscheidungen, an denen Teams oft hängen, und den Abkürzungen, die funktioniert haben.";
    let blocks = [
        (
            "hero",
            json!({
                "headline": tr(&format!("Guide {n}: from idea to measured result"), &format!("Leitfaden {n}: von der Idee zum gemessenen Ergebnis")),
                "subheadline": tr("Checklists, examples and pitfalls from real projects.", "Checklisten, Beispiele und Stolpersteine aus echten Projekten."),
                "buttons": [{"label": tr("Book a consultation", "Beratung buchen"), "url": tr("/en/contact", "/de/kontakt")}]
            }),
        ),
        (
            "rich_text",
            json!({"body": tr(
                &format!("## Why this matters\n\n{paragraph_en}\n\n- Pick **one** process\n- Measure it before you change it\n- Agree on what success means\n\n{paragraph_en}"),
                &format!("## Warum das wichtig ist\n\n{paragraph_de}\n\n- Wählen Sie **einen** Prozess\n- Messen Sie ihn, bevor Sie ihn ändern\n- Einigen Sie sich darauf, was Erfolg bedeutet\n\n{paragraph_de}"),
            )}),
        ),
        (
            "heading",
            json!({"text": tr("The four steps", "Die vier Schritte"), "level": 2}),
        ),
        (
            "features",
            json!({"items": [
                {"icon": "chat", "title": tr("Ask", "Fragen"), "text": tr("Interview the people who do the work today.", "Befragen Sie die Menschen, die die Arbeit heute machen.")},
                {"icon": "chart", "title": tr("Measure", "Messen"), "text": tr("Record time, errors and cost for two weeks.", "Erfassen Sie zwei Wochen lang Zeit, Fehler und Kosten.")},
                {"icon": "code", "title": tr("Build", "Bauen"), "text": tr("Prototype on real data, not on a demo set.", "Bauen Sie den Prototyp mit echten Daten, nicht mit Demodaten.")},
                {"icon": "check", "title": tr("Decide", "Entscheiden"), "text": tr("Compare against the baseline and decide.", "Vergleichen Sie mit dem Ausgangswert und entscheiden Sie.")}
            ]}),
        ),
        (
            "image",
            json!({"src": "/static/img/code.svg", "alt": tr("Stylised code editor", "Stilisierter Code-Editor"), "caption": tr(&format!("Figure {n}: a passing evaluation run."), &format!("Abbildung {n}: ein erfolgreicher Auswertungslauf.")), "width": 960, "height": 540}),
        ),
        (
            "quote",
            json!({"text": tr("Measure first. Everything else follows.", "Erst messen. Alles andere folgt."), "person": tr("Aylin Demir", "Aylin Demir"), "role": tr("Managing director", "Geschäftsführerin"), "company": tr("Magnetiq", "Magnetiq")}),
        ),
        (
            "rich_text",
            json!({"body": tr(
                &format!("## Checklist\n\n1. Name an owner\n2. Write down the baseline\n3. Plan a review after four weeks\n\n{paragraph_en}"),
                &format!("## Checkliste\n\n1. Benennen Sie eine verantwortliche Person\n2. Halten Sie den Ausgangswert fest\n3. Planen Sie nach vier Wochen eine Auswertung\n\n{paragraph_de}"),
            )}),
        ),
        (
            "call_to_action",
            json!({"headline": tr("Want help with your first step?", "Hilfe beim ersten Schritt?"), "label": tr("Talk to us", "Sprechen Sie uns an"), "url": tr("/en/contact", "/de/kontakt")}),
        ),
    ];
    blocks
        .iter()
        .filter_map(|(kind, content)| BlockKind::parse(kind, &content.to_string()).ok())
        .collect()
}
