//! Diagnostics as plain data, plus the one table of stable codes.
//!
//! Stages return [`Diagnostic`] values; only the edge (CLI, tests) renders
//! them, through [`render`], as miette reports. Keeping them as data lets
//! every stage report all of a file's errors at once and lets `check`
//! print JSON or SARIF from the same values.

use crate::source::{Sources, Span};
use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $name:literal, $summary:literal, $explain:literal;)*) => {
        /// Every diagnostic code mandate can emit. Codes are stable: never
        /// renumber or reuse one; retire it instead.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
            /// Short kebab-case name, used in docs and SARIF rule ids.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
            /// What `mandate explain CODE` prints.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explain,)* }
            }
        }
    };
}

codes! {
    Syntax = "E001", Error, "syntax", "the text does not follow the grammar",
        "The parser expected something else at the marked position.\n\nFix: compare the line with docs/language.md; a common cause is a missing `cite`, a missing closing brace, or a keyword used as a name.";
    UnknownFact = "E002", Error, "unknown-fact", "a fact that the schema does not declare",
        "Conditions, tests and `--fact` may only name facts declared with `fact` in the schema.\n\nExample:\n    when victim_ag < 18\nFix: correct the spelling (`victim_age`) or declare the fact in policies/schema.policy.";
    UnknownVariant = "E003", Error, "unknown-variant", "a value that is not a variant of the expected enum",
        "An enum fact can only be compared with variants of its own enum, and recipients must be variants of `Recipient`.\n\nExample:\n    when concern == child_abuses\nFix: use one of the variants listed in the help, or add the variant to the enum in the schema.";
    UnknownType = "E004", Error, "unknown-type", "a fact type that is neither bool, int nor a declared enum",
        "Fact types are `bool`, `int LO..=HI` or the name of an enum declared in the schema.\n\nFix: declare the enum or correct its name.";
    UnknownJurisdiction = "E005", Error, "unknown-jurisdiction", "`extends` names a jurisdiction that does not exist",
        "A jurisdiction can only extend one that is defined in the corpus (states extend `US`).\n\nFix: correct the code or add the parent's file.";
    UnknownRule = "E006", Error, "unknown-rule", "`overrides` or `by` names a rule that does not exist",
        "`overrides` may name rules of the same jurisdiction or of the jurisdictions it extends; a test's `by` names the rule expected to decide.\n\nFix: correct the rule name.";
    TypeMismatch = "E007", Error, "type-mismatch", "a value of the wrong type",
        "Booleans compare with `true`/`false`, integers with numbers, enums with their variants; `<`, `<=`, `>`, `>=` and ranges need an integer fact.\n\nExample:\n    when threat_serious == 3\nFix: use a value of the fact's type.";
    OutOfRange = "E008", Error, "out-of-range", "an integer outside the fact's declared range",
        "Integer facts declare a range (`int 0..=130`); literals and given values must lie inside it so that every analysis stays exact.\n\nFix: use a value inside the range or widen the range in the schema.";
    Duplicate = "E009", Error, "duplicate", "a name defined twice",
        "Enums, variants, facts, jurisdictions, rules within a jurisdiction, tests and given facts must be unique.\n\nFix: rename or remove one of the two definitions.";
    MissingCite = "E010", Error, "missing-cite", "a rule without a citation",
        "Every rule must say which statute or regulation it encodes with at least one `cite \"...\"`.\n\nFix: add the citation you read; if the source is uncertain add `unverified \"why\"` as well, never a guess.";
    ExtendsCycle = "E011", Error, "extends-cycle", "jurisdictions extend each other in a cycle",
        "Inheritance must end in a root jurisdiction (the federal baseline).\n\nFix: remove one `extends` from the cycle.";
    FactComparison = "E012", Error, "fact-comparison", "a fact compared with another fact",
        "Conditions compare a fact with a literal. Comparing two facts would make conflicts, gaps and diffs undecidable by the exact analyses mandate runs.\n\nFix: split the rule into cases that compare each fact with literals.";
    InvalidDate = "E013", Error, "invalid-date", "a date that is not a real YYYY-MM-DD date",
        "Dates are written `YYYY-MM-DD` and must exist on the calendar.\n\nFix: correct the date.";
    InvalidDuration = "E014", Error, "invalid-duration", "a deadline that is not a duration",
        "Durations are `immediately`, `practicable` (the statute says \"as soon as practicable\" or \"promptly\": no fixed time), or a number followed by `h` (hours), `d` (days) or `w` (weeks), e.g. `24h`, `2d`; `practicable, at most 24h` adds an outer limit. A written deadline may end in `if requested` (`in writing within 48h if requested`: due only if the receiving agency asks for the report); the first report's may not.\n\nFix: rewrite the deadline in one of those forms; keep the statute's wording in a `note`.";
    Schema = "E015", Error, "schema", "the schema is missing, repeated or incomplete",
        "A corpus has exactly one `schema` block, and it declares `enum Recipient` (the recipients of `to [...]`).\n\nFix: add policies/schema.policy or remove the second schema.";
    NoDefault = "E016", Error, "no-default", "a jurisdiction whose chain has no `default`",
        "Every decision must be total: the root of each chain declares `default ACTION cite \"...\"`. With dated defaults (`default ACTION effective DATE until DATE cite \"...\"`), every day of `as_of` must be covered by some default of the chain; the error names the first day none covers.\n\nFix: add a default to the root jurisdiction (the federal baseline uses `default must_not_disclose cite \"45 CFR 164.502(a)\"`), or widen the dates of a dated default so the days meet.";
    Conflict = "E017", Error, "conflict", "two rules match the same facts, neither beats the other, and they decide differently",
        "A rule beats another when it `overrides` it or is declared in a more specific jurisdiction. When neither does, the answer would depend on declaration order, so mandate refuses it. The error shows a concrete set of facts where both rules match. Two dated defaults of one jurisdiction that apply on a common day and decide differently are a conflict too, with that day as the witness.\n\nFix: add `overrides other_rule` to the rule that should win, or narrow one condition. Paste the suggested test to pin the intended answer. For defaults, end the earlier one (`until`) the day before the later one takes effect.";
    OverrideCycle = "E018", Error, "override-cycle", "rules override each other in a cycle",
        "`overrides` must describe a priority, so it cannot loop.\n\nFix: remove one `overrides` from the cycle.";
    InvalidRange = "E019", Error, "invalid-range", "an empty integer range or an integer too large",
        "Ranges are written `LO..=HI` with LO <= HI, and integers must fit in 64 bits. A rule's or default's `until` (its last day in force) must not come before its `effective`.\n\nFix: swap or correct the bounds.";
    InvalidCode = "E020", Error, "invalid-code", "a jurisdiction code that is not two capital letters",
        "Jurisdictions are named by their two-letter postal code in capitals (`CA`, `DC`) or `US` for the federal baseline.\n\nFix: use the postal code.";
    Limit = "E021", Error, "limit", "the input exceeds a size limit",
        "mandate bounds its inputs so no file can make it hang: files up to 4 MiB, 64 levels of nesting, 64 variants per enum, 4096 terms per rule condition once expanded, 20,000 rules and 200,000 table rows per jurisdiction, 50 conflicts reported per jurisdiction.\n\nFix: split the file or simplify the condition.";
    Unreadable = "E022", Error, "unreadable", "a policy file that cannot be read",
        "The file could not be read, is not UTF-8 text, or is not a `.policy` file.\n\nFix: check the path and save the file as UTF-8.";
    TestFailed = "E023", Error, "test-failed", "a `test` block whose expectation does not hold",
        "The jurisdiction's compiled table decides differently from what the test expects. The report shows both decisions and the rule that decided.\n\nFix: correct the rule or the test, whichever disagrees with the statute.";
    TestError = "E024", Error, "test-error", "a `test` block that cannot be evaluated",
        "A rule that could decide needs a fact the test does not give and that has no default.\n\nFix: add the fact to `given`.";
    InvalidAllow = "E025", Error, "invalid-allow", "an `allow` that names no warning or gives no reason",
        "`allow CODE \"why\"` suppresses one warning code on a rule (or, at jurisdiction level, in the whole file). It must name a warning code (W...) and say why, so reviewers can judge it.\n\nExample:\n    allow W005 \"covered by the federal tests\"\nFix: name a warning code from `mandate explain --list` and write the reason.";
    NoDateFact = "E026", Error, "no-date-fact", "a rule or default with `effective` or `until` in a schema without an `as_of: date` fact",
        "`effective DATE` and `until DATE` are conditions on the fact `as_of` (the date of the events): a rule or default is in force from its `effective` day to its `until` day, both included. The schema must declare it as a date with a range.\n\nExample:\n    fact as_of: date 1950-01-01..=2099-12-31 = today \"The date of the events\"\nFix: declare `as_of` in the schema, or remove the dates.";
    MissingJurisdiction = "E027", Error, "missing-jurisdiction", "a jurisdiction the corpus expects that no file defines",
        "`expect jurisdictions [...]` (the shipped corpus has it in policies/jurisdictions.policy) lists every jurisdiction the corpus must define. One that is listed and not defined was lost: its file was deleted, renamed away from `.policy`, hidden, emptied, or could not be read. Without the list a lost jurisdiction would only show up as \"unknown jurisdiction\" when someone asks about it.\n\nExample:\n    expect jurisdictions [US, AL, AK]    // and no file defines `AK`\nFix: restore the jurisdiction's file; if the corpus no longer covers it, remove it from the list.";
    DeadRule = "W001", Warning, "dead-rule", "a rule that can never decide",
        "Every set of facts that matches this rule also matches rules that beat it (one rule, or several together), so it never decides anything.\n\nExample: `child_abuse` is shadowed when `young_child` (age < 12) and `older_child` (age >= 12) both override it.\nFix: delete the rule, or narrow the rules that shadow it, or make it override them.";
    Redundant = "W002", Warning, "redundant-rule", "a rule that changes no decision",
        "Wherever this rule decides, the table without it decides exactly the same (action, recipients, deadlines, citations): typically a state rule that repeats what it overrides or what the federal baseline already says.\n\nWhy: redundant rules drift apart from what they copy when one is edited.\nFix: delete the rule, or give it the citation or deadline that makes it different. If it documents the state's own statute on purpose, `allow W002 \"why\"`.";
    UnusedVariant = "W003", Warning, "unused-variant", "an enum variant no rule mentions",
        "No rule condition (for recipients: no `to [...]`) mentions this variant in any jurisdiction.\n\nWhy: it is either dead vocabulary or a gap in the corpus.\nFix: write the rules that need it, or remove it from the schema.";
    UnusedFact = "W004", Warning, "unused-fact", "a fact no rule reads",
        "No rule condition in any jurisdiction reads this fact, so asking a clinic for it changes nothing.\n\nFix: write the rules that need it, or remove it from the schema.";
    Untested = "W005", Warning, "untested-rule", "a rule that no test exercises",
        "No `test` block of the rule's jurisdiction is decided by this rule, so a change to it would go unnoticed.\n\nExample fix:\n    test \"what the rule does\" { given concern = child_abuse, victim_age = 9  expect must_report by child_abuse }\nFix: add a test whose facts this rule decides (`mandate test --coverage` lists them).";
    StaleReview = "W006", Warning, "stale-review", "a jurisdiction reviewed more than 12 months ago, or never",
        "Statutes change every legislative session; a file whose `reviewed` date is older than 12 months (or missing) may no longer say what the law says.\n\nFix: re-read the sources, update the rules and set `reviewed` to the date of the review. `check --today DATE` sets the date used.";
    Unverified = "W007", Warning, "unverified-rule", "a rule marked `unverified`",
        "The rule's source could not be read in full, is old, or disagrees with another. `check` counts these; `check --deny unverified` turns each into an error, for corpora that must be fully verified.\n\nFix: read the current official text, correct the rule if needed, and remove `unverified`.";
    EmptyFile = "W008", Warning, "empty-file", "a policy file that defines nothing",
        "The file holds no schema and no jurisdiction: it is empty, only comments, or was saved with line ends or an encoding that hid its content. A jurisdiction that was meant to be there is silently missing from every answer.\n\nFix: restore the file's content, or delete the file.";
    ExpiredRule = "W009", Warning, "expired-rule", "a rule or default whose `until` date has passed and that no test exercises",
        "The rule (or dated default) is no longer in force (its `until` day is before today) and no `test` block of its jurisdiction is decided by it. It still decides questions about the past, so it is not wrong; but a rule nobody tests drifts unnoticed.\n\nFix: archive it (move the old version out of the corpus) if questions about that period no longer matter, or add a `test` with `as_of` before its `until` date. This lint follows the calendar, so `check --deny-warnings` leaves it out unless `--deny W009` asks for it. `check --today DATE` sets the date used.";
    ReviewBeforeChange = "W010", Warning, "review-before-change", "a jurisdiction last reviewed before one of its rules or defaults took effect",
        "A rule or default of the jurisdiction took effect (its `effective` day, now past) after the file's `reviewed` date: the change was encoded ahead of time, and nobody has checked since that the law took effect as written (bills are amended, delayed and enjoined).\n\nFix: re-read the sources, then set `reviewed` to the date of that review. This lint follows the calendar, so `check --deny-warnings` leaves it out unless `--deny W010` asks for it.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code {
    /// Warnings that follow the calendar rather than the text: they appear
    /// on an unchanged repository as time passes, so `--deny-warnings`
    /// leaves them out (deny them by name to make them fail).
    pub fn follows_calendar(self) -> bool {
        matches!(
            self,
            Code::StaleReview | Code::ExpiredRule | Code::ReviewBeforeChange
        )
    }

    /// A code (`E017`, any case) or its name (`conflict`); `unverified`
    /// is accepted for W007, as in `check --deny unverified`.
    pub fn parse(s: &str) -> Option<Code> {
        if s == "unverified" {
            return Some(Code::Unverified);
        }
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.name() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One finding, as data. The first label is the primary location.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            help: None,
            labels: Vec::new(),
        }
    }
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
    pub fn primary(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Sort diagnostics by file and position, so output is deterministic.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        let s = d.primary().unwrap_or_default();
        (s.file, s.start, d.code, d.message.clone())
    });
}

