//! The public API: load policies once, then decide.
//!
//! Everything a clinic app, the CLI and the other front ends need goes
//! through [`Policies`]; the compiler's stages stay inside the crate.

mod answer;
mod ask;
mod combine;
mod diagnostics;
mod facts;
mod notice;
mod schema;
pub(crate) mod signing;
pub(crate) mod words;

pub use answer::{
    Answer, Assumption, CorpusId, DecideError, Decision, FactValue, Upcoming, DISCLAIMER,
    UPCOMING_DAYS,
};
use answer::{RuleTexts, SharedTexts};
pub use ask::Next;
pub use combine::{Combined, Merged};
pub use diagnostics::{Diagnostics, Problem};
pub use facts::{Facts, FactsError, Value};
pub use notice::{Footnote, Item, Notice, Section};
pub use schema::{Fact, FactKind, Jurisdiction, Schema, Variant};

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::loader::{self, Loaded};
use crate::source::Sources;
use crate::table::{Column, EnumDoc, Table, TableIndex, Tables, Values};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The largest artifact [`Policies::from_artifact`] reads: the shipped
/// corpus compiles to under 1 MiB.
pub const MAX_ARTIFACT_BYTES: u64 = 64 << 20;

/// A compiled corpus of jurisdictions, ready to answer.
///
/// ```
/// let policies = mandate::Policies::embedded()?;
/// let facts = mandate::Facts::new().with("concern", "child_abuse").with("victim_age", 10);
/// let answer = policies.decide("CA", &facts)?;
/// assert_eq!(answer.action.as_str(), "must_report");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Policies {
    columns: Vec<Column>,
    /// The day `as_of` defaults to, as days since 1970-01-01, when fixed
    /// by [`Policies::with_today`]; otherwise the system's date at each
    /// question, so a server running past midnight moves on with it.
    today: Option<i64>,
    /// Parsed on first use: only the schema and the tables need them.
    enums: OnceLock<Vec<EnumDoc>>,
    enums_json: Option<&'static str>,
    slots: Vec<Slot>,
    hash: Arc<str>,
    origin: Arc<str>,
    warnings: Diagnostics,
    all: OnceLock<Tables>,
}

/// One jurisdiction: its table, deserialized and indexed on first use.
struct Slot {
    code: Arc<str>,
    name: Arc<str>,
    /// The name as compared with what people type (see `normalize`).
    key: String,
    json: Option<&'static str>,
    ready: OnceLock<Ready>,
}

struct Ready {
    table: Table,
    index: TableIndex,
    /// Each outcome's texts as answers share them, and the days on which
    /// a row starts or stops being in force: pure functions of the table,
    /// so worked out once per jurisdiction instead of once per answer.
    texts: Vec<Arc<RuleTexts>>,
    change_days: Vec<i64>,
}

impl Ready {
    fn new(columns: &[Column], table: Table) -> Ready {
        Ready {
            index: TableIndex::new(columns, &table),
            texts: table
                .outcomes
                .iter()
                .map(|o| {
                    Arc::new(RuleTexts::new(
                        o,
                        words::outcome_sentence(o),
                        outcome_source(o),
                    ))
                })
                .collect(),
            change_days: crate::table::date_column(columns)
                .map(|c| table.change_days(c))
                .unwrap_or_default(),
            table,
        }
    }
}

/// A jurisdiction resolved once, for [`Policies::decide_prepared`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JurisdictionId(usize);

/// A fact resolved once, for [`Prepared::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactKey(usize);

/// A fact value in the tables' encoding, for [`Prepared::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoded(i64);

/// Facts resolved against the schema, reusable across decisions: reset
/// and set values without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    slots: Vec<FactSlot>,
    defaults: Vec<FactSlot>,
}

/// One fact's value, and whether it was given or assumed, in the 16 bytes
/// an `Option<i64>` takes: `set` is one store, `reset` one copy, and a
/// decision reads the slots in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FactSlot {
    Unknown,
    Assumed(i64),
    Given(i64),
}

