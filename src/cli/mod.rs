//! The command line: clap definitions and one function per command. Each
//! command writes to the given streams and returns an [`Exit`], so tests
//! call them without spawning a process.

mod ask;
mod check;
mod compile;
mod decide;
mod diff;
mod explain;
pub mod findings;
mod fmt;
mod fsutil;
mod jurisdictions;
#[cfg(feature = "lsp")]
mod lsp;
mod notice;
mod report;
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod table;
mod terminal;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

pub const DISCLAIMER: &str = "mandate informs; it is not legal advice. Check the cited law and consult counsel or your licensing board before acting.";

/// Process exit codes, as README.md lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success, nothing to report.
    Ok = 0,
    /// Findings: errors in policies, failed tests.
    Findings = 1,
    /// Bad usage or I/O error.
    Usage = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Views of a compiled table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormatArg {
    Text,
    Markdown,
    Csv,
    Json,
}

impl From<TableFormatArg> for crate::table::TableFormat {
    fn from(f: TableFormatArg) -> Self {
        match f {
            TableFormatArg::Text => Self::Text,
            TableFormatArg::Markdown => Self::Markdown,
            TableFormatArg::Csv => Self::Csv,
            TableFormatArg::Json => Self::Json,
        }
    }
}

/// Formats of the commands CI runs on pull requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}

