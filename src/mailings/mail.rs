//! One language's mail of an issue: its blocks written as MJML and rendered by `mrml` (600 px,
//! table layout, inline styles, colours that hold in dark mode), and the same blocks as the text part.

use std::fmt::Write;

use super::model::UNSUBSCRIBE_MARK;
use crate::i18n::{Lang, Messages};

/// A block as a reader sees it in one language.
#[derive(Clone, Debug)]
pub enum ViewBlock {
    Heading(String),
    /// HTML the server rendered from Markdown and sanitised; the text part gets `plain`.
    Text {
        html_sanitized: String,
        plain: String,
    },
    Image {
        src: String,
        alt: String,
        width: u32,
    },
    Button {
        label: String,
        href: String,
    },
    Divider,
    /// An article, a webinar or a whitepaper: title with its link, a line of when, a summary, an
    /// optional picture, and the button's words.
    Teaser {
        title: String,
        href: String,
        when: String,
        summary: String,
        image: Option<(String, String)>,
        action: String,
    },
    /// An article's whole text (sanitised HTML with absolute addresses).
    FullArticle {
        title: String,
        href: String,
        image: Option<(String, String)>,
        body_html_sanitized: String,
        plain: String,
    },
}

pub struct MailFrame<'a> {
    pub lang: Lang,
    pub subject: &'a str,
    pub preheader: &'a str,
    pub site_name: &'a str,
    pub base: &'a str,
    pub web: &'a str,
    pub ui: &'a Messages,
    pub blocks: &'a [ViewBlock],
}

/// Escapes text for MJML (XML) content and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const INK: &str = "#1f2933";
const MUTED: &str = "#52606d";
const ACCENT: &str = "#1d4ed8";
const FONT: &str = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