/// The files a report shows, as miette reads them: one offset space in
/// which each file starts at its own base, so labels in several files
/// are snippets of one report (a duplicate's "first here" in another
/// file is not a second error). Lines are found through the line index:
/// a binary search, not a scan from the start of the file, so a report of
/// thousands of findings in a large file stays linear.
#[derive(Debug, Clone)]
pub(crate) struct Snippets {
    files: Vec<SnippetFile>,
}

#[derive(Debug, Clone)]
struct SnippetFile {
    id: crate::source::FileId,
    base: usize,
    name: String,
    text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl Snippets {
    /// The files of `ids`, the first at offset 0; repeated ids once.
    fn of(sources: &Sources, ids: &[crate::source::FileId]) -> Snippets {
        let mut files: Vec<SnippetFile> = Vec::new();
        let mut base = 0;
        for &id in ids {
            if files.iter().any(|f| f.id == id) {
                continue;
            }
            let file = sources.get(id);
            files.push(SnippetFile {
                id,
                base,
                name: file.name.clone(),
                text: file.text.clone(),
                line_starts: file.line_starts().clone(),
            });
            // One past the end, so an empty span at a file's end still
            // belongs to it.
            base += file.text.len() + 1;
        }
        Snippets { files }
    }
}

impl SourceCode for Snippets {
    // The same contents as miette's own reader for text (which scans
    // from the start of the file on every call), found by binary search.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self
            .files
            .iter()
            .rev()
            .find(|f| f.base <= span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        let base = file.base;
        let len = file.text.len();
        let starts = &file.line_starts;
        // Newlines at positions before `x`.
        let newlines_before = |x: usize| starts.partition_point(|&s| s as usize <= x) - 1;
        let offset = span.offset() - base;
        let last = (offset + span.len()).saturating_sub(1);
        if last > len {
            return Err(MietteError::OutOfBounds);
        }
        let n = newlines_before(offset);
        let line = n.saturating_sub(before);
        let (start, column) = if before == 0 {
            (offset, offset - starts[n] as usize)
        } else {
            (starts[line] as usize, 0)
        };
        let end = if after == 0 {
            (last + 1).min(len)
        } else {
            // After the newline that ends the `after`-th line past the span.
            let first_after = starts.partition_point(|&s| (s as usize) < last + 2);
            starts
                .get(first_after + after)
                .map_or(len, |&s| (s as usize).min(len))
        };
        let start = start.min(end);
        let line_count = newlines_before(end);
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            &file.text.as_bytes()[start..end],
            SourceSpan::new((base + start).into(), end - start),
            line,
            column,
            line_count,
        )))
    }
}