#[derive(Debug, Parser)]
#[command(
    name = "mandate",
    version,
    about = "Jurisdiction-aware confidentiality policy for therapists: must I report, may I disclose, or must I keep it confidential?",
    long_about = "mandate compiles state-by-state confidentiality rules (child and elder abuse reporting, duty to warn, court orders, subpoenas, HIPAA) into checked decision tables and answers with the rule, the statute and the deadline.\n\nThe shipped corpus is built into the binary. Answer commands (decide, ask, notice, table, schema, jurisdictions, serve) use it unless --policies PATH or --tables FILE is given. Authoring commands (check, test, fmt, compile) work on PATH (or --policies PATH), else ./policies; --builtin asks for the built-in corpus. Every command says which corpus it used.\n\nExit codes: 0 success, 1 findings (policy errors, failed tests), 2 usage or I/O error.",
    after_help = "Examples:\n  mandate decide -j CA --fact concern=child_abuse --fact victim_age=10\n  mandate decide -j NY --fact concern=danger_to_others --fact threat_serious=true --explain\n  mandate check policies/\n  mandate table TX --format markdown"
)]
pub struct Cli {
    /// Print only what fails: no summaries, no warnings that do not fail the run (text output)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, type-check and analyse policies; report errors and warnings
    #[command(
        after_help = "Examples:\n  mandate check                 # ./policies\n  mandate check --builtin       # the corpus built into this binary\n  mandate check policies/       # a corpus directory\n  mandate check policies/states/ca.policy   # the corpus that file belongs to\n  mandate check --format json"
    )]
    Check(CheckArgs),
    /// Decide one situation in one or more jurisdictions
    #[command(
        after_help = "Facts not given keep their schema default (`mandate schema` lists them).\n\nExamples:\n  mandate decide -j CA --fact concern=child_abuse --fact victim_age=10\n  mandate decide -j tx --fact concern=elder_abuse --fact victim_age=70 --explain\n  mandate decide -j NY --fact concern=subpoena --format json\n  mandate decide -j california -j \"new york\" --fact concern=subpoena   # telehealth: both states\n  mandate decide -j CA --tables tables.json --fact concern=court_order"
    )]
    Decide(DecideArgs),
    /// Ask only the questions that matter, then answer
    #[command(
        after_help = "Each question is one whose answer can still change the outcome; the interview stops as soon\nnone can. On a terminal, choose with the arrow keys; from a pipe, answer each question on its own\nline with a number or a value.\n\nExamples:\n  mandate ask -j TX\n  mandate ask -j california --fact concern=danger_to_others\n  printf '1\\n10\\n' | mandate ask -j CA"
    )]
    Ask(AskArgs),
    /// The limits-of-confidentiality notice to give a client at intake
    #[command(
        after_help = "Generated from the compiled rules: one section per concern, in plain second-person language,\nwith the statutes as numbered notes. Rules whose sources could not be verified are marked.\n\nExamples:\n  mandate notice -j CA\n  mandate notice -j CA --format html > ca.html      # self-contained, prints well\n  mandate notice -j texas --role social_worker --format markdown\n  mandate notice -j CA -j NY                          # telehealth: one notice per state"
    )]
    Notice(NoticeArgs),
    /// Serve the JSON API and the web page for clinics
    #[cfg(feature = "serve")]
    #[command(
        after_help = "Binds loopback by default; stop with Ctrl-C (or SIGTERM). Nothing is logged or stored.\nThe page is at /, the API under /v1/ (described at /v1/openapi.json).\n\nExamples:\n  mandate serve\n  mandate serve --addr 127.0.0.1:9000 --policies policies/\n  mandate serve --tables tables.json"
    )]
    Serve(ServeArgs),
    /// Language server for policy authors, over standard input and output
    #[cfg(feature = "lsp")]
    #[command(
        after_help = "Started by an editor, not by hand: see docs/editors.md for VS Code, Neovim and Helix.\nEach open file is checked with its whole corpus (the nearest folder holding schema.policy,\nor the built-in corpus for a lone file), from the editor's unsaved text."
    )]
    Lsp(LspArgs),
    /// Print the compiled decision table of a jurisdiction
    #[command(
        after_help = "Rows are in priority order: the first row whose conditions hold decides.\n\nExamples:\n  mandate table CA\n  mandate table US --format markdown\n  mandate table TX --format csv > tx.csv"
    )]
    Table(TableArgs),
    /// Compile policies into a versioned JSON artifact with a content hash
    #[command(
        after_help = "The file is written atomically. `mandate decide --tables FILE` loads it and refuses a file of another version or with a wrong hash.\nThe hash catches accidents, not tampering: sign the file, and verify it where it is used.\n\nExamples:\n  mandate compile -o tables.json\n  mandate compile policies/ -o build/tables.json\n  openssl genpkey -algorithm ed25519 -out signing.pem\n  openssl pkey -in signing.pem -pubout -out signing.pub.pem\n  mandate compile --sign signing.pem -o tables.json\n  mandate decide --tables tables.json --verify-key signing.pub.pem -j CA --fact concern=subpoena"
    )]
    Compile(CompileArgs),
    /// Rewrite policy files in the canonical layout
    #[command(
        after_help = "Comments are kept; a file that does not parse is reported and left untouched.\nFiles are written atomically.\n\nExamples:\n  mandate fmt                       # ./policies\n  mandate fmt policies/states/ca.policy\n  mandate fmt --check               # CI: print a diff and exit 1 if anything would change"
    )]
    Fmt(FmtArgs),
    /// Show every decision that changes between two versions of the policies
    #[command(
        after_help = "Exact, per jurisdiction: each line is a region of facts whose decision (action, recipients,\ndeadlines or citations) differs, with the rule that decides it now.\n\nExamples:\n  mandate diff old-policies/ policies/\n  mandate diff main                 # main's policies/ vs the working tree\n  mandate diff HEAD~1 HEAD --format json\n  mandate diff origin/main HEAD --format github --exit-code"
    )]
    Diff(DiffArgs),
    /// Run the `test` blocks written in policy files
    #[command(
        after_help = "A failure shows expected and actual decisions, the deciding rule, its citations and why it matched.\n\nExamples:\n  mandate test\n  mandate test policies/ --format json\n  mandate test --coverage\n  mandate test --min-coverage 90     # CI: fail below 90% of rule rows exercised"
    )]
    Test(TestArgs),
    /// List the jurisdictions the corpus knows, or the matrix of their decisions
    #[command(
        after_help = "Examples:\n  mandate jurisdictions\n  mandate jurisdictions --format json\n  mandate jurisdictions --matrix                     # every jurisdiction x concern\n  mandate jurisdictions --matrix --format markdown > docs/coverage.md"
    )]
    Jurisdictions(JurisdictionsArgs),
    /// Show the facts and values the schema defines
    #[command(after_help = "Examples:\n  mandate schema\n  mandate schema --format json")]
    Schema(ListArgs),
    /// Explain a diagnostic code
    #[command(
        after_help = "Examples:\n  mandate explain E017\n  mandate explain conflict\n  mandate explain --list"
    )]
    Explain(ExplainArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  mandate completions bash > ~/.local/share/bash-completion/completions/mandate\n  mandate completions zsh > ~/.zfunc/_mandate\n  mandate completions fish > ~/.config/fish/completions/mandate.fish\n  mandate completions powershell >> $PROFILE"
    )]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff)
    #[command(after_help = "Examples:\n  mandate man > mandate.1 && man ./mandate.1")]
    Man,
}

