//! What each block becomes for a reader: the view values page templates receive, one per block
//! kind (the library's too), and the reader whose language resolves them.
use super::blocks::SafeUrl;
use crate::i18n::{Lang, Localized};

pub enum BlockView<'a> {
    Hero(HeroView<'a>),
    RichText(RichTextView<'a>),
    Heading(HeadingView<'a>),
    Image(ImageView<'a>),
    Video(VideoView<'a>),
    CallToAction(CallToActionView<'a>),
    Features(FeaturesView<'a>),
    Quote(QuoteView<'a>),
    WebinarTeaser(TeaserView<'a>),
    WhitepaperTeaser(TeaserView<'a>),
    ArticleTeaser(ArticleTeaserView<'a>),
    ContactForm(ContactFormView<'a>),
    NewsletterSignup(NewsletterView<'a>),
    Form(FormView<'a>),
    Stats(StatsView<'a>),
    Faq(FaqView<'a>),
    Pricing(PricingView<'a>),
    Gallery(GalleryView<'a>),
    Testimonials(TestimonialsView<'a>),
    LogoWall(LogoWallView<'a>),
    Columns(ColumnsView<'a>),
    Divider(DividerView),
    Table(TableView<'a>),
    ConsultantCard(ConsultantView),
}

/// The latest articles as cards, with a link to all of them (or the category's).
pub struct ArticleTeaserView<'a> {
    pub title: &'a str,
    pub cards: Vec<ArticleCard>,
    pub all_href: String,
}

/// An image with its renditions.
pub struct Picture {
    pub src: String,
    pub srcset: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: String,
}

/// A name in a byline, linked to the author's page when their profile is public.
pub struct Byline {
    pub name: String,
    pub href: Option<String>,
}

/// An article in a list.
pub struct ArticleCard {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub cover: Option<Picture>,
    pub authors: Vec<Byline>,
    pub date: String,
    pub datetime: String,
    pub minutes: String,
}

pub struct ContactFormView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub intro: &'a str,
    pub topics: Vec<String>,
    /// Where the message says it came from.
    pub page_slug: &'a str,
    pub action: String,
    pub privacy_href: String,
}

/// A form editors built, as a visitor sees it.
pub struct FormView<'a> {
    pub block_id: i64,
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub intro: &'a str,
    pub fields: Vec<FormFieldView>,
    /// The button's label (empty: the default "Send").
    pub submit: &'a str,
    /// The thank-you text (empty: the default).
    pub thanks: &'a str,
    pub newsletter: bool,
    pub page_slug: &'a str,
    pub action: String,
    pub privacy_href: String,
}

/// One field of a built form: inputs are named `f{n}` (a checkbox option `f{n}_{k}`), so what a
/// visitor typed is read back by position whatever the language.
pub struct FormFieldView {
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// Value (or input name, for checkboxes) and label of each option.
    pub options: Vec<(String, String)>,
}

pub struct NewsletterView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub intro: &'a str,
    pub action: String,
    pub privacy_href: String,
}

pub struct HeroView<'a> {
    pub lang_attr: Option<Lang>,
    /// The home page's opening hero carries the page's only `h1`.
    pub as_h1: bool,
    pub headline: &'a str,
    pub subheadline: &'a str,
    pub buttons: Vec<ButtonView<'a>>,
    pub background: Option<&'a str>,
}

pub struct ButtonView<'a> {
    pub label: &'a str,
    pub href: &'a str,
}

pub struct RichTextView<'a> {
    pub lang_attr: Option<Lang>,
    /// Rendered from Markdown and sanitised by the server when the block was saved.
    pub body_html_sanitized: &'a str,
}

pub struct HeadingView<'a> {
    pub lang_attr: Option<Lang>,
    pub text: &'a str,
    pub level: u8,
}

pub struct ImageView<'a> {
    pub lang_attr: Option<Lang>,
    pub src: &'a str,
    /// The resized copies of an uploaded image, for the browser to pick from.
    pub srcset: Option<String>,
    pub alt: &'a str,
    pub caption: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

pub struct VideoView<'a> {
    pub lang_attr: Option<Lang>,
    pub embed_url: String,
    pub title: &'a str,
}

pub struct CallToActionView<'a> {
    pub lang_attr: Option<Lang>,
    pub headline: &'a str,
    pub text: &'a str,
    pub label: &'a str,
    pub href: &'a str,
}

pub struct FeaturesView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub items: Vec<FeatureView<'a>>,
}

pub struct FeatureView<'a> {
    pub icon: &'static str,
    pub title: &'a str,
    pub text: &'a str,
}

pub struct QuoteView<'a> {
    pub lang_attr: Option<Lang>,
    pub text: &'a str,
    pub person: &'a str,
    pub role: &'a str,
    pub company: &'a str,
}

pub struct TeaserView<'a> {
    pub title: &'a str,
    pub items: Vec<TeaserItem>,
    pub all_href: String,
}

/// One coming webinar in a teaser block.
pub struct TeaserItem {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub when: String,
}

/// Resolves localized fields for one reader.
#[derive(Clone, Copy)]
pub(super) struct Reader {
    pub(super) lang: Lang,
    pub(super) default: Lang,
}

impl Reader {
    pub(super) fn lang(&self) -> Lang {
        self.lang
    }

    pub(super) fn text<'a>(&self, field: &'a Localized<String>) -> &'a str {
        field.text(self.lang, self.default)
    }

    pub(super) fn link<'a>(&self, field: &'a Localized<SafeUrl>) -> Option<&'a str> {
        field.get(self.lang, self.default).map(SafeUrl::as_str)
    }

    /// `Some(lang)` when the field is shown in a fallback language, so the markup can say so.
    pub(super) fn fallback_of(&self, field: &Localized<String>) -> Option<Lang> {
        field
            .resolve(self.lang, self.default)
            .map(|(l, _)| l)
            .filter(|l| *l != self.lang)
    }
}

pub struct StatsView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    /// Value and label.
    pub items: Vec<(&'a str, &'a str)>,
}

pub struct FaqView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    /// Question and answer (plain text; line breaks kept by the style).
    pub items: Vec<(&'a str, &'a str)>,
}

pub struct PricingView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub plans: Vec<PlanView<'a>>,
}

