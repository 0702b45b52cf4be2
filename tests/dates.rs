//! Law that changes over time: Florida's duty to warn before and after
//! ch. 2019-134, through the library, the command line and the server's
//! notice, and the change found by `diff --between`.

mod common;

use common::{json, run};
use mandate::cli::Exit;
use mandate::{Facts, Policies};

/// A serious, imminent threat against an identified person.
fn threat() -> Facts {
    Facts::new()
        .with("concern", "danger_to_others")
        .with("threat_serious", true)
        .with("victim_identifiable", true)
        .with("threat_imminent", true)
}

fn policies_on(today: &str) -> Policies {
    Policies::embedded()
        .expect("built-in policies")
        .with_today(today)
        .expect("a date")
}

#[test]
fn florida_answers_by_the_law_of_the_day() {
    let p = policies_on("2026-12-01");
    let before = p
        .decide("FL", &threat().with("as_of", "2018-06-01"))
        .expect("decides");
    assert_eq!(before.action.as_str(), "may_disclose");
    assert_eq!(&*before.rule, "FL.duty_to_warn_before_2019");
    assert_eq!(before.as_of.as_deref(), Some("2018-06-01"));
    assert_eq!(before.in_force_since, None);
    assert_eq!(before.in_force_until.as_deref(), Some("2019-06-30"));
    // More than 90 days before the change: nothing announced.
    assert_eq!(before.upcoming, None);

    let now = p.decide("FL", &threat()).expect("decides");
    assert_eq!(now.action.as_str(), "must_report");
    assert_eq!(&*now.rule, "FL.duty_to_warn");
    assert_eq!(now.as_of.as_deref(), Some("2026-12-01"));
    assert_eq!(now.in_force_since.as_deref(), Some("2019-07-01"));
    // The date the answer rests on is said, like any default.
    assert!(
        now.assumed
            .iter()
            .any(|a| a.fact == "as_of" && a.value == "2026-12-01"),
        "{:?}",
        now.assumed
    );
}

#[test]
fn a_change_within_90_days_is_announced() {
    let p = policies_on("2019-05-01");
    let a = p.decide("FL", &threat()).expect("decides");
    assert_eq!(&*a.rule, "FL.duty_to_warn_before_2019");
    let next = a.upcoming.expect("the 2019 act is 61 days away");
    assert_eq!(next.from, "2019-07-01");
    assert_eq!(&*next.rule, "FL.duty_to_warn");
    assert_eq!(next.action.as_str(), "must_report");
    assert_eq!(&*next.summary, "You must report this to law enforcement.");
    // 91 days before: too far ahead.
    let far = p
        .decide("FL", &threat().with("as_of", "2019-04-01"))
        .expect("decides");
    assert_eq!(far.upcoming, None);
    // The last day the old law applies still announces the new one.
    let eve = p
        .decide("FL", &threat().with("as_of", "2019-06-30"))
        .expect("decides");
    assert_eq!(eve.upcoming.map(|u| u.from).as_deref(), Some("2019-07-01"));
}

#[test]
fn states_without_dated_rules_answer_alike_on_every_day() {
    let p = policies_on("2026-12-01");
    let facts = Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 10);
    let old = p
        .decide("CA", &facts.clone().with("as_of", "1960-01-01"))
        .expect("decides");
    let new = p.decide("CA", &facts).expect("decides");
    assert_eq!((old.action, &old.rule), (new.action, &new.rule));
    assert!(new.in_force_since.is_none() && new.upcoming.is_none());
    assert!(
        !new.assumed.iter().any(|a| a.fact == "as_of"),
        "an undated answer does not rest on the date"
    );
}

#[test]
fn dates_outside_the_schema_or_malformed_are_refused() {
    let p = policies_on("2026-12-01");
    for bad in ["2019-7-01", "1949-12-31", "2019-02-30", "yesterday"] {
        let e = p
            .decide("FL", &threat().with("as_of", bad))
            .expect_err("refused");
        assert!(e.to_string().contains("as_of"), "{bad}: {e}");
    }
    assert!(Policies::embedded()
        .expect("built-in")
        .with_today("12/01/2026")
        .is_err());
}

