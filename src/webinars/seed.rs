//! Demo webinars, so the knowledge program, the footer and the teaser block show something out of
//! the box: three upcoming (published) and one past with its recording, in English and German.
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::model::{Speaker, WebinarStatus};
use super::store::{WebinarFields, has_webinars, save_webinar};
use crate::content::Slug;
use crate::content::blocks::markdown_to_safe_html;
use crate::db::{Db, JsonText};
use crate::i18n::Localized;

struct Demo {
    slug: &'static str,
    title: (&'static str, &'static str),
    summary: (&'static str, &'static str),
    description: (&'static str, &'static str),
    objectives: (&'static [&'static str], &'static [&'static str]),
    speaker: (&'static str, &'static str, &'static str),
    /// Days from today (negative: in the past), at 10:00 Berlin time.
    days: i64,
    talk_language: &'static str,
    capacity: i64,
    recording: &'static str,
}

const DEMOS: [Demo; 4] = [
    Demo {
        slug: "rag-in-production",
        title: (
            "Retrieval-augmented generation in production",
            "Retrieval-Augmented Generation im Betrieb",
        ),
        summary: (
            "From a promising prototype to an assistant your support team trusts.",
            "Vom vielversprechenden Prototyp zum Assistenten, dem Ihr Support-Team vertraut.",
        ),
        description: (
            "Most retrieval prototypes impress in the demo and disappoint in week two. We show the **evaluation loop** that keeps answers grounded, and what it costs to run.",
            "Die meisten Retrieval-Prototypen beeindrucken in der Demo und enttäuschen in Woche zwei. Wir zeigen die **Auswertungsschleife**, die Antworten belastbar hält, und was der Betrieb kostet.",
        ),
        objectives: (
            &[
                "Measure answer quality before users do",
                "Choose chunking and ranking with data",
                "Budget tokens and latency",
            ],
            &[
                "Antwortqualität messen, bevor Nutzer es tun",
                "Chunking und Ranking datenbasiert wählen",
                "Tokens und Latenz planen",
            ],
        ),
        speaker: (
            "Aylin Demir",
            "AI engineering lead",
            "Leiterin KI-Entwicklung",
        ),
        days: 9,
        talk_language: "en",
        capacity: 100,
        recording: "",
    },
    Demo {
        slug: "ki-verordnung-kompakt",
        title: (
            "The EU AI Act in one hour",
            "Die KI-Verordnung in einer Stunde",
        ),
        summary: (
            "What the EU AI Act asks of companies that build or buy AI, and by when.",
            "Was die KI-Verordnung von Unternehmen verlangt, die KI bauen oder einkaufen, und bis wann.",
        ),
        description: (
            "Risk classes, documentation duties and deadlines, explained with the systems mid-sized companies actually run.",
            "Risikoklassen, Dokumentationspflichten und Fristen, erklärt an den Systemen, die Mittelständler tatsächlich betreiben.",
        ),
        objectives: (
            &[
                "Classify your systems by risk",
                "Know which documents you owe",
                "Plan the next twelve months",
            ],
            &[
                "Die eigenen Systeme nach Risiko einordnen",
                "Wissen, welche Dokumente fällig sind",
                "Die nächsten zwölf Monate planen",
            ],
        ),
        speaker: (
            "Tobias Lang",
            "Data strategy consultant",
            "Berater Datenstrategie",
        ),
        days: 23,
        talk_language: "de",
        capacity: 250,
        recording: "",
    },
    Demo {
        slug: "forecasting-workshop",
        title: (
            "Demand forecasting that planners use",
            "Absatzprognosen, die Planer nutzen",
        ),
        summary: (
            "A hands-on hour on forecasts with honest uncertainty.",
            "Eine praktische Stunde über Prognosen mit ehrlicher Unsicherheit.",
        ),
        description: (
            "We build a forecast live, show its uncertainty, and discuss how planners put it to work.",
            "Wir bauen live eine Prognose, zeigen ihre Unsicherheit und besprechen, wie Planer damit arbeiten.",
        ),
        objectives: (
            &["Read prediction intervals", "Spot when a model drifts"],
            &[
                "Prognoseintervalle lesen",
                "Erkennen, wann ein Modell abdriftet",
            ],
        ),
        speaker: (
            "Aylin Demir",
            "AI engineering lead",
            "Leiterin KI-Entwicklung",
        ),
        days: 44,
        talk_language: "en",
        capacity: 40,
        recording: "",
    },
    Demo {
        slug: "document-ai-basics",
        title: (
            "Document AI: reading invoices at scale",
            "Dokumenten-KI: Rechnungen in großer Zahl lesen",
        ),
        summary: (
            "How we taught a model to read forty thousand invoices a month.",
            "Wie wir einem Modell beibrachten, vierzigtausend Rechnungen im Monat zu lesen.",
        ),
        description: (
            "Extraction, validation and the human in the loop: the architecture behind a document pipeline.",
            "Extraktion, Prüfung und der Mensch in der Schleife: die Architektur hinter einer Dokumenten-Pipeline.",
        ),
        objectives: (
            &["Design an extraction pipeline", "Decide where people check"],
            &[
                "Eine Extraktions-Pipeline entwerfen",
                "Entscheiden, wo Menschen prüfen",
            ],
        ),
        speaker: (
            "Tobias Lang",
            "Data strategy consultant",
            "Berater Datenstrategie",
        ),
        days: -21,
        talk_language: "en",
        capacity: 100,
        recording: "https://video.magnetiq.example/document-ai-basics",
    },
];

