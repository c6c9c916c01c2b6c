//! How a block shows in a page's block list: a small preview of its look (its picture, heading,
//! text and button, as the visitor would meet them), and a line of text that tells blocks apart.
//! Everything is text for the template to escape; rich text is shown as its plain words.
use super::blocks::{Block, BlockKind};
use crate::i18n::Lang;

/// A block's look in miniature.
#[derive(Default)]
pub struct Preview {
    /// An image it shows (a hero's background, an image block's picture).
    pub image: Option<String>,
    pub heading: String,
    pub text: String,
    /// The label of its first button.
    pub button: Option<String>,
    /// A quotation, shown as one.
    pub quote: bool,
}

fn excerpt(text: &str, max: usize) -> String {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '>'))
        .collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = plain.chars().take(max).collect();
    if plain.chars().count() > max {
        s.push('…');
    }
    s
}

pub fn preview(block: &Block, lang: Lang, default: Lang) -> Preview {
    let t = |text: &crate::i18n::Localized<String>| text.text(lang, default).to_owned();
    match &block.kind {
        BlockKind::Hero(h) => Preview {
            image: h.background_image.as_ref().map(|i| i.as_str().to_owned()),
            heading: t(&h.headline),
            text: excerpt(h.subheadline.text(lang, default), 140),
            button: h.buttons.first().map(|b| t(&b.label)),
            ..Preview::default()
        },
        BlockKind::RichText(r) => Preview {
            text: excerpt(r.body.text(lang, default), 200),
            ..Preview::default()
        },
        BlockKind::Heading(h) => Preview {
            heading: t(&h.text),
            ..Preview::default()
        },
        BlockKind::Image(i) => Preview {
            image: Some(i.src.as_str().to_owned()),
            text: excerpt(i.caption.text(lang, default), 140),
            heading: String::new(),
            ..Preview::default()
        },
        BlockKind::Video(v) => Preview {
            heading: t(&v.title),
            ..Preview::default()
        },
        BlockKind::CallToAction(c) => Preview {
            heading: t(&c.headline),
            text: excerpt(c.text.text(lang, default), 140),
            button: Some(t(&c.label)),
            ..Preview::default()
        },
        BlockKind::Features(f) => Preview {
            heading: t(&f.title),
            text: f
                .items
                .iter()
                .map(|i| i.title.text(lang, default))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            ..Preview::default()
        },
        BlockKind::Quote(q) => Preview {
            text: excerpt(q.text.text(lang, default), 160),
            heading: t(&q.person),
            quote: true,
            ..Preview::default()
        },
        BlockKind::WebinarTeaser(w) => Preview {
            heading: t(&w.title),
            ..Preview::default()
        },
        BlockKind::WhitepaperTeaser(w) => Preview {
            heading: t(&w.title),
            ..Preview::default()
        },
        BlockKind::ArticleTeaser(a) => Preview {
            heading: t(&a.title),
            ..Preview::default()
        },
        BlockKind::ContactForm(c) => Preview {
            heading: t(&c.title),
            text: excerpt(c.intro.text(lang, default), 140),
            ..Preview::default()
        },
        BlockKind::Form(f) => Preview {
            heading: t(&f.title),
            text: excerpt(
                &f.items
                    .iter()
                    .map(|field| field.label.text(lang, default))
                    .collect::<Vec<_>>()
                    .join(" · "),
                140,
            ),
            ..Preview::default()
        },
        BlockKind::NewsletterSignup(n) => Preview {
            heading: t(&n.title),
            text: excerpt(n.intro.text(lang, default), 140),
            ..Preview::default()
        },
        BlockKind::Stats(st) => Preview {
            heading: t(&st.title),
            text: st
                .items
                .iter()
                .map(|i| format!("{} {}", t(&i.value), t(&i.label)))
                .collect::<Vec<_>>()
                .join(" · "),
            ..Preview::default()
        },
        BlockKind::Faq(f) => Preview {
            heading: t(&f.title),
            text: excerpt(
                &f.items
                    .iter()
                    .map(|i| t(&i.question))
                    .collect::<Vec<_>>()
                    .join(" · "),
                200,
            ),
            ..Preview::default()
        },
        BlockKind::Pricing(p) => Preview {
            heading: t(&p.title),
            text: p
                .items
                .iter()
                .map(|i| format!("{} {}", t(&i.name), t(&i.price)))
                .collect::<Vec<_>>()
                .join(" · "),
            button: p
                .items
                .iter()
                .find(|i| i.is_highlighted())
                .map(|i| t(&i.cta_label)),
            ..Preview::default()
        },
        BlockKind::Gallery(g) => Preview {
            image: g.items.first().map(|i| i.src.as_str().to_owned()),
            heading: t(&g.title),
            text: format!("{} ×", g.items.len()),
            ..Preview::default()
        },
        BlockKind::Testimonials(ts) => Preview {
            heading: t(&ts.title),
            text: ts
                .items
                .first()
                .map(|i| excerpt(i.quote.text(lang, default), 160))
                .unwrap_or_default(),
            quote: true,
            ..Preview::default()
        },
        BlockKind::LogoWall(l) => Preview {
            image: l.items.first().map(|i| i.src.as_str().to_owned()),
            heading: t(&l.title),
            text: l
                .items
                .iter()
                .map(|i| t(&i.name))
                .collect::<Vec<_>>()
                .join(" · "),
            ..Preview::default()
        },
        BlockKind::Columns(c) => Preview {
            text: excerpt(
                &c.items
                    .iter()
                    .map(|i| i.body.text(lang, default))
                    .collect::<Vec<_>>()
                    .join(" | "),
                200,
            ),
            ..Preview::default()
        },
        BlockKind::Divider(d) => Preview {
            text: d.style.clone(),
            ..Preview::default()
        },
        BlockKind::Table(tb) => Preview {
            heading: t(&tb.title),
            text: excerpt(
                tb.rows.text(lang, default).lines().next().unwrap_or(""),
                140,
            ),
            ..Preview::default()
        },
        BlockKind::ConsultantCard(c) => Preview {
            heading: t(&c.title),
            text: c.consultant.clone(),
            ..Preview::default()
        },
        BlockKind::Unknown { .. } => Preview::default(),
    }
}

