//! The conventions of command-line tools: `-` for standard input and
//! output, a draft file checked on its own, one `--format` spelling.

mod common;

use common::{run, temp_dir};
use mandate::cli::Exit;
use std::io::Write;
use std::process::{Command, Stdio};

/// A state drafted outside any corpus, with a trailing comment.
const DRAFT: &str = r#"jurisdiction ZZ "Draft" extends US {
  reviewed 2026-11-20

  rule warn {
    when concern == danger_to_others and threat_serious and victim_identifiable
    then must_report to [potential_victim]
    cite "Demo Code § 1"
  }

  test "a serious threat against a named person is reported" {
    given concern = danger_to_others, threat_serious = true, victim_identifiable = true
    expect must_report to [potential_victim]
  }
}
"#;

/// The binary with `stdin` piped in: (exit code, stdout, stderr).
fn piped(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mandate runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fmt_reads_standard_input_and_writes_standard_output() {
    let messy = DRAFT.replace("\n\n", "\n").replace("  rule", "rule");
    let (code, out, err) = piped(&["fmt", "-"], &messy);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, DRAFT, "the canonical layout on stdout");
    let (code, out, _) = piped(&["fmt", "--check", "-"], &messy);
    assert_eq!(code, 1);
    assert!(out.starts_with("--- <stdin>\n"), "{out}");
    assert_eq!(piped(&["fmt", "--check", "-"], DRAFT).0, 0);
    let (code, out, err) = piped(&["fmt", "-"], "jurisdiction ZZ {");
    assert_eq!(code, 1, "a syntax error");
    assert!(out.is_empty(), "nothing half-formatted: {out}");
    assert!(err.contains("<stdin>"), "{err}");
}

#[test]
fn check_reads_standard_input_against_the_built_in_corpus() {
    let (code, out, err) = piped(&["check", "-", "--today", "2026-12-01"], DRAFT);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 error(s), 0 warning(s)"),
        "no warnings about the built-in schema the draft did not write: {out}"
    );
    assert!(out.contains("policies: <stdin>"), "{out}");
    let typo = DRAFT.replace("threat_serious and", "threat_serios and");
    let (code, out, _) = piped(&["check", "-", "--format", "json"], &typo);
    assert_eq!(code, 1);
    let v = common::json(&out);
    assert_eq!(v["diagnostics"][0]["code"], "E002");
    assert_eq!(v["diagnostics"][0]["location"]["file"], "<stdin>");
    assert!(v["diagnostics"][0]["help"]
        .as_str()
        .is_some_and(|h| h.contains("threat_serious")));
}

#[test]
fn a_draft_outside_a_corpus_is_checked_against_the_built_in_schema() {
    let dir = temp_dir("draft");
    let file = dir.join("zz.policy");
    std::fs::write(&file, DRAFT).expect("write");
    let f = file.to_str().expect("utf-8");
    let r = run(&["check", f, "--today", "2026-12-01"]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("checked 3 file(s), 2 jurisdiction(s)"),
        "the draft, the built-in schema and federal baseline: {}",
        r.out
    );
    let t = run(&["test", f]);
    assert_eq!(t.exit, Exit::Ok, "{}", t.err);
    assert!(
        t.out.starts_with("1 test(s): 1 passed, 0 failed"),
        "{}",
        t.out
    );
    // It inherits the federal baseline: a court order is decided by US.
    let c = run(&["compile", f, "-o", "-"]);
    assert_eq!(c.exit, Exit::Ok, "{}", c.err);
    let v = common::json(&c.out);
    assert_eq!(v["format"], "mandate-tables/3");
    // A self-contained file (its own schema) still stands alone.
    let fixture = run(&["check", "tests/fixtures/compile/err/E017-conflict.policy"]);
    assert!(fixture.out.contains("checked 1 file(s)"), "{}", fixture.out);
}

