//! Each jurisdiction becomes one decision table. Rows are ordered by
//! priority (more specific jurisdiction first, then `overrides`), so the
//! evaluator can stop at the first match; conflicts and dead rules are
//! found here, exactly, on the same regions the rows are built from.

pub mod priority;

mod dnf;

use crate::table::cube::{self, Cube};

use crate::check::{Decision, Program, Schema};
use crate::diag::{Code, Diagnostic};
use crate::source::Sources;
use crate::table::{
    decision_text, Column, ColumnType, EnumDoc, Outcome, Row, Set, Table, Tables, Test, VariantDoc,
};
use priority::Effective;

/// Rows per table: beyond this a jurisdiction is refused (E021).
pub const MAX_ROWS: usize = 200_000;
/// Conflicts reported per jurisdiction: past this, the search stops (a
/// file with thousands of clashing rules needs a different fix anyway).
pub const MAX_CONFLICTS: usize = 50;

/// Compile every jurisdiction. Tables are produced even when there are
/// conflicts (the first rule in priority order wins there), but callers
/// must treat error diagnostics as failure.
pub fn compile(program: &Program, sources: &Sources) -> (Tables, Vec<Diagnostic>) {
    compile_where(program, sources, |_| true)
}

/// [`compile`] for the jurisdictions `keep` accepts (by index); the others
/// get no table.
pub fn compile_where(
    program: &Program,
    sources: &Sources,
    keep: impl Fn(usize) -> bool,
) -> (Tables, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let columns = columns(&program.schema);
    let mut tables = Vec::new();
    for j in (0..program.jurisdictions.len()).filter(|&j| keep(j)) {
        tables.push(compile_one(program, sources, j, &mut diags));
    }
    crate::diag::sort(&mut diags);
    let enums = program
        .schema
        .enums
        .iter()
        .map(|e| EnumDoc {
            name: e.name.clone(),
            variants: e
                .variants
                .iter()
                .map(|v| VariantDoc {
                    name: v.name.clone(),
                    doc: v.doc.clone(),
                })
                .collect(),
        })
        .collect();
    (
        Tables {
            columns,
            enums,
            tables,
        },
        diags,
    )
}

pub fn columns(schema: &Schema) -> Vec<Column> {
    schema
        .facts
        .iter()
        .map(|f| Column {
            name: f.name.clone(),
            ty: match f.ty {
                crate::check::FactType::Bool => ColumnType::Bool,
                crate::check::FactType::Int { lo, hi } => ColumnType::Int { lo, hi },
                crate::check::FactType::Date { lo, hi } => ColumnType::Date { lo, hi },
                crate::check::FactType::Enum(e) => ColumnType::Enum {
                    name: schema.enums[e].name.clone(),
                    variants: schema.enums[e]
                        .variants
                        .iter()
                        .map(|v| v.name.clone())
                        .collect(),
                },
            },
            default: f.default,
            default_today: f.default_today,
            doc: f.doc.clone(),
        })
        .collect()
}

fn describe(schema: &Schema, d: &Decision) -> String {
    let names: Vec<&str> =
        d.to.iter()
            .map(|&r| schema.recipients().variants[r].name.as_str())
            .collect();
    decision_text(
        d.action,
        &names,
        d.any_of,
        d.within.as_ref(),
        d.written.as_ref(),
    )
}

