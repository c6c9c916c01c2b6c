//! Embeds the Fluent files (`locales/`) and the theme assets (`static/`) into the binary, so Magnetiq
//! ships as one file: `OUT_DIR/embedded.rs` lists every file with `include_bytes!`.
use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    let mut out = String::new();

    out.push_str("/// `(language, file name, contents)` of every `locales/{lang}/*.ftl`.\n");
    out.push_str("pub static LOCALE_FILES: &[(&str, &str, &str)] = &[\n");
    for (rel, path) in files(&root.join("locales"), "ftl") {
        let (lang, name) = rel.split_once('/').expect("locales/{lang}/{file}.ftl");
        writeln!(
            out,
            "    ({lang:?}, {name:?}, include_str!({:?})),",
            path.display()
        )
        .unwrap();
    }
    out.push_str("];\n");

    out.push_str("/// `(path below /static/, contents)` of every theme asset.\n");
    out.push_str("pub static STATIC_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in files(&root.join("static"), "") {
        writeln!(out, "    ({rel:?}, include_bytes!({:?})),", path.display()).unwrap();
    }
    out.push_str("];\n");

    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(dest, out).expect("write embedded.rs");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=static");
}

/// Files below `dir` (one level of sub-folders), sorted, skipping dotfiles; `ext` filters when not empty.
fn files(dir: &Path, ext: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, dir)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let path = entry.path();
            println!("cargo:rerun-if-changed={}", path.display());
            if path.is_dir() {
                stack.push((rel, path));
            } else if ext.is_empty() || path.extension().is_some_and(|e| e == ext) {
                found.push((rel, path));
            }
        }
    }
    found.sort();
    found
}
