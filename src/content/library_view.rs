//! The library blocks as a reader sees them: each block's texts in the reader's language (with the
//! fallback marked), links checked, a consultant's card from the booking feature's list. The FAQ's
//! questions also go into the page's structured data (`FAQPage`).
use super::block_views::{
    BlockView, ColumnsView, ConsultantView, DividerView, FaqView, GalleryView, ImageView,
    LogoWallView, PlanView, PricingView, Reader, StatsView, TableView, TestimonialView,
    TestimonialsView, srcset,
};
use super::blocks::BlockKind;
use super::blocks::library::Table;
use crate::web::state::AppState;

/// The view of a library block; `None` when it has nothing to show (a consultant no longer
/// bookable).
pub(super) fn view<'a>(kind: &'a BlockKind, r: Reader, state: &AppState) -> Option<BlockView<'a>> {
    let view = match kind {
        BlockKind::Stats(s) => BlockView::Stats(StatsView {
            lang_attr: s.items.first().and_then(|i| r.fallback_of(&i.label)),
            title: r.text(&s.title),
            items: s
                .items
                .iter()
                .map(|i| (r.text(&i.value), r.text(&i.label)))
                .collect(),
        }),
        BlockKind::Faq(f) => BlockView::Faq(FaqView {
            lang_attr: f.items.first().and_then(|i| r.fallback_of(&i.question)),
            title: r.text(&f.title),
            items: f
                .items
                .iter()
                .map(|i| (r.text(&i.question), r.text(&i.answer)))
                .filter(|(q, a)| !q.is_empty() && !a.is_empty())
                .collect(),
        }),
        BlockKind::Pricing(p) => BlockView::Pricing(PricingView {
            lang_attr: p.items.first().and_then(|i| r.fallback_of(&i.name)),
            title: r.text(&p.title),
            plans: p
                .items
                .iter()
                .map(|plan| PlanView {
                    name: r.text(&plan.name),
                    price: r.text(&plan.price),
                    period: r.text(&plan.period),
                    features: r
                        .text(&plan.features)
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect(),
                    highlighted: plan.is_highlighted(),
                    cta: match (r.text(&plan.cta_label), r.link(&plan.cta_url)) {
                        ("", _) | (_, None) => None,
                        (label, Some(href)) => Some((label, href)),
                    },
                })
                .collect(),
        }),
        BlockKind::Gallery(g) => BlockView::Gallery(GalleryView {
            lang_attr: g.items.first().and_then(|i| r.fallback_of(&i.alt)),
            title: r.text(&g.title),
            images: g
                .items
                .iter()
                .map(|i| ImageView {
                    lang_attr: None,
                    src: i.src.as_str(),
                    srcset: srcset(i.src.as_str(), i.width),
                    alt: r.text(&i.alt),
                    caption: r.text(&i.caption),
                    width: i.width,
                    height: i.height,
                })
                .collect(),
        }),
        BlockKind::Testimonials(t) => BlockView::Testimonials(TestimonialsView {
            lang_attr: t.items.first().and_then(|i| r.fallback_of(&i.quote)),
            title: r.text(&t.title),
            items: t
                .items
                .iter()
                .map(|i| TestimonialView {
                    quote: r.text(&i.quote),
                    name: r.text(&i.name),
                    role: r.text(&i.role),
                    photo: i.photo.as_ref().map(|p| p.as_str()),
                })
                .collect(),
        }),
        BlockKind::LogoWall(l) => BlockView::LogoWall(LogoWallView {
            lang_attr: l.items.first().and_then(|i| r.fallback_of(&i.name)),
            title: r.text(&l.title),
            logos: l
                .items
                .iter()
                .map(|i| {
                    (
                        i.src.as_str(),
                        r.text(&i.name),
                        i.url.as_ref().map(|u| u.as_str()),
                    )
                })
                .collect(),
        }),
        BlockKind::Columns(c) => BlockView::Columns(ColumnsView {
            lang_attr: c.items.first().and_then(|i| r.fallback_of(&i.html)),
            columns_html_sanitized: c.items.iter().map(|i| r.text(&i.html)).collect(),
        }),
        BlockKind::Divider(d) => BlockView::Divider(DividerView {
            space: d.style == "space",
        }),
        BlockKind::Table(t) => {
            let mut cells = Table::cells(r.text(&t.rows));
            if cells.is_empty() {
                return None;
            }
            let header = cells.remove(0);
            BlockView::Table(TableView {
                lang_attr: r.fallback_of(&t.rows),
                title: r.text(&t.title),
                header,
                rows: cells,
            })
        }
        BlockKind::ConsultantCard(c) => {
            let list = state.teasers(CONSULTANTS);
            let found = list
                .iter()
                .find(|t| t.group.as_deref() == Some(&c.consultant));
            let Some(found) = found else {
                tracing::warn!(consultant = %c.consultant, "a consultant card shows nobody bookable");
                return None;
            };
            BlockView::ConsultantCard(ConsultantView {
                title: r.text(&c.title).to_owned(),
                name: r.text(&found.title).to_owned(),
                role: r.text(&found.summary).to_owned(),
                bio: r.text(&found.when).to_owned(),
                photo: found.image.clone(),
                href: format!("/{}/{}", r.lang(), found.path),
                book_label_lang: r.lang(),
            })
        }
        _ => return None,
    };
    Some(view)
}

/// The name of the booking feature's list of bookable consultants (see `booking::refresh`).
pub const CONSULTANTS: &str = "consultants";

/// The page's questions and answers for its structured data, from its FAQ blocks.
pub fn faq_entities(blocks: &[BlockView<'_>]) -> Vec<serde_json::Value> {
    blocks
        .iter()
        .filter_map(|b| match b {
            BlockView::Faq(f) => Some(f),
            _ => None,
        })
        .flat_map(|f| f.items.iter())
        .map(|(q, a)| {
            serde_json::json!({
                "@type": "Question",
                "name": q,
                "acceptedAnswer": {"@type": "Answer", "text": a},
            })
        })
        .collect()
}