fn compile_one(
    program: &Program,
    sources: &Sources,
    j: usize,
    diags: &mut Vec<Diagnostic>,
) -> Table {
    let schema = &program.schema;
    let jur = &program.jurisdictions[j];
    let eff = priority::effective(program, j);
    let mut cubes: Vec<Vec<Cube>> = Vec::with_capacity(eff.len());
    for e in &eff {
        let rule = e.rule(program);
        match dnf::dnf(schema, &rule.cond) {
            Ok(c) => cubes.push(c),
            Err(dnf::TooBig) => {
                if e.depth == 0 {
                    diags.push(
                        Diagnostic::new(
                            Code::Limit,
                            format!(
                                "the condition of `{}` expands to more than {} cases",
                                rule.name,
                                dnf::MAX_CUBES
                            ),
                        )
                        .label(rule.name_span, "too complex")
                        .help("split the rule into several rules with simpler conditions"),
                    );
                }
                cubes.push(Vec::new());
            }
        }
    }
    let beats = priority::Beats::new(program, &eff);
    let order = beats.order(&eff);

    let rows: usize = cubes.iter().map(Vec::len).sum();
    if rows > MAX_ROWS {
        diags.push(
            Diagnostic::new(
                Code::Limit,
                format!(
                    "`{}` compiles to {rows} table rows, more than the limit of {MAX_ROWS}",
                    jur.code
                ),
            )
            .label(jur.code_span, "too large")
            .help("simplify conditions with many `or` and `not`, or split the jurisdiction"),
        );
        cubes.iter_mut().for_each(Vec::clear);
    } else {
        find_conflicts(program, j, &eff, &cubes, &beats, diags);
        find_dead(program, &eff, &cubes, &beats, diags);
    }

    let mut rows = Vec::new();
    let mut outcomes = Vec::new();
    for &k in &order {
        let e = &eff[k];
        let rule = e.rule(program);
        let owner = &program.jurisdictions[e.jur];
        let outcome = outcomes.len() as u32;
        outcomes.push(Outcome {
            rule: format!("{}.{}", owner.code, rule.name),
            jurisdiction: owner.code.clone(),
            action: rule.decision.action,
            to: rule
                .decision
                .to
                .iter()
                .map(|&r| schema.recipients().variants[r].name.clone())
                .collect(),
            any_of: rule.decision.any_of,
            within: rule.decision.within.clone(),
            written_within: rule.decision.written.clone(),
            citations: rule.cites.clone(),
            notes: rule.notes.clone(),
            unverified: rule.unverified.clone(),
            file: sources.get(rule.span.file).name.clone(),
            line: sources.line(rule.span),
            condition: rule.when_text.clone(),
            effective: rule.effective.map(|(d, _)| d),
            until: rule.until.map(|(d, _)| d),
        });
        for cube in &cubes[k] {
            rows.push(Row {
                tests: tests_of(schema, cube),
                outcome,
            });
        }
    }
    // The defaults, in the order they are tried: each dated one tests the
    // date. When together they cover every day, the last one needs no
    // test (a day that reaches it is one of its own), so the table still
    // ends with a row that always matches.
    let date = schema.fact_index(crate::table::DATE_FACT);
    let defaults = program.defaults_of(j);
    let total = program.default_gap(j).is_none();
    for (k, &(dj, d)) in defaults.iter().enumerate() {
        let owner = &program.jurisdictions[dj];
        outcomes.push(Outcome {
            rule: format!("{}.default", owner.code),
            jurisdiction: owner.code.clone(),
            action: d.action,
            to: Vec::new(),
            any_of: false,
            within: None,
            written_within: None,
            citations: d.cites.clone(),
            notes: Vec::new(),
            unverified: None,
            file: sources.get(d.span.file).name.clone(),
            line: sources.line(d.span),
            condition: String::new(),
            effective: d.effective.map(|(x, _)| x),
            until: d.until.map(|(x, _)| x),
        });
        let last = k + 1 == defaults.len();
        let tests = match (d.days, date) {
            (Some((lo, hi)), Some(f))
                if !(last && total) && Set::Range(lo, hi) != schema.domain(f) =>
            {
                vec![Test {
                    col: f as u32,
                    set: Set::Range(lo, hi),
                }]
            }
            _ => Vec::new(),
        };
        rows.push(Row {
            tests,
            outcome: (outcomes.len() - 1) as u32,
        });
    }
    Table {
        jurisdiction: jur.code.clone(),
        name: jur.name.clone(),
        chain: program
            .chain(j)
            .iter()
            .map(|&c| program.jurisdictions[c].code.clone())
            .collect(),
        rows,
        outcomes,
    }
}

/// Tests for the columns a cube actually restricts.
fn tests_of(schema: &Schema, cube: &Cube) -> Vec<Test> {
    cube.iter()
        .enumerate()
        .filter(|(f, set)| **set != schema.domain(*f))
        .map(|(f, set)| Test {
            col: f as u32,
            set: *set,
        })
        .collect()
}

