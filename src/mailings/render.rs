//! An issue made into what its readers get: for each language, the mail (MJML rendered by `mrml`
//! to the table layout mail clients need, 600 px wide, inline styles, dark-mode colours; and a
//! text part) and the web version's blocks. Every address is absolute and written as it is: no
//! tracking pixel, no rewritten link.
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::mail::{MailFrame, ViewBlock, mjml, text_part};
use super::model::{Issue, MailBlock, RenderedMail, Texts, text};
use crate::content::articles::index::IndexedArticle;
use crate::content::blocks::values::{SafeUrl, markdown_to_safe_html};
use crate::i18n::{Lang, Messages};
use crate::web::state::{AppState, Teaser};

/// An article a block shows: its index entry, its cover (address and alternative texts) and, for
/// the whole text, its blocks.
type ResolvedArticle = (
    IndexedArticle,
    Option<(String, Texts)>,
    Vec<crate::content::blocks::Block>,
);

/// What an issue's blocks point at, read once for every language.
pub struct Resolved {
    base: String,
    site_name: String,
    default: Lang,
    blocks: Vec<MailBlock>,
    images: HashMap<i64, (String, Texts, u32)>,
    articles: HashMap<i64, ResolvedArticle>,
    sections: crate::content::articles::Sections,
    webinars: Vec<Teaser>,
    whitepapers: Vec<Teaser>,
}

