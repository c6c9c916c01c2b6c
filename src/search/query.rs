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
    id: i64,
    kind: String,
    path: String,
    title: String,
    snippet: String,
}

/// The hits in `lang` for `terms` visible at `now`, best first: `limit` of them after `offset`, and
/// how many there are in all, counted up to `cap` (a common word matches every page; nobody pages
/// through thousands of results, and counting them all would cost as much as ranking them).
///
/// Ranking reads every match; the highlighted title and snippet are made afterwards for the few
/// hits shown only (made in the ranking query, they would be made for every match).
pub async fn search(
    db: &Db,
    lang: Lang,
    terms: &Terms,
    now: OffsetDateTime,
    limit: i64,
    offset: i64,
    cap: i64,
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
    let sqlite_matches = format!(
        "FROM {fts} JOIN search_documents AS d ON d.id = {fts}.rowid WHERE {fts} MATCH $1 AND {visible}"
    );
    // PostgreSQL: the stored words, language and publication time, one table.
    let postgres_matches = "FROM search_fts_vectors AS d, to_tsquery(search_config($2), $1) AS q
         WHERE d.words @@ q AND d.lang = $2 AND (d.visible_from IS NULL OR d.visible_from <= $3)";
    let total: i64 = per_engine(
        db,
        format!("SELECT count(*) FROM (SELECT 1 {sqlite_matches} LIMIT $4) AS m"),
        format!("SELECT count(*) FROM (SELECT 1 {postgres_matches} LIMIT $4) AS m"),
    )
    .bind(engine_query(db, terms))
    .bind(lang.as_str())
    .bind(now)
    .bind(cap)
    .scalar(db)
    .await?;
    if total == 0 || offset >= total {
        return Ok((total, Vec::new()));
    }
    let ids = match db {
        Db::Sqlite(..) => ranked_sqlite(db, fts, terms, lang, now, limit, offset).await?,
        Db::Postgres(_) => None,
    };
    let ids: Vec<i64> = match ids {
        Some(ids) => ids,
        None => {
            per_engine(
                db,
                format!(
                    "SELECT d.id {sqlite_matches} ORDER BY bm25({fts}, 8.0, 1.0), d.id LIMIT $4 OFFSET $5"
                ),
                format!(
                    "SELECT d.id {postgres_matches} ORDER BY ts_rank(d.words, q) DESC, d.id LIMIT $4 OFFSET $5"
                ),
            )
            .bind(engine_query(db, terms))
            .bind(lang.as_str())
            .bind(now)
            .bind(limit)
            .bind(offset)
            .scalars(db)
            .await?
        }
    };
    if ids.is_empty() {
        return Ok((total, Vec::new()));
    }
    // Ids the database gave: numbers, written into the statement as they are.
    let listed = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<HitRow> = per_engine(
        db,
        format!(
            "SELECT d.id, d.kind, d.path,
                    highlight({fts}, 0, char(1), char(2)) AS title,
                    snippet({fts}, 1, char(1), char(2), ' … ', 28) AS snippet
             FROM {fts} JOIN search_documents AS d ON d.id = {fts}.rowid
             WHERE {fts} MATCH $1 AND {fts}.rowid IN ({listed})"
        ),
        format!(
            "SELECT d.id, d.kind, d.path,
                    ts_headline(search_config(d.lang), d.title, q,
                                'HighlightAll=true, StartSel=' || chr(1) || ', StopSel=' || chr(2)) AS title,
                    ts_headline(search_config(d.lang), d.body, q,
                                'MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=\" … \", StartSel='
                                || chr(1) || ', StopSel=' || chr(2)) AS snippet
             FROM search_documents AS d, to_tsquery(search_config($2), $1) AS q
             WHERE d.id IN ({listed})"
        ),
    )
    .bind(engine_query(db, terms))
    .bind(lang.as_str())
    .fetch_all(db)
    .await?;
    let mut hits: Vec<(usize, Hit)> = rows
        .into_iter()
        .filter_map(|r| {
            let rank = ids.iter().position(|id| *id == r.id)?;
            Some((
                rank,
                Hit {
                    kind: Kind::parse(&r.kind)?,
                    path: r.path,
                    title: segments(&r.title),
                    snippet: segments(&r.snippet),
                },
            ))
        })
        .collect();
    hits.sort_by_key(|(rank, _)| *rank);
    Ok((total, hits.into_iter().map(|(_, h)| h).collect()))
}

/// Extra matches ranked beyond the page asked for, to make up for those another language or a
/// later publication filters out.
const SLACK: i64 = 20;

/// SQLite's quick way to a page of hits: ranked in the full-text index alone (half the work of
/// ranking them joined to their documents), then filtered by language and visibility. `None` when
/// the filter left too few of the ranked ones: then the caller ranks the filtered matches.
async fn ranked_sqlite(
    db: &Db,
    fts: &str,
    terms: &Terms,
    lang: Lang,
    now: OffsetDateTime,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Option<Vec<i64>>> {
    let wanted = offset + limit + SLACK;
    let ranked: Vec<(i64, bool)> = Sql::assembled(format!(
        "SELECT d.id, (d.lang = $2 AND (d.visible_from IS NULL OR d.visible_from <= $3)) AS shown
         FROM (SELECT rowid AS id, bm25({fts}, 8.0, 1.0) AS score FROM {fts} WHERE {fts} MATCH $1
               ORDER BY score, rowid LIMIT $4) AS top
         JOIN search_documents AS d ON d.id = top.id
         ORDER BY top.score, d.id"
    ))
    .bind(terms.fts5())
    .bind(lang.as_str())
    .bind(now)
    .bind(wanted)
    .fetch_all(db)
    .await?;
    let more_ranked = ranked.len() as i64 == wanted;
    let shown: Vec<i64> = ranked
        .into_iter()
        .filter(|(_, shown)| *shown)
        .map(|(id, _)| id)
        .collect();
    if (shown.len() as i64) < offset + limit && more_ranked {
        return Ok(None);
    }
    Ok(Some(
        shown
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(0))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect(),
    ))
}

/// The statement for the engine `db` runs on (the FTS table's name is one of two fixed ones).
fn per_engine(db: &Db, sqlite: String, postgres: String) -> Sql {
    Sql::assembled(match db {
        Db::Sqlite(..) => sqlite,
        Db::Postgres(_) => postgres,
    })
}

fn engine_query(db: &Db, terms: &Terms) -> String {
    match db {
        Db::Sqlite(..) => terms.fts5(),
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