#[test]
fn compile_to_standard_output() {
    let dir = temp_dir("compile-stdout");
    let r = run(&["compile", "--builtin", "-o", "-"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert_eq!(common::json(&r.out)["format"], "mandate-tables/3");
    assert!(!dir.join("-").exists() && !std::path::Path::new("-").exists());
}

#[test]
fn explain_takes_format_markdown() {
    let md = run(&["explain", "--format", "markdown"]);
    assert_eq!(md.exit, Exit::Ok);
    assert!(md.out.starts_with("# Diagnostic codes"), "{}", md.out);
    // The old spelling stays as a hidden alias.
    assert_eq!(run(&["explain", "--markdown"]).out, md.out);
    let help = run(&["explain", "--help"]);
    assert!(!help.out.contains("--markdown"), "{}", help.out);
    let one = run(&["explain", "E017", "--format", "markdown"]);
    assert!(
        one.out.starts_with("## E017\n\n`conflict` (error)"),
        "{}",
        one.out
    );
    assert!(
        md.out.contains(&one.out),
        "the same section as docs/codes.md"
    );
    assert!(run(&["explain", "E017", "--format", "text"])
        .out
        .starts_with("E017 conflict (Error)"));
}

/// The binary run under a pseudo-terminal (`script` from util-linux), so
/// stdout is a terminal: (stdout as the terminal shows it).
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let bin = env!("CARGO_BIN_EXE_mandate");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &format!("{bin} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script(1) runs a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CONFLICT: &str = "tests/fixtures/compile/err/E017-conflict.policy";

#[test]
fn colour_on_a_terminal_unless_no_color_and_ascii_when_dumb() {
    let coloured = on_a_terminal(&format!("check {CONFLICT}"), &[]);
    assert!(
        coloured.contains("\u{1b}["),
        "colour on a terminal: {coloured}"
    );
    assert!(coloured.contains('╭'), "box drawing: {coloured}");
    let plain = on_a_terminal(&format!("check {CONFLICT}"), &[("NO_COLOR", "1")]);
    assert!(
        plain.contains("E017") && !plain.contains("\u{1b}["),
        "{plain}"
    );
    let dumb = on_a_terminal(&format!("check {CONFLICT}"), &[("TERM", "dumb")]);
    assert!(dumb.contains("E017"), "{dumb}");
    assert!(
        !dumb.contains("\u{1b}[") && !dumb.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c)),
        "no colour and no box drawing on a dumb terminal: {dumb}"
    );
    assert!(dumb.contains(",-["), "ASCII frames: {dumb}");
    // Piped: plain, whatever the terminal type.
    let piped = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["check", CONFLICT])
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&piped.stdout).contains("\u{1b}["));
}

#[test]
fn quiet_prints_only_what_fails() {
    let ok = run(&["--quiet", "check", "policies", "--today", "2026-12-01"]);
    assert_eq!((ok.exit, ok.out.as_str()), (Exit::Ok, ""));
    let after = run(&["test", "policies", "-q"]);
    assert_eq!((after.exit, after.out.as_str()), (Exit::Ok, ""));
    let dead = "tests/fixtures/compile/err/W001-dead-rule.policy";
    let bad = run(&["check", dead, "-q", "--deny", "W001"]);
    assert_eq!(bad.exit, Exit::Findings);
    assert!(bad.out.contains("W001"), "{}", bad.out);
    assert!(
        !bad.out.contains("W003") && !bad.out.contains("W005"),
        "warnings that do not fail are left out: {}",
        bad.out
    );
    assert!(!bad.out.contains("checked "), "no summary: {}", bad.out);
    let loud = run(&["check", dead, "--deny", "W001"]);
    assert!(
        loud.out.contains("W003") && loud.out.contains("checked "),
        "{}",
        loud.out
    );
    let errors = run(&["check", CONFLICT, "-q"]);
    assert!(
        errors.out.contains("E017") && !errors.out.contains("checked "),
        "{}",
        errors.out
    );
    let c = run(&[
        "compile",
        "--builtin",
        "-q",
        "-o",
        temp_dir("quiet").join("t.json").to_str().expect("utf-8"),
    ]);
    assert_eq!((c.exit, c.out.as_str()), (Exit::Ok, ""));
}

#[test]
fn version_names_the_built_in_corpus() {
    let v = run(&["--version"]);
    assert_eq!(v.exit, Exit::Ok);
    let hash = mandate::Policies::embedded()
        .expect("built-in")
        .hash()
        .to_string();
    assert_eq!(
        v.out,
        format!(
            "mandate {}\nbuilt-in corpus: {} jurisdictions, {hash}\n",
            env!("CARGO_PKG_VERSION"),
            mandate::Policies::embedded()
                .expect("built-in")
                .jurisdictions()
                .len()
        )
    );
    // The same hash `decide` prints for the corpus it used.
    let d = run(&["decide", "-j", "CA", "--fact", "concern=court_order"]);
    assert!(d.out.contains(&hash[..19]), "{}", d.out);
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.exit, Exit::Ok, "{shell}");
        for word in ["mandate", "check", "decide", "deny-warnings"] {
            assert!(r.out.contains(word), "{shell} completes `{word}`");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).exit, Exit::Usage);
    let man = run(&["man"]);
    assert_eq!(man.exit, Exit::Ok);
    assert!(
        man.out.starts_with(".ie \\n(.g .ds Aq \\(aq") && man.out.contains(".TH mandate 1"),
        "roff: {}",
        &man.out[..200.min(man.out.len())]
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        "\"MANDATE CHECK\"",
        "\"MANDATE DECIDE\"",
    ] {
        assert!(man.out.contains(section), "man page has {section}");
    }
    assert!(
        man.out.contains("\\-\\-deny\\-warnings"),
        "each command's options"
    );
    // `man` itself can read it, when it is installed.
    if let Ok(out) = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .expect("stdin")
                .write_all(man.out.as_bytes())?;
            c.wait_with_output()
        })
    {
        if out.status.success() {
            assert!(String::from_utf8_lossy(&out.stdout).contains("MANDATE CHECK"));
        }
    }
}

