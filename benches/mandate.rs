//! `cargo bench`: decisions on the shipped corpus, check + compile of the
//! corpus, the analyses, and scaling on synthetic jurisdictions. Medians
//! are measured by criterion; the summary at the end reads them back and
//! prints them with ratios. The comparison with cedar-policy and regorus
//! lives in the `peers` workspace member (`cargo bench -p mandate-peers`).

use criterion::{BenchmarkId, Criterion};
use mandate::table::Tables;
use mandate::testkit::synthetic::{cycle, facts, Rng};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn corpus() -> (mandate::source::Sources, Tables) {
    let loaded = mandate::loader::embedded();
    let sources = loaded.sources.clone();
    let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
    (sources, a.tables.expect("the shipped corpus compiles"))
}

/// 256 (jurisdiction, facts) pairs, few enough to stay in cache as the facts
/// of a real question do: every jurisdiction, random complete
/// facts drawn over each fact's whole domain.
fn workload(tables: &Tables, only: Option<usize>, seed: u64) -> Vec<(usize, Vec<Option<i64>>)> {
    let mut rng = Rng::new(seed);
    (0..256)
        .map(|_| {
            (
                only.unwrap_or_else(|| rng.below(tables.tables.len() as u64) as usize),
                facts(&tables.columns, &mut rng),
            )
        })
        .collect()
}

fn bench_decide(c: &mut Criterion, tables: &Tables) {
    let decider = tables.decider();
    let work = workload(tables, None, 1);
    let mut g = c.benchmark_group("decide");
    g.bench_function("corpus/indexed", |b| {
        b.iter_custom(|iters| {
            cycle(iters, work.len(), |k| {
                let (t, values) = &work[k];
                decider.decide(tables, *t, black_box(values))
            })
        })
    });
    g.bench_function("corpus/linear", |b| {
        b.iter_custom(|iters| {
            cycle(iters, work.len(), |k| {
                let (t, values) = &work[k];
                tables.tables[*t].decide(black_box(values))
            })
        })
    });
    g.finish();
}

fn bench_corpus(c: &mut Criterion, sources: &mandate::source::Sources) {
    let mut g = c.benchmark_group("corpus");
    g.bench_function("check+compile", |b| {
        b.iter(|| {
            let files: Vec<_> = sources
                .iter()
                .map(|(id, _)| mandate::syntax::parse(sources, id).expect("parses"))
                .collect();
            let (program, _) = mandate::check::check(sources, &files);
            black_box(mandate::compile::compile(
                program.as_ref().expect("checks"),
                sources,
            ))
        })
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (id, _) in sources.iter() {
                black_box(mandate::syntax::parse(sources, id).expect("parses"));
            }
        })
    });
    let files: Vec<_> = sources
        .iter()
        .map(|(id, _)| mandate::syntax::parse(sources, id).expect("parses"))
        .collect();
    g.bench_function("check", |b| {
        b.iter(|| black_box(mandate::check::check(sources, &files).0.is_some()))
    });
    let program = mandate::check::check(sources, &files).0.expect("checks");
    g.bench_function("compile (conflicts, shadowing)", |b| {
        b.iter(|| black_box(mandate::compile::compile(&program, sources)))
    });
    let (tables, _) = mandate::compile::compile(&program, sources);
    let opts = mandate::lint::Options {
        deny_unverified: true,
        ..mandate::lint::Options::on(2026, 11, 27)
    };
    g.bench_function("lints", |b| {
        b.iter(|| black_box(mandate::lint::lint(&program, &tables, &opts)))
    });
    // The semantic diff against a copy with one rule changed.
    let mut changed = mandate::source::Sources::new();
    for (_, f) in sources.iter() {
        let text = if f.name.ends_with("ca.policy") {
            f.text.replacen(
                "then must_report to [potential_victim, law_enforcement]",
                "then may_disclose to [potential_victim, law_enforcement]",
                1,
            )
        } else {
            f.text.to_string()
        };
        changed.add(f.name.clone(), text);
    }
    let other = mandate::pipeline::analyse(changed, Vec::new())
        .tables
        .expect("the changed copy compiles");
    assert_eq!(
        mandate::diff::diff(&tables, &other).len(),
        1,
        "the copy differs in one jurisdiction"
    );
    g.bench_function("diff", |b| {
        b.iter(|| black_box(mandate::diff::diff(&tables, &other)))
    });
    g.finish();
}