/// A miette report built from a [`Diagnostic`]: every label, in whichever
/// file, is a snippet of the one report.
#[derive(Debug)]
pub(crate) struct Report {
    code: Code,
    message: String,
    help: Option<String>,
    source: Option<Snippets>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.code.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

pub(crate) fn report(diag: &Diagnostic, sources: &Sources) -> Report {
    let mut ids: Vec<crate::source::FileId> = diag.labels.iter().map(|l| l.span.file).collect();
    ids.dedup();
    let source = (!ids.is_empty()).then(|| Snippets::of(sources, &ids));
    let labels = diag
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let base = source
                .as_ref()
                .and_then(|s| s.files.iter().find(|f| f.id == label.span.file))
                .map_or(0, |f| f.base);
            let range = label.span.range();
            let range = range.start + base..range.end + base;
            let text = Some(label.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, range)
            } else {
                LabeledSpan::new_with_span(text, range)
            }
        })
        .collect();
    Report {
        code: diag.code,
        message: diag.message.clone(),
        help: diag.help.clone(),
        source,
        labels,
    }
}

/// How [`render`] draws: colour and box drawing or ASCII. One setting
/// for the process, chosen by the binary from its terminal; the default
/// (no colour, Unicode) is what tests and snapshots see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub colour: bool,
    pub ascii: bool,
}

