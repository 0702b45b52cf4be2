//! `compile -o` and `fmt` write atomically: a process killed at any moment
//! leaves the old file or the complete new one, never a torn file.

mod common;

use common::temp_dir;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Start the command, kill it after `delay`, wait for it.
fn run_and_kill(args: &[&str], cwd: &Path, delay: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn compile_killed_mid_write_leaves_the_old_artifact_or_the_new_one() {
    let dir = temp_dir("compile");
    let out = dir.join("tables.json");
    let policies = std::fs::canonicalize("policies").expect("policies");
    let p = policies.to_str().expect("utf-8");
    // The complete artifact, for comparison.
    let status = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["compile", p, "-o", out.to_str().expect("utf-8")])
        .status()
        .expect("run");
    assert!(status.success());
    let full = std::fs::read(&out).expect("artifact");
    let (mut old_seen, mut new_seen) = (0, 0);
    for i in 0..24u64 {
        let old = format!("OLD {i}");
        std::fs::write(&out, &old).expect("write old");
        run_and_kill(
            &["compile", p, "-o", out.to_str().expect("utf-8")],
            &dir,
            Duration::from_millis(i * 8),
        );
        let now = std::fs::read(&out).expect("the file still exists");
        if now == old.as_bytes() {
            old_seen += 1;
        } else {
            assert_eq!(
                now,
                full,
                "a killed compile left a torn artifact (after {} ms)",
                i * 8
            );
            new_seen += 1;
        }
    }
    assert!(old_seen > 0, "some runs were killed before they finished");
    assert!(old_seen + new_seen == 24);
}

#[test]
fn fmt_killed_mid_write_leaves_the_old_file_or_the_formatted_one() {
    let dir = temp_dir("fmt");
    let file = dir.join("big.policy");
    // A large, badly laid out file, so formatting takes a while.
    let messy = mandate::testkit::synthetic::jurisdiction(6000, 5).replace("\n    ", " ");
    let formatted = {
        let mut s = mandate::source::Sources::new();
        s.add("big.policy", messy.clone());
        let ast = mandate::syntax::parse(&s, mandate::source::FileId(0)).expect("parses");
        mandate::fmt::format(&s, mandate::source::FileId(0), &ast)
    };
    assert_ne!(formatted, messy);
    let (mut old_seen, mut new_seen) = (0, 0);
    for i in 0..16u64 {
        std::fs::write(&file, &messy).expect("write");
        run_and_kill(
            &["fmt", file.to_str().expect("utf-8")],
            &dir,
            Duration::from_millis(i * 15),
        );
        let now = std::fs::read_to_string(&file).expect("the file still exists");
        if now == messy {
            old_seen += 1;
        } else {
            assert_eq!(
                now,
                formatted,
                "a killed fmt left a torn file (after {} ms)",
                i * 15
            );
            new_seen += 1;
        }
    }
    assert!(old_seen > 0, "some runs were killed before they finished");
    assert_eq!(old_seen + new_seen, 16);
}
