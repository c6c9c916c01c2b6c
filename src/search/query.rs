//! Asking the index: a visitor's words as a query each engine understands (never its syntax: quotes,
//! `*`, `NEAR(`, `-` and the like are only separators here), ranked hits with highlighted snippets.
use sqlx::FromRow;
use time::OffsetDateTime;

use super::index::Kind;
use crate::db::{Db, Sql};
use crate::i18n::Lang;

/// Where a highlighted word starts and ends in titles and snippets (the index holds no control
/// characters, see `index::clean`).
const MARK_START: char = '\u{1}';
const MARK_END: char = '\u{2}';

/// At most this many words of a query count; the rest is ignored.
const MAX_TERMS: usize = 8;
/// A longer word is cut (no language has words this long that a prefix would not find).
const MAX_TERM_CHARS: usize = 40;

/// The words of a query: letters and digits only, lowercased.
#[derive(Debug, PartialEq, Eq)]
pub struct Terms(Vec<String>);

impl Terms {
    pub fn parse(query: &str) -> Terms {
        Terms(
            query
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(MAX_TERMS)
                .map(|w| {
                    w.chars()
                        .take(MAX_TERM_CHARS)
                        .collect::<String>()
                        .to_lowercase()
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// FTS5: every word as a quoted prefix (`"entwicklung"*`), all of them required.
    fn fts5(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// PostgreSQL `to_tsquery`: every word as a prefix (`entwicklung:*`), all of them required.
    fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// A piece of a title or snippet, highlighted where it matched the query.
#[derive(Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

/// Text with highlight marks as segments (the marks themselves never reach a page).
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current = String::new();
    let mut marked = false;
    for c in text.chars() {
        match c {
            MARK_START | MARK_END => {
                if !current.is_empty() {
                    out.push(Segment {
                        text: std::mem::take(&mut current),
                        marked,
                    });
                }
                marked = c == MARK_START;
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(Segment {
            text: current,
            marked,
        });
    }
    out
}

pub struct Hit {
    pub kind: Kind,
    pub path: String,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
}

#[derive(FromRow)]
struct HitRow {
    kind: String,
    path: String,
    title: String,
    snippet: String,
}

/// The hits in `lang` for `terms` visible at `now`, best first: `limit` of them after `offset`, and
/// how many there are in all.
pub async fn search(
    db: &Db,
    lang: Lang,
    terms: &Terms,
    now: OffsetDateTime,
    limit: i64,
    offset: i64,
) -> anyhow::Result<(i64, Vec<Hit>)> {
    if terms.is_empty() {
        return Ok((0, Vec::new()));
    }
    // English is stemmed (Porter, what FTS5 offers); other languages are matched by prefix.
    let fts = if lang.as_str() == "en" {
        "search_fts_stemmed"
    } else {
        "search_fts_plain"
    };
    let visible = "d.lang = $2 AND (d.visible_from IS NULL OR d.visible_from <= $3)";
    let total: i64 = per_engine(
        db,
        format!(
            "SELECT count(*) FROM {fts} JOIN search_documents AS d ON d.id = {fts}.rowid
             WHERE {fts} MATCH $1 AND {visible}"
        ),
        format!(
            "SELECT count(*) FROM search_documents AS d
             WHERE search_vector(d.lang, d.title, d.body) @@ to_tsquery(search_config($2), $1) AND {visible}"
        ),
    )
    .bind(engine_query(db, terms))
    .bind(lang.as_str())
    .bind(now)
    .scalar(db)
    .await?;
    if total == 0 || offset >= total {
        return Ok((total, Vec::new()));
    }
    let rows: Vec<HitRow> = per_engine(
        db,
        format!(
            "SELECT d.kind, d.path,
                    highlight({fts}, 0, char(1), char(2)) AS title,
                    snippet({fts}, 1, char(1), char(2), ' … ', 28) AS snippet
             FROM {fts} JOIN search_documents AS d ON d.id = {fts}.rowid
             WHERE {fts} MATCH $1 AND {visible}
             ORDER BY bm25({fts}, 8.0, 1.0), d.id
             LIMIT $4 OFFSET $5"
        ),
        format!(
            "SELECT d.kind, d.path,
                    ts_headline(search_config(d.lang), d.title, q,
                                'HighlightAll=true, StartSel=' || chr(1) || ', StopSel=' || chr(2)) AS title,
                    ts_headline(search_config(d.lang), d.body, q,
                                'MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=\" … \", StartSel='
                                || chr(1) || ', StopSel=' || chr(2)) AS snippet
             FROM search_documents AS d, to_tsquery(search_config($2), $1) AS q
             WHERE search_vector(d.lang, d.title, d.body) @@ q AND {visible}
             ORDER BY ts_rank_cd(search_vector(d.lang, d.title, d.body), q) DESC, d.id
             LIMIT $4 OFFSET $5"
        ),
    )
    .bind(engine_query(db, terms))
    .bind(lang.as_str())
    .bind(now)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let hits = rows
        .into_iter()
        .filter_map(|r| {
            Some(Hit {
                kind: Kind::parse(&r.kind)?,
                path: r.path,
                title: segments(&r.title),
                snippet: segments(&r.snippet),
            })
        })
        .collect();
    Ok((total, hits))
}

/// The statement for the engine `db` runs on (the FTS table's name is one of two fixed ones).
fn per_engine(db: &Db, sqlite: String, postgres: String) -> Sql {
    Sql::assembled(match db {
        Db::Sqlite(_) => sqlite,
        Db::Postgres(_) => postgres,
    })
}

fn engine_query(db: &Db, terms: &Terms) -> String {
    match db {
        Db::Sqlite(_) => terms.fts5(),
        Db::Postgres(_) => terms.tsquery(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax_is_only_separators() {
        let terms = Terms::parse(r#"KI-"Entwicklung" NEAR(a b) -cloud * OR"#);
        assert_eq!(
            terms,
            Terms(
                ["ki", "entwicklung", "near", "a", "b", "cloud", "or"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(terms.fts5().matches('"').count(), 14);
        assert!(Terms::parse(r#"" * - ( ) :"#).is_empty());
        assert_eq!(Terms::parse(&"wort ".repeat(500)).0.len(), MAX_TERMS);
        assert_eq!(Terms::parse(&"a".repeat(2000)).0[0].len(), MAX_TERM_CHARS);
    }

    #[test]
    fn marks_become_segments() {
        let s = segments("A \u{1}cloud\u{2} plan \u{1}x\u{2}");
        assert_eq!(
            s,
            vec![
                Segment {
                    text: "A ".into(),
                    marked: false
                },
                Segment {
                    text: "cloud".into(),
                    marked: true
                },
                Segment {
                    text: " plan ".into(),
                    marked: false
                },
                Segment {
                    text: "x".into(),
                    marked: true
                },
            ]
        );
    }
}
