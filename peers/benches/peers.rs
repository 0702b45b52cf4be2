//! mandate against cedar-policy, regorus (its bytecode VM) and a
//! hand-written Rust `match`, on the same decisions, in one run:
//! `cargo bench -p mandate-peers`. Every engine's answers are checked
//! equal on the whole workload before anything is timed.

use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request};
use criterion::Criterion;
use mandate::table::Tables;
use mandate::testkit::synthetic::{cycle, facts, Rng};
use mandate_peers::{california, cedar, facts_json, rego};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Facts per workload: random, and few enough to stay in cache, as the facts of
/// a real question are (they were just built).
const N: usize = 256;

fn tables() -> Tables {
    let loaded = mandate::loader::embedded();
    mandate::pipeline::analyse(loaded.sources, loaded.diags)
        .tables
        .expect("the shipped corpus compiles")
}

fn vm_for(tables: &Tables, t: usize) -> RegoVM {
    let table = &tables.tables[t];
    let module = rego(tables, table);
    let entry = format!(
        "data.mandate.{}.decision",
        table.jurisdiction.to_lowercase()
    );
    let mut engine = Engine::new();
    engine
        .add_policy(format!("{}.rego", table.jurisdiction), module.clone())
        .unwrap_or_else(|e| panic!("{e}\n{module}"));
    let compiled = engine
        .compile_with_entrypoint(&Rc::from(entry.as_str()))
        .unwrap_or_else(|e| panic!("{e}\n{module}"));
    let program =
        Compiler::compile_from_policy(&compiled, &[entry.as_str()]).expect("compiles to the VM");
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm
}

fn cedar_row(
    authorizer: &Authorizer,
    request: &Request,
    policies: &PolicySet,
    entities: &Entities,
) -> usize {
    let response = authorizer.is_authorized(request, policies, entities);
    // Policies are added in row order, so the N in their id `policyN` is the row.
    response
        .diagnostics()
        .reason()
        .map(|id| {
            id.to_string()
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse::<usize>()
                .expect("policy ids end in their row")
        })
        .min()
        .expect("the last row always matches")
}

