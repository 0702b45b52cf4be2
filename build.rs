//! Embeds the shipped `policies/` in the binary, and compiles them here,
//! at build time, so answering from the built-in corpus costs no parsing:
//! `mandate decide` reads one jurisdiction's table and nothing else.
//!
//! The compiler's lower stages are included as modules: they depend on
//! nothing above the table core, which is what makes this possible. A
//! corpus with errors still builds; it just embeds no tables, and the
//! library compiles (and reports) at run time instead.

#![allow(dead_code, unused_imports, unused_macros, clippy::enum_variant_names)]

#[path = "src/check/mod.rs"]
mod check;
#[path = "src/compile/mod.rs"]
mod compile;
#[path = "src/diag.rs"]
mod diag;
#[path = "src/source.rs"]
mod source;
#[path = "src/syntax/mod.rs"]
mod syntax;
#[path = "src/table/mod.rs"]
mod table;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if hidden || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let policies = root.join("policies");
    println!("cargo:rerun-if-changed=policies");
    println!("cargo:rerun-if-changed=grammar");
    println!("cargo:rerun-if-changed=src/source.rs");
    println!("cargo:rerun-if-changed=src/diag.rs");
    for stage in ["syntax", "check", "compile", "table"] {
        println!("cargo:rerun-if-changed=src/{stage}");
    }
    let mut files = Vec::new();
    walk(&policies, &mut files);
    files.sort();

    let mut code = String::from(
        "/// The shipped corpus: (path relative to policies/, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    let mut sources = source::Sources::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&policies)
            .expect("walked under policies")
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            rel,
            f.display().to_string()
        );
        if let Ok(text) = std::fs::read_to_string(f) {
            sources.add(format!("policies/{rel}"), text);
        }
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("embedded.rs"), code).expect("write embedded.rs");

    let compiled = compile_corpus(&sources, &out_dir).unwrap_or_else(|| "None".to_string());
    std::fs::write(
        out_dir.join("compiled.rs"),
        format!("/// The shipped corpus compiled at build time; `None` when it has errors.\npub static COMPILED: Option<Compiled> = {compiled};\n"),
    )
    .expect("write compiled.rs");
}

/// Each table as its own JSON file, so a decision deserializes only the
/// jurisdiction it is about. Returns the Rust expression naming them.
fn compile_corpus(sources: &source::Sources, out_dir: &Path) -> Option<String> {
    let mut files = Vec::new();
    for (id, _) in sources.iter() {
        files.push(syntax::parse(sources, id).ok()?);
    }
    let (program, diags) = check::check(sources, &files);
    if diags.iter().any(diag::Diagnostic::is_error) {
        return None;
    }
    let (tables, diags) = compile::compile(&program?, sources);
    if diags.iter().any(diag::Diagnostic::is_error) {
        return None;
    }
    let dir = out_dir.join("compiled");
    std::fs::create_dir_all(&dir).ok()?;
    let write = |name: &str, json: String| -> Option<String> {
        let path = dir.join(name);
        std::fs::write(&path, json).ok()?;
        Some(format!("include_str!({:?})", path.display().to_string()))
    };
    let columns = write("columns.json", serde_json::to_string(&tables.columns).ok()?)?;
    let enums = write("enums.json", serde_json::to_string(&tables.enums).ok()?)?;
    let mut entries = String::new();
    for (i, t) in tables.tables.iter().enumerate() {
        let json = write(&format!("{i}.json"), serde_json::to_string(t).ok()?)?;
        let _ = writeln!(
            entries,
            "        ({:?}, {:?}, {json}),",
            t.jurisdiction, t.name
        );
    }
    Some(format!(
        "Some(Compiled {{\n    hash: {:?},\n    columns: {columns},\n    enums: {enums},\n    tables: &[\n{entries}    ],\n}})",
        table::artifact_hash(&tables)
    ))
}
