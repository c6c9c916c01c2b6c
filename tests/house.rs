//! The house stays straight: no two files of `src/` import each other, directly or round a circle,
//! nor do two of its folders; and no file grows past what one reading holds (seed data and the URL
//! map excepted). Read from the sources as text, the way a newcomer reads them.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lines a file of `src/` may have.
const MOST_LINES: usize = 600;

/// Files that may be longer: demo content, and `app.rs`, the one place that lists every URL (the
/// route-walking tests read that list in place).
const LONGER: [&str; 2] = ["content/seed.rs", "app.rs"];

struct Source {
    /// Below `src/`, e.g. `web/state.rs`.
    file: String,
    /// Its module path, e.g. `["web", "state"]`.
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let file = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let mut module: Vec<String> = file
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                found.push(Source { file, module, text });
            }
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// The code without comments, string contents and the unit tests at the end (`#[cfg(test)]`).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
                out.push('"');
            }
            // A char literal such as '"' or '{' (a lifetime has no closing quote two chars on).
            '\'' => {
                out.push('\'');
                let rest: String = chars.clone().take(3).collect();
                let skip = if rest.starts_with('\\') {
                    rest.find('\'').map(|i| i + 1)
                } else if rest.chars().nth(1) == Some('\'') {
                    Some(2)
                } else {
                    None
                };
                for _ in 0..skip.unwrap_or(0) {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `a::b::{c, d::{e, f}}` as `a::b::c`, `a::b::d::e`, `a::b::d::f`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(&tree).to_owned()];
    };
    let head = &tree[..open];
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{head}{p}")))
        .collect()
}

/// Every path a file names: its `use` trees and the `crate::…`, `super::…`, `self::…` paths in
/// its code.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let after = &rest[at + 4..];
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_')
            && let Some(end) = after.find(';')
        {
            found.extend(expand(&after[..end]));
        }
        rest = after;
    }
    // Paths a folder's `mod.rs` writes to its own files without `self::` (`store::insert`) are
    // not followed: a folder's face and its rooms are one house, as for folders below.
    let bytes = code.as_bytes();
    for root in ["crate", "super", "self"] {
        let start = format!("{root}::");
        let mut from = 0;
        while let Some(at) = code[from..].find(&start) {
            let at = from + at;
            from = at + start.len();
            if at > 0
                && (bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':')
            {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            found.push(code[at..end].to_owned());
        }
    }
    found
}

/// Which files each file imports.
fn imports(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<Vec<String>, &str> = sources
        .iter()
        .map(|s| (s.module.clone(), s.file.as_str()))
        .collect();
    let mut graph = BTreeMap::new();
    for source in sources {
        let mut targets = BTreeSet::new();
        for path in paths(&code(&source.text)) {
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            let mut module: Vec<String> = match segments.first() {
                Some(&"crate") => Vec::new(),
                Some(&"super" | &"self") => source.module.clone(),
                _ => continue,
            };
            let mut names = segments.iter().skip(usize::from(segments[0] == "crate"));
            let mut rest = Vec::new();
            for name in names.by_ref() {
                match *name {
                    "super" => {
                        module.pop();
                    }
                    "self" => {}
                    other => {
                        rest.push(other.to_owned());
                        break;
                    }
                }
            }
            rest.extend(names.map(|s| (*s).to_owned()));
            module.extend(rest);
            // The longest prefix that is a file: `crate::web::state::AppState` is `web/state.rs`.
            while !module.is_empty() {
                if let Some(file) = by_module.get(&module) {
                    if *file != source.file {
                        targets.insert((*file).to_owned());
                    }
                    break;
                }
                module.pop();
            }
        }
        graph.insert(source.file.clone(), targets);
    }
    graph
}