/// One jurisdiction of `n` rules in the given shape, with the shipped
/// schema and baseline: the corpus `mandate check` would read.
fn one_jurisdiction(shape: &str, n: usize) -> mandate::source::Sources {
    let roles = [
        "psychologist",
        "psychiatrist",
        "counselor",
        "social_worker",
        "marriage_family_therapist",
    ];
    let mut text = String::from("jurisdiction ZZ \"Demo\" extends US {\n  reviewed 2026-11-27\n");
    for i in 0..n {
        let when = match shape {
            // Every rule tests the same facts: all overlap, all agree.
            "duplicated" => {
                "concern == danger_to_others and victim_age == 30 and threat_serious".to_string()
            }
            // Distinct (age, role) pairs, as far as the domain allows.
            "disjoint" => format!(
                "concern == danger_to_others and victim_age == {} and role == {}",
                i % 131,
                roles[(i / 131) % roles.len()]
            ),
            // The reported case: 50 ages, each repeated by hundreds of
            // rules that all agree.
            "repeated" => format!(
                "concern == danger_to_others and victim_age == {} and threat_serious",
                i % 50
            ),
            // Nested intervals: each overlaps many others.
            _ => format!(
                "concern == danger_to_others and victim_age >= {} and threat_serious",
                i % 131
            ),
        };
        text.push_str(&format!(
            "  rule r{i} {{\n    when {when}\n    then may_disclose to [law_enforcement]\n    cite \"Demo § {i}\"\n  }}\n"
        ));
    }
    text.push_str("}\n");
    let mut sources = mandate::loader::embedded().sources;
    sources.add("zz.policy", text);
    sources
}

/// `mandate check` of one large jurisdiction: analysis, lints and the
/// rendered report (rendering once scanned the file per finding).
fn bench_one_jurisdiction(c: &mut Criterion) {
    let mut g = c.benchmark_group("one_jurisdiction");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    let opts = mandate::lint::Options::on(2026, 11, 27);
    for shape in ["disjoint", "overlapping", "duplicated", "repeated"] {
        for n in [2_500usize, 5_000, 10_000, 20_000] {
            let sources = one_jurisdiction(shape, n);
            g.bench_with_input(BenchmarkId::new(shape, n), &sources, |b, s| {
                b.iter(|| {
                    let a = mandate::pipeline::analyse_with(s.clone(), Vec::new(), &opts);
                    black_box(mandate::diag::render_all(&a.diags, &a.sources).len())
                })
            });
            // What `decide --policies` does before it answers: compile
            // (no lints, no policy tests) and index the one table.
            g.bench_with_input(
                BenchmarkId::new(format!("answer_{shape}"), n),
                &sources,
                |b, s| {
                    b.iter(|| {
                        let a = mandate::pipeline::compile_sources(s.clone(), Vec::new());
                        let tables = a.tables.expect("compiles");
                        let zz = tables.get("ZZ").expect("ZZ");
                        black_box(mandate::table::TableIndex::new(&tables.columns, zz))
                    })
                },
            );
        }
    }
    g.finish();
}

fn bench_scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for n in [100usize, 1000, 10_000] {
        let text = mandate::testkit::synthetic::jurisdiction(n, 7);
        let mut base = mandate::loader::embedded().sources;
        base.add("synthetic.policy", text);
        let opts = mandate::lint::Options::on(2026, 11, 27);
        g.bench_with_input(BenchmarkId::new("analyse", n), &base, |b, s| {
            b.iter(|| {
                black_box(mandate::pipeline::analyse_with(
                    s.clone(),
                    Vec::new(),
                    &opts,
                ))
            })
        });
        let tables = mandate::pipeline::analyse(base, Vec::new())
            .tables
            .expect("synthetic compiles");
        let zz = tables
            .tables
            .iter()
            .position(|t| t.jurisdiction == "ZZ")
            .expect("ZZ");
        let decider = tables.decider();
        let work = workload(&tables, Some(zz), 2);
        g.bench_with_input(BenchmarkId::new("decide", n), &n, |b, _| {
            b.iter_custom(|iters| {
                cycle(iters, work.len(), |k| {
                    let (t, values) = &work[k];
                    decider.decide(&tables, *t, black_box(values))
                })
            })
        });
    }
    g.finish();
}

fn criterion_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("criterion")
}

