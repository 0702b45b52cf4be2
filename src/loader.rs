//! Where policy text comes from: a directory, one file, or the copy
//! embedded in the binary at build time.

use crate::diag::{Code, Diagnostic};
use crate::source::Sources;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
include!(concat!(env!("OUT_DIR"), "/compiled.rs"));

/// The shipped corpus as compiled by build.rs: each table as JSON, so a
/// decision deserializes only its own jurisdiction.
pub struct Compiled {
    pub hash: &'static str,
    pub columns: &'static str,
    pub enums: &'static str,
    /// (code, name, table as JSON), sorted by code.
    pub tables: &'static [(&'static str, &'static str, &'static str)],
}

/// Whether `sources` are the built-in corpus, byte for byte and under the
/// same names, so its build-time tables answer for them.
pub fn is_embedded(sources: &Sources) -> bool {
    sources.len() == EMBEDDED.len()
        && sources.iter().zip(EMBEDDED).all(|((_, file), (name, text))| {
            file.name.strip_prefix(EMBEDDED_ROOT).and_then(|n| n.strip_prefix('/')) == Some(name)
                && &*file.text == *text
        })
}

/// The name shown for embedded files: where they came from in the repo.
pub const EMBEDDED_ROOT: &str = "policies";

/// Errors that stop loading altogether (exit code 2); unreadable files
/// inside a corpus are diagnostics instead, so the rest is still checked.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("`{0}` does not exist")]
    NotFound(String),
    #[error("cannot read `{path}`: {reason}")]
    Io { path: String, reason: String },
    #[error("`{0}` contains no .policy files")]
    Empty(String),
    #[error("no PATH given and no ./policies folder here")]
    NoCorpus,
}

/// A loaded corpus: the sources plus per-file problems found on the way.
pub struct Loaded {
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
}

pub fn embedded() -> Loaded {
    let mut sources = Sources::new();
    for (name, text) in EMBEDDED {
        sources.add(format!("{EMBEDDED_ROOT}/{name}"), *text);
    }
    Loaded {
        sources,
        diags: Vec::new(),
    }
}

/// Every `.policy` file below `dir`. The walk never leaves the corpus:
/// symbolic links are not followed (a link could loop, or point at
/// `/proc/self/environ` and print secrets in a snippet), and hidden files
/// and folders (`.git`, editor lock files, `._` resource forks) are skipped.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, out)?;
        } else if !kind.is_symlink() && path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
    Ok(())
}

/// A policy file's text: only a regular file, its size checked before
/// reading and the read capped (a file that grows meanwhile is still
/// refused), so a FIFO, a device or a huge file cannot hang or exhaust
/// the machine. A byte-order mark is dropped and CR line ends become LF.
pub(crate) fn read_policy(path: &Path, name: &str) -> Result<String, Diagnostic> {
    use std::io::Read;
    let max = crate::syntax::MAX_FILE_BYTES;
    let too_big = |size: u64| {
        Diagnostic::new(
            Code::Limit,
            format!("`{name}` is {size} bytes, more than the limit of {max} bytes"),
        )
        .help("split the file; policy files are small")
    };
    let unreadable = |why: String| {
        Diagnostic::new(Code::Unreadable, format!("cannot read `{name}`: {why}"))
            .help("check the file's permissions")
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(Diagnostic::new(
            Code::Unreadable,
            format!("`{name}` is not a regular file (a FIFO, a device or a socket)"),
        )
        .help("policy files must be regular files"));
    }
    if meta.len() > max as u64 {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.len() > max {
        return Err(too_big(bytes.len() as u64));
    }
    policy_text(bytes, name)
}

/// Standard input as policy text, read with the same cap as a file.
pub fn read_stdin() -> Result<String, Diagnostic> {
    use std::io::Read;
    let max = crate::syntax::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Diagnostic::new(Code::Unreadable, format!("cannot read {STDIN}: {e}"))
                .help("pipe a policy file into mandate")
        })?;
    if bytes.len() > max {
        return Err(Diagnostic::new(
            Code::Limit,
            format!("{STDIN} is more than the limit of {max} bytes"),
        )
        .help("split the file; policy files are small"));
    }
    policy_text(bytes, STDIN)
}

/// What standard input is called in diagnostics.
pub const STDIN: &str = "<stdin>";

/// Bytes as policy text: UTF-8, without a byte-order mark, LF line ends,
/// control characters made visible.
fn policy_text(bytes: Vec<u8>, name: &str) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::new(
            Code::Unreadable,
            format!(
                "`{name}` is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8")
    })?;
    Ok(clean(text))
}

