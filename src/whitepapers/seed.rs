//! Demo whitepapers, so the library, the footer's whitepaper column and the teaser block show
//! something out of the box: three published papers, each with a small generated PDF in English and
//! one in German, filed in the media library (gated, so `/media/` never serves them).
use std::path::Path;

use super::model::{Label, WhitepaperStatus};
use super::pdf;
use super::store::{WhitepaperFields, has_whitepapers, save};
use crate::content::Slug;
use crate::content::blocks::markdown_to_safe_html;
use crate::db::{Db, JsonText};
use crate::i18n::{Lang, Localized};
use crate::media::files;
use crate::media::store::{NewMedia, insert};

type Both = (&'static str, &'static str);

struct Demo {
    slug: &'static str,
    title: Both,
    summary: Both,
    description: Both,
    preview: Both,
    author: (&'static str, &'static str, &'static str),
    category: (&'static str, &'static str, &'static str),
    tags: &'static [(&'static str, &'static str, &'static str)],
    /// Days before today it was published.
    age_days: i64,
    /// The text of the demo PDF, per language.
    body: (&'static [&'static str], &'static [&'static str]),
}

const AI_ENGINEERING: (&str, &str, &str) = ("ai-engineering", "AI Engineering", "KI-Entwicklung");
const STRATEGY: (&str, &str, &str) = ("strategy", "Strategy", "Strategie");

const DEMOS: [Demo; 3] = [
    Demo {
        slug: "llm-evaluation-guide",
        title: (
            "Evaluating language models before your customers do",
            "Sprachmodelle bewerten, bevor es Ihre Kunden tun",
        ),
        summary: (
            "A practical framework for measuring answer quality, cost and latency.",
            "Ein praktischer Rahmen, um Antwortqualität, Kosten und Latenz zu messen.",
        ),
        description: (
            "Twelve pages on building an **evaluation set**, choosing metrics that match your users, and running the loop every release.",
            "Zwölf Seiten darüber, wie Sie ein **Evaluationsset** aufbauen, Metriken passend zu Ihren Nutzern wählen und die Schleife bei jedem Release laufen lassen.",
        ),
        preview: (
            "The first question is not which model, but which answers your users need. We start there.",
            "Die erste Frage ist nicht, welches Modell, sondern welche Antworten Ihre Nutzer brauchen. Dort beginnen wir.",
        ),
        author: (
            "Aylin Demir",
            "AI engineering lead",
            "Leiterin KI-Entwicklung",
        ),
        category: AI_ENGINEERING,
        tags: &[
            ("llm", "Language models", "Sprachmodelle"),
            ("evaluation", "Evaluation", "Evaluation"),
        ],
        age_days: 12,
        body: (
            &[
                "1. Start from the answers your users need.",
                "2. Collect a small, honest evaluation set.",
                "3. Measure quality, cost and latency together.",
                "4. Run the loop on every release.",
            ],
            &[
                "1. Beginnen Sie bei den Antworten, die Ihre Nutzer brauchen.",
                "2. Sammeln Sie ein kleines, ehrliches Evaluationsset.",
                "3. Messen Sie Qualität, Kosten und Latenz gemeinsam.",
                "4. Lassen Sie die Schleife bei jedem Release laufen.",
            ],
        ),
    },
    Demo {
        slug: "mlops-checklist",
        title: (
            "The MLOps checklist for mid-sized companies",
            "Die MLOps-Checkliste für den Mittelstand",
        ),
        summary: (
            "Forty questions that tell you whether a model is ready to run.",
            "Vierzig Fragen, die zeigen, ob ein Modell betriebsbereit ist.",
        ),
        description: (
            "From data versioning to monitoring drift: what a model needs before it meets production traffic.",
            "Von der Datenversionierung bis zur Drift-Überwachung: was ein Modell braucht, bevor es in den Betrieb geht.",
        ),
        preview: (
            "A model that cannot be retrained by someone else is not finished.",
            "Ein Modell, das niemand sonst neu trainieren kann, ist nicht fertig.",
        ),
        author: (
            "Tobias Lang",
            "Data strategy consultant",
            "Berater Datenstrategie",
        ),
        category: AI_ENGINEERING,
        tags: &[
            ("mlops", "MLOps", "MLOps"),
            ("monitoring", "Monitoring", "Monitoring"),
        ],
        age_days: 40,
        body: (
            &[
                "Data: versioned, documented, reproducible.",
                "Training: scripted, repeatable by a colleague.",
                "Serving: observable, with a rollback.",
                "Monitoring: drift alerts that someone reads.",
            ],
            &[
                "Daten: versioniert, dokumentiert, reproduzierbar.",
                "Training: geskriptet, von Kollegen wiederholbar.",
                "Betrieb: beobachtbar, mit Rückweg.",
                "Überwachung: Drift-Alarme, die jemand liest.",
            ],
        ),
    },
    Demo {
        slug: "ai-act-readiness",
        title: ("Ready for the EU AI Act", "Bereit für die KI-Verordnung"),
        summary: (
            "Which of your systems the AI Act covers, and what to document by when.",
            "Welche Ihrer Systeme die KI-Verordnung erfasst und was bis wann zu dokumentieren ist.",
        ),
        description: (
            "Risk classes, duties and deadlines, with a worksheet for your own inventory.",
            "Risikoklassen, Pflichten und Fristen, mit einem Arbeitsblatt für Ihre eigene Bestandsaufnahme.",
        ),
        preview: (
            "Most companies run more AI than they think: it starts with the inventory.",
            "Die meisten Unternehmen betreiben mehr KI, als sie denken: Es beginnt mit der Bestandsaufnahme.",
        ),
        author: (
            "Tobias Lang",
            "Data strategy consultant",
            "Berater Datenstrategie",
        ),
        category: STRATEGY,
        tags: &[("regulation", "Regulation", "Regulierung")],
        age_days: 75,
        body: (
            &[
                "Step 1: list every system that makes or supports decisions.",
                "Step 2: place each in its risk class.",
                "Step 3: note the documents each class requires.",
            ],
            &[
                "Schritt 1: Jedes System auflisten, das Entscheidungen trifft oder stützt.",
                "Schritt 2: Jedes einer Risikoklasse zuordnen.",
                "Schritt 3: Die Dokumente notieren, die jede Klasse verlangt.",
            ],
        ),
    },
];

