//! The demo's insights section: eight articles in English and German across three categories,
//! written by two authors with public profiles, each with a generated cover in the media library.
//! The German section answers at `/de/artikel`, some articles have German slugs, and the footer
//! lists the latest three.
use std::path::Path;
use std::sync::OnceLock;

use serde_json::json;

use super::model::{ArticleDetails, AuthorProfile, PageKind};
use super::{Sections, store};
use crate::content::blocks::BlockKind;
use crate::content::model::{PageStatus, Placement, Slug};
use crate::content::store::{NewPage, create_page};
use crate::db::{Db, sql};
use crate::i18n::{Lang, Localized};
use crate::media::files;
use crate::media::store::{NewMedia, insert};

type Both = (&'static str, &'static str);

struct Author {
    email: &'static str,
    name: &'static str,
    slug: &'static str,
    role: Both,
    bio: Both,
}

const AUTHORS: [Author; 2] = [
    Author {
        email: "aylin.demir@example.com",
        name: "Aylin Demir",
        slug: "aylin-demir",
        role: ("AI engineering lead", "Leiterin KI-Entwicklung"),
        bio: (
            "Aylin has built search and language systems for ten years and leads Magnetiq's AI engineering team in Munich.",
            "Aylin baut seit zehn Jahren Such- und Sprachsysteme und leitet das KI-Team von Magnetiq in München.",
        ),
    },
    Author {
        email: "jonas.weber@example.com",
        name: "Jonas Weber",
        slug: "jonas-weber",
        role: ("Head of delivery", "Leiter Projektumsetzung"),
        bio: (
            "Jonas turns workshops into shipped software and writes about what projects teach along the way.",
            "Jonas macht aus Workshops ausgelieferte Software und schreibt darüber, was Projekte unterwegs lehren.",
        ),
    },
];

/// Name and address per language.
const CATEGORIES: [(Both, Both); 3] = [
    (
        ("Case studies", "Fallstudien"),
        ("case-studies", "fallstudien"),
    ),
    (("How-tos", "Anleitungen"), ("how-tos", "anleitungen")),
    (("News", "Neuigkeiten"), ("news", "neuigkeiten")),
];

struct Demo {
    slug: &'static str,
    /// Its own German slug, when it has one.
    de_slug: Option<&'static str>,
    title: Both,
    summary: Both,
    /// Paragraphs of the body (a heading before the second).
    body: [Both; 3],
    heading: Both,
    author: usize,
    category: usize,
    tags: &'static [&'static str],
    age_days: i64,
    /// Two colours of the cover's gradient.
    colours: ([u8; 3], [u8; 3]),
}

