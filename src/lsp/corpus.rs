//! Open documents and the corpora they belong to. A corpus is analysed
//! in memory: the text of each open document over the files on disk.

use crate::diag::{Code, Diagnostic};
use crate::lint;
use crate::source::{FileId, Sources};
use crate::syntax::ast;
use crate::Analysis;
use lsp_types::Uri;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open document: its text as the stages read it (see
/// [`crate::loader::clean`]) and the editor's version.
pub struct Doc {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
}

/// Where a corpus file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Disk(PathBuf),
    /// A document with no file behind it (`untitled:`).
    Editor(String),
    /// A file of the built-in corpus.
    Embedded(&'static str),
}

pub struct Member {
    pub origin: Origin,
    pub name: String,
    /// The text on disk, read once and again when the editor says the
    /// file changed.
    disk: Option<Result<Arc<str>, Diagnostic>>,
}

/// One analysis of a corpus.
pub struct State {
    pub analysis: Analysis,
    /// The syntax errors of each file, kept with its tree for the next
    /// analysis.
    pub syntax: Vec<Vec<Diagnostic>>,
    /// The member each file of `analysis.sources` is.
    pub members: Vec<usize>,
    /// Members that could not be read, with why.
    pub unreadable: Vec<(usize, Diagnostic)>,
    /// Members with a syntax error now.
    pub broken: HashSet<usize>,
    /// The last syntax tree that parsed whole, for members that do not
    /// now: completion still knows their names while one is being typed.
    pub fallback: HashMap<usize, ast::File>,
}

impl State {
    pub fn file_of(&self, member: usize) -> Option<FileId> {
        self.members
            .iter()
            .position(|&m| m == member)
            .map(|i| FileId(i as u32))
    }
}

pub struct Corpus {
    /// The folder holding `schema.policy`; `None` for a lone file checked
    /// with the built-in corpus.
    pub root: Option<PathBuf>,
    pub members: Vec<Member>,
    pub state: Option<State>,
    pub dirty: bool,
    /// What the editor was last sent, by URI.
    pub published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    /// URIs whose diagnostics are sent even when unchanged: documents
    /// just opened or edited, so the editor knows they are clean.
    pub touched: HashSet<String>,
    /// URIs edited since the last analysis that went through every stage.
    pub edited: HashSet<String>,
    /// Whether the editor was told which corpus this is.
    pub announced: bool,
}

#[derive(Default)]
pub struct Workspace {
    pub opts: Options,
    pub docs: HashMap<String, Doc>,
    pub corpora: Vec<Corpus>,
}

#[derive(Clone, Copy, Default)]
pub struct Options {
    pub lint: Option<lint::Options>,
}

impl Options {
    fn lint(&self) -> lint::Options {
        self.lint.unwrap_or_default()
    }
}

impl Workspace {
    pub fn new(opts: Options) -> Workspace {
        Workspace {
            opts,
            ..Workspace::default()
        }
    }

    pub fn open(&mut self, uri: Uri, version: i32, text: String) {
        let key = uri.as_str().to_string();
        self.docs.insert(
            key.clone(),
            Doc {
                uri: uri.clone(),
                version,
                text: crate::loader::clean(text),
            },
        );
        let c = match self.corpus_of(&uri) {
            Some((c, _)) => c,
            None => self.add_corpus(&uri),
        };
        let corpus = &mut self.corpora[c];
        corpus.dirty = true;
        corpus.touched.insert(key);
    }

    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp_types::TextDocumentContentChangeEvent>,
    ) {
        let key = uri.as_str();
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        super::text::apply(&mut doc.text, changes);
        // Pasted text may hold CR line ends or control characters.
        if doc
            .text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            doc.text = crate::loader::clean(std::mem::take(&mut doc.text));
        }
        doc.version = version;
        if let Some((c, _)) = self.corpus_of(uri) {
            self.corpora[c].dirty = true;
            self.corpora[c].touched.insert(key.to_string());
            self.corpora[c].edited.insert(key.to_string());
        }
    }

    /// A document closed: its file on disk counts again. A lone file's
    /// corpus goes away, and its diagnostics with it.
    pub fn close(&mut self, uri: &Uri) -> Vec<String> {
        let found = self.corpus_of(uri);
        self.docs.remove(uri.as_str());
        let Some((c, _)) = found else {
            return Vec::new();
        };
        if self.corpora[c].root.is_none() {
            let corpus = self.corpora.remove(c);
            return corpus.published.into_keys().collect();
        }
        let corpus = &mut self.corpora[c];
        if let Some(m) = corpus.member_of(uri) {
            corpus.members[m].reload();
        }
        corpus.dirty = true;
        Vec::new()
    }

    /// Files changed on disk (saved, created, deleted): read them again;
    /// a created or deleted file changes which files a corpus has.
    pub fn disk_changed(&mut self, uri: &Uri, created_or_deleted: bool) {
        let Some(path) = super::uri::to_path(uri) else {
            return;
        };
        for corpus in &mut self.corpora {
            let Some(root) = &corpus.root else { continue };
            if !path.starts_with(root) {
                continue;
            }
            if created_or_deleted {
                corpus.rescan();
            } else if let Some(m) = corpus
                .members
                .iter()
                .position(|m| m.origin == Origin::Disk(path.clone()))
            {
                corpus.members[m].reload();
            }
            corpus.dirty = true;
        }
    }

    /// The corpus a document belongs to and its member there.
    pub fn corpus_of(&self, uri: &Uri) -> Option<(usize, usize)> {
        self.corpora
            .iter()
            .enumerate()
            .find_map(|(c, corpus)| corpus.member_of(uri).map(|m| (c, m)))
    }

    fn add_corpus(&mut self, uri: &Uri) -> usize {
        let path = super::uri::to_path(uri);
        let root = path
            .as_deref()
            .and_then(crate::loader::corpus_root)
            .map(Path::to_path_buf);
        if let (Some(root), Some(path)) = (&root, &path) {
            if let Some(c) = self
                .corpora
                .iter()
                .position(|c| c.root.as_ref() == Some(root))
            {
                // A file new on disk, or not saved yet, joins its corpus.
                let corpus = &mut self.corpora[c];
                corpus.members.push(Member::disk(root, path.clone()));
                corpus.sort();
                return c;
            }
        }
        let corpus = match (root, path) {
            (Some(root), _) => {
                let mut c = Corpus::new(Some(root));
                c.rescan();
                if let Some(p) = super::uri::to_path(uri) {
                    if !c
                        .members
                        .iter()
                        .any(|m| m.origin == Origin::Disk(p.clone()))
                    {
                        let root = c.root.clone().unwrap_or_default();
                        c.members.push(Member::disk(&root, p));
                        c.sort();
                    }
                }
                c
            }
            (None, path) => Corpus::lone(uri, path),
        };
        self.corpora.push(corpus);
        self.corpora.len() - 1
    }

    /// Analyse every corpus an edit touched.
    pub fn refresh(&mut self) {
        let opts = self.opts.lint();
        let docs = &self.docs;
        let open: HashMap<PathBuf, &Doc> = docs
            .values()
            .filter_map(|d| super::uri::to_path(&d.uri).map(|p| (p, d)))
            .collect();
        for corpus in self.corpora.iter_mut().filter(|c| c.dirty) {
            corpus.analyse(docs, &open, &opts);
        }
    }

    /// The URI of a file of a corpus, when the editor can open it.
    pub fn uri_of(&self, corpus: &Corpus, member: usize) -> Option<Uri> {
        match &corpus.members.get(member)?.origin {
            Origin::Disk(p) => self
                .docs
                .values()
                .find(|d| super::uri::to_path(&d.uri).as_deref() == Some(p.as_path()))
                .map(|d| d.uri.clone())
                .or_else(|| super::uri::from_path(p)),
            Origin::Editor(u) => self.docs.get(u).map(|d| d.uri.clone()),
            Origin::Embedded(_) => None,
        }
    }
}

