//! Hostile files and paths: what a pull request could put in a corpus, and
//! what an unlucky user could point mandate at. Each case once hung, leaked
//! or was silently ignored.

mod common;

use common::{run, temp_dir};
use mandate::cli::Exit;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A copy of the shipped corpus to tamper with.
fn corpus(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    common::copy_dir(Path::new("policies"), &dir);
    dir
}

/// Run the binary with a deadline, so a hang fails instead of blocking.
fn run_bin(args: &[&str], stdout: Stdio) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{args:?} did not finish in 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// CA's answer for a 9-year-old's suspected abuse, from the corpus in `dir`.
fn decide_ca_child(dir: &Path) -> common::Run {
    run(&[
        "decide",
        "--policies",
        dir.to_str().expect("utf-8"),
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=9",
    ])
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_fifo_in_the_corpus_is_refused_not_waited_on() {
    let dir = corpus("fifo");
    mkfifo(&dir.join("states/zz.policy"));
    let (code, err) = run_bin(&["check", dir.to_str().expect("utf-8")], Stdio::null());
    assert_eq!(code, Some(1), "{err}");
    let r = run(&["check", dir.to_str().expect("utf-8")]);
    assert!(r.out.contains("is not a regular file"), "{}", r.out);
}

#[test]
fn tables_from_a_fifo_or_a_device_are_refused() {
    let dir = temp_dir("fifo-tables");
    let fifo = dir.join("tables.json");
    mkfifo(&fifo);
    for path in [fifo.to_str().expect("utf-8"), "/dev/zero"] {
        let (code, err) = run_bin(
            &[
                "decide",
                "--tables",
                path,
                "-j",
                "CA",
                "--fact",
                "concern=subpoena",
            ],
            Stdio::null(),
        );
        assert_eq!(code, Some(2), "{path}: {err}");
        assert!(err.contains("not a regular file"), "{path}: {err}");
    }
}

#[test]
fn symlinks_are_not_followed_and_hidden_files_are_skipped() {
    let dir = corpus("links");
    let states = dir.join("states");
    // A loop, a link out of the corpus to secrets, and hidden junk.
    std::os::unix::fs::symlink(".", states.join("loop")).expect("link");
    std::os::unix::fs::symlink("/proc/self/environ", states.join("zz.policy")).expect("link");
    std::fs::write(states.join("._ca.policy"), b"\x00\x05junk").expect("resource fork");
    std::os::unix::fs::symlink("nowhere", states.join(".#ny.policy")).expect("lock link");
    std::fs::create_dir_all(dir.join(".git")).expect(".git");
    std::fs::write(dir.join(".git/bad.policy"), "not a policy").expect("git junk");
    let r = run(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    assert!(
        !r.out.contains("PATH=") && !r.out.contains("HOME="),
        "environment leaked:\n{}",
        r.out
    );
    assert!(r.out.contains("checked 54 file(s)"), "{}", r.out);
}

#[test]
fn cr_line_ends_and_a_byte_order_mark_are_read() {
    let dir = corpus("cr");
    let ca = dir.join("states/ca.policy");
    let text = std::fs::read_to_string(&ca).expect("read");
    std::fs::write(&ca, format!("\u{feff}{}", text.replace('\n', "\r"))).expect("write");
    let r = decide_ca_child(&dir);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out.contains("CA.canra_child_abuse"),
        "CA vanished:\n{}",
        r.out
    );
}

#[test]
fn a_failed_write_to_stdout_is_an_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let (code, err) = run_bin(
        &["jurisdictions", "--matrix", "--format", "markdown"],
        Stdio::from(full),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot write the output"), "{err}");
}

#[test]
fn git_diffs_see_files_whose_names_git_would_quote() {
    let dir = temp_dir("git-names");
    common::copy_dir(Path::new("policies"), &dir.join("policies"));
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.email=ci@example.invalid", "-c", "user.name=ci"])
            .args(args)
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    };
    std::fs::rename(
        dir.join("policies/states/wy.policy"),
        dir.join("policies/states/wyö \"quoted\".policy"),
    )
    .expect("rename");
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "before"]);
    let path = dir.join("policies/states/wyö \"quoted\".policy");
    let text = std::fs::read_to_string(&path).expect("read");
    let changed = text.replacen(
        "then must_report to [child_protective_services, law_enforcement] within immediately",
        "then may_disclose to [child_protective_services, law_enforcement] within immediately",
        1,
    );
    assert_ne!(
        changed, text,
        "the WY child rule is where this test expects it"
    );
    std::fs::write(&path, changed).expect("write");
    git(&["commit", "-qam", "after"]);
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["diff", "HEAD~1", "HEAD"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("WY: concern = child_abuse") && text.contains("must_report → may_disclose"),
        "{text}"
    );
    // From any folder of the repository, the same answer.
    std::fs::create_dir_all(dir.join("docs/deep")).expect("mkdir");
    for sub in ["docs/deep", "policies/states"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args(["diff", "HEAD~1", "HEAD"])
            .current_dir(dir.join(sub))
            .output()
            .expect("runs");
        let from_sub = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{sub}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            from_sub.contains("must_report → may_disclose"),
            "{sub}: {from_sub}"
        );
    }
    // A clean working tree against its own commit changes nothing, with
    // a file name git would quote among them.
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["diff", "HEAD"])
        .current_dir(dir.join("docs"))
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no decision changes\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A revision that looks like an option is a revision, not an option.
    let odd = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["diff", "--", "--output=/tmp/x", "HEAD"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(
        odd.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&odd.stderr)
    );
}