/// Reads what the blocks of `issue` point at.
pub async fn resolve(state: &AppState, issue: &Issue) -> anyhow::Result<Resolved> {
    let index = crate::content::articles::current(state);
    let mut images = HashMap::new();
    let mut articles = HashMap::new();
    for block in &issue.blocks {
        match block {
            MailBlock::Image {
                media_id: Some(id), ..
            } => {
                if let Some(item) = crate::media::store::get(&state.db, *id).await?
                    && item.is_image()
                    && !item.gated
                {
                    let alt: Texts = item.alt.parse().unwrap_or_default();
                    let width = item.width.unwrap_or(560).clamp(1, 560) as u32;
                    images.insert(*id, (item.path(), alt, width));
                }
            }
            MailBlock::Article {
                article_id: Some(id),
                full,
            } => {
                if let Some(a) = index.articles.iter().find(|a| a.id == *id) {
                    let cover = a
                        .details
                        .cover
                        .and_then(|c| index.images.get(&c))
                        .map(|img| {
                            let alt: Texts = a
                                .details
                                .cover_alt
                                .variants()
                                .map(|(l, t)| (l.as_str().to_owned(), t.clone()))
                                .collect();
                            let fallback: Texts = img
                                .alt
                                .variants()
                                .map(|(l, t)| (l.as_str().to_owned(), t.clone()))
                                .collect();
                            (
                                img.src.clone(),
                                if alt.values().all(|t| t.is_empty()) {
                                    fallback
                                } else {
                                    alt
                                },
                            )
                        });
                    let body = if *full {
                        crate::content::store::page_for_editing(&state.db, *id)
                            .await?
                            .map(|(_, blocks)| blocks)
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    articles.insert(*id, (a.clone(), cover, body));
                }
            }
            _ => {}
        }
    }
    Ok(Resolved {
        base: state.config.base_url.clone(),
        site_name: state.config.site_name.clone(),
        default: state.config.languages.default_lang(),
        blocks: issue.blocks.clone(),
        images,
        articles,
        sections: index.sections.clone(),
        webinars: state.teasers(crate::webinars::TEASERS).to_vec(),
        whitepapers: state.teasers(crate::whitepapers::TEASERS).to_vec(),
    })
}

impl Resolved {
    fn absolute(&self, href: &str) -> String {
        if href.starts_with('/') && !href.starts_with("//") {
            format!("{}{href}", self.base)
        } else {
            href.to_owned()
        }
    }

    /// The blocks in `lang` (`ui` in that language): what cannot be shown (a webinar that began,
    /// an image since deleted) is left out.
    pub fn view(&self, lang: Lang, ui: &Messages) -> Vec<ViewBlock> {
        let default = self.default;
        let t = |texts: &Texts| text(texts, lang, default).trim().to_owned();
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                MailBlock::Heading { text: h } => {
                    let h = t(h);
                    if !h.is_empty() {
                        out.push(ViewBlock::Heading(h));
                    }
                }
                MailBlock::Text { markdown } => {
                    let md = t(markdown);
                    if !md.is_empty() {
                        out.push(ViewBlock::Text {
                            html_sanitized: absolute_links(&markdown_to_safe_html(&md), &self.base),
                            plain: plain_text(&md, &self.base),
                        });
                    }
                }
                MailBlock::Image { media_id, alt } => {
                    if let Some((src, library_alt, width)) =
                        media_id.and_then(|id| self.images.get(&id))
                    {
                        let own = t(alt);
                        out.push(ViewBlock::Image {
                            src: self.absolute(src),
                            alt: if own.is_empty() { t(library_alt) } else { own },
                            width: *width,
                        });
                    }
                }
                MailBlock::Button { label, url } => {
                    let (label, url) = (t(label), t(url));
                    if !label.is_empty() && SafeUrl::parse(&url).is_ok() {
                        out.push(ViewBlock::Button {
                            label,
                            href: self.absolute(&url),
                        });
                    }
                }
                MailBlock::Divider => out.push(ViewBlock::Divider),
                MailBlock::Article { article_id, full } => {
                    let Some((a, cover, body)) = article_id.and_then(|id| self.articles.get(&id))
                    else {
                        continue;
                    };
                    let title = a.title.text(lang, default).to_owned();
                    let href = self.absolute(&a.path(&self.sections, lang));
                    let image = cover
                        .as_ref()
                        .map(|(src, alt)| (self.absolute(src), t(alt)));
                    if *full {
                        let body_html = crate::content::articles::feed::body_html(
                            body, lang, default, &self.base,
                        )
                        .unwrap_or_default();
                        out.push(ViewBlock::FullArticle {
                            title,
                            href,
                            image,
                            plain: html_to_plain(&body_html),
                            body_html_sanitized: body_html,
                        });
                    } else {
                        out.push(ViewBlock::Teaser {
                            title,
                            href,
                            when: crate::i18n::format_date(a.published_at.date(), lang),
                            summary: a.summary.text(lang, default).to_owned(),
                            image,
                            action: ui.t("issue-read-article").to_owned(),
                        });
                    }
                }
                MailBlock::Webinar { path } | MailBlock::Whitepaper { path } => {
                    let (list, action) = if matches!(block, MailBlock::Webinar { .. }) {
                        (&self.webinars, "issue-register-webinar")
                    } else {
                        (&self.whitepapers, "issue-get-whitepaper")
                    };
                    if let Some(teaser) = list.iter().find(|w| &w.path == path) {
                        out.push(ViewBlock::Teaser {
                            title: teaser.title.text(lang, default).to_owned(),
                            href: format!("{}/{lang}/{}", self.base, teaser.path),
                            when: teaser.when.text(lang, default).to_owned(),
                            summary: teaser.summary.text(lang, default).to_owned(),
                            image: None,
                            action: ui.t(action).to_owned(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The mail of `issue` in `lang`: subject, HTML and text, with [`UNSUBSCRIBE_MARK`] where each
    /// recipient's own unsubscribe address goes.
    pub fn mail(&self, issue: &Issue, lang: Lang, ui: &Messages) -> anyhow::Result<RenderedMail> {
        let subject = issue.subject_in(lang, self.default).trim().to_owned();
        let preheader = text(&issue.preheader, lang, self.default).trim().to_owned();
        let web = format!("{}/{lang}/newsletter/issues/{}", self.base, issue.id);
        let blocks = self.view(lang, ui);
        let html = mjml(&MailFrame {
            lang,
            subject: &subject,
            preheader: &preheader,
            site_name: &self.site_name,
            base: &self.base,
            web: &web,
            ui,
            blocks: &blocks,
        })?;
        let text = text_part(&subject, &self.site_name, &web, ui, &blocks);
        Ok(RenderedMail {
            subject,
            html,
            text,
        })
    }

    /// Every language's mail of `issue`.
    pub fn mails(
        &self,
        issue: &Issue,
        languages: &[Lang],
        catalog: &crate::i18n::Catalog,
    ) -> anyhow::Result<BTreeMap<String, RenderedMail>> {
        languages
            .iter()
            .map(|lang| {
                Ok((
                    lang.as_str().to_owned(),
                    self.mail(issue, *lang, catalog.messages(*lang))?,
                ))
            })
            .collect()
    }
}

/// The languages `issue` is written in (a subject in that language), comma-separated.
pub fn written_in(issue: &Issue, languages: &[Lang]) -> String {
    languages
        .iter()
        .filter(|l| {
            issue
                .subject
                .get(l.as_str())
                .is_some_and(|s| !s.trim().is_empty())
        })
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Site addresses in sanitised HTML made absolute (`href="/en/contact"`).
fn absolute_links(html: &str, base: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
        .replace(&format!("href=\"{base}//"), "href=\"//")
}

/// Markdown as plain text for the text part: links as `words (address)`.
fn plain_text(markdown: &str, base: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    let url = if url.starts_with('/') && !url.starts_with("//") {
                        format!("{base}{url}")
                    } else {
                        url
                    };
                    let _ = write!(out, " ({url})");
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                out.push('\n');
                if !out.ends_with("\n\n") && !matches!(event, Event::End(TagEnd::Item)) {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Sanitised HTML as plain text: its words, a paragraph a line.
fn html_to_plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/');
                if ["p", "h2", "h3", "h4", "li", "blockquote", "figure", "br"]
                    .iter()
                    .any(|t| name.starts_with(t))
                    && tag.starts_with('/')
                    || name.starts_with("br")
                {
                    out.push_str("\n\n");
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut lines: Vec<&str> = decoded.lines().map(str::trim).collect();
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text_with_addresses() {
        let got = plain_text(
            "Hello **you**.\n\nSee [our offer](/en/packages).",
            "https://s.example",
        );
        assert_eq!(
            got,
            "Hello you.\n\nSee our offer (https://s.example/en/packages)."
        );
    }
}