impl FactSlot {
    #[inline(always)]
    fn value(self) -> Option<i64> {
        match self {
            FactSlot::Unknown => None,
            FactSlot::Assumed(v) | FactSlot::Given(v) => Some(v),
        }
    }
}

impl Prepared {
    /// Back to the schema defaults, nothing given.
    #[inline]
    pub fn reset(&mut self) {
        self.slots.copy_from_slice(&self.defaults);
    }

    /// Give one fact.
    #[inline]
    pub fn set(&mut self, key: FactKey, value: Encoded) {
        if let Some(slot) = self.slots.get_mut(key.0) {
            *slot = FactSlot::Given(value.0);
        }
    }

    /// Back to the schema defaults, then give `facts`: [`Prepared::reset`]
    /// and [`Prepared::set`] in one call, which a service deciding from a
    /// list of typed facts should prefer (the slots' address is loaded
    /// once, not again after every store).
    #[inline]
    pub fn assign(&mut self, facts: &[(FactKey, Encoded)]) {
        let slots = self.slots.as_mut_slice();
        slots.copy_from_slice(&self.defaults);
        for &(key, value) in facts {
            if let Some(slot) = slots.get_mut(key.0) {
                *slot = FactSlot::Given(value.0);
            }
        }
    }

    pub(crate) fn is_given(&self, col: usize) -> bool {
        matches!(self.slots.get(col), Some(FactSlot::Given(_)))
    }

    /// One value per column, `None` where unknown.
    pub(crate) fn values(&self) -> Vec<Option<i64>> {
        self.slots.iter().map(|s| s.value()).collect()
    }

    /// Fill an unknown or assumed fact, keeping it "not given": the
    /// interview completes facts nobody gave, to show what an answer
    /// rests on.
    pub(crate) fn assume(&mut self, col: usize, value: Option<i64>) {
        if let Some(slot) = self.slots.get_mut(col) {
            *slot = value.map_or(FactSlot::Unknown, FactSlot::Assumed);
        }
    }
}

impl Values for Prepared {
    #[inline(always)]
    fn value(&self, col: usize) -> Option<i64> {
        self.slots.get(col).and_then(|s| s.value())
    }
}

/// How the built-in corpus is named in outputs: it is versioned with the
/// binary.
pub(crate) fn builtin_origin() -> String {
    format!("built-in, mandate {}", env!("CARGO_PKG_VERSION"))
}

impl Policies {
    /// The corpus built into this binary, compiled when mandate was built.
    pub fn embedded() -> Result<Policies, Diagnostics> {
        match &loader::COMPILED {
            Some(c) => Policies::precompiled(c, &builtin_origin()),
            None => {
                let mut p = Policies::from_sources(loader::embedded())?;
                p.origin = builtin_origin().into();
                Ok(p)
            }
        }
    }

    /// A corpus directory (every `.policy` below it), or the corpus a
    /// policy file belongs to. Parsed, checked and compiled; lints and
    /// policy tests are for `mandate check` and `mandate test`.
    pub fn load(path: impl AsRef<Path>) -> Result<Policies, Diagnostics> {
        let path = path.as_ref();
        let loaded = loader::load(path).map_err(|e| {
            Diagnostics::new(
                vec![Diagnostic::new(Code::Unreadable, e.to_string())
                    .help("give a directory of .policy files")],
                Sources::new(),
            )
        })?;
        Policies::from_loaded(loaded, &path.display().to_string())
    }

    /// Policies from loaded text: the build-time tables when the text is
    /// the built-in corpus, byte for byte, else compiled now.
    pub(crate) fn from_loaded(loaded: Loaded, origin: &str) -> Result<Policies, Diagnostics> {
        if let Some(c) = &loader::COMPILED {
            if loaded.diags.is_empty() && loader::is_embedded(&loaded.sources) {
                return Policies::precompiled(c, origin);
            }
        }
        let mut p = Policies::from_sources(loaded)?;
        p.origin = origin.into();
        Ok(p)
    }

    /// Tables written by `mandate compile -o FILE`. The content hash is
    /// checked: it catches accidents, not a forger who recomputes it (see
    /// [`Policies::from_signed_artifact`]).
    pub fn from_artifact(reader: impl Read) -> Result<Policies, Diagnostics> {
        Policies::artifact(reader, None)
    }