/// Adds the demo webinars when there are none yet; returns how many were added.
pub async fn seed_demo_webinars(db: &Db) -> anyhow::Result<usize> {
    if has_webinars(db).await? {
        return Ok(0);
    }
    let zone = TimeZone::get("Europe/Berlin")?;
    let today = zone.to_datetime(Timestamp::now()).date();
    let (en, de) = (
        crate::i18n::Lang::parse("en")?,
        crate::i18n::Lang::parse("de")?,
    );
    let both = |(e, d): (&str, &str)| {
        Localized::new()
            .with(en, e.to_owned())
            .with(de, d.to_owned())
    };
    for demo in &DEMOS {
        let starts_at = today
            .checked_add(demo.days.days())?
            .at(10, 0, 0, 0)
            .to_zoned_datetime(zone.clone())?
            .timestamp();
        let description = both(demo.description);
        let html = Localized::new()
            .with(en, markdown_to_safe_html(demo.description.0))
            .with(de, markdown_to_safe_html(demo.description.1));
        let objectives: Localized<Vec<String>> = Localized::new()
            .with(
                en,
                demo.objectives.0.iter().map(|s| (*s).to_owned()).collect(),
            )
            .with(
                de,
                demo.objectives.1.iter().map(|s| (*s).to_owned()).collect(),
            );
        let (name, role_en, role_de) = demo.speaker;
        let fields = WebinarFields {
            slug: Slug::parse(demo.slug).map_err(|e| anyhow::anyhow!("{e}"))?,
            title: JsonText::of(&both(demo.title))?,
            summary: JsonText::of(&both(demo.summary))?,
            description: JsonText::of(&description)?,
            description_html: JsonText::of(&html)?,
            objectives: JsonText::of(&objectives)?,
            speakers: vec![Speaker {
                name: name.to_owned(),
                role: both((role_en, role_de)),
                bio: Localized::new(),
                photo: "/static/img/speaker.svg".to_owned(),
            }],
            starts_at,
            timezone: "Europe/Berlin".to_owned(),
            duration_minutes: 60,
            capacity: demo.capacity,
            waitlist: true,
            registration_deadline: None,
            talk_language: demo.talk_language.to_owned(),
            meeting_link: format!("https://meet.magnetiq.example/{}", demo.slug),
            recording_link: demo.recording.to_owned(),
            status: WebinarStatus::Published,
            confirm_by_mail: false,
        };
        save_webinar(db, None, &fields, |_, _| Ok(Vec::new()))
            .await?
            .map_err(|refused| anyhow::anyhow!("demo webinar {}: {refused:?}", demo.slug))?;
    }
    Ok(DEMOS.len())
}