/// The shells `mandate completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// Which corpus an authoring command works on. `--policies` is the
/// spelling every command shares; PATH is its shorthand here.
#[derive(Debug, clap::Args)]
pub struct CorpusArgs {
    /// A corpus directory or a policy file [default: ./policies]
    #[arg(value_name = "PATH", conflicts_with_all = ["policies", "builtin"])]
    pub path: Option<PathBuf>,
    /// The same as PATH, spelled as on every command
    #[arg(long, value_name = "PATH", conflicts_with = "builtin")]
    pub policies: Option<PathBuf>,
    /// Use the corpus built into this binary
    #[arg(long)]
    pub builtin: bool,
}

/// Where an answer command's policies come from: the built-in corpus
/// unless one of these is given.
#[derive(Debug, clap::Args)]
pub struct AnswerSource {
    /// Read policies from this directory instead of the built-in corpus
    #[arg(long, value_name = "DIR", conflicts_with = "tables")]
    pub policies: Option<PathBuf>,
    /// Use a compiled artifact from `mandate compile`
    #[arg(long, value_name = "FILE")]
    pub tables: Option<PathBuf>,
    /// Accept the artifact only if signed by this ed25519 public key (PEM)
    #[arg(long, value_name = "PUBFILE", requires = "tables")]
    pub verify_key: Option<PathBuf>,
}

impl AnswerSource {
    pub fn source(&self) -> report::Source<'_> {
        report::Source::Answer {
            dir: self.policies.as_deref(),
            artifact: self.tables.as_deref(),
            verify_key: self.verify_key.as_deref(),
        }
    }
}

/// The corpus a command was asked for.
#[derive(Debug, Clone, Copy)]
pub enum Corpus<'a> {
    /// A directory or a policy file.
    Path(&'a std::path::Path),
    /// Nothing given: ./policies, or an error that says what to do.
    Default,
    /// `--builtin`.
    Builtin,
}

impl CorpusArgs {
    pub fn corpus(&self) -> Corpus<'_> {
        match (
            self.path.as_deref().or(self.policies.as_deref()),
            self.builtin,
        ) {
            (Some(p), _) => Corpus::Path(p),
            (None, true) => Corpus::Builtin,
            (None, false) => Corpus::Default,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Treat warnings as errors (exit 1 when there are any), except those that follow the calendar (W006): deny them with --deny W006
    #[arg(long)]
    pub deny_warnings: bool,
    /// Fail on this warning code (e.g. W005, or `unverified` for W007, which is only reported when denied)
    #[arg(long, value_name = "CODE", value_parser = warning_code)]
    pub deny: Vec<crate::diag::Code>,
    /// The date `reviewed` dates are judged against [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// `--quiet`, given before or after the command.
    #[arg(skip)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// Jurisdiction: postal code in any case (CA, ca), name (California, "new york") or US.
    /// Repeat for telehealth across states: each answer and a combined one.
    #[arg(
        short = 'j',
        long = "jurisdiction",
        value_name = "CODE|NAME",
        required = true
    )]
    pub jurisdictions: Vec<String>,
    /// A fact as name=value; repeat for each fact
    #[arg(short, long = "fact", value_name = "NAME=VALUE")]
    pub facts: Vec<String>,
    /// Show why: the rule's condition, what held, and the rules that did not match
    #[arg(long)]
    pub explain: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub source: AnswerSource,
    /// The date of the events (YYYY-MM-DD): the law in force that day
    /// decides; without it, today's
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// Jurisdiction: postal code in any case, name, or US
    #[arg(short = 'j', long = "jurisdiction", value_name = "CODE|NAME")]
    pub jurisdiction: String,
    /// Facts already known, as name=value; they are not asked
    #[arg(short, long = "fact", value_name = "NAME=VALUE")]
    pub facts: Vec<String>,
    #[command(flatten)]
    pub source: AnswerSource,
    /// The date of the events (YYYY-MM-DD): the law in force that day
    /// decides; without it, today's
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[cfg(feature = "serve")]
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; a non-loopback address exposes the service
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    #[command(flatten)]
    pub source: AnswerSource,
}