#[test]
fn table_marks_rows_that_never_match_and_names_defaults() {
    let dead = "tests/fixtures/compile/err/W001-dead-rule.policy";
    let t = run(&["table", "CA", "--policies", dead]);
    assert_eq!(t.exit, Exit::Ok, "{}", t.err);
    let row3 = t.out.lines().find(|l| l.starts_with("3")).expect("row 3");
    assert!(
        row3.starts_with("3! ") && row3.contains("CA.child_abuse"),
        "{row3}"
    );
    assert!(
        !t.out.contains("\n1! ") && !t.out.contains("\n4! "),
        "{}",
        t.out
    );
    assert!(t.out.contains("Rows marked ! can never match"), "{}", t.out);
    let md = run(&["table", "CA", "--policies", dead, "--format", "markdown"]);
    assert!(md.out.contains("| 3! |"), "{}", md.out);
    let j = common::json(&run(&["table", "CA", "--policies", dead, "--format", "json"]).out);
    assert_eq!(j["never_matches"], serde_json::json!([3]));
    // The shipped tables give defaults by name; the text marks the same
    // rows the JSON lists (inherited rows a state's rules shadow).
    let ca = common::json(&run(&["table", "CA", "--format", "json"]).out);
    let never: Vec<String> = ca["never_matches"]
        .as_array()
        .expect("never_matches")
        .iter()
        .map(|n| format!("{n}!"))
        .collect();
    let text = run(&["table", "CA"]).out;
    let marked: Vec<String> = text
        .lines()
        .filter_map(|l| l.split(' ').next())
        .filter(|c| c.ends_with('!') && c[..c.len() - 1].parse::<usize>().is_ok())
        .map(str::to_string)
        .collect();
    assert_eq!(marked, never);
    let column = |name: &str| {
        ca["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .expect("column")
    };
    assert_eq!(column("role")["default"], "psychologist");
    assert_eq!(column("threat_serious")["default"], false);
    assert_eq!(column("concern")["default"], serde_json::Value::Null);
}

#[test]
fn a_duplicate_in_another_file_is_one_error_with_both_places() {
    let dir = temp_dir("dup").join("policies");
    std::fs::create_dir_all(dir.join("states")).expect("mkdir");
    for f in ["schema.policy", "federal.policy"] {
        std::fs::copy(format!("policies/{f}"), dir.join(f)).expect("copy");
    }
    std::fs::write(
        dir.join("states/zz.policy"),
        "jurisdiction ZZ \"Z\" extends US {\n  reviewed 2026-11-20\n}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("states/zz2.policy"),
        "// a copy\njurisdiction ZZ \"Z again\" extends US {\n  reviewed 2026-11-20\n}\n",
    )
    .expect("write");
    let r = run(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(r.exit, Exit::Findings);
    assert_eq!(
        r.out.matches("E009").count(),
        1,
        "one error block: {}",
        r.out
    );
    assert!(!r.out.contains("Error:"), "no second block: {}", r.out);
    let again = r
        .out
        .find("zz2.policy:2:14]")
        .expect("the second definition");
    let first = r
        .out
        .find("zz.policy:1:14]")
        .expect("the first, in its file");
    let help = r
        .out
        .find("help: keep one file per jurisdiction")
        .expect("help");
    assert!(
        again < first && first < help,
        "both snippets, then the help: {}",
        r.out
    );
    assert!(r.out.contains("╰── first here"), "{}", r.out);
    // SARIF and JSON keep the second place as a related label.
    let j = common::json(&run(&["check", dir.to_str().expect("utf-8"), "--format", "json"]).out);
    let d = &j["diagnostics"][0];
    assert_eq!(d["labels"][1]["text"], "first here");
    assert!(d["labels"][1]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("states/zz.policy")));
}

#[test]
fn schema_shows_the_values_docs_and_the_recipients() {
    let s = run(&["schema"]);
    assert_eq!(s.exit, Exit::Ok);
    let line = |start: &str| {
        s.out
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("`{start}` in\n{}", s.out))
            .to_string()
    };
    assert!(line("child_abuse ").ends_with("Suspected abuse or neglect of a child"));
    assert!(line("counselor ").ends_with("Licensed professional or mental health counselor"));
    let at = s
        .out
        .find("recipients (the `to [...]` of a decision):")
        .expect("recipients");
    let recipients = &s.out[at..];
    for name in [
        "child_protective_services",
        "law_enforcement",
        "potential_victim",
        "court",
    ] {
        assert!(recipients.contains(name), "{name} in\n{recipients}");
    }
    assert!(line("potential_victim ").ends_with("The person the client threatened"));
}