/// Text as the stages read it: a byte-order mark dropped, CR line ends
/// made LF, other control characters shown as their pictures. Each
/// character stays one UTF-16 unit on its line, so editor positions
/// still fit the cleaned text.
pub(crate) fn clean(text: String) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    // Other control characters (an escape sequence in a note, say) would
    // reach the terminal raw in answers and snippets: show them as their
    // visible pictures (ESC becomes ␛) instead.
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        text.chars()
            .map(|c| match c {
                '\n' | '\t' => c,
                c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect()
    } else {
        text
    }
}

/// The corpus a policy file belongs to: the nearest folder above it
/// (up to four levels) that holds `schema.policy`.
pub(crate) fn corpus_root(file: &Path) -> Option<&Path> {
    file.ancestors()
        .skip(1)
        .take(4)
        .find(|d| d.join("schema.policy").is_file())
}

/// A file outside any corpus (a draft, or standard input). A draft of a
/// state (no schema of its own, every jurisdiction `extends` another) is
/// checked against the built-in schema and federal baseline; any other
/// file stands alone.
pub fn draft(name: &str, text: String) -> Loaded {
    let mut sources = Sources::new();
    if is_state_draft(&text) {
        for (file, builtin) in EMBEDDED {
            if *file == "schema.policy" || *file == "federal.policy" {
                sources.add(format!("{DRAFT_ROOT}/{file}"), *builtin);
            }
        }
    }
    sources.add(name.to_string(), text);
    Loaded {
        sources,
        diags: Vec::new(),
    }
}

/// Where the built-in files a draft is checked against are said to be.
pub const DRAFT_ROOT: &str = "<built-in>";

/// Whether a text reads as a state's file without its corpus: no
/// `schema` item, and at least one `jurisdiction`, each of which
/// `extends` another. Items start lines; comments start with `//`, so
/// they never match.
fn is_state_draft(text: &str) -> bool {
    let item = |keyword: &str, l: &str| {
        l.trim_start()
            .strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '{']))
    };
    let jurisdictions: Vec<&str> = text.lines().filter(|l| item("jurisdiction", l)).collect();
    !text.lines().any(|l| item("schema", l))
        && !jurisdictions.is_empty()
        && jurisdictions.iter().all(|l| l.contains(" extends "))
}

/// Load a directory (every `.policy` below it, in path order) or a file;
/// `-` is standard input. A file is checked with the corpus it belongs
/// to: the nearest ancestor directory holding `schema.policy`; a file
/// outside any corpus with the built-in schema and federal baseline.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    if path.as_os_str() == "-" {
        return Ok(match read_stdin() {
            Ok(text) => draft(STDIN, text),
            Err(d) => Loaded {
                sources: Sources::new(),
                diags: vec![d],
            },
        });
    }
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(LoadError::NotFound(shown));
    }
    let mut files = Vec::new();
    if path.is_dir() {
        walk(path, &mut files).map_err(|e| LoadError::Io {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    } else {
        match corpus_root(path) {
            Some(root) => walk(root, &mut files).map_err(|e| LoadError::Io {
                path: root.display().to_string(),
                reason: e.to_string(),
            })?,
            None => {
                let name = path.display().to_string();
                return Ok(match read_policy(path, &name) {
                    Ok(text) => draft(&name, text),
                    Err(d) => Loaded {
                        sources: Sources::new(),
                        diags: vec![d],
                    },
                });
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(LoadError::Empty(shown));
    }
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    for f in files {
        add_file(&mut sources, &mut diags, f);
    }
    Ok(Loaded { sources, diags })
}

fn add_file(sources: &mut Sources, diags: &mut Vec<Diagnostic>, path: PathBuf) {
    let name = path.display().to_string();
    match read_policy(&path, &name) {
        Ok(text) => {
            sources.add_file(name, path, text);
        }
        Err(d) => diags.push(d),
    }
}

/// One file alone, read like a corpus file (regular files only, bounded),
/// without the corpus it belongs to: what `fmt FILE` works on.
pub fn load_one(path: &Path) -> Loaded {
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    add_file(&mut sources, &mut diags, path.to_path_buf());
    Loaded { sources, diags }
}

/// `PATH` when given, else `./policies`. Never the built-in corpus: a CI
/// job run in the wrong folder must fail, not check something else.
pub fn resolve(path: Option<&Path>) -> Result<Loaded, LoadError> {
    match path {
        Some(p) => load(p),
        None if Path::new("policies").is_dir() => load(Path::new("policies")),
        None => Err(LoadError::NoCorpus),
    }
}