impl Member {
    fn disk(root: &Path, path: PathBuf) -> Member {
        let shown = root.parent().unwrap_or(root);
        let name = path
            .strip_prefix(shown)
            .unwrap_or(&path)
            .display()
            .to_string();
        let mut m = Member {
            origin: Origin::Disk(path),
            name,
            disk: None,
        };
        m.reload();
        m
    }

    fn reload(&mut self) {
        if let Origin::Disk(p) = &self.origin {
            self.disk = Some(match crate::loader::read_policy(p, &self.name) {
                Ok(t) => Ok(t.into()),
                Err(d) if !p.exists() => Err(Diagnostic::new(
                    Code::Unreadable,
                    format!("`{}` is not saved yet", self.name),
                )
                .help(d.help.unwrap_or_default())),
                Err(d) => Err(d),
            });
        }
    }
}

impl Corpus {
    fn new(root: Option<PathBuf>) -> Corpus {
        Corpus {
            root,
            members: Vec::new(),
            state: None,
            dirty: true,
            published: HashMap::new(),
            touched: HashSet::new(),
            edited: HashSet::new(),
            announced: false,
        }
    }

    /// A file outside any corpus, checked with the built-in one. It takes
    /// the place of the built-in file of the same name, so a copy of
    /// `ca.policy` is checked as California, not as a second California.
    fn lone(uri: &Uri, path: Option<PathBuf>) -> Corpus {
        let mut c = Corpus::new(None);
        let own_name = path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        for (name, text) in crate::loader::EMBEDDED {
            if own_name.as_deref() == Path::new(name).file_name().and_then(|n| n.to_str()) {
                continue;
            }
            c.members.push(Member {
                origin: Origin::Embedded(text),
                name: format!("{}/{name}", crate::loader::EMBEDDED_ROOT),
                disk: None,
            });
        }
        let member = match path {
            Some(p) => {
                let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                Member::disk(&dir, p)
            }
            None => Member {
                origin: Origin::Editor(uri.as_str().to_string()),
                name: uri.as_str().to_string(),
                disk: None,
            },
        };
        c.members.push(member);
        c
    }