/// Adds the demo whitepapers (and their PDFs, into `media_dir`) when there are none yet; returns how
/// many were added.
pub async fn seed_demo_whitepapers(db: &Db, media_dir: &Path) -> anyhow::Result<usize> {
    if has_whitepapers(db).await? {
        return Ok(0);
    }
    std::fs::create_dir_all(media_dir)?;
    let (en, de) = (Lang::parse("en")?, Lang::parse("de")?);
    let both = |(e, d): (&str, &str)| {
        Localized::new()
            .with(en, e.to_owned())
            .with(de, d.to_owned())
    };
    let label = |(key, e, d): (&str, &str, &str)| Label {
        key: key.to_owned(),
        label: both((e, d)),
    };
    let today = super::model::today();
    for demo in &DEMOS {
        let mut files_by_lang = Vec::new();
        for (lang, title, body) in [
            (en, demo.title.0, demo.body.0),
            (de, demo.title.1, demo.body.1),
        ] {
            let bytes = pdf::document(title, body);
            let file_name = format!("{}.pdf", files::random_stem()?);
            files::write_durably(&media_dir.join(&file_name), &bytes)?;
            let original = format!("{}-{lang}.pdf", demo.slug);
            let media = insert(
                db,
                &NewMedia {
                    file_name: &file_name,
                    original_name: &original,
                    content_type: "application/pdf",
                    size_bytes: bytes.len() as i64,
                    width: None,
                    height: None,
                    renditions: &[],
                },
                None,
            )
            .await?;
            files_by_lang.push((lang.to_string(), Some(media)));
        }
        let html = Localized::new()
            .with(en, markdown_to_safe_html(demo.description.0))
            .with(de, markdown_to_safe_html(demo.description.1));
        let (name, role_en, role_de) = demo.author;
        let fields = WhitepaperFields {
            slug: Slug::parse(demo.slug).map_err(|e| anyhow::anyhow!("{e}"))?,
            title: JsonText::of(&both(demo.title))?,
            summary: JsonText::of(&both(demo.summary))?,
            description: JsonText::of(&both(demo.description))?,
            description_html: JsonText::of(&html)?,
            preview: JsonText::of(&both(demo.preview))?,
            author_name: name.to_owned(),
            author_role: JsonText::of(&both((role_en, role_de)))?,
            category: JsonText::of(&Some(label(demo.category)))?,
            tags: JsonText::of(&demo.tags.iter().map(|t| label(*t)).collect::<Vec<_>>())?,
            published_on: today.checked_sub(jiff::Span::new().days(demo.age_days))?,
            cover_image: "/static/img/whitepaper.svg".to_owned(),
            page_count: 12,
            status: WhitepaperStatus::Published,
            files: files_by_lang,
        };
        save(db, None, &fields)
            .await?
            .map_err(|refused| anyhow::anyhow!("demo whitepaper {}: {refused:?}", demo.slug))?;
    }
    Ok(DEMOS.len())
}
