//! The public API as a clinic app uses it: only `mandate::` items that
//! `cargo doc` shows.

use mandate::{Action, DecideError, Facts, FactsError, Policies};

fn embedded() -> Policies {
    Policies::embedded().expect("the built-in corpus loads")
}

#[test]
fn decides_california_child_abuse_with_its_reasons() {
    let p = embedded();
    let facts = Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 10);
    let a = p.decide("CA", &facts).expect("decides");
    assert_eq!(a.action, Action::MustReport);
    assert!(
        a.to.contains(&"child_protective_services".to_string()),
        "{:?}",
        a.to
    );
    assert_eq!(a.within.as_ref().and_then(|d| d.hours()), Some(0));
    assert!(
        a.citations.iter().any(|c| c.contains("11166")),
        "{:?}",
        a.citations
    );
    assert!(
        a.source.starts_with("policies/states/ca.policy:"),
        "{}",
        a.source
    );
    let given: Vec<(&str, &str)> = a
        .facts
        .iter()
        .map(|f| (f.fact.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(given, [("concern", "child_abuse"), ("victim_age", "10")]);
    assert!(a.explain.is_none());
}

#[test]
fn answers_name_the_defaults_they_rest_on() {
    let p = embedded();
    // CA's duty to protect needs a serious threat; left out, the answer
    // rests on the default `false`, and says so.
    let a = p
        .decide("CA", &Facts::new().with("concern", "danger_to_others"))
        .expect("decides");
    assert!(
        a.assumed
            .iter()
            .any(|f| f.fact == "threat_serious" && f.value == "false"),
        "{:?}",
        a.assumed
    );
    let b = p
        .decide(
            "CA",
            &Facts::new()
                .with("concern", "danger_to_others")
                .with("threat_serious", true)
                .with("victim_identifiable", true),
        )
        .expect("decides");
    assert_eq!(b.action, Action::MustReport);
    assert!(
        b.assumed.iter().all(|f| f.fact != "threat_serious"),
        "{:?}",
        b.assumed
    );
}

#[test]
fn facts_come_typed_or_as_json_and_errors_say_what_fits() {
    let json: Facts =
        serde_json::from_str(r#"{"concern": "child_abuse", "victim_age": 10}"#).expect("json");
    assert_eq!(
        json,
        Facts::new()
            .with("concern", "child_abuse")
            .with("victim_age", 10)
    );
    let p = embedded();
    match p.decide("CA", &Facts::new().with("concern", "child_abus")) {
        Err(DecideError::Facts(FactsError::BadValue { suggestion, .. })) => {
            assert_eq!(suggestion.as_deref(), Some("did you mean `child_abuse`?"))
        }
        other => panic!("{other:?}"),
    }
    match p.decide("CA", &Facts::new().with("victim_agee", 3)) {
        Err(DecideError::Facts(FactsError::UnknownFact { suggestion, .. })) => {
            assert_eq!(suggestion.as_deref(), Some("did you mean `victim_age`?"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        p.decide("CA", &Facts::new().with("victim_age", 200)),
        Err(DecideError::Facts(FactsError::BadValue { .. }))
    ));
    assert!(matches!(
        p.decide("CA", &Facts::new().with("threat_serious", 1)),
        Err(DecideError::Facts(FactsError::BadValue { .. }))
    ));
}

#[test]
fn a_missing_fact_is_named_not_guessed() {
    let p = embedded();
    match p.decide("CA", &Facts::new().with("concern", "child_abuse")) {
        Err(DecideError::Needs { facts, rules }) => {
            assert_eq!(facts, ["victim_age"]);
            assert!(!rules.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn jurisdictions_by_code_or_name() {
    let p = embedded();
    let ca = p.jurisdiction("CA").expect("code");
    assert_eq!(p.jurisdiction("ca").expect("any case"), ca);
    assert_eq!(p.jurisdiction("California").expect("name"), ca);
    assert_eq!(
        p.jurisdiction("new  york").expect("name, any spacing"),
        p.jurisdiction("NY").expect("code")
    );
    match p.jurisdiction("Californa") {
        Err(DecideError::UnknownJurisdiction { suggestion, .. }) => {
            assert_eq!(
                suggestion.as_deref(),
                Some("did you mean `California` (CA)?")
            )
        }
        other => panic!("{other:?}"),
    }
    // Puerto Rico is not in the corpus, and is not Arkansas either.
    match p.jurisdiction("PR") {
        Err(DecideError::UnknownJurisdiction { suggestion, .. }) => assert_eq!(suggestion, None),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.jurisdictions().len(), 52);
}

#[test]
fn the_hot_path_agrees_with_decide() {
    let p = embedded();
    let keys = [
        "concern",
        "victim_age",
        "threat_serious",
        "victim_identifiable",
        "role",
    ];
    let keys: Vec<_> = keys
        .iter()
        .map(|k| p.fact_key(k).expect("a fact"))
        .collect();
    let mut prepared = p.prepare(&Facts::new()).expect("no facts");
    let mut assigned = prepared.clone();
    let imminent = p.fact_key("threat_imminent").expect("a fact");
    let privileged = p.fact_key("privileged_communication").expect("a fact");
    let stale = [
        (imminent, p.encode(imminent, true).expect("value")),
        (privileged, p.encode(privileged, false).expect("value")),
    ];
    let concerns = ["child_abuse", "elder_abuse", "danger_to_others", "subpoena"];
    for j in p.jurisdictions() {
        let id = p.jurisdiction(&j.code).expect("listed");
        for concern in concerns {
            for age in [10, 17, 18, 70] {
                for serious in [false, true] {
                    let facts = Facts::new()
                        .with("concern", concern)
                        .with("victim_age", age)
                        .with("threat_serious", serious)
                        .with("victim_identifiable", true)
                        .with("role", "counselor");
                    prepared.reset();
                    prepared.set(keys[0], p.encode(keys[0], concern).expect("value"));
                    prepared.set(keys[1], p.encode(keys[1], age).expect("value"));
                    prepared.set(keys[2], p.encode(keys[2], serious).expect("value"));
                    prepared.set(keys[3], p.encode(keys[3], true).expect("value"));
                    prepared.set(keys[4], p.encode(keys[4], "counselor").expect("value"));
                    let fast = p.decide_prepared(id, &prepared).expect("decides");
                    let full = p.decide(&j.code, &facts).expect("decides");
                    assert_eq!(
                        fast.rule(),
                        &*full.rule,
                        "{} {concern} {age} {serious}",
                        j.code
                    );
                    assert_eq!(fast.action(), full.action);
                    assert_eq!(p.answer(&fast, &prepared, false), full);
                    // `assign` forgets what an earlier request gave.
                    assigned.assign(&stale);
                    assigned.assign(&[
                        (keys[0], p.encode(keys[0], concern).expect("value")),
                        (keys[1], p.encode(keys[1], age).expect("value")),
                        (keys[2], p.encode(keys[2], serious).expect("value")),
                        (keys[3], p.encode(keys[3], true).expect("value")),
                        (keys[4], p.encode(keys[4], "counselor").expect("value")),
                    ]);
                    let bulk = p.decide_prepared(id, &assigned).expect("decides");
                    assert_eq!(p.answer(&bulk, &assigned, false), full);
                }
            }
        }
    }
}

#[test]
fn files_artifacts_and_the_built_in_corpus_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
    let loaded = Policies::load(dir).expect("the shipped files load");
    let embedded = embedded();
    let facts = Facts::new()
        .with("concern", "elder_abuse")
        .with("victim_age", 70);
    for j in embedded.jurisdictions() {
        let a = embedded.decide(&j.code, &facts).expect("decides");
        let b = loaded.decide(&j.code, &facts).expect("decides");
        assert_eq!(
            (a.action, &a.rule, &a.to),
            (b.action, &b.rule, &b.to),
            "{}",
            j.code
        );
    }
    assert_eq!(embedded.schema(), loaded.schema());
    // The same files under the same names are the built-in corpus: same
    // tables, same hash (tests run in the crate's directory).
    let same = Policies::load("policies").expect("loads");
    assert_eq!(same.hash(), embedded.hash());
    // Elsewhere the file names differ, and provenance is part of the hash.
    assert_ne!(loaded.hash(), embedded.hash());
}

#[test]
fn a_broken_corpus_is_refused_with_diagnostics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/compile/err");
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("fixtures exist")
    };
    let mut refused = 0;
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "policy") {
            if let Err(d) = Policies::load(&path) {
                assert!(d.errors() > 0, "{}", path.display());
                let first = d
                    .problems()
                    .into_iter()
                    .find(|p| p.severity == "error")
                    .expect("an error");
                assert!(first.code.starts_with('E'), "{first:?}");
                assert!(d.to_string().contains(first.code), "{d}");
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "no fixture was refused");
}

#[test]
fn the_schema_carries_docs_and_defaults() {
    let s = embedded().schema();
    let role = s.fact("role").expect("role");
    assert_eq!(role.default.as_deref(), Some("psychologist"));
    match &role.kind {
        mandate::FactKind::Enum { values, .. } => {
            assert!(values
                .iter()
                .any(|v| v.name == "social_worker" && v.doc.is_some()))
        }
        other => panic!("{other:?}"),
    }
    assert!(s
        .recipients
        .iter()
        .any(|r| r.name == "child_protective_services" && r.doc.is_some()));
}

#[test]
fn artifacts_load_and_tampering_is_refused() {
    let loaded = mandate::loader::embedded();
    let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
    let text = mandate::table::save_artifact(a.tables.as_ref().expect("compiles"));
    let p = Policies::from_artifact(text.as_bytes()).expect("an artifact loads");
    let facts = Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 10);
    assert_eq!(
        p.decide("CA", &facts).expect("decides").rule,
        embedded().decide("CA", &facts).expect("decides").rule
    );
    let tampered = text.replacen("\"must_report\"", "\"must_not_disclose\"", 1);
    let err = Policies::from_artifact(tampered.as_bytes())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("modified"), "{err}");
    let err = Policies::from_artifact(&b"not json"[..])
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("not a mandate tables file"),
        "{err}"
    );
}

/// Values worth trying for a fact: every value of a bool or enum, and the
/// ages where the shipped rules change for an integer.
fn candidates(kind: &mandate::FactKind) -> Vec<mandate::Value> {
    match kind {
        mandate::FactKind::Bool => vec![true.into(), false.into()],
        mandate::FactKind::Int { lo, hi } => [
            0, 10, 13, 14, 15, 16, 17, 18, 19, 21, 59, 60, 61, 64, 65, 66, 80,
        ]
        .into_iter()
        .filter(|v| (*lo..=*hi).contains(v))
        .map(mandate::Value::Int)
        .collect(),
        mandate::FactKind::Date { .. } => ["2018-06-01", "2019-06-30", "2019-07-01", "2026-12-01"]
            .into_iter()
            .map(mandate::Value::from)
            .collect(),
        mandate::FactKind::Enum { values, .. } => {
            values.iter().map(|v| v.name.clone().into()).collect()
        }
        // `FactKind` is `#[non_exhaustive]`: a kind this test does not
        // know yet has no candidates, and the interview test then fails
        // loudly when it asks for it.
        _ => Vec::new(),
    }
}

#[test]
fn the_interview_asks_only_what_matters_and_ends_at_decide() {
    let p = embedded();
    let schema = p.schema();
    let codes: Vec<String> = p.jurisdictions().into_iter().map(|j| j.code).collect();
    let mut rng = mandate::testkit::synthetic::Rng::new(11);
    let mut pick = |n: usize| rng.below(n as u64) as usize;
    for round in 0..300 {
        let code = &codes[pick(codes.len())];
        // A complete situation the interview will learn fact by fact.
        let full: Vec<(String, mandate::Value)> = schema
            .facts
            .iter()
            .map(|f| {
                let c = candidates(&f.kind);
                (f.name.clone(), c[pick(c.len())].clone())
            })
            .collect();
        let value_of = |name: &str| full.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        // The date of the events is given up front, as the page and
        // `ask --as-of` do: the interview does not ask it.
        let mut known = Facts::new();
        if let Some(day) = value_of("as_of") {
            known = known.with("as_of", day);
        }
        let mut asked: Vec<String> = vec!["as_of".to_string()];
        let answer = loop {
            match p
                .next_question(code, &known)
                .expect("a question or an answer")
            {
                mandate::Next::Answer(a) => break a,
                mandate::Next::Question(f) => {
                    assert!(!asked.contains(&f.name), "{code}: `{}` asked twice", f.name);
                    // Relevant: with what is known, some value of this
                    // fact gives a different rule than another, for some
                    // way of filling in the rest.
                    let mut rules = std::collections::BTreeSet::new();
                    for fill in 0..8 {
                        for v in candidates(&f.kind) {
                            let mut facts = known.clone().with(f.name.clone(), v);
                            for (gi, g) in schema.facts.iter().enumerate() {
                                if g.name != f.name && !asked.contains(&g.name) {
                                    let c = candidates(&g.kind);
                                    // Offset by the fact's position, so two
                                    // booleans are not always filled alike.
                                    let x = if fill == 0 {
                                        value_of(&g.name).expect("full")
                                    } else {
                                        c[(fill * 7 + round + gi * 3) % c.len()].clone()
                                    };
                                    facts = facts.with(g.name.clone(), x);
                                }
                            }
                            rules.insert(p.decide(code, &facts).expect("complete").rule);
                        }
                    }
                    assert!(
                        rules.len() > 1,
                        "{code}: `{}` was asked but cannot change the rule ({rules:?}) knowing {known:?}",
                        f.name
                    );
                    known = known.with(f.name.clone(), value_of(&f.name).expect("full"));
                    asked.push(f.name);
                }
            }
        };
        let mut all = Facts::new();
        for (n, v) in &full {
            all = all.with(n.clone(), v.clone());
        }
        let direct = p.decide(code, &all).expect("complete facts decide");
        assert_eq!(answer.rule, direct.rule, "{code}: after asking {asked:?}");
        assert_eq!(answer.action, direct.action, "{code}");
    }
}

#[test]
fn a_missing_corpus_and_an_oversized_artifact_are_diagnostics() {
    let err = Policies::load("/nonexistent/policies")
        .err()
        .expect("refused");
    let p = err.problems();
    assert_eq!(p.first().map(|p| p.code), Some("E022"), "{p:?}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    let huge = std::io::Read::take(std::io::repeat(b' '), mandate::MAX_ARTIFACT_BYTES + 1);
    let err = Policies::from_artifact(huge).err().expect("refused");
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn a_practicable_deadline_is_typed_and_combines_without_hiding_a_duty() {
    use mandate::Deadline;
    let p = embedded();
    let threat = Facts::new()
        .with("concern", "danger_to_others")
        .with("threat_serious", true);
    let ny = p.decide("NY", &threat).expect("decides");
    assert_eq!(&*ny.rule, "NY.safe_act_report");
    let within = ny.within.as_ref().expect("a deadline");
    assert_eq!(within.deadline(), Deadline::Practicable);
    assert_eq!(within.hours(), None);
    assert!(
        ny.summary.ends_with(": as soon as practicable."),
        "{}",
        ny.summary
    );

    // Against a fixed time, neither is stricter in general: both are kept.
    let self_harm = Facts::new()
        .with("concern", "danger_to_self")
        .with("threat_imminent", true)
        .with("victim_age", 30);
    let both = p
        .decide_all(&["NY", "IL"], &self_harm, false)
        .expect("decides");
    let il = both.answers[1].within.as_ref().expect("IL has a deadline");
    assert_eq!(
        il.deadline(),
        Deadline::Hours(24),
        "the case this test expects"
    );
    let merged = both.combined.within.as_ref().expect("a combined deadline");
    assert_eq!(merged.deadline(), Deadline::PracticableWithin(24));
    assert_eq!(merged.as_str(), "practicable, at most 24h");
    assert!(
        both.combined
            .summary
            .contains("as soon as practicable and within 24 hours at the latest"),
        "{}",
        both.combined.summary
    );

    // Against `immediately`, immediately is the stricter: nothing is sooner.
    let child = Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 5);
    let both = p.decide_all(&["KS", "NY"], &child, false).expect("decides");
    assert_eq!(
        both.answers[0].within.as_ref().map(|d| d.deadline()),
        Some(Deadline::Practicable)
    );
    assert_eq!(
        both.combined.within.as_ref().map(|d| d.deadline()),
        Some(Deadline::Hours(0))
    );
}

#[test]
fn a_written_report_due_on_request_is_typed_and_never_hides_a_duty() {
    use mandate::Deadline;
    let p = embedded();
    let child = Facts::new()
        .with("concern", "child_abuse")
        .with("victim_age", 10);
    let nh = p.decide("NH", &child).expect("decides");
    let written = nh.written_within.as_ref().expect("a written deadline");
    assert_eq!(written.as_str(), "48h if requested");
    assert_eq!(written.deadline(), Deadline::Hours(48));
    assert_eq!(written.unconditional(), None);
    assert!(written.if_requested());
    assert!(
        nh.summary
            .ends_with(": immediately, and in writing within 48 hours if the agency asks."),
        "{}",
        nh.summary
    );
    let combined = |other: &str| {
        let both = p
            .decide_all(&["NH", other], &child, false)
            .expect("decides");
        let w = both.combined.written_within.expect("a written deadline");
        (w.to_string(), both.combined.summary.to_string())
    };
    // Two on request: the earlier, still on request.
    assert_eq!(combined("ND").0, "48h if requested");
    // One in any case that is as soon or sooner: it alone.
    assert_eq!(combined("MA").0, "48h");
    assert_eq!(combined("CA").0, "36h");
    // One in any case that is later: both, since neither says what is due.
    let (w, summary) = combined("MI");
    assert_eq!(w, "72h, 48h if requested");
    assert!(
        summary.contains("in writing within 72 hours, and within 48 hours if the agency asks"),
        "{summary}"
    );
}