    /// Tables written by `mandate compile --sign KEY -o FILE`, accepted
    /// only when signed by the private half of `public_key_pem` (an
    /// ed25519 public key in PEM, as `openssl pkey -pubout` writes it).
    /// Unsigned tables, tables signed by another key and tables changed
    /// after signing, hash recomputed or not, are refused.
    pub fn from_signed_artifact(
        reader: impl Read,
        public_key_pem: &str,
    ) -> Result<Policies, Diagnostics> {
        Policies::artifact(reader, Some(public_key_pem))
    }

    fn artifact(reader: impl Read, public_key_pem: Option<&str>) -> Result<Policies, Diagnostics> {
        let mut bytes = Vec::new();
        let fail = |msg: String, help: &str| {
            Diagnostics::new(
                vec![Diagnostic::new(Code::Unreadable, msg).help(help)],
                Sources::new(),
            )
        };
        let key = public_key_pem
            .map(signing::verifying_key)
            .transpose()
            .map_err(|e| fail(e.to_string(), e.help()))?;
        reader
            .take(MAX_ARTIFACT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read the tables: {e}"), "check the file"))?;
        if bytes.len() as u64 > MAX_ARTIFACT_BYTES {
            return Err(fail(
                format!("the tables are larger than {MAX_ARTIFACT_BYTES} bytes"),
                "this is not a mandate tables file",
            ));
        }
        let (tables, signature, format) = crate::table::parse_signed_artifact(&bytes, "the tables")
            .map_err(|e| fail(e.to_string(), e.help()))?;
        let hash = crate::table::artifact_hash(&tables);
        if let Some(key) = &key {
            signing::verify(format, &hash, signature.as_ref(), key)
                .map_err(|e| fail(e.to_string(), e.help()))?;
        }
        Ok(Policies::from_tables(
            tables,
            hash,
            if key.is_some() {
                "signed tables file".into()
            } else {
                "tables file".into()
            },
            None,
        ))
    }

    fn from_sources(loaded: Loaded) -> Result<Policies, Diagnostics> {
        let a = crate::compile_sources(loaded.sources, loaded.diags);
        match a.tables {
            Some(tables) => {
                let hash = crate::table::artifact_hash(&tables);
                let warnings = Diagnostics::new(a.diags, a.sources);
                Ok(Policies::from_tables(
                    tables,
                    hash,
                    "policies".into(),
                    Some(warnings),
                ))
            }
            None => Err(Diagnostics::new(a.diags, a.sources)),
        }
    }

    fn from_tables(
        tables: Tables,
        hash: String,
        origin: String,
        warnings: Option<Diagnostics>,
    ) -> Policies {
        let slots = tables
            .tables
            .iter()
            .map(|t| Slot {
                code: t.jurisdiction.as_str().into(),
                name: t.name.as_str().into(),
                key: normalize(&t.name),
                json: None,
                ready: OnceLock::from(Ready::new(&tables.columns, t.clone())),
            })
            .collect();
        Policies {
            today: None,
            columns: tables.columns.clone(),
            enums: OnceLock::from(tables.enums.clone()),
            enums_json: None,
            slots,
            hash: hash.into(),
            origin: origin.into(),
            warnings: warnings.unwrap_or_else(|| Diagnostics::new(Vec::new(), Sources::new())),
            all: OnceLock::from(tables),
        }
    }

    fn precompiled(c: &loader::Compiled, origin: &str) -> Result<Policies, Diagnostics> {
        let corrupt = |e: serde_json::Error| {
            Diagnostics::new(
                vec![Diagnostic::new(
                    Code::Unreadable,
                    format!("the built-in tables cannot be read: {e}"),
                )
                .help("rebuild mandate")],
                Sources::new(),
            )
        };
        let columns: Vec<Column> = serde_json::from_str(c.columns).map_err(corrupt)?;
        Ok(Policies {
            today: None,
            columns,
            enums: OnceLock::new(),
            enums_json: Some(c.enums),
            slots: c
                .tables
                .iter()
                .map(|(code, name, json)| Slot {
                    code: Arc::from(*code),
                    name: Arc::from(*name),
                    key: normalize(name),
                    json: Some(json),
                    ready: OnceLock::new(),
                })
                .collect(),
            hash: c.hash.into(),
            origin: origin.into(),
            warnings: Diagnostics::new(Vec::new(), Sources::new()),
            all: OnceLock::new(),
        })
    }

    /// The same policies, with `as_of` defaulting to `date` (`YYYY-MM-DD`)
    /// instead of the system's date (UTC): for tests, and for a service
    /// that must answer the same all day.
    pub fn with_today(mut self, date: &str) -> Result<Policies, FactsError> {
        let day = crate::table::parse_date(date.trim()).ok_or_else(|| FactsError::BadValue {
            fact: "today".into(),
            value: date.to_string(),
            expected: "a date (YYYY-MM-DD)".into(),
            suggestion: None,
        })?;
        self.today = Some(day);
        Ok(self)
    }

    /// The day `as_of` defaults to (`YYYY-MM-DD`).
    pub fn today(&self) -> String {
        crate::table::show_date(self.today_days())
    }

    fn today_days(&self) -> i64 {
        self.today.unwrap_or_else(crate::table::system_today)
    }

    /// Every jurisdiction, by code.
    pub fn jurisdictions(&self) -> Vec<Jurisdiction> {
        self.slots
            .iter()
            .map(|s| Jurisdiction {
                code: s.code.to_string(),
                name: s.name.to_string(),
            })
            .collect()
    }

    /// The facts every jurisdiction shares, their values and defaults.
    pub fn schema(&self) -> Schema {
        Schema::new(&self.columns, self.enums())
    }

    /// Where the policies came from and the hash of their tables.
    pub fn corpus(&self) -> CorpusId {
        CorpusId {
            origin: self.origin.clone(),
            hash: self.hash.clone(),
        }
    }

    /// The content hash of the compiled tables (`sha256:…`).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Where the policies came from: `built-in, mandate VERSION`, a path,
    /// `tables file`, or `signed tables file` (its signature verified).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Warnings found while compiling (none for the built-in corpus and
    /// artifacts: `mandate check` lints those).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// A jurisdiction by postal code in any case (`ca`), or by name
    /// (`California`, `new york`).
    pub fn jurisdiction(&self, given: &str) -> Result<JurisdictionId, DecideError> {
        let code = given.trim();
        if let Some(i) = self
            .slots
            .iter()
            .position(|s| s.code.eq_ignore_ascii_case(code))
        {
            return Ok(JurisdictionId(i));
        }
        let wanted = normalize(given);
        if let Some(i) = self.slots.iter().position(|s| s.key == wanted) {
            return Ok(JurisdictionId(i));
        }
        // A two-letter miss is a code nobody has; the nearest code would
        // mislead (PR is not AR). Longer input is a name: suggest names.
        let suggestion = if given.trim().chars().count() <= 2 {
            None
        } else {
            crate::diag::suggest(&wanted, self.slots.iter().map(|s| s.key.as_str())).and_then(
                |near| {
                    let slot = self.slots.iter().find(|s| s.key == near)?;
                    Some(format!("did you mean `{}` ({})?", slot.name, slot.code))
                },
            )
        };
        Err(DecideError::UnknownJurisdiction {
            given: given.to_string(),
            suggestion,
        })
    }

    /// Resolve a fact's name once, for [`Prepared::set`].
    pub fn fact_key(&self, name: &str) -> Result<FactKey, FactsError> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .map(FactKey)
            .ok_or_else(|| FactsError::UnknownFact {
                name: name.to_string(),
                suggestion: did_you_mean(name, self.columns.iter().map(|c| c.name.as_str())),
            })
    }

