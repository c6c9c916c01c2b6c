//! What a page template receives: every string already resolved for the visitor's language, every link
//! already checked. Templates never pick languages or touch JSON.
use askama::Template;
use serde_json::json;
use time::OffsetDateTime;

pub use super::block_views::*;
use super::blocks::{Block, BlockKind};
use super::model::Page;
use super::page_path;
use super::tree::SiteTree;
use crate::i18n::Lang;
use crate::web::layout::{Here, Layout, Link};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "public/page.html")]
pub struct PageTemplate<'a> {
    pub layout: Layout<'a>,
    pub title: &'a str,
    /// The summary, shown under the title (what an editor changes to change that sentence).
    pub lead: &'a str,
    /// The page has no title in the visitor's language: the language it is shown in instead,
    /// said in a notice in the visitor's own language.
    pub shown_in: Option<Lang>,
    /// For search engines and link previews: the meta description, else the summary.
    pub description: &'a str,
    /// The page title as `h1` with breadcrumbs and lead; off when a home page's opening hero is the `h1`.
    pub show_title_header: bool,
    pub breadcrumbs: Vec<Link>,
    pub blocks: Vec<BlockView<'a>>,
    pub og_locale: String,
    pub og_locale_alternates: Vec<String>,
    pub og_image: Option<String>,
    /// Schema.org JSON-LD built with serde_json and escaped for a `<script>` element.
    pub json_ld_sanitized: String,
    /// Shown to a signed-in editor before publishing: a banner says so, and robots stay away.
    pub preview: bool,
    /// What the page's forms show: empty for the cached page.
    pub forms: PageForms,
}

/// What the forms on a page (contact, newsletter sign-up) show beyond their fields: what a
/// visitor typed and why it was refused (after a POST), the visitor's form token when the page is
/// made for one visitor, and a thank-you after a form did its work (`?sent=…`). The page as cached
/// for everyone has none of these: its forms carry no token (see `web::csrf::check_cached_form`).
#[derive(Clone, Debug, Default)]
pub struct PageForms {
    pub contact: crate::forms::FormState,
    pub newsletter: crate::forms::FormState,
    /// `form-errors` in the visitor's language, above the form that was refused.
    pub notice: Option<String>,
    pub token: String,
    /// Which form just did its work: `contact` or `newsletter`.
    pub sent: Option<&'static str>,
    /// A built form refused (its block id) with what was typed, or one just sent (`?sent=form-{id}`).
    pub built: Option<(i64, crate::forms::FormState)>,
    pub built_sent: Option<i64>,
}

impl PageForms {
    pub fn sent(&self, form: &str) -> bool {
        self.sent == Some(form)
    }

    fn built_state(&self, block: &i64) -> Option<&crate::forms::FormState> {
        self.built
            .as_ref()
            .filter(|(id, _)| id == block)
            .map(|(_, state)| state)
    }

    pub fn built_value(&self, block: &i64, name: &str) -> &str {
        self.built_state(block).map_or("", |s| s.value(name))
    }

    pub fn built_checked(&self, block: &i64, name: &str) -> bool {
        self.built_state(block).is_some_and(|s| s.checked(name))
    }

    pub fn built_error(&self, block: &i64, name: &str) -> Option<&str> {
        self.built_state(block).and_then(|s| s.error(name))
    }

    pub fn built_has_errors(&self, block: &i64) -> bool {
        self.built_state(block).is_some_and(|s| s.has_errors())
    }

    pub fn built_was_sent(&self, block: &i64) -> bool {
        self.built_sent == Some(*block)
    }
}