#[test]
fn writes_keep_modes_follow_links_and_refuse_devices() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("writes");
    let private = dir.join("private.json");
    std::fs::write(&private, "old").expect("write");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let r = run(&["compile", "-o", private.to_str().expect("utf-8")]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let meta = std::fs::metadata(&private).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "the mode is kept");
    assert!(meta.len() > 100_000, "the artifact was written");

    // A symlink is written through: the link stays, its target changes.
    let target = dir.join("target.json");
    std::fs::write(&target, "old").expect("write");
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&target, &link).expect("link");
    assert_eq!(
        run(&["compile", "-o", link.to_str().expect("utf-8")]).exit,
        Exit::Ok
    );
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    assert!(std::fs::metadata(&target).expect("target").len() > 100_000);

    // A device is never replaced by a regular file.
    let r = run(&["compile", "-o", "/dev/null"]);
    assert_eq!(r.exit, Exit::Usage, "{}", r.err);
    assert!(r.err.contains("not a regular file"), "{}", r.err);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .expect("null")
        .file_type()
        .is_char_device());

    // `-` is standard output, and no temporary file is ever left behind.
    let r = run(&["compile", "-o", "-"]);
    assert!(
        r.out.starts_with("{\n  \"format\": \"mandate-tables/3\""),
        "{}",
        &r.out[..80.min(r.out.len())]
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = corpus("escape");
    let ca = dir.join("states/ca.policy");
    let text = std::fs::read_to_string(&ca).expect("read");
    let hostile = text.replacen("note \"", "note \"\u{1b}[2J\u{7}cleared ", 1);
    assert_ne!(hostile, text);
    std::fs::write(&ca, hostile).expect("write");
    let r = decide_ca_child(&dir);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        !r.out.contains('\u{1b}') && !r.out.contains('\u{7}'),
        "raw control characters printed"
    );
    assert!(
        r.out.contains("\u{241b}[2J\u{2407}cleared"),
        "shown as pictures:\n{}",
        r.out
    );
}

#[test]
fn every_duration_unit_has_the_same_limit() {
    let dir = corpus("durations");
    let ca = dir.join("states/ca.policy");
    let text = std::fs::read_to_string(&ca).expect("read");
    for (deadline, ok) in [
        ("876000h", true),
        ("36500d", true),
        ("876001h", false),
        ("18446744073709551615h", false),
        ("9223372036854775807d", false),
    ] {
        let changed = text.replacen(
            "in writing within 36h",
            &format!("in writing within {deadline}"),
            1,
        );
        assert_ne!(changed, text);
        std::fs::write(&ca, changed).expect("write");
        let r = run(&["check", dir.to_str().expect("utf-8")]);
        let refused = r.out.contains("E014");
        assert_eq!(!refused, ok, "{deadline}:\n{}", r.out);
    }
}

