//! What clinicians use: plain answers, the intake notice, guided
//! questions, several states at once, jurisdictions by name.

mod common;

use common::{json, run};
use mandate::cli::Exit;

#[test]
fn decide_opens_with_a_sentence_and_names_every_assumption() {
    let r = run(&[
        "decide",
        "-j",
        "california",
        "--fact",
        "concern=danger_to_others",
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let first = r.out.lines().next().expect("a first line");
    assert!(
        first.starts_with("CA (California): Keep this confidential"),
        "{first}"
    );
    for fact in [
        "threat_serious",
        "victim_identifiable",
        "threat_imminent",
        "role",
    ] {
        assert!(
            r.out.contains(&format!("--fact {fact}=")),
            "{fact} not named:\n{}",
            r.out
        );
    }
    assert!(
        r.out
            .contains("A serious threat of physical violence was communicated: no"),
        "{}",
        r.out
    );
    let j = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=10",
        "--format",
        "json",
    ]);
    let v = json(&j.out);
    assert_eq!(
        v["summary"],
        "You must report this to child protective services or law enforcement: immediately, and in writing within 36 hours."
    );
    assert_eq!(
        v["any_of"], true,
        "Penal Code 11165.9: any one listed agency"
    );
    assert_eq!(v["name"], "California");
    assert_eq!(v["assumed"].as_array().map(Vec::len), Some(0), "{}", j.out);
}

#[test]
fn several_states_give_each_answer_and_a_combined_one() {
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "-j",
        "NY",
        "--fact",
        "concern=subpoena",
        "--format",
        "json",
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let v = json(&r.out);
    let answers = v["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["jurisdiction"], "CA");
    assert_eq!(answers[1]["jurisdiction"], "NY");
    assert_eq!(
        v["combined"]["jurisdictions"],
        serde_json::json!(["CA", "NY"])
    );
    // Texas follows HIPAA's permission for a subpoena with assurances;
    // California's privilege forbids it: the combined answer says so.
    let c = run(&[
        "decide",
        "-j",
        "TX",
        "-j",
        "CA",
        "--fact",
        "concern=subpoena",
        "--fact",
        "subpoena_assurances=true",
    ]);
    assert_eq!(c.exit, Exit::Ok, "{}", c.err);
    assert!(
        c.out
            .contains("Together (TX + CA): The jurisdictions disagree"),
        "{}",
        c.out
    );
    assert!(
        c.out.contains("CONFLICT: Texas (TX) permits disclosure"),
        "{}",
        c.out
    );
    // Agreeing states merge: strongest action, every recipient, earliest deadline.
    let m = run(&[
        "decide",
        "-j",
        "CA",
        "-j",
        "TX",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=10",
        "--format",
        "json",
    ]);
    let v = json(&m.out);
    assert_eq!(v["combined"]["action"], "must_report");
    assert_eq!(v["combined"]["within"], "immediately");
    assert!(v["combined"]["conflicts"]
        .as_array()
        .is_some_and(Vec::is_empty));
}

#[test]
fn jurisdictions_by_any_case_or_name_and_near_names_suggested() {
    for j in ["ca", "California", "CALIFORNIA", "california"] {
        let r = run(&["decide", "-j", j, "--fact", "concern=subpoena"]);
        assert_eq!(r.exit, Exit::Ok, "{j}: {}", r.err);
        assert!(r.out.starts_with("CA (California)"), "{j}: {}", r.out);
    }
    let r = run(&["decide", "-j", "new york", "--fact", "concern=subpoena"]);
    assert!(r.out.starts_with("NY (New York)"), "{}", r.out);
    let pr = run(&["decide", "-j", "PR", "--fact", "concern=subpoena"]);
    assert_eq!(pr.exit, Exit::Usage);
    assert!(!pr.err.contains("did you mean"), "PR is not AR: {}", pr.err);
    let typo = run(&["decide", "-j", "Texsa", "--fact", "concern=subpoena"]);
    assert!(
        typo.err.contains("did you mean `Texas` (TX)?"),
        "{}",
        typo.err
    );
}

#[test]
fn missing_facts_in_json_name_the_next_question() {
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--format",
        "json",
    ]);
    assert_eq!(r.exit, Exit::Findings);
    let v = json(&r.out);
    assert_eq!(v["needs"], serde_json::json!(["victim_age"]));
    assert_eq!(v["next_question"]["name"], "victim_age");
}

#[test]
fn notices_for_three_states() {
    for (code, role) in [
        ("CA", None),
        ("NY", Some("social_worker")),
        ("TX", Some("counselor")),
    ] {
        let mut args = vec!["notice", "-j", code, "--format", "markdown"];
        if let Some(r) = role {
            args.extend(["--role", r]);
        }
        let r = run(&args);
        assert_eq!(r.exit, Exit::Ok, "{code}: {}", r.err);
        // The corpus hash changes with any state's file: keep the line,
        // not the hash, so these snapshots change only with these states.
        let out = match r.out.split_once("(sha256:") {
            Some((head, tail)) => {
                format!("{head}(sha256:HASH{}", &tail[tail.find('…').unwrap_or(0)..])
            }
            None => panic!("the notice names its corpus:\n{}", r.out),
        };
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("notice__{code}"), out);
        });
    }
}