impl<'a> PageTemplate<'a> {
    pub fn new(
        state: &'a AppState,
        tree: &SiteTree,
        page: &'a Page,
        blocks: &'a [Block],
        lang: Lang,
        now: OffsetDateTime,
    ) -> PageTemplate<'a> {
        let reader = Reader {
            lang,
            default: state.config.languages.default_lang(),
        };
        let translated: Vec<(Lang, String)> = state
            .config
            .languages
            .all()
            .iter()
            .filter(|l| page.slug_in(**l) != page.slug.as_str())
            .map(|&l| (l, page.slug_in(l).to_owned()))
            .collect();
        let layout = Layout::new(
            state,
            lang,
            Here::Page {
                id: page.id,
                path: super::path_below_lang(page.slug.as_str()),
                translated: &translated,
            },
            now,
        );
        let title = reader.text(&page.title);
        let lead = reader.text(&page.summary);
        // The meta description of the language the summary was taken from; without one, the
        // summary (never another language's meta description beside this language's summary).
        let description = [reader.lang, reader.default]
            .into_iter()
            .find(|l| page.summary.exact(*l).is_some_and(|s| !s.is_empty()))
            .and_then(|l| page.meta_description.exact(l))
            .filter(|m| !m.is_empty())
            .map_or(lead, String::as_str);
        let home = Link {
            href: layout.home_href.clone(),
            title: layout.t("nav-home").to_owned(),
            current: false,
        };
        let mut breadcrumbs: Vec<Link> = std::iter::once(home)
            .chain(
                tree.ancestors(page.id)
                    .iter()
                    .filter(|p| !p.slug.is_home())
                    .map(|p| Link {
                        href: page_path(lang, p.slug_in(lang)),
                        title: reader.text(&p.title).to_owned(),
                        current: false,
                    }),
            )
            .collect();
        if page.slug.is_home() {
            breadcrumbs.clear();
        }
        breadcrumbs.push(Link {
            href: page_path(lang, page.slug_in(lang)),
            title: title.to_owned(),
            current: true,
        });

        let mut blocks: Vec<BlockView<'a>> = blocks
            .iter()
            .filter_map(|b| block_view(b, reader, state, now, page.slug_in(lang)))
            .collect();
        let mut show_title_header = true;
        if page.slug.is_home()
            && let Some(BlockView::Hero(hero)) = blocks.first_mut()
        {
            hero.as_h1 = true;
            show_title_header = false;
        }
        let base = state.config.base_url.as_str();
        let og_image = blocks.iter().find_map(|b| match b {
            BlockView::Hero(h) => h.background,
            BlockView::Image(i) => Some(i.src),
            _ => None,
        });
        let faq = super::library_view::faq_entities(&blocks);
        let json_ld_sanitized = json_ld(&layout, title, description, &breadcrumbs, base, faq);
        PageTemplate {
            og_locale: og_locale(lang),
            og_locale_alternates: layout
                .alternates
                .iter()
                .filter(|a| !a.current)
                .map(|a| og_locale(a.lang))
                .collect(),
            og_image: og_image.map(|src| format!("{base}{src}")),
            shown_in: page
                .title
                .exact(lang)
                .is_none_or(String::is_empty)
                .then_some(reader.default)
                .filter(|d| *d != lang),
            layout,
            title,
            lead,
            description,
            show_title_header,
            breadcrumbs,
            blocks,
            json_ld_sanitized,
            preview: false,
            forms: PageForms::default(),
        }
    }
}

/// The views of `blocks` in `lang`, in order (blocks that have nothing to show left out): the
/// body of a page, and of an article.
pub(crate) fn block_views<'a>(
    blocks: &'a [Block],
    state: &AppState,
    lang: Lang,
    now: OffsetDateTime,
    page_slug: &'a str,
) -> Vec<BlockView<'a>> {
    let reader = Reader {
        lang,
        default: state.config.languages.default_lang(),
    };
    blocks
        .iter()
        .filter_map(|b| block_view(b, reader, state, now, page_slug))
        .collect()
}