#[test]
fn the_interview_does_not_ask_the_date_and_follows_it() {
    let p = policies_on("2026-12-01");
    let mut known = Facts::new().with("concern", "danger_to_others");
    let mut old = known.clone().with("as_of", "2018-06-01");
    let mut asked = Vec::new();
    let answer = |p: &Policies, facts: &mut Facts, asked: &mut Vec<String>| loop {
        match p.next_question("FL", facts).expect("next") {
            mandate::Next::Answer(a) => break a,
            mandate::Next::Question(f) => {
                assert_ne!(f.name, "as_of", "the date is not asked");
                asked.push(f.name.clone());
                facts.set(f.name, true);
            }
        }
    };
    let now = answer(&p, &mut known, &mut asked);
    assert_eq!(&*now.rule, "FL.duty_to_warn");
    assert_eq!(now.as_of.as_deref(), Some("2026-12-01"));
    let then = answer(&p, &mut old, &mut asked);
    assert_eq!(&*then.rule, "FL.duty_to_warn_before_2019");
}

#[test]
fn notices_describe_the_law_in_force_that_day() {
    let p = policies_on("2026-12-01");
    let old = p
        .notice_as_of("FL", None, Some("2018-06-01"))
        .expect("notice")
        .text();
    let new = p.notice("FL", None).expect("notice").text();
    assert_ne!(old, new);
    assert!(old.contains("does not require"), "{old}");
    assert!(!new.contains("before ch. 2019-134"), "{new}");
}

fn cli_threat(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "decide",
        "-j",
        "FL",
        "--fact",
        "concern=danger_to_others",
        "--fact",
        "threat_serious=true",
        "--fact",
        "victim_identifiable=true",
        "--fact",
        "threat_imminent=true",
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// The binary, with `MANDATE_TODAY` fixing the date a missing `--as-of`
/// means.
fn binary(args: &[String], today: &str) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .env("MANDATE_TODAY", today)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn decide_as_of_gives_the_pre_2019_answer_and_today_the_current_one() {
    let (code, out, err) = binary(&cli_threat(&["--as-of", "2018-06-01"]), "2026-12-01");
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["action"], "may_disclose");
    assert_eq!(v["rule"], "FL.duty_to_warn_before_2019");
    assert_eq!(v["as_of"], "2018-06-01");
    assert!(v["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .any(|f| f["fact"] == "as_of" && f["value"] == "2018-06-01"));

    let (code, out, err) = binary(&cli_threat(&[]), "2026-12-01");
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["action"], "must_report");
    assert_eq!(v["in_force_since"], "2019-07-01");

    // In words: since when, and what comes next.
    let words = |extra: &[&str]| -> Vec<String> {
        let mut a = cli_threat(extra);
        a.retain(|x| x != "--format" && x != "json");
        a
    };
    let (code, out, _) = binary(&words(&["--as-of", "2019-05-01"]), "2026-12-01");
    assert_eq!(code, 0);
    assert!(out.contains("in force: until 2019-06-30"), "{out}");
    assert!(
        out.contains("from 2019-07-01 this becomes: You must report this to law enforcement."),
        "{out}"
    );
    let (_, out, _) = binary(&words(&[]), "2026-12-01");
    assert!(out.contains("in force: since 2019-07-01"), "{out}");

    let (code, _, err) = binary(&cli_threat(&["--as-of", "June 2018"]), "2026-12-01");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, err) = binary(&cli_threat(&[]), "tomorrow");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("MANDATE_TODAY"), "{err}");
}

