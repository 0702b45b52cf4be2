//! Every limit has a clear error, and hostile inputs neither panic nor hang.

use mandate::diag::Code;
use mandate::source::Sources;

const SCHEMA: &str = include_str!("../policies/schema.policy");
const FEDERAL: &str = include_str!("../policies/federal.policy");

fn analyse(extra: &str) -> mandate::pipeline::Analysis {
    let mut s = Sources::new();
    s.add("schema.policy", SCHEMA);
    s.add("federal.policy", FEDERAL);
    s.add("extra.policy", extra.to_string());
    mandate::pipeline::analyse(s, Vec::new())
}

fn codes(a: &mandate::pipeline::Analysis) -> Vec<Code> {
    a.diags.iter().map(|d| d.code).collect()
}

#[test]
fn a_file_over_four_mebibytes_is_refused() {
    let big = format!(
        "// {}\njurisdiction ZZ \"Z\" extends US {{ }}\n",
        "x".repeat(mandate::syntax::MAX_FILE_BYTES)
    );
    let a = analyse(&big);
    assert!(codes(&a).contains(&Code::Limit), "{:?}", codes(&a));
    assert!(a
        .diags
        .iter()
        .any(|d| d.message.contains("more than the limit")));
    // And from disk, through the CLI.
    let dir = std::env::temp_dir().join(format!("mandate-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("big.policy"), &big).expect("write");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = mandate::cli::main_with_args(
        ["mandate", "check", dir.to_str().expect("utf-8")],
        &mut out,
        &mut err,
    );
    assert_eq!(exit, mandate::cli::Exit::Findings);
    assert!(String::from_utf8_lossy(&out).contains("E021"));
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for cond in [
        format!("{}threat_serious{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}threat_serious", "not ".repeat(10_000)),
    ] {
        let text = format!("jurisdiction ZZ \"Z\" extends US {{ rule r {{ when {cond} then may_disclose cite \"x\" }} }}");
        let a = analyse(&text);
        assert_eq!(codes(&a), vec![Code::Limit], "{}", &cond[..20]);
    }
    // Ordinary nesting is fine.
    let ok = "jurisdiction ZZ \"Z\" extends US { reviewed 2026-11-27 rule r { when not (not (threat_serious and not victim_identifiable)) then may_disclose cite \"x\" } }";
    assert_eq!(analyse(ok).errors(), 0);
}

#[test]
fn too_many_rules_are_refused() {
    let n = 20_001;
    let mut text = String::from("jurisdiction ZZ \"Z\" extends US {\n");
    for i in 0..n {
        text.push_str(&format!(
            "rule r{i} {{ when threat_serious then may_disclose cite \"x\" }}\n"
        ));
    }
    text.push_str("}\n");
    let a = analyse(&text);
    assert!(
        a.diags
            .iter()
            .any(|d| d.code == Code::Limit && d.message.contains("20001 rules")),
        "{:?}",
        codes(&a)
    );
}

#[test]
fn integers_too_large_and_extreme_ranges() {
    let a = analyse("jurisdiction ZZ \"Z\" extends US { rule r { when victim_age < 99999999999999999999 then may_disclose cite \"x\" } }");
    assert!(codes(&a).contains(&Code::InvalidRange), "{:?}", codes(&a));
    // The whole i64 range: comparisons at the edges saturate instead of overflowing.
    let schema = "schema { enum Recipient { court } fact n: int -9223372036854775808..=9223372036854775807 }\n\
        jurisdiction US \"F\" { reviewed 2026-11-27 default must_not_disclose cite \"x\"\n\
        rule a { when n != 9223372036854775807 and n != -9223372036854775808 then may_disclose to [court] cite \"x\" }\n\
        rule b { when n > 9223372036854775806 then must_disclose to [court] cite \"x\" }\n\
        rule c { when n < -9223372036854775807 then must_disclose to [court] cite \"x\" }\n\
        test \"max\" { given n = 9223372036854775807 expect must_disclose by b }\n\
        test \"min\" { given n = -9223372036854775808 expect must_disclose by c }\n\
        test \"zero\" { given n = 0 expect may_disclose by a } }";
    let mut s = Sources::new();
    s.add("edge.policy", schema);
    let a = mandate::pipeline::analyse(s, Vec::new());
    assert_eq!(
        a.errors(),
        0,
        "{}",
        mandate::diag::render_all(&a.diags, &a.sources)
    );
    let (p, t) = (
        a.program.as_ref().expect("program"),
        a.tables.as_ref().expect("tables"),
    );
    assert!(mandate::policy_tests::run(p, t)
        .iter()
        .all(|r| r.outcome.is_ok()));
    let decider = t.decider();
    for v in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
        let values = vec![Some(v)];
        assert_eq!(decider.decide(t, 0, &values), t.tables[0].decide(&values));
    }
}

#[test]
fn conflicts_stop_after_fifty() {
    let mut text = String::from("jurisdiction ZZ \"Z\" extends US {\n");
    for i in 0..60 {
        text.push_str(&format!("rule r{i} {{ when threat_serious then may_disclose to [court] within {}h cite \"x\" }}\n", i + 1));
    }
    text.push_str("}\n");
    let a = analyse(&text);
    let conflicts = a.diags.iter().filter(|d| d.code == Code::Conflict).count();
    assert!(
        (50..60).contains(&conflicts),
        "{conflicts} conflicts reported"
    );
    assert!(a
        .diags
        .iter()
        .any(|d| d.code == Code::Limit && d.message.contains("search stopped")));
}

#[test]
fn enums_over_sixty_four_variants_are_refused() {
    let variants: Vec<String> = (0..65).map(|i| format!("v{i}")).collect();
    let mut s = Sources::new();
    s.add(
        "wide.policy",
        format!(
            "schema {{ enum Recipient {{ {} }} fact f: Recipient }}",
            variants.join(" ")
        ),
    );
    let a = mandate::pipeline::analyse(s, Vec::new());
    assert!(codes(&a).contains(&Code::Limit), "{:?}", codes(&a));
}
