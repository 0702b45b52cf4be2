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