#[test]
fn every_jurisdiction_renders_a_notice_in_every_format() {
    let list = run(&["jurisdictions", "--format", "json"]);
    let codes: Vec<String> = json(&list.out)
        .as_array()
        .expect("a list")
        .iter()
        .map(|j| j["code"].as_str().expect("code").to_string())
        .collect();
    assert_eq!(codes.len(), 52);
    for code in &codes {
        let t = run(&["notice", "-j", code]);
        assert_eq!(t.exit, Exit::Ok, "{code}: {}", t.err);
        // Every concern of the schema has its section, and the law its notes.
        for heading in [
            "child is being abused",
            "harm another person",
            "subpoena",
            "court orders",
        ] {
            assert!(t.out.contains(heading), "{code}: no `{heading}` section");
        }
        assert!(t.out.contains("minimum necessary"), "{code}");
        assert!(t.out.contains("supervisor or a colleague"), "{code}");
        assert!(t.out.contains("[1]"), "{code}: no citations");
        let h = run(&["notice", "-j", code, "--format", "html"]);
        assert!(
            h.out.starts_with("<!doctype html>") && h.out.ends_with("</html>\n"),
            "{code}"
        );
        assert!(h.out.contains("@media print"), "{code}: no print styles");
        assert!(
            !h.out.contains("src=\"http") && !h.out.contains("href=\"http"),
            "{code}: external asset"
        );
    }
}

#[test]
fn unverified_rules_are_marked_in_the_notice() {
    // Any state with an unverified rule shows the mark next to it.
    let r = run(&["notice", "-j", "WV", "--format", "html"]);
    assert!(r.out.contains("unverified"), "{}", r.out);
}

#[test]
fn ask_asks_only_what_matters_then_answers() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["ask", "-j", "TX"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"1\n10\n")
        .expect("answers");
    let out = child.wait_with_output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("What prompted the question"), "{text}");
    assert!(text.contains("Age of the person at risk"), "{text}");
    // Two answers decide it: no third question (threat, role, …) is asked.
    assert_eq!(text.matches("> ").count(), 2, "{text}");
    assert!(text.contains("TX (Texas): You must report this"), "{text}");
}

#[test]
fn any_of_recipients_are_their_own_decision() {
    let dir = common::temp_dir("any-of");
    std::fs::create_dir_all(dir.join("old/states")).expect("dirs");
    std::fs::create_dir_all(dir.join("new/states")).expect("dirs");
    for side in ["old", "new"] {
        for f in ["schema.policy", "federal.policy"] {
            std::fs::copy(format!("policies/{f}"), dir.join(side).join(f)).expect("copy");
        }
    }
    let state = |to: &str| {
        format!(
            "jurisdiction ZZ \"Demo\" extends US {{\n  rule child {{\n    when concern == child_abuse and victim_age < 18\n    then must_report {to} within 24h\n    cite \"Demo Code § 1\"\n  }}\n\n  test \"either agency\" {{\n    given concern = child_abuse, victim_age = 9\n    expect must_report {to} within 24h by child\n  }}\n}}\n"
        )
    };
    std::fs::write(
        dir.join("old/states/zz.policy"),
        state("to [child_protective_services, law_enforcement]"),
    )
    .expect("old");
    std::fs::write(
        dir.join("new/states/zz.policy"),
        state("to any of [child_protective_services, law_enforcement]"),
    )
    .expect("new");
    let new = dir.join("new");
    let new = new.to_str().expect("utf-8");
    let old = dir.join("old");
    let old = old.to_str().expect("utf-8");
    assert_eq!(run(&["check", new]).exit, Exit::Ok);
    assert_eq!(
        run(&["test", new]).exit,
        Exit::Ok,
        "{}",
        run(&["test", new]).out
    );
    let d = run(&[
        "decide",
        "--policies",
        new,
        "-j",
        "ZZ",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=9",
    ]);
    assert!(
        d.out
            .contains("child protective services or law enforcement"),
        "{}",
        d.out
    );
    assert!(
        d.out
            .contains("must_report to any of [child_protective_services, law_enforcement]"),
        "{}",
        d.out
    );
    let diff = run(&["diff", old, new]);
    assert!(
        diff.out.contains("must_report to [child_protective_services, law_enforcement] → must_report to any of [child_protective_services, law_enforcement]"),
        "{}",
        diff.out
    );
    // The old test now fails against the new rule: `to [..]` is not `to any of [..]`.
    std::fs::write(
        dir.join("new/states/zz.policy"),
        state("to any of [child_protective_services, law_enforcement]")
            .replace("expect must_report to any of", "expect must_report to"),
    )
    .expect("mixed");
    assert_eq!(run(&["test", new]).exit, Exit::Findings);
    let fmt = run(&["fmt", "--check", new]);
    assert_eq!(fmt.exit, Exit::Ok, "{}", fmt.out);
}