#[cfg(feature = "lsp")]
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Speak over standard input and output (the only transport; editors pass it)
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoticeFormat {
    Text,
    Markdown,
    /// A self-contained page that prints well
    Html,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct NoticeArgs {
    /// Jurisdiction: postal code in any case, name, or US; repeat for each state of a telehealth client
    #[arg(
        short = 'j',
        long = "jurisdiction",
        value_name = "CODE|NAME",
        required = true
    )]
    pub jurisdictions: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: NoticeFormat,
    /// The clinician's licence (a value of `role`); the schema's default when omitted
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    #[command(flatten)]
    pub source: AnswerSource,
    /// Show the law in force on this date (YYYY-MM-DD) instead of today's
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Jurisdiction: two-letter postal code (any case) or US
    pub jurisdiction: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TableFormatArg,
    #[command(flatten)]
    pub source: AnswerSource,
    /// Only the rows in force on this date (YYYY-MM-DD), without their dates
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Where to write the artifact (`-` for standard output); an existing file keeps its mode
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Sign the artifact with this ed25519 private key (PEM, from `openssl genpkey -algorithm ed25519`)
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
    /// `--quiet`, given before or after the command.
    #[arg(skip)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// A directory (every .policy below it) or one file [default: ./policies]
    #[arg(conflicts_with = "policies")]
    pub path: Option<PathBuf>,
    /// The same as PATH, spelled as on every command
    #[arg(long, value_name = "PATH")]
    pub policies: Option<PathBuf>,
    /// Change nothing; print a diff and exit 1 if a file is not formatted
    #[arg(long)]
    pub check: bool,
    /// `--quiet`, given before or after the command.
    #[arg(skip)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Report which rules and table rows no test exercises
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when fewer than N percent of rule rows are exercised, listing the rest
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_coverage: Option<u8>,
    /// Run only the tests whose `JURISDICTION: name` contains TEXT (any case); with a policy file as PATH, only that file's tests run
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// `--quiet`, given before or after the command.
    #[arg(skip)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old corpus: a directory, or a git revision (e.g. `main`, `HEAD~1`)
    #[arg(required_unless_present = "between")]
    pub old: Option<std::ffi::OsString>,
    /// The new corpus: a directory, or a git revision [default: the working tree's policies]
    pub new: Option<std::ffi::OsString>,
    /// Where the policies are inside the repository, for git revisions
    /// [default: the nearest `policies` folder from here up to the
    /// repository's top]
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Exit 1 when some decision changed (for CI gates); `--exit-code=any` also when only a text changed
    #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, require_equals = true, default_missing_value = "decisions")]
    pub exit_code: Option<ExitOn>,
    /// `--quiet`, given before or after the command.
    #[arg(skip)]
    pub quiet: bool,
    /// Compare the law in force on two dates (YYYY-MM-DD) in one corpus (--policies, else the built-in one) instead of two corpora
    #[arg(long, num_args = 2, value_names = ["FIRST", "SECOND"], conflicts_with_all = ["old", "new"])]
    pub between: Option<Vec<String>>,
}

/// What makes `diff --exit-code` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExitOn {
    /// A decision changed (action, recipients, deadlines or citations of a decision)
    Decisions,
    /// A decision or a text changed (notes, citations, unverified, sources, review dates)
    Any,
}

