//! The block library beyond the basics: stats, FAQ, pricing, gallery, testimonials, logo wall,
//! columns, divider, table and a consultant's card. Each is parsed like every block (the only way in)
//! and checked for its limits; every text is a JSON object of language variants.
use serde::{Deserialize, Serialize};

use super::{ImageSrc, SafeUrl, Text};
use crate::i18n::Localized;

pub const MAX_STATS: usize = 8;
pub const MAX_FAQ: usize = 30;
pub const MAX_PLANS: usize = 4;
pub const MAX_GALLERY: usize = 24;
pub const MAX_TESTIMONIALS: usize = 12;
pub const MAX_LOGOS: usize = 24;
pub const MAX_TABLE_ROWS: usize = 50;
pub const MAX_TABLE_COLUMNS: usize = 8;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stats {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<Stat>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stat {
    /// What stands out: `120+`, `98 %`, `24/7`.
    pub value: Text,
    pub label: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Faq {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<FaqItem>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaqItem {
    pub question: Text,
    pub answer: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pricing {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<Plan>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub name: Text,
    /// As the site writes it: `490 €`, `from $99`, `on request`.
    pub price: Text,
    /// `per month`, `once`.
    #[serde(default)]
    pub period: Text,
    /// One feature per line.
    #[serde(default)]
    pub features: Text,
    /// `"yes"` marks the plan the site recommends.
    #[serde(default)]
    pub highlighted: String,
    #[serde(default)]
    pub cta_label: Text,
    #[serde(default)]
    pub cta_url: Localized<SafeUrl>,
}

impl Plan {
    pub fn is_highlighted(&self) -> bool {
        self.highlighted == "yes"
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gallery {
    #[serde(default)]
    pub title: Text,
    /// Each as an image block holds it: the picture, alt text, caption and its size.
    pub items: Vec<super::Image>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Testimonials {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<Testimonial>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Testimonial {
    pub quote: Text,
    pub name: Text,
    #[serde(default)]
    pub role: Text,
    #[serde(default)]
    pub photo: Option<ImageSrc>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LogoWall {
    #[serde(default)]
    pub title: Text,
    pub items: Vec<Logo>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Logo {
    pub src: ImageSrc,
    /// The company's name: the logo's alternative text.
    pub name: Text,
    #[serde(default)]
    pub url: Option<SafeUrl>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Columns {
    pub items: Vec<Column>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Column {
    /// Markdown, per language.
    pub body: Text,
    /// `body` rendered to sanitised HTML when saved (kept in `rendered_html`, never typed).
    #[serde(skip)]
    pub html: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Divider {
    /// `line` (a rule) or `space` (room only).
    #[serde(default = "default_divider")]
    pub style: String,
}

fn default_divider() -> String {
    "line".to_owned()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Table {
    #[serde(default)]
    pub title: Text,
    /// One row per line, cells split by `|`; the first row is the header. Shown as text only.
    pub rows: Text,
}

impl Table {
    /// The rows of the table in `lang`: a header and the rest, trimmed cells.
    pub fn cells(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(MAX_TABLE_ROWS + 1)
            .map(|line| {
                line.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .take(MAX_TABLE_COLUMNS)
                    .collect()
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConsultantCard {
    /// The consultant's id, as the booking form knows them.
    pub consultant: String,
    #[serde(default)]
    pub title: Text,
}

/// The limits of the library's blocks; `Err` says which.
pub fn check(kind: &super::BlockKind) -> Result<(), String> {
    use super::BlockKind::*;
    let within = |n: usize, min: usize, max: usize, what: &str| {
        if (min..=max).contains(&n) {
            Ok(())
        } else {
            Err(format!("{what}: {min} to {max}"))
        }
    };
    match kind {
        Stats(s) => within(s.items.len(), 1, MAX_STATS, "stats"),
        Faq(f) => within(f.items.len(), 1, MAX_FAQ, "questions"),
        Pricing(p) => within(p.items.len(), 1, MAX_PLANS, "plans"),
        Gallery(g) => within(g.items.len(), 1, MAX_GALLERY, "images"),
        Testimonials(t) => within(t.items.len(), 1, MAX_TESTIMONIALS, "testimonials"),
        LogoWall(l) => within(l.items.len(), 1, MAX_LOGOS, "logos"),
        Columns(c) => within(c.items.len(), 2, 3, "columns"),
        Divider(d) if d.style != "line" && d.style != "space" => Err(format!(
            "divider style {:?} is neither line nor space",
            d.style
        )),
        Table(t) => {
            for (_, text) in t.rows.variants() {
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                if lines.len() > MAX_TABLE_ROWS + 1 {
                    return Err(format!("a table has at most {MAX_TABLE_ROWS} rows"));
                }
                let widest = lines
                    .iter()
                    .map(|l| l.trim().trim_matches('|').split('|').count())
                    .max()
                    .unwrap_or(0);
                if widest > MAX_TABLE_COLUMNS {
                    return Err(format!("a table has at most {MAX_TABLE_COLUMNS} columns"));
                }
            }
            Ok(())
        }
        ConsultantCard(c) if c.consultant.parse::<i64>().is_err() => {
            Err(format!("consultant {:?} is not an id", c.consultant))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::BlockKind;

    #[test]
    fn library_blocks_parse_within_their_limits_and_refuse_unsafe_links() {
        let ok = [
            (
                "stats",
                r#"{"items": [{"value": {"en": "120+"}, "label": {"en": "projects"}}]}"#,
            ),
            (
                "faq",
                r#"{"items": [{"question": {"en": "Why?"}, "answer": {"en": "Because."}}]}"#,
            ),
            (
                "pricing",
                r#"{"items": [{"name": {"en": "Basic"}, "price": {"en": "490 €"}, "cta_url": {"en": "/en/book"}}]}"#,
            ),
            (
                "gallery",
                r#"{"items": [{"src": "/media/a.png", "alt": {"en": "A"}}]}"#,
            ),
            (
                "testimonials",
                r#"{"items": [{"quote": {"en": "Great"}, "name": {"en": "Jo"}}]}"#,
            ),
            (
                "logo_wall",
                r#"{"items": [{"src": "/static/img/logo.svg", "name": {"en": "Acme"}}]}"#,
            ),
            (
                "columns",
                r#"{"items": [{"body": {"en": "One"}}, {"body": {"en": "Two"}}]}"#,
            ),
            ("divider", r#"{}"#),
            ("table", r#"{"rows": {"en": "Plan | Price\nBasic | 10"}}"#),
            ("consultant", r#"{"consultant": "3"}"#),
        ];
        for (t, json) in ok {
            let kind = BlockKind::parse(t, json).unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(kind.type_name(), t);
            let again = BlockKind::parse(t, &kind.content_json()).unwrap();
            assert_eq!(again.content_json(), kind.content_json(), "{t} round-trips");
        }
        let bad = [
            ("stats", r#"{"items": []}"#),
            ("columns", r#"{"items": [{"body": {"en": "Only one"}}]}"#),
            (
                "pricing",
                r#"{"items": [{"name": {"en": "X"}, "price": {"en": "1"}, "cta_url": {"en": "javascript:alert(1)"}}]}"#,
            ),
            (
                "gallery",
                r#"{"items": [{"src": "https://evil.example/x.png"}]}"#,
            ),
            (
                "logo_wall",
                r#"{"items": [{"src": "/media/a.png", "name": {"en": "A"}, "url": "javascript:x"}]}"#,
            ),
            ("divider", r#"{"style": "marquee"}"#),
            ("consultant", r#"{"consultant": "one"}"#),
        ];
        for (t, json) in bad {
            assert!(BlockKind::parse(t, json).is_err(), "{t} {json} accepted");
        }
        let wide = format!(r#"{{"rows": {{"en": "{}"}}}}"#, ["c"; 9].join("|"));
        assert!(BlockKind::parse("table", &wide).is_err(), "nine columns");
    }

    #[test]
    fn table_cells_split_on_bars_and_trim() {
        assert_eq!(
            super::Table::cells("| Plan | Price |\n\n Basic|10 € \n"),
            vec![vec!["Plan", "Price"], vec!["Basic", "10 €"]]
        );
    }
}