/// A line of text that tells blocks apart in the list.
pub fn summary(block: &Block, lang: Lang, default: Lang) -> String {
    let text = match &block.kind {
        BlockKind::Hero(h) => h.headline.text(lang, default),
        BlockKind::RichText(t) => t.body.text(lang, default),
        BlockKind::Heading(h) => h.text.text(lang, default),
        BlockKind::Image(i) => i.alt.text(lang, default),
        BlockKind::Video(v) => v.title.text(lang, default),
        BlockKind::CallToAction(c) => c.headline.text(lang, default),
        BlockKind::Features(f) => f.title.text(lang, default),
        BlockKind::Quote(q) => q.text.text(lang, default),
        BlockKind::WebinarTeaser(t) => t.title.text(lang, default),
        BlockKind::WhitepaperTeaser(t) => t.title.text(lang, default),
        BlockKind::ArticleTeaser(t) => t.title.text(lang, default),
        BlockKind::ContactForm(c) => c.title.text(lang, default),
        BlockKind::NewsletterSignup(n) => n.title.text(lang, default),
        BlockKind::Form(f) => f.title.text(lang, default),
        BlockKind::Stats(x) => x.title.text(lang, default),
        BlockKind::Faq(x) => x.title.text(lang, default),
        BlockKind::Pricing(x) => x.title.text(lang, default),
        BlockKind::Gallery(x) => x.title.text(lang, default),
        BlockKind::Testimonials(x) => x.title.text(lang, default),
        BlockKind::LogoWall(x) => x.title.text(lang, default),
        BlockKind::Columns(x) => x.items.first().map_or("", |c| c.body.text(lang, default)),
        BlockKind::Divider(x) => x.style.as_str(),
        BlockKind::Table(x) => x.title.text(lang, default),
        BlockKind::ConsultantCard(x) => x.title.text(lang, default),
        BlockKind::Unknown { .. } => "",
    };
    let mut s: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        s.push('…');
    }
    s
}