static STYLE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub fn set_style(s: Style) {
    let bits = u8::from(s.colour) | (u8::from(s.ascii) << 1);
    STYLE.store(bits, std::sync::atomic::Ordering::Relaxed);
}

fn style() -> Style {
    let bits = STYLE.load(std::sync::atomic::Ordering::Relaxed);
    Style {
        colour: bits & 1 != 0,
        ascii: bits & 2 != 0,
    }
}

#[cfg(feature = "cli")]
fn theme(s: Style) -> miette::GraphicalTheme {
    miette::GraphicalTheme {
        characters: if s.ascii {
            miette::ThemeCharacters::ascii()
        } else {
            miette::ThemeCharacters::unicode()
        },
        styles: if s.colour {
            miette::ThemeStyles::ansi()
        } else {
            miette::ThemeStyles::none()
        },
    }
}

/// Render one diagnostic as text, in the process's style: plain unless
/// the binary found a terminal.
#[cfg(feature = "cli")]
pub fn render(diag: &Diagnostic, sources: &Sources) -> String {
    render_styled(diag, sources, style())
}

/// [`render`] in a given style.
#[cfg(feature = "cli")]
pub fn render_styled(diag: &Diagnostic, sources: &Sources, s: Style) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(theme(s)).with_width(100);
    let mut out = String::new();
    let r = report(diag, sources);
    if handler.render_report(&mut out, &r).is_err() {
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

#[cfg(feature = "cli")]
pub fn render_all(diags: &[Diagnostic], sources: &Sources) -> String {
    diags
        .iter()
        .map(|d| render(d, sources))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Edit distance, for "did you mean" suggestions.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a distance that still reads as a typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.len() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// The name a help written by [`did_you_mean`] suggests, for editors that
/// offer to apply it.
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = help.strip_prefix("did you mean `")?;
    let (name, tail) = rest.split_once('`')?;
    tail.starts_with('?').then_some(name)
}

/// docs/codes.md: every code with its explanation, generated from the
/// table above (a test fails when the file is stale).
pub fn codes_markdown() -> String {
    let mut out = String::from("# Diagnostic codes\n\nGenerated from `src/diag.rs`; `mandate explain CODE` prints the same text. Errors (E) make `check` fail; warnings (W) fail with `--deny-warnings` (except W006, which follows the calendar) or `--deny CODE` and can be suppressed on a rule or a file with `allow CODE \"why\"`.\n\n| code | name | summary |\n|---|---|---|\n");
    for c in Code::ALL {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            c.as_str(),
            c.as_str().to_lowercase(),
            c.name(),
            c.summary()
        ));
    }
    for c in Code::ALL {
        out.push('\n');
        out.push_str(&code_markdown(*c));
    }
    out
}

/// One code's section of docs/codes.md.
pub fn code_markdown(c: Code) -> String {
    let kind = match c.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "## {}\n\n`{}` ({kind}): {}.\n\n{}\n",
        c.as_str(),
        c.name(),
        c.summary(),
        c.explanation().replace("\n    ", "\n\n    ")
    )
}