    /// Walk the root again: files created or deleted.
    fn rescan(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let mut paths = Vec::new();
        // An unreadable folder leaves the corpus with what was found.
        let _ = crate::loader::walk(&root, &mut paths);
        let mut old: HashMap<PathBuf, Member> = std::mem::take(&mut self.members)
            .into_iter()
            .filter_map(|m| match &m.origin {
                Origin::Disk(p) => Some((p.clone(), m)),
                _ => None,
            })
            .collect();
        for p in paths {
            let m = match old.remove(&p) {
                Some(mut m) => {
                    m.reload();
                    m
                }
                None => Member::disk(&root, p),
            };
            self.members.push(m);
        }
        self.sort();
    }

    fn sort(&mut self) {
        self.members.sort_by(|a, b| a.name.cmp(&b.name));
        self.state = None;
    }

    /// Which corpus this is, in words, as every command says it.
    pub fn describe(&self) -> String {
        match &self.root {
            Some(root) => format!(
                "policies: {} ({} files)",
                root.display(),
                self.members.len()
            ),
            None => {
                let file = match self.members.last().map(|m| &m.origin) {
                    Some(Origin::Disk(p)) => p.display().to_string(),
                    Some(Origin::Editor(u)) => u.clone(),
                    _ => String::new(),
                };
                format!(
                    "policies: {file} over the built-in corpus (mandate {})",
                    env!("CARGO_PKG_VERSION")
                )
            }
        }
    }

    pub fn member_of(&self, uri: &Uri) -> Option<usize> {
        let path = super::uri::to_path(uri);
        self.members.iter().position(|m| match (&m.origin, &path) {
            (Origin::Disk(p), Some(q)) => p == q,
            (Origin::Editor(u), _) => u == uri.as_str(),
            _ => false,
        })
    }

    fn analyse(
        &mut self,
        docs: &HashMap<String, Doc>,
        open: &HashMap<PathBuf, &Doc>,
        opts: &lint::Options,
    ) {
        let mut sources = Sources::new();
        let mut members = Vec::new();
        let mut unreadable = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            let text: Result<Arc<str>, Diagnostic> = match &m.origin {
                Origin::Disk(p) => match open.get(p) {
                    Some(d) => Ok(d.text.as_str().into()),
                    None => m.disk.clone().unwrap_or_else(|| {
                        Err(Diagnostic::new(
                            Code::Unreadable,
                            format!("`{}` was not read", m.name),
                        ))
                    }),
                },
                Origin::Editor(u) => match docs.get(u) {
                    Some(d) => Ok(d.text.as_str().into()),
                    None => continue,
                },
                Origin::Embedded(t) => Ok((*t).into()),
            };
            match text {
                Ok(t) => {
                    sources.add(m.name.clone(), t);
                    members.push(i);
                }
                Err(d) => unreadable.push((i, d)),
            }
        }
        // Files whose text did not change keep their trees: parsing is
        // most of an analysis, and an edit changes one file.
        let mut old = self.state.take();
        let mut parsed = Vec::with_capacity(members.len());
        let mut syntax = Vec::with_capacity(members.len());
        for (i, &m) in members.iter().enumerate() {
            let id = FileId(i as u32);
            let kept = old.as_mut().and_then(|o| {
                let f = o.file_of(m).filter(|&f| f == id)?;
                if o.analysis.sources.get(f).text != sources.get(id).text {
                    return None;
                }
                let ast = o.analysis.asts.get_mut(f.0 as usize)?.take()?;
                Some((ast, o.syntax.get(f.0 as usize)?.clone()))
            });
            let (ast, diags) =
                kept.unwrap_or_else(|| crate::syntax::parse_recovering(&sources, id));
            syntax.push(diags.clone());
            parsed.push((ast, diags));
        }
        let mut analysis = crate::pipeline::analyse_parsed(sources, parsed, opts);
        // Failing `test` blocks are what an author wants to see at once.
        if let (Some(p), Some(t)) = (&analysis.program, &analysis.tables) {
            for r in crate::policy_tests::run(p, t) {
                if r.outcome.is_err() {
                    analysis.diags.push(r.diagnostic());
                }
            }
            crate::diag::sort(&mut analysis.diags);
        }
        // A file with a syntax error parsed only in part: keep the last
        // tree of it that parsed whole, for the names it declared.
        let broken: HashSet<usize> = analysis
            .diags
            .iter()
            .filter(|d| d.code == Code::Syntax)
            .filter_map(|d| d.primary())
            .filter_map(|s| members.get(s.file.0 as usize).copied())
            .collect();
        let mut fallback = HashMap::new();
        if let Some(mut old) = old {
            for &m in &broken {
                let last = if old.broken.contains(&m) {
                    old.fallback.remove(&m)
                } else {
                    old.file_of(m)
                        .and_then(|f| old.analysis.asts.get_mut(f.0 as usize))
                        .and_then(Option::take)
                };
                if let Some(ast) = last {
                    fallback.insert(m, ast);
                }
            }
        }
        self.state = Some(State {
            analysis,
            syntax,
            members,
            unreadable,
            broken,
            fallback,
        });
        self.dirty = false;
    }
}