/// The median (ns) criterion recorded for a benchmark, from its estimates.
fn median(dir: &Path, id: &str) -> Option<f64> {
    let path = dir.join(id).join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn show(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn summary(dir: &Path) {
    let m = |id: &str| median(dir, id);
    println!("\n== mandate: medians of this run ==");
    let rows: [(&str, &str, &str); 8] = [
        (
            "decide/corpus_indexed",
            "one decision, shipped corpus, random facts",
            "< 100 ns",
        ),
        (
            "decide/corpus_linear",
            "the same, plain first-match scan",
            "",
        ),
        (
            "corpus/check+compile",
            "parse + check + compile, whole corpus",
            "< 20 ms",
        ),
        ("corpus/parse", "parse alone, whole corpus", ""),
        ("corpus/check", "check alone (names, types, schema)", ""),
        (
            "corpus/compile (conflicts, shadowing)",
            "compile with conflict and dead-rule analysis",
            "",
        ),
        (
            "corpus/lints",
            "lints (redundant, unused, untested, stale, unverified)",
            "",
        ),
        (
            "corpus/diff",
            "semantic diff, corpus vs one changed rule",
            "",
        ),
    ];
    for (id, what, target) in rows {
        if let Some(ns) = m(id) {
            println!("{:<44} {:>10}  {target}", what, show(ns));
        }
    }
    for n in [100, 1000, 10_000] {
        if let (Some(a), Some(d)) = (
            m(&format!("scaling/analyse/{n}")),
            m(&format!("scaling/decide/{n}")),
        ) {
            println!("synthetic {n:>6} rules: analyse {:>10} (target < 1 s at 10,000), decide {:>9} (target < 200 ns)", show(a), show(d));
        }
    }
    if let (Some(t), Some(d)) = (m("cli/true"), m("cli/decide")) {
        println!(
            "`mandate decide` end to end {:>10}, /bin/true {:>10}: {:.2}x (target <= 3x)",
            show(d),
            show(t),
            d / t
        );
    }
    for shape in ["disjoint", "overlapping", "duplicated", "repeated"] {
        let row: Vec<String> = [2_500, 5_000, 10_000, 20_000]
            .iter()
            .filter_map(|n| {
                m(&format!("one_jurisdiction/{shape}/{n}")).map(|t| format!("{n}: {}", show(t)))
            })
            .collect();
        if !row.is_empty() {
            println!(
                "check, one jurisdiction, {shape:<11} {} (target < 10 s at 20,000)",
                row.join(", ")
            );
        }
        let row: Vec<String> = [2_500, 5_000, 10_000, 20_000]
            .iter()
            .filter_map(|n| {
                m(&format!("one_jurisdiction/answer_{shape}/{n}"))
                    .map(|t| format!("{n}: {}", show(t)))
            })
            .collect();
        if !row.is_empty() {
            println!(
                "compile + index (decide --policies), {shape:<11} {} (target < 2 s at 10,000)",
                row.join(", ")
            );
        }
    }
    if let (Some(i), Some(l)) = (m("decide/corpus_indexed"), m("decide/corpus_linear")) {
        println!("index speed-up over the linear scan: {:.1}x", l / i);
    }
    if let (Some(a), Some(b)) = (m("scaling/analyse/1000"), m("scaling/analyse/10000")) {
        println!(
            "analyse 1,000 -> 10,000 rules: {:.1}x the time for 10x the rules",
            b / a
        );
    }
}

/// `mandate decide` end to end, as a process, paired with `/bin/true` in
/// the same run: the binary is the one cargo built for this bench (the
/// bench profile, which is the release profile), answering from its
/// built-in corpus in a directory without `policies/`.
fn bench_cli(c: &mut Criterion) {
    let exe = env!("CARGO_BIN_EXE_mandate");
    let run = |cmd: &str, args: &[&str]| {
        let status = std::process::Command::new(cmd)
            .args(args)
            .current_dir(std::env::temp_dir())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("the process starts");
        assert!(status.success(), "{cmd} {args:?} failed");
    };
    let decide = [
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=10",
    ];
    let mut g = c.benchmark_group("cli");
    g.sample_size(200);
    g.bench_function("true", |b| b.iter(|| run("/bin/true", &[])));
    g.bench_function("decide", |b| b.iter(|| run(exe, &decide)));
    g.finish();
}

fn main() {
    let dir = criterion_dir();
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    let (sources, tables) = corpus();
    bench_decide(&mut c, &tables);
    bench_corpus(&mut c, &sources);
    bench_scaling(&mut c);
    bench_one_jurisdiction(&mut c);
    bench_cli(&mut c);
    c.final_summary();
    summary(&dir);
}