    /// Encode a value of a fact once, for [`Prepared::set`].
    pub fn encode(&self, key: FactKey, value: impl Into<Value>) -> Result<Encoded, FactsError> {
        facts::encode(&self.columns[key.0], &value.into()).map(Encoded)
    }

    /// Facts resolved against the schema, defaults applied (`as_of`:
    /// [`Policies::today`], read now; a `Prepared` that is reset keeps
    /// that day).
    pub fn prepare(&self, facts: &Facts) -> Result<Prepared, FactsError> {
        let defaults: Vec<FactSlot> = defaults_on(&self.columns, self.today_days())
            .into_iter()
            .map(|v| v.map_or(FactSlot::Unknown, FactSlot::Assumed))
            .collect();
        let mut slots = defaults.clone();
        facts.give(&self.columns, &mut slots)?;
        Ok(Prepared { slots, defaults })
    }

    /// Decide one situation in one jurisdiction.
    pub fn decide(&self, jurisdiction: &str, facts: &Facts) -> Result<Answer, DecideError> {
        self.answer_for(jurisdiction, facts, false)
    }

    /// Decide in several jurisdictions at once (telehealth: the client's
    /// state and the clinician's): each answer, and one combined answer
    /// with the strongest action, every recipient, the earliest deadlines,
    /// and the places where one state forbids what another requires.
    pub fn decide_all<S: AsRef<str>>(
        &self,
        jurisdictions: &[S],
        facts: &Facts,
        explain: bool,
    ) -> Result<Combined, DecideError> {
        let mut answers = Vec::with_capacity(jurisdictions.len());
        for j in jurisdictions {
            answers.push(self.answer_for(j.as_ref(), facts, explain)?);
        }
        Ok(combine::merge(answers))
    }