#[test]
fn diff_between_two_dates_lists_the_florida_change() {
    let r = run(&["diff", "--between", "2018-01-01", "2026-01-01"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    // Two Florida changes: the duty to warn, and the end of the old
    // waiver for harm to self.
    let fl: Vec<&str> = r.out.lines().filter(|l| l.starts_with("FL:")).collect();
    assert_eq!(fl.len(), 2, "{}", r.out);
    let warn = fl
        .iter()
        .find(|l| l.contains("concern = danger_to_others"))
        .expect("the duty to warn changed");
    assert!(warn.contains("may_disclose to [law_enforcement, potential_victim] → must_report to [law_enforcement]"), "{warn}");
    let own = fl
        .iter()
        .find(|l| l.contains("concern = danger_to_self"))
        .expect("the waiver for harm to self ended");
    assert!(own.contains("(US.danger_to_self)"), "{own}");

    let r = run(&[
        "diff",
        "--between",
        "2018-01-01",
        "2026-01-01",
        "--format",
        "json",
    ]);
    let v = json(&r.out);
    let changes = v["changes"].as_array().expect("changes");
    let fl = changes
        .iter()
        .find(|c| c["jurisdiction"] == "FL" && c["old"]["rule"] == "FL.duty_to_warn_before_2019")
        .expect("FL changed");
    assert_eq!(fl["old"]["rule"], "FL.duty_to_warn_before_2019");
    assert_eq!(fl["new"]["rule"], "FL.duty_to_warn");

    // Both days after the change: nothing changed in Florida.
    let r = run(&["diff", "--between", "2020-01-01", "2026-01-01"]);
    assert!(!r.out.contains("FL:"), "{}", r.out);
    // --exit-code fails when something changed.
    let r = run(&[
        "diff",
        "--between",
        "2018-01-01",
        "2026-01-01",
        "--exit-code",
    ]);
    assert_eq!(r.exit, Exit::Findings);
    let r = run(&["diff", "--between", "2018-01-01", "01/01/2026"]);
    assert_eq!(r.exit, Exit::Usage, "{}", r.err);
    let r = run(&["diff", "main", "--between", "2018-01-01", "2026-01-01"]);
    assert_eq!(r.exit, Exit::Usage, "OLD and --between exclude each other");
}

#[test]
fn table_as_of_shows_only_the_rows_in_force() {
    let all = run(&["table", "FL"]);
    assert_eq!(all.exit, Exit::Ok, "{}", all.err);
    assert!(all.out.contains("<=2019-06-30") && all.out.contains(">=2019-07-01"));
    let old = run(&["table", "FL", "--as-of", "2018-01-01"]);
    assert_eq!(old.exit, Exit::Ok, "{}", old.err);
    assert!(old.out.contains("FL.duty_to_warn_before_2019"));
    assert!(!old.out.contains("FL.duty_to_warn "), "{}", old.out);
    assert!(
        !old.out.contains("2019-06-30"),
        "no date column once sliced"
    );
    let bad = run(&["table", "FL", "--as-of", "2018"]);
    assert_eq!(bad.exit, Exit::Usage);
}

#[test]
fn check_lists_rules_that_take_effect_later_and_deny_warnings_ignores_the_calendar() {
    let dir = common::temp_dir("dated-check");
    std::fs::copy(
        "tests/fixtures/check/ok/dated.policy",
        dir.join("dated.policy"),
    )
    .expect("copy");
    let d = dir.to_string_lossy().into_owned();
    let r = run(&["check", &d, "--today", "2026-11-27"]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    assert!(
        r.out
            .contains("in force later (1): FL.future from 2030-01-01"),
        "{}",
        r.out
    );
    // In 2031 the review predates a change that has taken effect (W010):
    // a warning, and a failure only when asked for by name.
    let r = run(&["check", &d, "--today", "2031-01-01"]);
    assert!(r.out.contains("W010"), "{}", r.out);
    assert!(!r.out.contains("in force later"), "{}", r.out);
    assert_eq!(r.exit, Exit::Ok, "{}", r.out);
    let r = run(&["check", &d, "--today", "2031-01-01", "--deny", "W010"]);
    assert_eq!(r.exit, Exit::Findings, "{}", r.out);
    // The shipped corpus in 2031: every review is stale (W006), which
    // --deny-warnings leaves to the calendar; --deny W006 asks for it.
    let r = run(&[
        "check",
        "policies",
        "--today",
        "2031-01-01",
        "--deny-warnings",
    ]);
    assert!(r.out.contains("W006"), "{}", r.out);
    assert_eq!(r.exit, Exit::Ok, "{}", r.out);
    let r = run(&[
        "check",
        "policies",
        "--today",
        "2031-01-01",
        "--deny",
        "W006",
    ]);
    assert_eq!(r.exit, Exit::Findings);
}

// Dated defaults: tests/fixtures/check/ok/dated-defaults.policy, where the
// federal default changes on 2003-04-14 and Florida has a default of its
// own from 1990 to mid-2019.

fn dated_defaults_dir() -> String {
    let dir = common::temp_dir("dated-defaults");
    std::fs::copy(
        "tests/fixtures/check/ok/dated-defaults.policy",
        dir.join("corpus.policy"),
    )
    .expect("copy");
    dir.to_string_lossy().into_owned()
}

#[test]
fn a_dated_default_says_its_dates_and_what_comes_next() {
    let p = Policies::load(dated_defaults_dir())
        .expect("compiles")
        .with_today("2026-12-01")
        .expect("a date");
    let subpoena = || Facts::new().with("concern", "subpoena");
    // Florida falls back on the root's first default before its own.
    let a = p
        .decide("FL", &subpoena().with("as_of", "1989-11-01"))
        .expect("decides");
    assert_eq!(
        (&*a.rule, a.action.as_str()),
        ("US.default", "may_disclose")
    );
    assert_eq!(a.in_force_since, None);
    assert_eq!(a.in_force_until.as_deref(), Some("2003-04-13"));
    let next = a.upcoming.expect("Florida's default is 61 days away");
    assert_eq!(
        (next.from.as_str(), next.rule.as_str()),
        ("1990-01-01", "FL.default")
    );
    assert_eq!(next.action.as_str(), "must_not_disclose");
    // Its own default, with its dates.
    let a = p
        .decide("FL", &subpoena().with("as_of", "2019-06-30"))
        .expect("decides");
    assert_eq!(
        (&*a.rule, a.action.as_str()),
        ("FL.default", "must_not_disclose")
    );
    assert_eq!(a.in_force_since.as_deref(), Some("1990-01-01"));
    assert_eq!(a.in_force_until.as_deref(), Some("2019-06-30"));
    assert_eq!(*a.citations, ["Fla. Stat. s. 491.0147 (before 2019)"]);
    // The next day, the root's second default.
    let a = p
        .decide("FL", &subpoena().with("as_of", "2019-07-01"))
        .expect("decides");
    assert_eq!(&*a.rule, "US.default");
    assert_eq!(a.in_force_since.as_deref(), Some("2003-04-14"));
    assert_eq!(*a.citations, ["45 CFR 164.502(a)"]);
    // Two versions of the root's default share the name `US.default`:
    // the change from one to the other is still announced.
    let a = p
        .decide("US", &subpoena().with("as_of", "2003-03-01"))
        .expect("decides");
    assert_eq!(a.action.as_str(), "may_disclose");
    let next = a.upcoming.expect("the second default is 44 days away");
    assert_eq!(
        (next.from.as_str(), next.rule.as_str()),
        ("2003-04-14", "US.default")
    );
    assert_eq!(next.action.as_str(), "must_not_disclose");
    // A rule still beats every default.
    let a = p
        .decide(
            "FL",
            &Facts::new()
                .with("concern", "child_abuse")
                .with("victim_age", 5)
                .with("as_of", "2000-01-01"),
        )
        .expect("decides");
    assert_eq!(&*a.rule, "FL.child_abuse");
}

#[test]
fn diff_between_and_check_see_dated_defaults() {
    let d = dated_defaults_dir();
    let r = run(&[
        "diff",
        "--between",
        "2002-01-01",
        "2004-01-01",
        "--policies",
        &d,
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    let us: Vec<&str> = r.out.lines().filter(|l| l.starts_with("US:")).collect();
    assert_eq!(us.len(), 1, "{}", r.out);
    assert!(
        us[0].contains("may_disclose → must_not_disclose"),
        "{}",
        us[0]
    );
    // Florida's own default covers both days: no change there.
    assert!(!r.out.contains("FL:"), "{}", r.out);
    let r = run(&[
        "diff",
        "--between",
        "1989-01-01",
        "2000-01-01",
        "--policies",
        &d,
    ]);
    assert!(
        r.out
            .lines()
            .any(|l| l.starts_with("FL:") && l.contains("(FL.default)")),
        "{}",
        r.out
    );

    // A default that takes effect later is listed like a rule.
    let r = run(&["check", &d, "--today", "2000-01-01"]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    assert!(
        r.out
            .contains("in force later (1): US.default from 2003-04-14"),
        "{}",
        r.out
    );
    // The table shows one row per default, the last one without a test.
    let r = run(&["table", "FL", "--policies", &d]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out.contains("FL.default") && r.out.contains("US.default"),
        "{}",
        r.out
    );
}

#[test]
fn fmt_writes_a_defaults_dates_after_its_action() {
    let dir = common::temp_dir("dated-default-fmt");
    let file = dir.join("us.policy");
    std::fs::write(
        &file,
        "jurisdiction US \"Federal\" {\n  default must_not_disclose cite \"a\" until 2019-06-30 cite \"b\" effective 2010-01-01\n}\n",
    )
    .expect("write");
    let f = file.to_string_lossy().into_owned();
    let r = run(&["fmt", &f]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        text.contains("  default must_not_disclose effective 2010-01-01 until 2019-06-30 cite \"a\" cite \"b\"\n"),
        "{text}"
    );
}

#[test]
fn diff_pairs_dated_defaults_by_their_dates() {
    let schema =
        std::fs::read_to_string("tests/fixtures/check/ok/dated-defaults.policy").expect("fixture");
    let schema = &schema[..schema.find("// The root").expect("schema first")];
    let corpus = |name: &str, defaults: &str| -> String {
        let dir = common::temp_dir(name);
        let text = format!(
            "{schema}jurisdiction US \"Federal\" {{\n  reviewed 2026-11-01\n{defaults}}}\n"
        );
        std::fs::write(dir.join("corpus.policy"), text).expect("write");
        dir.to_string_lossy().into_owned()
    };
    let old = corpus(
        "diff-defaults-old",
        "  default may_disclose until 2003-04-13 cite \"old\"\n  default must_not_disclose effective 2003-04-14 cite \"45 CFR 164.502(a)\"\n",
    );
    // The second default's citation changes; the first default's end
    // moves, so it is another default and its days are a decision change.
    let new = corpus(
        "diff-defaults-new",
        "  default may_disclose until 2003-06-30 cite \"old\"\n  default must_not_disclose effective 2003-07-01 cite \"45 CFR 164.502(a)\" cite \"45 CFR 164.508\"\n",
    );
    let r = run(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(r.exit, Exit::Ok, "{}{}", r.out, r.err);
    let v = json(&r.out);
    let texts = v["text_changes"].as_array().expect("text changes");
    assert!(
        !texts.iter().any(|t| t["rule"] == "US.default"),
        "dates changed: the defaults are not paired: {texts:?}"
    );
    let changes = v["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c["old"]["action"] == "must_not_disclose"
                && c["new"]["action"] == "may_disclose"),
        "{changes:?}"
    );

    // Same dates, another citation: a text change of `US.default`.
    let newer = corpus(
        "diff-defaults-newer",
        "  default may_disclose until 2003-04-13 cite \"old\"\n  default must_not_disclose effective 2003-04-14 cite \"45 CFR 164.502(a)\" cite \"45 CFR 164.508\"\n",
    );
    let r = run(&["diff", &old, &newer, "--format", "json"]);
    let v = json(&r.out);
    let texts = v["text_changes"].as_array().expect("text changes");
    assert!(
        texts.iter().any(|t| t["rule"] == "US.default"
            && t["field"] == "citation"
            && t["new"] == "45 CFR 164.508"),
        "{texts:?}"
    );
}