fn block_view<'a>(
    block: &'a Block,
    r: Reader,
    state: &AppState,
    now: OffsetDateTime,
    page_slug: &'a str,
) -> Option<BlockView<'a>> {
    let privacy_href = || super::path_of(state, r.lang, "privacy");
    let view = match &block.kind {
        BlockKind::ContactForm(c) => BlockView::ContactForm(ContactFormView {
            lang_attr: r.fallback_of(&c.title),
            title: r.text(&c.title),
            intro: r.text(&c.intro),
            topics: c.topics(r.lang, r.default),
            page_slug,
            action: format!("/{}/contact/send", r.lang),
            privacy_href: privacy_href(),
        }),
        BlockKind::Form(f) => BlockView::Form(form_view(block.id, f, r, page_slug, privacy_href())),
        BlockKind::NewsletterSignup(n) => BlockView::NewsletterSignup(NewsletterView {
            lang_attr: r.fallback_of(&n.title),
            title: r.text(&n.title),
            intro: r.text(&n.intro),
            action: format!("/{}/newsletter/subscribe", r.lang),
            privacy_href: privacy_href(),
        }),
        BlockKind::Hero(h) => BlockView::Hero(HeroView {
            lang_attr: r.fallback_of(&h.headline),
            as_h1: false,
            headline: r.text(&h.headline),
            subheadline: r.text(&h.subheadline),
            buttons: h
                .buttons
                .iter()
                .filter_map(|b| {
                    Some(ButtonView {
                        label: r.text(&b.label),
                        href: r.link(&b.url)?,
                    })
                })
                .collect(),
            background: h.background_image.as_ref().map(|s| s.as_str()),
        }),
        BlockKind::RichText(t) => BlockView::RichText(RichTextView {
            lang_attr: r.fallback_of(&t.html),
            body_html_sanitized: r.text(&t.html),
        }),
        BlockKind::Heading(h) => BlockView::Heading(HeadingView {
            lang_attr: r.fallback_of(&h.text),
            text: r.text(&h.text),
            level: h.level.get(),
        }),
        BlockKind::Image(i) => BlockView::Image(ImageView {
            lang_attr: r.fallback_of(&i.alt),
            src: i.src.as_str(),
            srcset: srcset(i.src.as_str(), i.width),
            alt: r.text(&i.alt),
            caption: r.text(&i.caption),
            width: i.width,
            height: i.height,
        }),
        BlockKind::Video(v) => BlockView::Video(VideoView {
            lang_attr: r.fallback_of(&v.title),
            embed_url: v.embed_url(),
            title: r.text(&v.title),
        }),
        BlockKind::CallToAction(c) => BlockView::CallToAction(CallToActionView {
            lang_attr: r.fallback_of(&c.headline),
            headline: r.text(&c.headline),
            text: r.text(&c.text),
            label: r.text(&c.label),
            href: r.link(&c.url)?,
        }),
        BlockKind::Features(f) => BlockView::Features(FeaturesView {
            lang_attr: f.items.first().and_then(|i| r.fallback_of(&i.title)),
            title: r.text(&f.title),
            items: f
                .items
                .iter()
                .map(|i| FeatureView {
                    icon: i.icon.name(),
                    title: r.text(&i.title),
                    text: r.text(&i.text),
                })
                .collect(),
        }),
        BlockKind::Quote(q) => BlockView::Quote(QuoteView {
            lang_attr: r.fallback_of(&q.text),
            text: r.text(&q.text),
            person: r.text(&q.person),
            role: r.text(&q.role),
            company: r.text(&q.company),
        }),
        BlockKind::WebinarTeaser(t) => {
            let items: Vec<TeaserItem> = state
                .teasers(super::blocks::WebinarTeaser::LIST)
                .iter()
                .filter(|w| w.current(now))
                .take(usize::from(t.count))
                .map(|w| TeaserItem {
                    href: format!("/{}/{}", r.lang, w.path),
                    title: r.text(&w.title).to_owned(),
                    summary: r.text(&w.summary).to_owned(),
                    when: r.text(&w.when).to_owned(),
                })
                .collect();
            if items.is_empty() {
                return None; // nothing coming up: the block steps aside
            }
            BlockView::WebinarTeaser(TeaserView {
                title: r.text(&t.title),
                items,
                all_href: format!("/{}/webinars", r.lang),
            })
        }
        BlockKind::ArticleTeaser(t) => {
            let index = super::articles::current(state);
            let category = index
                .categories
                .iter()
                .find(|c| c.slug_in(r.default, r.default) == t.category);
            let filter = match category {
                Some(c) => super::articles::index::Filter::Category(c.id),
                None if t.category.is_empty() => super::articles::index::Filter::All,
                None => return None, // its category is gone: the block steps aside
            };
            let ui = state.catalog.messages(r.lang);
            let cards: Vec<_> = index
                .matching(filter, now)
                .take(usize::from(t.count))
                .map(|a| super::articles::card::card(&index, a, r.lang, ui))
                .collect();
            if cards.is_empty() {
                return None;
            }
            let list = index.sections.list_path(r.lang);
            BlockView::ArticleTeaser(ArticleTeaserView {
                title: r.text(&t.title),
                cards,
                all_href: match category {
                    Some(c) => format!("{list}/category/{}", c.slug_in(r.lang, r.default)),
                    None => list,
                },
            })
        }
        BlockKind::WhitepaperTeaser(t) => {
            let items: Vec<TeaserItem> = state
                .teasers(super::blocks::WhitepaperTeaser::LIST)
                .iter()
                .filter(|w| t.category.is_empty() || w.group.as_deref() == Some(&t.category))
                .take(usize::from(t.count))
                .map(|w| TeaserItem {
                    href: format!("/{}/{}", r.lang, w.path),
                    title: r.text(&w.title).to_owned(),
                    summary: r.text(&w.summary).to_owned(),
                    when: r.text(&w.when).to_owned(),
                })
                .collect();
            if items.is_empty() {
                return None;
            }
            let all_href = match t.category.as_str() {
                "" => format!("/{}/whitepapers", r.lang),
                key => format!("/{}/whitepapers?category={key}", r.lang),
            };
            BlockView::WhitepaperTeaser(TeaserView {
                title: r.text(&t.title),
                items,
                all_href,
            })
        }
        BlockKind::Stats(_)
        | BlockKind::Faq(_)
        | BlockKind::Pricing(_)
        | BlockKind::Gallery(_)
        | BlockKind::Testimonials(_)
        | BlockKind::LogoWall(_)
        | BlockKind::Columns(_)
        | BlockKind::Divider(_)
        | BlockKind::Table(_)
        | BlockKind::ConsultantCard(_) => {
            return super::library_view::view(&block.kind, r, state);
        }
        BlockKind::Unknown { block_type } => {
            tracing::warn!(
                block_id = block.id,
                block_type,
                "unknown block type renders nothing"
            );
            return None;
        }
    };
    Some(view)
}