const DEMOS: [Demo; 8] = [
    Demo {
        slug: "search-that-finds-what-customers-mean",
        de_slug: Some("suche-die-versteht-was-kunden-meinen"),
        title: (
            "Search that finds what customers mean",
            "Eine Suche, die versteht, was Kunden meinen",
        ),
        summary: (
            "How a retailer cut “no results” pages by two thirds in eight weeks.",
            "Wie ein Händler die Seiten ohne Treffer in acht Wochen um zwei Drittel reduziert hat.",
        ),
        heading: (
            "Start from the searches that fail",
            "Bei den Suchen beginnen, die scheitern",
        ),
        body: [
            (
                "A mid-sized retailer with 40,000 products asked us why a third of its site searches ended on an empty page.",
                "Ein mittelgroßer Händler mit 40.000 Produkten fragte uns, warum ein Drittel seiner Suchen auf einer leeren Seite endete.",
            ),
            (
                "We read a week of failed searches with the merchandising team. Most were spelling variants, synonyms and product questions phrased as sentences.",
                "Wir haben mit dem Sortimentsteam eine Woche gescheiterter Suchen gelesen. Die meisten waren Schreibvarianten, Synonyme und Produktfragen in ganzen Sätzen.",
            ),
            (
                "A hybrid index and a small evaluation set brought empty results from 31 % to 10 %, and the team now checks the set before every release.",
                "Ein hybrider Index und ein kleines Evaluationsset senkten die leeren Ergebnisse von 31 % auf 10 %, und das Team prüft das Set nun vor jedem Release.",
            ),
        ],
        author: 0,
        category: 0,
        tags: &["Search", "Retail"],
        age_days: 3,
        colours: ([37, 99, 235], [14, 165, 233]),
    },
    Demo {
        slug: "an-evaluation-set-in-one-afternoon",
        de_slug: Some("ein-evaluationsset-an-einem-nachmittag"),
        title: (
            "An evaluation set in one afternoon",
            "Ein Evaluationsset an einem Nachmittag",
        ),
        summary: (
            "Fifty honest questions beat a thousand synthetic ones. Here is how to collect them.",
            "Fünfzig ehrliche Fragen schlagen tausend künstliche. So sammeln Sie sie.",
        ),
        heading: (
            "Ask the people who answer today",
            "Fragen Sie die, die heute antworten",
        ),
        body: [
            (
                "Before choosing a model, write down what a good answer looks like for the questions your users really ask.",
                "Bevor Sie ein Modell wählen, schreiben Sie auf, wie eine gute Antwort auf die Fragen aussieht, die Ihre Nutzer wirklich stellen.",
            ),
            (
                "Support and sales teams know these questions by heart. An afternoon with them gives you fifty, each with the answer they would give.",
                "Support- und Vertriebsteams kennen diese Fragen auswendig. Ein Nachmittag mit ihnen ergibt fünfzig, jede mit der Antwort, die sie geben würden.",
            ),
            (
                "Keep the set small enough to read after every change. When it grows stale, replace questions instead of adding them.",
                "Halten Sie das Set so klein, dass Sie es nach jeder Änderung lesen können. Wird es alt, ersetzen Sie Fragen, statt neue hinzuzufügen.",
            ),
        ],
        author: 0,
        category: 1,
        tags: &["Language models", "Evaluation"],
        age_days: 9,
        colours: ([124, 58, 237], [219, 39, 119]),
    },
    Demo {
        slug: "magnetiq-opens-a-berlin-office",
        de_slug: Some("magnetiq-eroeffnet-ein-buero-in-berlin"),
        title: (
            "Magnetiq opens a Berlin office",
            "Magnetiq eröffnet ein Büro in Berlin",
        ),
        summary: (
            "Twelve people, two cities, one way of working.",
            "Zwölf Menschen, zwei Städte, eine Arbeitsweise.",
        ),
        heading: ("Why Berlin", "Warum Berlin"),
        body: [
            (
                "From January our delivery team works from Kreuzberg, close to many of the public institutions we build for.",
                "Ab Januar arbeitet unser Umsetzungsteam aus Kreuzberg, nah an vielen der öffentlichen Einrichtungen, für die wir bauen.",
            ),
            (
                "Workshops stay in Munich and Berlin alike; clients choose whichever is closer.",
                "Workshops gibt es weiterhin in München wie in Berlin; Kunden wählen, was näher liegt.",
            ),
            (
                "We are hiring two engineers for the new office. The careers page has the details.",
                "Wir suchen zwei Ingenieurinnen oder Ingenieure für das neue Büro. Die Karriereseite nennt die Einzelheiten.",
            ),
        ],
        author: 1,
        category: 2,
        tags: &["Company"],
        age_days: 14,
        colours: ([5, 150, 105], [132, 204, 22]),
    },
    Demo {
        slug: "forecasting-demand-for-a-bakery-chain",
        de_slug: None,
        title: (
            "Forecasting demand for a bakery chain",
            "Bedarfsprognosen für eine Bäckereikette",
        ),
        summary: (
            "Less bread thrown away, fewer empty shelves at six in the evening.",
            "Weniger weggeworfenes Brot, weniger leere Regale um sechs Uhr abends.",
        ),
        heading: (
            "Weather, holidays and football",
            "Wetter, Feiertage und Fußball",
        ),
        body: [
            (
                "A chain of 60 bakeries ordered by feel. Each branch threw away 8 % of its bread and still ran out of rolls on Saturdays.",
                "Eine Kette mit 60 Filialen bestellte nach Gefühl. Jede Filiale warf 8 % ihres Brots weg und hatte samstags trotzdem keine Brötchen mehr.",
            ),
            (
                "A forecast per branch and product, fed with weather, school holidays and match days, now suggests each order; the branch manager has the last word.",
                "Eine Prognose je Filiale und Produkt, gespeist aus Wetter, Schulferien und Spieltagen, schlägt nun jede Bestellung vor; das letzte Wort hat die Filialleitung.",
            ),
            (
                "After a season, waste fell to 5 % and Saturday shortages to a third.",
                "Nach einer Saison sank der Ausschuss auf 5 % und die Engpässe am Samstag auf ein Drittel.",
            ),
        ],
        author: 1,
        category: 0,
        tags: &["Forecasting", "Retail"],
        age_days: 21,
        colours: ([217, 119, 6], [220, 38, 38]),
    },
    Demo {
        slug: "reading-a-language-model-bill",
        de_slug: None,
        title: (
            "Reading a language model bill",
            "Die Rechnung eines Sprachmodells lesen",
        ),
        summary: (
            "Where the tokens go, and three changes that halve the cost.",
            "Wohin die Tokens gehen, und drei Änderungen, die die Kosten halbieren.",
        ),
        heading: ("Three changes", "Drei Änderungen"),
        body: [
            (
                "Most of a bill is context sent again and again: instructions, retrieved documents and conversation history.",
                "Der größte Teil einer Rechnung ist Kontext, der immer wieder gesendet wird: Anweisungen, gefundene Dokumente und der Gesprächsverlauf.",
            ),
            (
                "Cache the instructions, retrieve fewer but better passages, and summarise long conversations instead of resending them.",
                "Speichern Sie die Anweisungen zwischen, holen Sie weniger, aber bessere Passagen, und fassen Sie lange Gespräche zusammen, statt sie erneut zu senden.",
            ),
            (
                "Measure quality with your evaluation set after each change: a cheaper answer that is wrong costs more.",
                "Messen Sie die Qualität nach jeder Änderung mit Ihrem Evaluationsset: Eine billigere Antwort, die falsch ist, kostet mehr.",
            ),
        ],
        author: 0,
        category: 1,
        tags: &["Language models", "Cost"],
        age_days: 30,
        colours: ([15, 118, 110], [37, 99, 235]),
    },
    Demo {
        slug: "a-workshop-that-ends-with-a-decision",
        de_slug: Some("ein-workshop-der-mit-einer-entscheidung-endet"),
        title: (
            "A workshop that ends with a decision",
            "Ein Workshop, der mit einer Entscheidung endet",
        ),
        summary: (
            "Our two-day format, and why the second afternoon is the one that matters.",
            "Unser Zwei-Tage-Format, und warum der zweite Nachmittag der entscheidende ist.",
        ),
        heading: ("The second afternoon", "Der zweite Nachmittag"),
        body: [
            (
                "The first day collects what the business needs and what the data allows. Nobody decides anything yet.",
                "Der erste Tag sammelt, was das Geschäft braucht und was die Daten erlauben. Noch entscheidet niemand etwas.",
            ),
            (
                "On the second morning we build a rough prototype of the two strongest ideas with real data.",
                "Am zweiten Vormittag bauen wir mit echten Daten einen groben Prototyp der zwei stärksten Ideen.",
            ),
            (
                "The afternoon ends with one written decision: what to build first, who owns it, and how we will know it worked.",
                "Der Nachmittag endet mit einer schriftlichen Entscheidung: was zuerst gebaut wird, wer es verantwortet und woran wir erkennen, dass es funktioniert.",
            ),
        ],
        author: 1,
        category: 1,
        tags: &["Workshops"],
        age_days: 45,
        colours: ([190, 24, 93], [124, 58, 237]),
    },
    Demo {
        slug: "document-intake-for-a-public-agency",
        de_slug: None,
        title: (
            "Document intake for a public agency",
            "Dokumenteneingang für eine Behörde",
        ),
        summary: (
            "Sorting 2,000 letters a day without sending a single one to the cloud.",
            "2.000 Briefe am Tag sortieren, ohne einen einzigen in die Cloud zu senden.",
        ),
        heading: (
            "On premises, on purpose",
            "Im eigenen Rechenzentrum, mit Absicht",
        ),
        body: [
            (
                "The agency's mailroom sorted every incoming letter by hand into one of 140 case types.",
                "Die Poststelle der Behörde sortierte jeden eingehenden Brief von Hand in einen von 140 Vorgangstypen.",
            ),
            (
                "A classifier running on the agency's own servers now suggests the case type and the responsible team; uncertain letters still go to a person.",
                "Ein Klassifikator auf den eigenen Servern der Behörde schlägt nun Vorgangstyp und zuständiges Team vor; unsichere Briefe gehen weiterhin an einen Menschen.",
            ),
            (
                "Nine in ten letters reach the right desk on the day they arrive.",
                "Neun von zehn Briefen erreichen am Tag ihres Eingangs den richtigen Schreibtisch.",
            ),
        ],
        author: 0,
        category: 0,
        tags: &["Public sector", "Documents"],
        age_days: 60,
        colours: ([71, 85, 105], [14, 165, 233]),
    },
    Demo {
        slug: "our-first-whitepaper-on-evaluation",
        de_slug: None,
        title: (
            "Our first whitepaper: evaluating language models",
            "Unser erstes Whitepaper: Sprachmodelle bewerten",
        ),
        summary: (
            "Twelve pages on measuring answer quality, cost and latency, free to download.",
            "Zwölf Seiten über das Messen von Antwortqualität, Kosten und Latenz, kostenlos zum Herunterladen.",
        ),
        heading: ("What is inside", "Was drinsteht"),
        body: [
            (
                "We wrote down the evaluation loop we use with clients, from the first question to the release checklist.",
                "Wir haben die Evaluationsschleife aufgeschrieben, die wir mit Kunden nutzen, von der ersten Frage bis zur Release-Checkliste.",
            ),
            (
                "It covers building an evaluation set, choosing metrics that match your users, and running the loop every release.",
                "Es behandelt den Aufbau eines Evaluationssets, die Wahl passender Metriken und die Schleife bei jedem Release.",
            ),
            (
                "Find it in the whitepapers section; a short form sends it to you.",
                "Sie finden es im Bereich Whitepaper; ein kurzes Formular schickt es Ihnen zu.",
            ),
        ],
        author: 0,
        category: 2,
        tags: &["Evaluation", "Company"],
        age_days: 75,
        colours: ([22, 163, 74], [15, 118, 110]),
    },
];