pub fn mjml(f: &MailFrame<'_>) -> anyhow::Result<String> {
    let mut m = String::with_capacity(8192);
    let _ = write!(
        m,
        r##"<mjml lang="{lang}"><mj-head><mj-title>{subject}</mj-title><mj-preview>{preheader}</mj-preview>
<mj-attributes><mj-all font-family="{FONT}" /><mj-text font-size="16px" line-height="1.6" color="{INK}" padding="8px 24px" /><mj-image padding="8px 24px" /><mj-button css-class="btn" background-color="{ACCENT}" color="#ffffff" font-size="16px" font-weight="600" inner-padding="12px 24px" border-radius="6px" align="left" padding="8px 24px 16px" /><mj-divider border-color="#cbd2d9" border-width="1px" padding="16px 24px" /></mj-attributes>
<mj-style>:root {{ color-scheme: light dark; supported-color-schemes: light dark; }}
a {{ color: {ACCENT}; }}
@media (prefers-color-scheme: dark) {{
  .page, .page > table, .page > div {{ background: #111827 !important; }}
  .card, .card > table, .card td {{ background: #1f2937 !important; }}
  .card div, .card p, .card li, .card h1, .card h2 {{ color: #e5e7eb !important; }}
  .card a, .note a {{ color: #93c5fd !important; }}
  .card .btn a, .card .btn p {{ color: #ffffff !important; }}
  .note div {{ color: #cbd2d9 !important; }}
}}</mj-style></mj-head>
<mj-body width="600px" background-color="#f3f4f6" css-class="page">
<mj-section padding="16px 0 8px" css-class="note"><mj-column><mj-text align="center" font-size="13px" color="{MUTED}" padding="0 24px"><a href="{web}" style="color:{MUTED};">{view}</a></mj-text></mj-column></mj-section>
<mj-section background-color="#ffffff" padding="16px 0" css-class="card"><mj-column>
<mj-text font-size="14px" font-weight="700" color="{MUTED}" padding="8px 24px 0">{site}</mj-text>
"##,
        lang = f.lang,
        subject = esc(f.subject),
        preheader = esc(f.preheader),
        web = esc(f.web),
        view = esc(f.ui.t("issue-view-in-browser")),
        site = esc(f.site_name),
    );
    for block in f.blocks {
        block_mjml(&mut m, block);
    }
    let _ = write!(
        m,
        r##"</mj-column></mj-section>
<mj-section padding="16px 0 24px" css-class="note"><mj-column><mj-text align="center" font-size="13px" line-height="1.5" color="{MUTED}">{why}<br /><a href="{UNSUBSCRIBE_MARK}" style="color:{MUTED};">{unsubscribe}</a> · <a href="{base}/" style="color:{MUTED};">{site}</a></mj-text></mj-column></mj-section>
</mj-body></mjml>"##,
        why = esc(&f.ui.t_args("issue-why", &[("site", f.site_name.into())])),
        unsubscribe = esc(f.ui.t("issue-unsubscribe")),
        base = esc(f.base),
        site = esc(f.site_name),
    );
    let parsed = mrml::parse(&m).map_err(|e| anyhow::anyhow!("the mail's MJML: {e}"))?;
    let html = parsed
        .element
        .render(&mrml::prelude::render::RenderOptions::default())
        .map_err(|e| anyhow::anyhow!("rendering the mail: {e}"))?;
    Ok(html)
}

fn block_mjml(m: &mut String, block: &ViewBlock) {
    match block {
        ViewBlock::Heading(h) => {
            let _ = write!(
                m,
                r##"<mj-text font-size="22px" line-height="1.3" font-weight="700" padding="16px 24px 4px"><h2 style="margin:0;font-size:22px;">{}</h2></mj-text>"##,
                esc(h)
            );
        }
        ViewBlock::Text { html_sanitized, .. } => {
            let _ = write!(m, "<mj-text>{}</mj-text>", mail_html(html_sanitized));
        }
        ViewBlock::Image { src, alt, width } => {
            let _ = write!(
                m,
                r##"<mj-image src="{}" alt="{}" width="{}px" />"##,
                esc(src),
                esc(alt),
                width.min(&552)
            );
        }
        ViewBlock::Button { label, href } => {
            let _ = write!(
                m,
                r##"<mj-button href="{}">{}</mj-button>"##,
                esc(href),
                esc(label)
            );
        }
        ViewBlock::Divider => m.push_str("<mj-divider />"),
        ViewBlock::Teaser {
            title,
            href,
            when,
            summary,
            image,
            action,
        } => {
            if let Some((src, alt)) = image {
                let _ = write!(
                    m,
                    r##"<mj-image src="{}" alt="{}" href="{}" width="552px" padding="16px 24px 4px" />"##,
                    esc(src),
                    esc(alt),
                    esc(href)
                );
            }
            let _ = write!(
                m,
                r##"<mj-text padding="12px 24px 0"><h2 style="margin:0;font-size:20px;line-height:1.3;"><a href="{href}" style="color:{INK};text-decoration:none;">{title}</a></h2></mj-text>"##,
                href = esc(href),
                title = esc(title)
            );
            if !when.is_empty() {
                let _ = write!(
                    m,
                    r##"<mj-text font-size="14px" color="{MUTED}" padding="2px 24px 0">{}</mj-text>"##,
                    esc(when)
                );
            }
            if !summary.is_empty() {
                let _ = write!(m, "<mj-text>{}</mj-text>", esc(summary));
            }
            let _ = write!(
                m,
                r##"<mj-button href="{}">{}</mj-button>"##,
                esc(href),
                esc(action)
            );
        }
        ViewBlock::FullArticle {
            title,
            href,
            image,
            body_html_sanitized,
            ..
        } => {
            let _ = write!(
                m,
                r##"<mj-text font-size="24px" line-height="1.25" font-weight="700" padding="16px 24px 4px"><h1 style="margin:0;font-size:24px;"><a href="{href}" style="color:{INK};text-decoration:none;">{title}</a></h1></mj-text>"##,
                href = esc(href),
                title = esc(title)
            );
            if let Some((src, alt)) = image {
                let _ = write!(
                    m,
                    r##"<mj-image src="{}" alt="{}" width="552px" />"##,
                    esc(src),
                    esc(alt)
                );
            }
            let _ = write!(m, "<mj-text>{}</mj-text>", mail_html(body_html_sanitized));
        }
    }
}

/// Sanitised HTML made fit for a mail: void elements closed (MJML is XML), images no wider than the
/// column, links in the accent colour.
fn mail_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let tag = &rest[start..start + len + 1];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let inner = tag[..tag.len() - 1].trim_end_matches('/').trim_end();
        match name.as_str() {
            "br" | "hr" => {
                let _ = write!(out, "{inner} />");
            }
            "img" => {
                let _ = write!(
                    out,
                    "{inner} style=\"max-width:100%;height:auto;display:block;\" />"
                );
            }
            "a" => {
                let _ = write!(out, "{inner} style=\"color:{ACCENT};\">");
            }
            _ => out.push_str(tag),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The text part: the same blocks, a paragraph each, addresses written out.
pub fn text_part(
    subject: &str,
    site_name: &str,
    web: &str,
    ui: &Messages,
    blocks: &[ViewBlock],
) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{site_name}\n\n{subject}\n{}\n",
        "=".repeat(subject.chars().count().min(72))
    );
    for block in blocks {
        match block {
            ViewBlock::Heading(h) => {
                let _ = writeln!(t, "{h}\n{}\n", "-".repeat(h.chars().count().min(72)));
            }
            ViewBlock::Text { plain, .. } => {
                let _ = writeln!(t, "{plain}\n");
            }
            ViewBlock::Image { alt, .. } => {
                if !alt.is_empty() {
                    let _ = writeln!(t, "[{alt}]\n");
                }
            }
            ViewBlock::Button { label, href } => {
                let _ = writeln!(t, "{label}: {href}\n");
            }
            ViewBlock::Divider => t.push_str("* * *\n\n"),
            ViewBlock::Teaser {
                title,
                href,
                when,
                summary,
                action,
                ..
            } => {
                let _ = writeln!(t, "{title}");
                if !when.is_empty() {
                    let _ = writeln!(t, "{when}");
                }
                if !summary.is_empty() {
                    let _ = writeln!(t, "{summary}");
                }
                let _ = writeln!(t, "{action}: {href}\n");
            }
            ViewBlock::FullArticle {
                title, href, plain, ..
            } => {
                let _ = writeln!(t, "{title}\n{href}\n\n{plain}\n");
            }
        }
    }
    let _ = writeln!(
        t,
        "--\n{}\n{}: {web}\n{}: {UNSUBSCRIBE_MARK}",
        ui.t_args("issue-why", &[("site", site_name.into())]),
        ui.t("issue-view-in-browser"),
        ui.t("issue-unsubscribe"),
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitised_html_is_closed_for_mjml_and_styled() {
        let html = "<p>One<br>two <a href=\"https://x.example/\" rel=\"noopener noreferrer\">link</a></p><img src=\"https://x.example/a.png\" alt=\"A\">";
        let got = mail_html(html);
        assert!(got.contains("<br />"), "{got}");
        assert!(got.contains("style=\"color:#1d4ed8;\">link</a>"), "{got}");
        assert!(got.contains("alt=\"A\" style=\"max-width:100%"), "{got}");
    }
}