fn main() {
    let tables = tables();
    let decider = tables.decider();
    let mut rng = Rng::new(3);
    let ca = tables
        .tables
        .iter()
        .position(|t| t.jurisdiction == "CA")
        .expect("CA");
    let work: Vec<(usize, Vec<Option<i64>>)> = (0..N)
        .map(|_| {
            (
                rng.below(tables.tables.len() as u64) as usize,
                facts(&tables.columns, &mut rng),
            )
        })
        .collect();
    let ca_work: Vec<Vec<Option<i64>>> = (0..N).map(|_| facts(&tables.columns, &mut rng)).collect();

    // The public API's hot path on the same CA decisions: names resolved
    // once, each decision's facts given as typed keys and values.
    let api = mandate::Policies::embedded().expect("the built-in corpus loads");
    let api_ca = api.jurisdiction("CA").expect("CA");
    let keys: Vec<mandate::FactKey> = tables
        .columns
        .iter()
        .map(|c| api.fact_key(&c.name).expect("same schema"))
        .collect();
    let typed: Vec<Vec<(mandate::FactKey, mandate::Encoded)>> = ca_work
        .iter()
        .map(|v| {
            v.iter()
                .enumerate()
                .filter_map(|(c, x)| {
                    let shown = tables.columns[c].show((*x)?);
                    Some((
                        keys[c],
                        api.encode(keys[c], shown).expect("a value of the fact"),
                    ))
                })
                .collect()
        })
        .collect();
    let mut prepared = api.prepare(&mandate::Facts::new()).expect("no facts");
    // Each request's facts prepared once, as a service does when it
    // decides one request in several jurisdictions or answers and
    // explains it: the match's input is likewise encoded before timing.
    let requests_ca: Vec<mandate::Prepared> = typed
        .iter()
        .map(|facts| {
            let mut p = prepared.clone();
            p.assign(facts);
            p
        })
        .collect();

    // Peers, built once per jurisdiction.
    let mut vms: Vec<RegoVM> = (0..tables.tables.len())
        .map(|t| vm_for(&tables, t))
        .collect();
    let policies: Vec<PolicySet> = tables
        .tables
        .iter()
        .map(|t| PolicySet::from_str(&cedar(&tables, t)).expect("cedar parses"))
        .collect();
    let authorizer = Authorizer::new();
    let entities = Entities::empty();
    let (p, a, r) = (
        EntityUid::from_str(r#"Clinic::"c""#).expect("uid"),
        EntityUid::from_str(r#"Action::"decide""#).expect("uid"),
        EntityUid::from_str(r#"Case::"x""#).expect("uid"),
    );
    let requests: Vec<Request> = work
        .iter()
        .map(|(_, v)| {
            Request::new(
                p.clone(),
                a.clone(),
                r.clone(),
                Context::from_json_value(facts_json(&tables.columns, v), None).expect("context"),
                None,
            )
            .expect("request")
        })
        .collect();
    let inputs: Vec<Value> = work
        .iter()
        .map(|(_, v)| {
            Value::from_json_str(&facts_json(&tables.columns, v).to_string()).expect("input")
        })
        .collect();

    // Equivalence on every decision of the workload, before timing.
    for (k, (t, v)) in work.iter().enumerate() {
        let want = decider
            .decide(&tables, *t, v)
            .expect("complete facts decide")
            .row;
        vms[*t].set_input(inputs[k].clone());
        let got = vms[*t].execute().expect("rego evaluates");
        assert_eq!(
            got,
            Value::from(want as u64),
            "regorus disagrees on {} {v:?}",
            tables.tables[*t].jurisdiction
        );
        assert_eq!(
            cedar_row(&authorizer, &requests[k], &policies[*t], &entities),
            want,
            "cedar disagrees on {} {v:?}",
            tables.tables[*t].jurisdiction
        );
    }
    for ((v, facts), request) in ca_work.iter().zip(&typed).zip(&requests_ca) {
        let d = decider.decide(&tables, ca, v).expect("decides");
        assert_eq!(
            california(v),
            tables.tables[ca].outcomes[d.outcome].rule,
            "the hand-written match disagrees on {v:?}"
        );
        prepared.assign(facts);
        let through_api = api.decide_prepared(api_ca, &prepared).expect("decides");
        assert_eq!(
            through_api.rule(),
            california(v),
            "the public API disagrees on {v:?}"
        );
        let per_request = api.decide_prepared(api_ca, request).expect("decides");
        assert_eq!(
            per_request.rule(),
            california(v),
            "the public API disagrees on {v:?} prepared once"
        );
    }
    // A wider check than the timed workload: 4,096 more random decisions.
    const WIDE: usize = 4096;
    for _ in 0..WIDE {
        let t = rng.below(tables.tables.len() as u64) as usize;
        let v = facts(&tables.columns, &mut rng);
        let want = decider
            .decide(&tables, t, &v)
            .expect("complete facts decide");
        vms[t].set_input(
            Value::from_json_str(&facts_json(&tables.columns, &v).to_string()).expect("input"),
        );
        assert_eq!(
            vms[t].execute().expect("rego evaluates"),
            Value::from(want.row as u64),
            "regorus disagrees on {} {v:?}",
            tables.tables[t].jurisdiction
        );
        let request = Request::new(
            p.clone(),
            a.clone(),
            r.clone(),
            Context::from_json_value(facts_json(&tables.columns, &v), None).expect("context"),
            None,
        )
        .expect("request");
        assert_eq!(
            cedar_row(&authorizer, &request, &policies[t], &entities),
            want.row,
            "cedar disagrees on {} {v:?}",
            tables.tables[t].jurisdiction
        );
        if t == ca {
            assert_eq!(
                california(&v),
                tables.tables[ca].outcomes[want.outcome].rule,
                "the hand-written match disagrees on {v:?}"
            );
        }
    }
    println!(
        "equivalence: mandate, regorus and cedar agree on {} decisions across {} jurisdictions (the {N} timed and {WIDE} more); the hand-written match agrees on every CA decision",
        N + WIDE,
        tables.tables.len()
    );

    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion");
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    let mut g = c.benchmark_group("peers");
    g.bench_function("mandate", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                let (t, v) = &work[k];
                decider.decide(&tables, *t, black_box(v))
            })
        })
    });
    // The same decisions under criterion's plain `iter`, whose bookkeeping
    // cost up to a nanosecond per decision on earlier layouts of the index:
    // reported beside, so the ratio does not rest on the choice of loop.
    let mut i = 0usize;
    g.bench_function("mandate_iter", |b| {
        b.iter(|| {
            let (t, v) = &work[i % N];
            i += 1;
            decider.decide(&tables, *t, black_box(v))
        })
    });
    g.bench_function("regorus_vm", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                let vm = &mut vms[work[k].0];
                vm.set_input(black_box(inputs[k].clone()));
                vm.execute().expect("evaluates")
            })
        })
    });
    g.bench_function("cedar", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                authorizer.is_authorized(black_box(&requests[k]), &policies[work[k].0], &entities)
            })
        })
    });
    g.bench_function("mandate_ca", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                decider.decide(&tables, ca, black_box(&ca_work[k]))
            })
        })
    });
    g.bench_function("api_ca", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                prepared.assign(black_box(&typed[k]));
                api.decide_prepared(api_ca, &prepared)
                    .map(|d| d.rule().len())
                    .unwrap_or(0)
            })
        })
    });
    g.bench_function("api_ca_prepared", |b| {
        b.iter_custom(|iters| {
            cycle(iters, N, |k| {
                api.decide_prepared(api_ca, black_box(&requests_ca[k]))
                    .map(|d| d.rule().len())
                    .unwrap_or(0)
            })
        })
    });
    g.bench_function("match_ca", |b| {
        b.iter_custom(|iters| cycle(iters, N, |k| california(black_box(&ca_work[k]))))
    });
    g.finish();
    c.final_summary();

    let median = |id: &str| -> Option<f64> {
        let text =
            std::fs::read_to_string(dir.join("peers").join(id).join("new/estimates.json")).ok()?;
        serde_json::from_str::<serde_json::Value>(&text).ok()?["median"]["point_estimate"].as_f64()
    };
    println!("\n== mandate vs peers: medians per decision in this run ==");
    if let (Some(m), Some(rv), Some(cd), Some(mca), Some(hm)) = (
        median("mandate"),
        median("regorus_vm"),
        median("cedar"),
        median("mandate_ca"),
        median("match_ca"),
    ) {
        println!("mandate (all jurisdictions)   {m:>10.1} ns");
        println!("regorus VM                    {rv:>10.1} ns   mandate is {:.0}x faster (target >= 500x)", rv / m);
        println!("cedar-policy                  {cd:>10.1} ns   mandate is {:.0}x faster (target >= 50x)", cd / m);
        if let Some(mi) = median("mandate_iter") {
            println!(
                "mandate, criterion's iter     {mi:>10.1} ns   regorus/this: {:.0}x",
                rv / mi
            );
        }
        println!("mandate, CA only              {mca:>10.1} ns");
        println!("hand-written match, CA        {hm:>10.1} ns   mandate takes {:.2}x the match (target <= 3x)", mca / hm);
        if let Some(api) = median("api_ca_prepared") {
            println!("public API, CA, per request   {api:>10.1} ns   takes {:.2}x the match (target <= 2x)", api / hm);
        }
        if let Some(api) = median("api_ca") {
            println!(
                "public API, CA, + assign      {api:>10.1} ns   takes {:.2}x the match",
                api / hm
            );
        }
    }
}