#[derive(Debug, clap::Args)]
pub struct JurisdictionsArgs {
    /// Read policies from this directory instead of the default corpus
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// Show the jurisdiction × concern matrix of actions instead of the list
    #[arg(long)]
    pub matrix: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: MatrixFormat,
    /// Show the law in force on this date (YYYY-MM-DD) instead of today's
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Json,
    /// Markdown (the matrix only; docs/coverage.md is generated this way)
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Read policies from this directory instead of the default corpus
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code such as E017, or its name such as `conflict`
    #[arg(required_unless_present_any = ["list", "markdown", "format"])]
    pub code: Option<String>,
    /// List every code
    #[arg(long)]
    pub list: bool,
    /// `markdown`: the code's section, or without a code every code's documentation (docs/codes.md)
    #[arg(long, value_enum, conflicts_with = "list")]
    pub format: Option<ExplainFormat>,
    /// The same as `--format markdown` (kept for scripts)
    #[arg(long, hide = true, conflicts_with_all = ["list", "format"])]
    pub markdown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
}

/// `--deny CODE`: a warning code or its name. Errors always fail a run,
/// so naming one would silently do nothing: it is refused.
fn warning_code(s: &str) -> Result<crate::diag::Code, String> {
    use crate::diag::{Code, Severity};
    let warnings: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.severity() == Severity::Warning)
        .map(|c| c.as_str())
        .collect();
    match Code::parse(s) {
        Some(c) if c.severity() == Severity::Warning => Ok(c),
        Some(c) => Err(format!(
            "`{c}` ({}) is an error, and errors always fail the run; --deny takes a warning code: {}",
            c.name(),
            warnings.join(", ")
        )),
        None => {
            let names = Code::ALL
                .iter()
                .filter(|c| c.severity() == Severity::Warning)
                .flat_map(|c| [c.as_str(), c.name()])
                .chain(["unverified"]);
            let hint = crate::diag::suggest(s, names)
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            Err(format!(
                "not a warning code; {hint}--deny takes one of {} (or its name, e.g. `unverified`)",
                warnings.join(", ")
            ))
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Check(mut a) => {
            a.quiet = quiet;
            check::check(a, out, err)
        }
        Command::Decide(a) => decide::decide(a, out, err),
        Command::Ask(a) => ask::ask(a, out, err),
        Command::Notice(a) => notice::notice(a, out, err),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::serve(a, out, err),
        #[cfg(feature = "lsp")]
        Command::Lsp(a) => lsp::lsp(a, out, err),
        Command::Table(a) => table::table(a, out, err),
        Command::Compile(mut a) => {
            a.quiet = quiet;
            compile::compile(a, out, err)
        }
        Command::Fmt(mut a) => {
            a.quiet = quiet;
            fmt::fmt(a, out, err)
        }
        Command::Test(mut a) => {
            a.quiet = quiet;
            test::test(a, out, err)
        }
        Command::Diff(mut a) => {
            a.quiet = quiet;
            diff::diff(a, out, err)
        }
        Command::Jurisdictions(a) => jurisdictions::jurisdictions(a, out, err),
        Command::Schema(a) => schema::schema(a, out, err),
        Command::Explain(a) => explain::explain(a, out, err),
        Command::Completions { shell } => terminal::completions(shell, out),
        Command::Man => terminal::man(out),
    };
    let result = result.and_then(|exit| out.flush().map(|()| exit));
    match result {
        Ok(exit) => exit,
        // A closed pipe (`| head`) means the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        // A full disk or a failing device: half an output is not success.
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the output: {e}");
            Exit::Usage
        }
    }
}

/// Set up diagnostics for the terminal the binary writes to (colour,
/// ASCII): colour only on a terminal and without `NO_COLOR`, ASCII only
/// when `TERM=dumb`.
pub fn configure_terminal() {
    terminal::configure();
}

/// Parse arguments and run; what `main` calls.
pub fn main_with_args<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    let parsed = terminal::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => run(cli, out, err),
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let rendered = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(err, "{rendered}")
            } else {
                write!(out, "{rendered}")
            };
            code
        }
    }
}