/// Two rules of this jurisdiction conflict when some facts match both,
/// no matching rule beats either of them, and they decide differently.
/// Inherited pairs are checked when their own jurisdiction is compiled.
fn find_conflicts(
    program: &Program,
    j: usize,
    eff: &[Effective],
    cubes: &[Vec<Cube>],
    beats: &priority::Beats,
    diags: &mut Vec<Diagnostic>,
) {
    let schema = &program.schema;
    let own: Vec<usize> = (0..eff.len()).filter(|&k| eff[k].depth == 0).collect();
    // Rules that decide alike never conflict, so partners are looked for
    // only among the rules that decide otherwise: thousands of rules that
    // all overlap and all agree cost nothing. Decisions are told apart by
    // their debug text (a Duration is not hashable); few distinct ones get
    // an index each, many share one index and are told apart pair by pair.
    let mut classes: std::collections::HashMap<String, usize> = Default::default();
    let mut class: Vec<usize> = vec![0; eff.len()];
    for &k in &own {
        let key = format!("{:?}", eff[k].rule(program).decision);
        let next = classes.len();
        class[k] = *classes.entry(key).or_insert(next);
    }
    if classes.len() < 2 {
        return;
    }
    const MAX_CLASS_INDEXES: usize = 16;
    let per_class = classes.len() <= MAX_CLASS_INDEXES;
    let groups = if per_class { classes.len() } else { 1 };
    // Candidate pairs come from indexes over the own rules' cubes, so a
    // large jurisdiction is not compared pair by pair.
    let mut flat: Vec<Vec<Cube>> = vec![Vec::new(); groups];
    let mut owner: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for &k in &own {
        let g = if per_class { class[k] } else { 0 };
        for c in &cubes[k] {
            flat[g].push(c.clone());
            owner[g].push(k);
        }
    }
    let full = dnf::full(schema);
    let indexes: Vec<cube::CubeIndex> = flat
        .iter()
        .map(|f| cube::CubeIndex::new(&full, f))
        .collect();
    let mut found = 0usize;
    for &a in &own {
        if found >= MAX_CONFLICTS {
            diags.push(
                Diagnostic::new(
                    Code::Limit,
                    format!(
                        "{MAX_CONFLICTS} conflicts reported in `{}`; the search stopped there",
                        program.jurisdictions[j].code
                    ),
                )
                .label(program.jurisdictions[j].code_span, "too many conflicts")
                .help("fix the conflicts reported, then check again"),
            );
            return;
        }
        let mut partners: Vec<usize> = Vec::new();
        for (g, index) in indexes.iter().enumerate() {
            if per_class && g == class[a] {
                continue;
            }
            for c in &cubes[a] {
                partners.extend(index.iter(c).map(|i| owner[g][i]).filter(|&b| b > a));
            }
        }
        partners.sort_unstable();
        partners.dedup();
        for b in partners {
            let (ra, rb) = (eff[a].rule(program), eff[b].rule(program));
            if ra.decision == rb.decision || beats.beats(a, b) || beats.beats(b, a) {
                continue;
            }
            let mut both: Vec<Cube> = Vec::new();
            for ca in &cubes[a] {
                for cb in &cubes[b] {
                    if let Some(c) = cube::intersect(ca, cb) {
                        both.push(c);
                    }
                }
            }
            if both.is_empty() {
                continue;
            }
            let mut beaters = beats.beaters(a);
            beaters.extend(beats.beaters(b));
            let stronger: Vec<Cube> = beaters
                .iter()
                .flat_map(|&c| cubes[c].iter().cloned())
                .collect();
            let clash = cube::subtract_all(both, &stronger);
            let Some(cube) = clash.first() else { continue };
            found += 1;
            let point = dnf::witness(schema, cube);
            let mut read = Vec::new();
            ra.cond.facts(&mut read);
            rb.cond.facts(&mut read);
            read.sort_unstable();
            read.dedup();
            let given: Vec<String> = read
                .iter()
                .map(|&f| {
                    format!(
                        "{} = {}",
                        schema.facts[f].name,
                        schema.show_value(f, point[f])
                    )
                })
                .collect();
            let code = &program.jurisdictions[j].code;
            let test = format!(
                "test \"{code}: {} or {}?\" {{\n  given {}\n  expect {}\n}}",
                ra.name,
                rb.name,
                given.join(", "),
                describe(schema, &ra.decision)
            );
            diags.push(
                Diagnostic::new(Code::Conflict, format!("rules `{}` and `{}` conflict in `{code}`", ra.name, rb.name))
                    .label(ra.name_span, format!("decides {}", describe(schema, &ra.decision)))
                    .label(rb.name_span, format!("decides {}", describe(schema, &rb.decision)))
                    .help(format!(
                        "both match when {}, and neither overrides the other; add `overrides {}` to `{}` (or the reverse), or narrow a condition. Then pin the answer with this test (edit `expect` if `{}` should win):\n\n{test}",
                        given.join(", "),
                        rb.name,
                        ra.name,
                        rb.name
                    )),
            );
        }
    }
}

/// A rule of this jurisdiction that some stronger rules cover entirely.
fn find_dead(
    program: &Program,
    eff: &[Effective],
    cubes: &[Vec<Cube>],
    beats: &priority::Beats,
    diags: &mut Vec<Diagnostic>,
) {
    for (r, e) in eff.iter().enumerate() {
        if e.depth != 0 {
            continue;
        }
        let rule = e.rule(program);
        let stronger: Vec<usize> = beats.beaters(r);
        let minus: Vec<Cube> = stronger
            .iter()
            .flat_map(|&c| cubes[c].iter().cloned())
            .collect();
        if !cube::subtract_all(cubes[r].clone(), &minus).is_empty() {
            continue;
        }
        let shadows: Vec<String> = stronger
            .iter()
            .filter(|&&c| {
                cubes[c]
                    .iter()
                    .any(|x| cubes[r].iter().any(|y| cube::intersect(x, y).is_some()))
            })
            .map(|&c| {
                format!(
                    "`{}.{}`",
                    program.jurisdictions[eff[c].jur].code,
                    eff[c].rule(program).name
                )
            })
            .collect();
        let (msg, help) = if cubes[r].is_empty() {
            (
                format!("rule `{}` can never match", rule.name),
                "its condition is unsatisfiable; correct it or delete the rule".to_string(),
            )
        } else {
            (
                format!("rule `{}` can never decide: {} always {}", rule.name, shadows.join(", "), if shadows.len() == 1 { "wins" } else { "win" }),
                "delete the rule, narrow the rules that shadow it, or add `overrides` if it should win".to_string(),
            )
        };
        diags.push(
            Diagnostic::new(Code::DeadRule, msg)
                .label(rule.name_span, "never decides")
                .help(help),
        );
    }
}

/// Is a set the whole domain of its column? (Used by the linters.)
pub fn is_full(schema: &Schema, f: usize, set: &Set) -> bool {
    *set == schema.domain(f)
}