/// The groups of nodes that reach each other round a circle (Tarjan's strongly connected parts of
/// more than one node).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut part = Vec::new();
                while let Some(top) = self.stack.pop() {
                    part.push(top.to_owned());
                    if top == node {
                        break;
                    }
                }
                if part.len() > 1 {
                    part.sort();
                    self.found.push(part);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    let nodes: BTreeSet<&str> = graph
        .iter()
        .flat_map(|(a, bs)| std::iter::once(a.as_str()).chain(bs.iter().map(String::as_str)))
        .collect();
    for node in nodes {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.found
}

/// The folder a file stands in, `depth` folders deep (`content/review` for
/// `content/review/store.rs` at depth 2); a file at the top is its own (`error` for `error.rs`).
fn folder(file: &str, depth: usize) -> String {
    let parts: Vec<&str> = file.split('/').collect();
    if parts.len() == 1 {
        return file.trim_end_matches(".rs").to_owned();
    }
    parts[..depth.min(parts.len() - 1)].join("/")
}

#[test]
fn no_two_files_of_src_import_each_other() {
    let graph = imports(&sources());
    assert!(
        graph
            .get("web/state.rs")
            .is_some_and(|t| t.contains("config/mod.rs")),
        "the import reader finds nothing: {graph:?}"
    );
    let found = circles(&graph);
    assert!(found.is_empty(), "files that import each other: {found:#?}");
}

#[test]
fn no_two_folders_of_src_import_each_other() {
    let graph = imports(&sources());
    for depth in [1, 2] {
        let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, targets) in &graph {
            for target in targets {
                let (from, to) = (folder(file, depth), folder(target, depth));
                // A folder and the folders inside it are one house.
                let nested =
                    to.starts_with(&format!("{from}/")) || from.starts_with(&format!("{to}/"));
                if from != to && !nested {
                    folders.entry(from).or_default().insert(to);
                }
            }
        }
        let found = circles(&folders);
        assert!(
            found.is_empty(),
            "folders that import each other ({depth} deep): {found:#?}"
        );
    }
}

#[test]
fn the_ground_floors_know_nothing_above_them() {
    let graph = imports(&sources());
    // What stands below web/, and what web/ itself may use.
    let ground = [
        "db", "config", "i18n", "error", "forms", "tokens", "zones", "users", "embedded", "heap",
    ];
    let on_ground = |file: &str| ground.contains(&folder(file, 1).as_str());
    for (file, targets) in &graph {
        let floor = folder(file, 1);
        let allowed =
            |target: &str| on_ground(target) || (floor == "web" && folder(target, 1) == "web");
        if on_ground(file) || floor == "web" {
            let above: Vec<&String> = targets
                .iter()
                .filter(|t| !allowed(t) && folder(t, 1) != floor)
                .collect();
            assert!(above.is_empty(), "{file} reaches up to {above:?}");
        }
    }
}

#[test]
fn no_file_of_src_is_longer_than_one_reading_holds() {
    let long: Vec<(String, usize)> = sources()
        .into_iter()
        .map(|s| {
            let lines = s.text.lines().count();
            (s.file, lines)
        })
        .filter(|(file, lines)| *lines > MOST_LINES && !LONGER.contains(&file.as_str()))
        .collect();
    assert!(long.is_empty(), "files over {MOST_LINES} lines: {long:?}");
}

#[test]
fn the_import_reader_sees_a_circle_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a.rs", vec!["b.rs"]),
        ("b.rs", vec!["c.rs"]),
        ("c.rs", vec!["a.rs"]),
        ("d.rs", vec!["a.rs"]),
    ]
    .into_iter()
    .map(|(a, bs)| (a.to_owned(), bs.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(circles(&graph), vec![vec!["a.rs", "b.rs", "c.rs"]]);
    assert_eq!(
        expand("crate::web::{auth::{self, AdminForm}, see_other}"),
        vec![
            "crate::web::auth::self",
            "crate::web::auth::AdminForm",
            "crate::web::see_other"
        ]
    );
    let text = "use super::store; // crate::not::this\nfn f() { let s = \"crate::nor::this\"; crate::web::html(); }";
    let mut found = paths(&code(text));
    found.sort();
    found.dedup();
    assert_eq!(found, vec!["crate::web::html", "super::store"]);
}