/// The cover's size: the width of Open Graph images.
const COVER: (u32, u32) = (1200, 630);

/// One cover as JPEG in its full size and every rendition width below it.
struct CoverFiles {
    full: Vec<u8>,
    renditions: Vec<(u32, Vec<u8>)>,
}

/// A cover drawn at `width`: a diagonal gradient with two soft circles.
fn draw(width: u32, (from, to): ([u8; 3], [u8; 3])) -> anyhow::Result<Vec<u8>> {
    let height = width * COVER.1 / COVER.0;
    let mix = |a: u8, b: u8, t: f32| (f32::from(a) + (f32::from(b) - f32::from(a)) * t) as u8;
    let circles = [(0.78, 0.3, 0.28), (0.2, 0.85, 0.22)];
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let t = (u * 0.7 + v * 0.3).clamp(0.0, 1.0);
        let mut px = [
            mix(from[0], to[0], t),
            mix(from[1], to[1], t),
            mix(from[2], to[2], t),
        ];
        for (cx, cy, r) in circles {
            let d = ((u - cx) * 1.9).powi(2) + (v - cy).powi(2);
            if d < r * r {
                px = px.map(|c| mix(c, 255, 0.16));
            }
        }
        image::Rgb(px)
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&image)?;
    Ok(out)
}