    /// [`Policies::decide`], with the reasons: the deciding rule's
    /// condition, what held, and the stronger rules that did not match.
    pub fn explain(&self, jurisdiction: &str, facts: &Facts) -> Result<Answer, DecideError> {
        self.answer_for(jurisdiction, facts, true)
    }

    fn answer_for(
        &self,
        jurisdiction: &str,
        facts: &Facts,
        explain: bool,
    ) -> Result<Answer, DecideError> {
        let j = self.jurisdiction(jurisdiction)?;
        let prepared = self.prepare(facts)?;
        let decision = self.decide_prepared(j, &prepared)?;
        Ok(self.answer(&decision, &prepared, explain))
    }

    /// The hot path: decide on prepared facts, borrowing the outcome from
    /// the tables. Allocates nothing unless it fails.
    #[inline]
    pub fn decide_prepared(
        &self,
        j: JurisdictionId,
        facts: &Prepared,
    ) -> Result<Decision<'_>, DecideError> {
        let ready = self.ready(j.0)?;
        match ready.index.decide(&ready.table, facts) {
            Ok(d) => Ok(Decision {
                outcome: &ready.table.outcomes[d.outcome],
                jurisdiction: j.0,
                row: d.row,
                index: d.outcome,
            }),
            Err(u) => Err(self.needs(u)),
        }
    }

    #[cold]
    #[inline(never)]
    fn needs(&self, u: crate::table::Undecided) -> DecideError {
        DecideError::Needs {
            facts: u
                .missing
                .iter()
                .map(|&c| self.columns[c].name.clone())
                .collect(),
            rules: u.rules,
        }
    }

    /// A decision as a full [`Answer`], with the facts it was given and
    /// the defaults it rests on; `explain` adds the trace.
    pub fn answer(&self, d: &Decision<'_>, facts: &Prepared, explain: bool) -> Answer {
        let o = d.outcome;
        let show = |c: usize| FactValue {
            fact: self.columns[c].name.clone(),
            value: facts
                .value(c)
                .map(|v| self.columns[c].show(v))
                .unwrap_or_default(),
        };
        let given = (0..self.columns.len())
            .filter(|&c| facts.is_given(c))
            .map(show)
            .collect();
        // The slot is ready: the decision came from it.
        let ready = self.slots[d.jurisdiction].ready.get();
        let table = ready.map(|r| &r.table);
        let decided = crate::table::Decided {
            row: d.row,
            outcome: d.index,
        };
        let assumed = table
            .map(|t| t.relied_on(facts, |c| facts.is_given(c), &decided))
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                let FactValue { fact, value } = show(c);
                let column = &self.columns[c];
                // Only the enum of this fact is looked at: building the
                // whole schema per answer would dominate a busy server.
                let value_doc = match &column.ty {
                    crate::table::ColumnType::Enum { name, .. } => self
                        .enums()
                        .iter()
                        .find(|e| &e.name == name)
                        .and_then(|e| e.variants.iter().find(|v| v.name == value))
                        .and_then(|v| v.doc.clone()),
                    _ => None,
                };
                let meaning =
                    words::meaning(column.doc.as_deref(), &fact, &value, value_doc.as_deref());
                Assumption {
                    fact,
                    value,
                    meaning,
                }
            })
            .collect();
        // The table was made ready when the decision was taken; texts
        // worked out here are the fallback that keeps this total.
        let texts = match ready.and_then(|r| r.texts.get(d.index)) {
            Some(t) => t.clone(),
            None => Arc::new(RuleTexts::new(
                o,
                words::outcome_sentence(o),
                outcome_source(o),
            )),
        };
        Answer {
            jurisdiction: self.slots[d.jurisdiction].code.clone(),
            name: self.slots[d.jurisdiction].name.clone(),
            summary: texts.summary.clone(),
            action: o.action,
            to: texts.to.clone(),
            any_of: o.any_of,
            within: o.within.clone(),
            written_within: o.written_within.clone(),
            citations: texts.citations.clone(),
            rule: texts.rule.clone(),
            notes: texts.notes.clone(),
            unverified: texts.unverified.clone(),
            source: texts.source.clone(),
            corpus: self.corpus(),
            facts: given,
            assumed,
            as_of: self
                .date_column()
                .and_then(|c| facts.value(c).map(crate::table::show_date)),
            in_force_since: o.effective.map(crate::table::show_date),
            in_force_until: o.until.map(crate::table::show_date),
            upcoming: ready.and_then(|r| self.upcoming(r, d, facts)),
            explain: explain
                .then(|| table.map(|t| t.trace(&self.columns, &facts.values(), &decided)))
                .flatten(),
            disclaimer: DISCLAIMER,
            rule_texts: SharedTexts(Some(texts)),
        }
    }

    /// The date column, when the schema has one.
    fn date_column(&self) -> Option<usize> {
        crate::table::date_column(&self.columns)
    }

    /// The first day within [`UPCOMING_DAYS`] after `as_of` on which
    /// another rule decides the same facts. Only the days on which a row
    /// starts or stops being in force can change the decision, so only
    /// they are tried.
    fn upcoming(&self, ready: &Ready, d: &Decision<'_>, facts: &Prepared) -> Option<Upcoming> {
        let col = self.date_column()?;
        let day = facts.value(col)?;
        let table = &ready.table;
        let mut soon = ready
            .change_days
            .iter()
            .copied()
            .filter(|&x| x > day && x <= day + UPCOMING_DAYS)
            .peekable();
        soon.peek()?;
        let mut later = facts.values();
        soon.find_map(|x| {
            later[col] = Some(x);
            let next = table.decide(&later).ok()?;
            let o = &table.outcomes[next.outcome];
            // Another outcome of the same name is another version of it
            // (dated defaults all read `XX.default`): a change too.
            let other = o.rule != d.outcome.rule
                || (o.effective, o.until) != (d.outcome.effective, d.outcome.until);
            (next.outcome != d.index && other).then(|| Upcoming {
                from: crate::table::show_date(x),
                rule: o.rule.clone(),
                summary: ready
                    .texts
                    .get(next.outcome)
                    .map(|t| t.summary.to_string())
                    .unwrap_or_else(|| words::outcome_sentence(o)),
                action: o.action,
                to: o.to.clone(),
            })
        })
    }

    #[inline]
    fn ready(&self, i: usize) -> Result<&Ready, DecideError> {
        match self.slots.get(i).and_then(|s| s.ready.get()) {
            Some(r) => Ok(r),
            None => self.load_slot(i),
        }
    }

    /// First use of a built-in table: deserialize and index it.
    #[cold]
    #[inline(never)]
    fn load_slot(&self, i: usize) -> Result<&Ready, DecideError> {
        let Some(slot) = self.slots.get(i) else {
            return Err(DecideError::UnknownJurisdiction {
                given: format!("#{i}"),
                suggestion: None,
            });
        };
        let corrupt = |reason: String| DecideError::Corrupt {
            jurisdiction: slot.code.to_string(),
            reason,
        };
        let json = slot.json.ok_or_else(|| corrupt("no table".into()))?;
        let table: Table = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
        Ok(slot.ready.get_or_init(|| Ready::new(&self.columns, table)))
    }

    fn enums(&self) -> &[EnumDoc] {
        self.enums.get_or_init(|| {
            // Built-in JSON written by build.rs; without it the docs are
            // only missing, never wrong.
            self.enums_json
                .and_then(|j| serde_json::from_str(j).ok())
                .unwrap_or_default()
        })
    }

    /// One jurisdiction's table, for the tools that print it.
    pub(crate) fn table(&self, j: JurisdictionId) -> Result<&Table, DecideError> {
        self.ready(j.0).map(|r| &r.table)
    }

    /// A date given as `YYYY-MM-DD`, or [`Policies::today`].
    pub(crate) fn day(&self, date: Option<&str>) -> Result<i64, DecideError> {
        let Some(date) = date else {
            return Ok(self.today_days());
        };
        crate::table::parse_date(date.trim()).ok_or_else(|| {
            DecideError::Facts(FactsError::BadValue {
                fact: crate::table::DATE_FACT.into(),
                value: date.to_string(),
                expected: "a date (YYYY-MM-DD)".into(),
                suggestion: None,
            })
        })
    }

    /// One jurisdiction's table as it stands on `day`: what notices
    /// describe.
    pub(crate) fn table_on(
        &self,
        j: JurisdictionId,
        day: i64,
    ) -> Result<std::borrow::Cow<'_, Table>, DecideError> {
        let table = self.table(j)?;
        Ok(match self.date_column() {
            Some(col) => std::borrow::Cow::Owned(table.at(col, day)),
            None => std::borrow::Cow::Borrowed(table),
        })
    }

    /// [`Policies::table_on`] on [`Policies::today`].
    pub(crate) fn table_today(
        &self,
        j: JurisdictionId,
    ) -> Result<std::borrow::Cow<'_, Table>, DecideError> {
        self.table_on(j, self.today_days())
    }

    /// Every table as it stands on [`Policies::today`]: what the matrix
    /// shows.
    pub(crate) fn tables_today(&self) -> Result<std::borrow::Cow<'_, Tables>, DecideError> {
        let all = self.tables()?;
        Ok(match self.date_column() {
            Some(col) => std::borrow::Cow::Owned(Tables {
                tables: {
                    let day = self.today_days();
                    all.tables.iter().map(|t| t.at(col, day)).collect()
                },
                ..all.clone()
            }),
            None => std::borrow::Cow::Borrowed(all),
        })
    }

    /// Every table, for the tools that need them all (matrix, table).
    pub(crate) fn tables(&self) -> Result<&Tables, DecideError> {
        if let Some(t) = self.all.get() {
            return Ok(t);
        }
        let mut tables = Vec::with_capacity(self.slots.len());
        for i in 0..self.slots.len() {
            tables.push(self.ready(i)?.table.clone());
        }
        Ok(self.all.get_or_init(|| Tables {
            columns: self.columns.clone(),
            enums: self.enums().to_vec(),
            tables,
        }))
    }
}

/// Column defaults with `= today` resolved to `today`.
fn defaults_on(columns: &[Column], today: i64) -> Vec<Option<i64>> {
    columns
        .iter()
        .map(|c| {
            if c.default_today {
                Some(today)
            } else {
                c.default
            }
        })
        .collect()
}

/// Names compared the way people type them: case and spacing aside.
/// Where an outcome's rule is written, `file:line`.
fn outcome_source(o: &crate::table::Outcome) -> String {
    format!("{}:{}", o.file, o.line)
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