#[test]
fn fmt_writes_a_file_whose_name_is_not_utf8_in_place() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = corpus("non-utf8");
    let states = dir.join("states");
    let formatted = std::fs::read_to_string(states.join("ca.policy")).expect("read");
    let odd = states.join(OsStr::from_bytes(b"c\xffa.policy"));
    std::fs::remove_file(states.join("ca.policy")).expect("rm");
    let names = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        v.sort();
        v
    };
    let mut before = None;
    for target in [dir.as_os_str(), odd.as_os_str()] {
        std::fs::write(&odd, formatted.replace("\n  rule ", "\n        rule ")).expect("write");
        let before = before.get_or_insert_with(|| names(&states)).clone();
        let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
            .arg("fmt")
            .arg(target)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            if target == dir.as_os_str() {
                "reformatted 1 of 54 file(s)\n"
            } else {
                "reformatted 1 of 1 file(s)\n"
            }
        );
        assert_eq!(names(&states), before, "no second file appears");
        assert_eq!(
            std::fs::read_to_string(&odd).expect("read"),
            formatted,
            "the file itself is formatted"
        );
    }
}

#[test]
fn fmt_never_writes_a_file_that_check_refuses() {
    let dir = corpus("fmt-limit");
    let wy = dir.join("states/wy.policy");
    let text = std::fs::read_to_string(&wy).expect("read");
    let start = text.find("jurisdiction WY").expect("WY");
    let open = start + text[start..].find("{\n").expect("{") + 2;
    let (head, body) = text.split_at(open);
    // Unindented comment lines: valid as they are, and the formatter
    // indents each, which takes the file past the limit.
    let room = mandate::syntax::MAX_FILE_BYTES - 1024 - text.len();
    let grown = format!("{head}{}{body}", "//\n".repeat(room / 3));
    assert!(grown.len() < mandate::syntax::MAX_FILE_BYTES);
    std::fs::write(&wy, &grown).expect("write");
    let check = run(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(check.exit, Exit::Ok, "{}", check.out);
    let r = run(&["fmt", dir.to_str().expect("utf-8")]);
    assert_eq!(r.exit, Exit::Findings, "{}{}", r.out, r.err);
    assert!(
        r.out
            .contains("more than the limit of 4194304 bytes that `check` reads"),
        "{}",
        r.out
    );
    assert_eq!(
        std::fs::read_to_string(&wy).expect("read"),
        grown,
        "left as it is"
    );
}

/// `decide --tables FILE [--verify-key KEY]` for CA's child-abuse case.
fn decide_from_tables(tables: &Path, key: Option<&str>) -> common::Run {
    let mut args = vec![
        "decide",
        "--tables",
        tables.to_str().expect("utf-8"),
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=9",
    ];
    if let Some(key) = key {
        args.extend(["--verify-key", key]);
    }
    run(&args)
}

#[test]
fn a_signed_artifact_refuses_tampering_even_with_a_recomputed_hash() {
    const KEY: &str = "tests/fixtures/keys/signing.pem";
    const PUB: &str = "tests/fixtures/keys/signing.pub.pem";
    const OTHER: &str = "tests/fixtures/keys/other.pub.pem";
    let dir = temp_dir("signed");
    let signed = dir.join("signed.json");
    let r = run(&[
        "compile",
        "--sign",
        KEY,
        "-o",
        signed.to_str().expect("utf-8"),
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(r.out.contains(", signed\n"), "{}", r.out);

    // The right key accepts it, on every command that reads tables.
    let ok = decide_from_tables(&signed, Some(PUB));
    assert_eq!(ok.exit, Exit::Ok, "{}", ok.err);
    assert!(ok.out.contains("must_report"), "{}", ok.out);
    let table = run(&[
        "table",
        "CA",
        "--tables",
        signed.to_str().expect("utf-8"),
        "--verify-key",
        PUB,
    ]);
    assert_eq!(table.exit, Exit::Ok, "{}", table.err);
    // Another key refuses it.
    let other = decide_from_tables(&signed, Some(OTHER));
    assert_eq!(other.exit, Exit::Findings, "{}", other.out);
    assert!(other.err.contains("signed by another key"), "{}", other.err);

    // Tampered: CA's child-abuse duty becomes confidentiality, and the
    // hash is recomputed as a forger would.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&signed).expect("read")).expect("json");
    let ca = doc["tables"]["tables"]
        .as_array_mut()
        .expect("tables")
        .iter_mut()
        .find(|t| t["jurisdiction"] == "CA")
        .expect("CA");
    let mut flipped = 0;
    for o in ca["outcomes"].as_array_mut().expect("outcomes") {
        if o["action"] == "must_report" && o["rule"].as_str().is_some_and(|r| r.contains("child")) {
            o["action"] = "must_not_disclose".into();
            flipped += 1;
        }
    }
    assert!(
        flipped > 0,
        "the CA child-abuse outcome is where this test expects it"
    );
    let tables: mandate::table::Tables =
        serde_json::from_value(doc["tables"].clone()).expect("tables");
    doc["hash"] = mandate::table::artifact_hash(&tables).into();
    let forged = dir.join("forged.json");
    std::fs::write(&forged, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    // Without a key, the hash alone cannot tell: this is what signing is for.
    let unchecked = decide_from_tables(&forged, None);
    assert!(
        unchecked.out.contains("must_not_disclose"),
        "{}",
        unchecked.out
    );
    let refused = decide_from_tables(&forged, Some(PUB));
    assert_eq!(refused.exit, Exit::Findings, "{}", refused.out);
    assert!(
        refused.err.contains("changed after they were signed"),
        "{}",
        refused.err
    );
    assert!(
        !refused.out.contains("must_not_disclose"),
        "{}",
        refused.out
    );

    // The signature covers the format too: relabelled as the older format
    // (which reads its tables the same), the file is refused.
    let relabelled = dir.join("relabelled.json");
    let text = std::fs::read_to_string(&signed).expect("read");
    std::fs::write(
        &relabelled,
        text.replacen("mandate-tables/3", "mandate-tables/1", 1),
    )
    .expect("write");
    let r = decide_from_tables(&relabelled, Some(PUB));
    assert_eq!(r.exit, Exit::Findings, "{}", r.out);
    assert!(
        r.err.contains("changed after they were signed"),
        "{}",
        r.err
    );

    // Unsigned tables are refused when a key is given.
    let plain = dir.join("plain.json");
    assert_eq!(
        run(&["compile", "-o", plain.to_str().expect("utf-8")]).exit,
        Exit::Ok
    );
    let unsigned = decide_from_tables(&plain, Some(PUB));
    assert_eq!(unsigned.exit, Exit::Findings, "{}", unsigned.out);
    assert!(unsigned.err.contains("not signed"), "{}", unsigned.err);

    // A key of the wrong kind is a clear error, not a panic.
    let wrong = run(&["compile", "--sign", PUB, "-o", "-"]);
    assert_eq!(wrong.exit, Exit::Usage, "{}", wrong.err);
    assert!(
        wrong.err.contains("openssl genpkey -algorithm ed25519"),
        "{}",
        wrong.err
    );
}

#[test]
fn the_api_verifies_signed_tables() {
    let bytes = std::fs::read("tests/fixtures/keys/signing.pub.pem").expect("key");
    let public = String::from_utf8(bytes).expect("pem");
    let dir = temp_dir("signed-api");
    let signed = dir.join("signed.json");
    let r = run(&[
        "compile",
        "--sign",
        "tests/fixtures/keys/signing.pem",
        "-o",
        signed.to_str().expect("utf-8"),
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let file = || std::fs::File::open(&signed).expect("open");
    let p = mandate::Policies::from_signed_artifact(file(), &public).expect("accepted");
    let facts = mandate::Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 10);
    assert_eq!(
        p.decide("CA", &facts).expect("decides").action,
        mandate::Action::MustReport
    );
    let other = std::fs::read_to_string("tests/fixtures/keys/other.pub.pem").expect("key");
    assert!(mandate::Policies::from_signed_artifact(file(), &other).is_err());
    assert!(mandate::Policies::from_signed_artifact(file(), "not a key").is_err());
}

#[test]
fn a_jurisdiction_whose_file_is_gone_is_reported() {
    let dir = corpus("gone");
    std::fs::remove_file(dir.join("states/wy.policy")).expect("rm");
    // Renamed away from `.policy`, or hidden: gone as well.
    std::fs::rename(
        dir.join("states/ny.policy"),
        dir.join("states/ny.policy.bak"),
    )
    .expect("mv");
    std::fs::rename(dir.join("states/tx.policy"), dir.join("states/.tx.policy")).expect("mv");
    let r = run(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(r.exit, Exit::Findings, "{}", r.out);
    for code in ["NY", "TX", "WY"] {
        assert!(
            r.out.contains(&format!(
                "jurisdiction `{code}` is expected but no file defines it"
            )),
            "{code}: {}",
            r.out
        );
    }
    assert!(r.out.contains("E027"), "{}", r.out);
}