/// Organization, WebPage and BreadcrumbList as one JSON-LD graph. serde_json escapes quotes and
/// backslashes; `<`, `>` and `&` become `\u003c`-style escapes so no text can close the `<script>`.
fn json_ld(
    layout: &Layout<'_>,
    title: &str,
    description: &str,
    crumbs: &[Link],
    base: &str,
    faq: Vec<serde_json::Value>,
) -> String {
    let org_id = format!("{base}/#organization");
    let items: Vec<_> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"@type": "ListItem", "position": i + 1, "name": c.title, "item": format!("{base}{}", c.href)}))
        .collect();
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": org_id, "name": layout.site_name, "url": format!("{base}/")},
            {
                "@type": "WebPage",
                "@id": layout.canonical,
                "url": layout.canonical,
                "name": title,
                "description": description,
                "inLanguage": layout.lang.as_str(),
                "publisher": {"@id": org_id},
            },
            {"@type": "BreadcrumbList", "itemListElement": items},
        ],
    });
    let mut graph = graph;
    if !faq.is_empty()
        && let Some(nodes) = graph["@graph"].as_array_mut()
    {
        // A page with questions and answers says so, for search engines' FAQ results.
        nodes.push(json!({
            "@type": "FAQPage",
            "@id": format!("{}#faq", layout.canonical),
            "mainEntity": faq,
        }));
    }
    escape_json_for_script(&graph.to_string())
}

pub fn escape_json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub(crate) fn og_locale(lang: Lang) -> String {
    match lang.as_str() {
        "en" => "en_US".to_owned(),
        "de" => "de_DE".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_images_offer_their_renditions() {
        assert_eq!(
            srcset("/media/ab12.jpg", Some(1000)).as_deref(),
            Some("/media/ab12-480.jpg 480w, /media/ab12-960.jpg 960w, /media/ab12.jpg 1000w")
        );
        assert_eq!(
            srcset("/media/ab12.webp", Some(600)).as_deref(),
            Some("/media/ab12-480.png 480w, /media/ab12.webp 600w")
        );
        assert_eq!(srcset("/media/ab12.png", Some(300)), None);
        assert_eq!(srcset("/static/img/x.png", Some(3000)), None);
        assert_eq!(srcset("/media/ab12.png", None), None);
    }

    #[test]
    fn json_for_a_script_element_cannot_close_it() {
        let json =
            serde_json::json!({"name": "</script><script>alert(1)</script> & co"}).to_string();
        let safe = escape_json_for_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