/// Every demo cover, drawn once per process (tests start many sites).
fn covers() -> anyhow::Result<&'static [CoverFiles]> {
    static COVERS: OnceLock<Vec<CoverFiles>> = OnceLock::new();
    if let Some(covers) = COVERS.get() {
        return Ok(covers);
    }
    let mut drawn = Vec::new();
    for demo in &DEMOS {
        let mut renditions = Vec::new();
        for w in files::RENDITION_WIDTHS.into_iter().filter(|w| *w < COVER.0) {
            renditions.push((w, draw(w, demo.colours)?));
        }
        drawn.push(CoverFiles {
            full: draw(COVER.0, demo.colours)?,
            renditions,
        });
    }
    Ok(COVERS.get_or_init(|| drawn))
}

fn both((en, de): Both) -> Localized<String> {
    let (Ok(en_lang), Ok(de_lang)) = (Lang::parse("en"), Lang::parse("de")) else {
        return Localized::new();
    };
    Localized::new()
        .with(en_lang, en.to_owned())
        .with(de_lang, de.to_owned())
}

/// The demo's authors (inactive staff accounts: they cannot sign in) with public profiles; their ids.
async fn seed_authors(db: &Db) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for author in &AUTHORS {
        let id: i64 = sql(
            "INSERT INTO users (email, display_name, role, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, 'author', '!', false, $3, $3)
             ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id",
        )
        .bind(author.email)
        .bind(author.name)
        .bind(crate::db::now())
        .scalar(db)
        .await?;
        if store::profile(db, id).await?.is_none() {
            store::save_profile(
                db,
                &AuthorProfile {
                    user_id: id,
                    slug: author.slug.to_owned(),
                    display_name: author.name.to_owned(),
                    role_line: both(author.role),
                    bio: both(author.bio),
                    photo: None,
                    public: true,
                },
            )
            .await?;
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Adds the demo articles when the site has none; returns how many were added.
pub async fn seed_demo_articles(
    db: &Db,
    media_dir: &Path,
    langs: &[Lang],
) -> anyhow::Result<usize> {
    let existing: i64 = sql("SELECT count(*) FROM pages WHERE kind = 'article'")
        .scalar(db)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let authors = seed_authors(db).await?;
    let mut categories = Vec::new();
    for (name, slugs) in CATEGORIES {
        categories.push(store::add_category(db, &both(name), &both(slugs)).await?);
    }
    let (Ok(en), Ok(de)) = (Lang::parse("en"), Lang::parse("de")) else {
        return Ok(0);
    };
    store::set_sections(
        db,
        &Sections(
            Localized::new()
                .with(en, "articles".into())
                .with(de, "artikel".into()),
        ),
    )
    .await?;
    store::set_in_footer(db, true).await?;
    std::fs::create_dir_all(media_dir)?;
    let now = crate::db::now();
    for (demo, cover) in DEMOS.iter().zip(covers()?) {
        let stem = files::random_stem()?;
        let file_name = format!("{stem}.jpg");
        files::write_durably(&media_dir.join(&file_name), &cover.full)?;
        for (w, bytes) in &cover.renditions {
            files::write_durably(&media_dir.join(format!("{stem}-{w}.jpg")), bytes)?;
        }
        let widths: Vec<u32> = cover.renditions.iter().map(|(w, _)| *w).collect();
        let media = insert(
            db,
            &NewMedia {
                file_name: &file_name,
                original_name: &format!("{}.jpg", demo.slug),
                content_type: "image/jpeg",
                size_bytes: cover.full.len() as i64,
                width: Some(COVER.0),
                height: Some(COVER.1),
                renditions: &widths,
            },
            None,
        )
        .await?;
        let paragraph = |text: Both| {
            BlockKind::parse(
                "rich_text",
                &json!({"body": {"en": text.0, "de": text.1}}).to_string(),
            )
        };
        let blocks = vec![
            paragraph(demo.body[0])?,
            BlockKind::parse(
                "heading",
                &json!({"text": {"en": demo.heading.0, "de": demo.heading.1}, "level": 2})
                    .to_string(),
            )?,
            paragraph(demo.body[1])?,
            paragraph(demo.body[2])?,
        ];
        let page = NewPage {
            slug: Slug::parse(demo.slug).map_err(|e| anyhow::anyhow!("{e:?}"))?,
            slugs: match demo.de_slug {
                Some(slug) => Localized::new().with(de, slug.to_owned()),
                None => Localized::new(),
            },
            title: both(demo.title),
            summary: both(demo.summary),
            meta_description: both(demo.summary),
            status: PageStatus::Published(now - time::Duration::days(demo.age_days)),
            parent_id: None,
            nav_order: 0,
            placement: Placement::Hidden,
            kind: PageKind::Article,
            article: ArticleDetails {
                cover: Some(media),
                cover_alt: both((
                    "Abstract cover in soft colours",
                    "Abstraktes Titelbild in sanften Farben",
                )),
                updated_on: None,
                authors: vec![authors[demo.author]],
                categories: vec![categories[demo.category]],
                tags: demo.tags.iter().map(|t| (*t).to_owned()).collect(),
            },
        };
        create_page(db, &page, blocks, langs).await?;
    }
    Ok(DEMOS.len())
}
