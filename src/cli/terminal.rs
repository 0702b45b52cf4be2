//! What a terminal user expects of a command-line tool: completions, a
//! man page, a `--version` that names the corpus, and diagnostics in
//! colour on a terminal, plain ASCII on a dumb one.

use super::{Cli, Exit, Shell};
use clap::CommandFactory;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

/// `mandate completions SHELL`: the completion script on stdout.
pub fn completions(shell: Shell, out: &mut dyn Write) -> std::io::Result<Exit> {
    let mut cmd = command();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    // Into memory first: the generator panics on a write error, and a
    // closed pipe must stay a quiet exit.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mandate", &mut script);
    out.write_all(&script)?;
    Ok(Exit::Ok)
}

/// `mandate man`: the man page (roff) on stdout, every command in it.
pub fn man(out: &mut dyn Write) -> std::io::Result<Exit> {
    // The title line holds the version: the crate's alone, on one line.
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    // Each command's own options, as `man git-…` pages would hold them.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("mandate {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{about}")?;
        }
        page.render_synopsis_section(&mut SkipHeading::new(&mut *out))?;
        page.render_options_section(&mut SkipHeading::new(&mut *out))?;
    }
    man.render_extra_section(out)?;
    man.render_version_section(out)?;
    Ok(Exit::Ok)
}

/// Writes a man section's body as `.SS` under the command's `.SH`, so
/// the page keeps one level of headings per command.
struct SkipHeading<'a> {
    out: &'a mut dyn Write,
}

impl<'a> SkipHeading<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        SkipHeading { out }
    }
}

impl Write for SkipHeading<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf).replace(".SH ", ".SS ");
        self.out.write_all(text.as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The clap command with the runtime `--version` text.
pub fn command() -> clap::Command {
    Cli::command().version(version())
}

/// `0.1.0`, then the built-in corpus: its jurisdictions and content hash.
/// The hash is what `decide` and `check --builtin` print after
/// `policies:`, so a report can be matched with the binary that made it.
pub fn version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        // Built with the binary: read from the build's constants, so
        // every run (this text is part of the clap command) stays free.
        let corpus = match &crate::loader::COMPILED {
            Some(c) => format!(
                "built-in corpus: {} jurisdictions, {}",
                c.tables.len(),
                c.hash
            ),
            None => match crate::api::Policies::embedded() {
                Ok(p) => format!(
                    "built-in corpus: {} jurisdictions, {}",
                    p.jurisdictions().len(),
                    p.hash()
                ),
                Err(_) => "built-in corpus: does not compile".to_string(),
            },
        };
        format!("{}\n{corpus}", env!("CARGO_PKG_VERSION"))
    })
}

/// Set how diagnostics are drawn for this process, from the terminal it
/// writes to: colour only on a terminal and without `NO_COLOR`
/// (<https://no-color.org>), ASCII only when `TERM=dumb`. Called by the
/// binary, never by tests, so snapshots stay plain.
pub fn configure() {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colour = std::io::stdout().is_terminal() && !no_color && !dumb;
    crate::diag::set_style(crate::diag::Style {
        colour,
        ascii: dumb,
    });
}