pub struct PlanView<'a> {
    pub name: &'a str,
    pub price: &'a str,
    pub period: &'a str,
    pub features: Vec<&'a str>,
    pub highlighted: bool,
    /// Label and address of the plan's button.
    pub cta: Option<(&'a str, &'a str)>,
}

pub struct GalleryView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub images: Vec<ImageView<'a>>,
}

pub struct TestimonialsView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub items: Vec<TestimonialView<'a>>,
}

pub struct TestimonialView<'a> {
    pub quote: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub photo: Option<&'a str>,
}

pub struct LogoWallView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    /// Image, company name (the alternative text) and the company's address if given.
    pub logos: Vec<(&'a str, &'a str, Option<&'a str>)>,
}

pub struct ColumnsView<'a> {
    pub lang_attr: Option<Lang>,
    /// Rendered from Markdown and sanitised by the server when the block was saved.
    pub columns_html_sanitized: Vec<&'a str>,
}

pub struct DividerView {
    /// Room only, no rule.
    pub space: bool,
}

pub struct TableView<'a> {
    pub lang_attr: Option<Lang>,
    pub title: &'a str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct ConsultantView {
    pub title: String,
    pub name: String,
    pub role: String,
    pub bio: String,
    pub photo: Option<String>,
    pub href: String,
    pub book_label_lang: Lang,
}

/// `/media/abc.jpg 1200w, /media/abc-480.jpg 480w, ...` for an upload whose width is known: the media
/// library makes renditions of every width in `RENDITION_WIDTHS` below the original's.
pub(crate) fn srcset(src: &str, width: Option<u32>) -> Option<String> {
    let width = width?;
    let name = src.strip_prefix("/media/")?;
    let (stem, ext) = name.rsplit_once('.')?;
    let rendition_ext = if ext == "jpg" { "jpg" } else { "png" };
    let mut set: Vec<String> = crate::media::files::RENDITION_WIDTHS
        .iter()
        .filter(|w| **w < width)
        .map(|w| format!("/media/{stem}-{w}.{rendition_ext} {w}w"))
        .collect();
    if set.is_empty() {
        return None;
    }
    set.push(format!("{src} {width}w"));
    Some(set.join(", "))
}

/// A built form in the reader's language.
pub(super) fn form_view<'a>(
    block_id: i64,
    f: &'a super::blocks::form::FormBlock,
    r: Reader,
    page_slug: &'a str,
    privacy_href: String,
) -> FormView<'a> {
    use super::blocks::form::FieldKind;
    let fields = f
        .items
        .iter()
        .enumerate()
        .map(|(n, field)| {
            let name = format!("f{n}");
            let options = field
                .options(r.lang, r.default)
                .into_iter()
                .enumerate()
                .map(|(k, label)| match field.kind {
                    FieldKind::Checkboxes => (format!("{name}_{k}"), label),
                    _ => (k.to_string(), label),
                })
                .collect();
            FormFieldView {
                kind: match field.kind {
                    FieldKind::Text => "text",
                    FieldKind::Email => "email",
                    FieldKind::Phone => "phone",
                    FieldKind::LongText => "long_text",
                    FieldKind::Choice => "choice",
                    FieldKind::Checkboxes => "checkboxes",
                    FieldKind::Consent => "consent",
                },
                name,
                label: r.text(&field.label).to_owned(),
                help: r.text(&field.help).to_owned(),
                required: field.is_required() || field.kind == FieldKind::Consent,
                options,
            }
        })
        .collect();
    FormView {
        block_id,
        lang_attr: r.fallback_of(&f.title),
        title: r.text(&f.title),
        intro: r.text(&f.intro),
        fields,
        submit: r.text(&f.submit),
        thanks: r.text(&f.thanks),
        newsletter: f.offers_newsletter(),
        page_slug,
        action: format!("/{}/forms/{block_id}", r.lang),
        privacy_href,
    }
}
