//! Helpers the CLI test files share: run the command line in-process,
//! parse its JSON, make scratch directories.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use mandate::cli::{main_with_args, Exit};
use std::path::{Path, PathBuf};

/// What one run of `mandate` did.
pub struct Run {
    pub exit: Exit,
    pub out: String,
    pub err: String,
}

/// `mandate ARGS…`, in this process, with captured streams.
pub fn run(args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["mandate"];
    argv.extend_from_slice(args);
    let exit = main_with_args(argv, &mut out, &mut err);
    Run {
        exit,
        out: String::from_utf8(out).expect("utf-8 stdout"),
        err: String::from_utf8(err).expect("utf-8 stderr"),
    }
}

/// The run as one text, for snapshots: command, exit code, both streams.
pub fn transcript(args: &[&str]) -> String {
    let r = run(args);
    format!(
        "$ mandate {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        r.exit as i32,
        r.out,
        r.err
    )
}

pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

/// A fresh directory under the system temp dir, unique to this process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mandate-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A recursive copy.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The official SARIF 2.1.0 schema, as shipped in the serde-sarif package
/// (a dev-dependency, so cargo has unpacked it in its registry).
pub fn sarif_schema() -> serde_json::Value {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"));
    let registry = home.join("registry/src");
    let mut found = None;
    for index in std::fs::read_dir(&registry).expect("cargo registry") {
        let index = index.expect("entry").path();
        for krate in std::fs::read_dir(&index).into_iter().flatten().flatten() {
            let name = krate.file_name().to_string_lossy().into_owned();
            let schema = krate.path().join("src/schema.json");
            if name.starts_with("serde-sarif-") && schema.is_file() {
                found = Some(schema);
            }
        }
    }
    let path = found.expect("serde-sarif's schema.json in the cargo registry");
    let mut schema = json(&std::fs::read_to_string(path).expect("read schema"));
    // Erratum in the published schema: the `language` patterns (of `run`
    // and `toolComponent`) have a stray `]` that strict regex engines
    // reject. Our output never sets `language`, so correcting them changes
    // nothing we are tested on.
    fn fix(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" => {
                *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into()
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(fix),
            serde_json::Value::Object(o) => o.values_mut().for_each(fix),
            _ => {}
        }
    }
    fix(&mut schema);
    assert!(
        schema["title"]
            .as_str()
            .is_some_and(|t| t.contains("2.1.0")),
        "the SARIF 2.1.0 schema"
    );
    schema
}

pub fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let value = json(text);
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{text}",
        errors.join("\n")
    );
    // Also the typed model of the format.
    let _: serde_sarif::sarif::Sarif =
        serde_json::from_value(value.clone()).expect("serde-sarif reads it");
    value
}
