//! Recovery from syntax errors, so one run reports every broken item and
//! the checker still sees every item that parsed.
//!
//! pest stops at the first error. On failure the file is cut at lines
//! that start an item (`schema`, `jurisdiction`, `enum`, `fact`, `rule`,
//! `test`): the text before the broken item is parsed by a `*_head` rule,
//! which may leave a schema or jurisdiction open; parsing resumes at the
//! next item line after the error with the `*_tail` rule of the context
//! that keyword implies (a `rule` line resumes inside a jurisdiction).
//! Items parsed after the break join the schema or jurisdiction left open
//! before it. The broken items are recorded, so the checker can stay quiet
//! about names they would have defined.

use super::ast::{Broken, File, Item};
use super::lower::{parse_whole, syntax_error, Lower, PolicyParser, Rule};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pairs;
use pest::Parser;

/// Where an item keyword puts the parser.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Context {
    File,
    Schema,
    Jurisdiction,
}

/// The keyword at the start of `text`, if it begins an item.
pub(super) fn item_keyword(text: &str) -> Option<&'static str> {
    ["schema", "jurisdiction", "enum", "fact", "rule", "test"]
        .into_iter()
        .find(|kw| {
            text.strip_prefix(kw).is_some_and(|rest| {
                !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
}

fn context_of(keyword: &str) -> Context {
    match keyword {
        "enum" | "fact" => Context::Schema,
        "rule" | "test" => Context::Jurisdiction,
        _ => Context::File,
    }
}

/// Offsets of lines whose first word is an item keyword. Strings cannot
/// span lines and comments end at the line's end, so a keyword first on
/// a line is never inside either.
fn resume_points(text: &str) -> Vec<usize> {
    let mut points = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if item_keyword(&line[indent..]).is_some() {
            points.push(line_start + indent);
        }
        line_start += line.len();
    }
    points
}

/// Parse `text`, recovering from syntax errors. The tree holds every item
/// that parsed; the diagnostics hold every syntax error and every problem
/// the lowering found.
pub fn parse(text: &str, file: FileId) -> (File, Vec<Diagnostic>) {
    let first = match parse_whole(text, file) {
        Ok(parsed) => return parsed,
        Err(e) => e,
    };
    let mut r = Recovery {
        text,
        file,
        lower: Lower::new(file, 0),
        items: Vec::new(),
        open: None,
        broken: Vec::new(),
        diags: Vec::new(),
    };
    r.run(first);
    r.close();
    let mut diags = r.diags;
    diags.append(&mut r.lower.diags);
    (
        File {
            items: r.items,
            broken: r.broken,
        },
        diags,
    )
}

struct Recovery<'t> {
    text: &'t str,
    file: FileId,
    lower: Lower,
    items: Vec<Item>,
    /// The schema or jurisdiction whose closing brace has not been read.
    open: Option<Item>,
    broken: Vec<Broken>,
    diags: Vec<Diagnostic>,
}

impl Recovery<'_> {
    fn run(&mut self, mut error: pest::error::Error<Rule>) {
        let points = resume_points(self.text);
        let (mut start, mut context) = (0, Context::File);
        loop {
            let at = start + error_offset(&error);
            self.diags
                .push(syntax_error(error, self.text, start, self.file));
            // The broken item starts at the last item line before the
            // error; everything between `start` and it parsed once, but
            // pest may have blamed a later line, so shrink until it does.
            let mut cut = points
                .iter()
                .rev()
                .find(|&&p| p < at && p >= start)
                .copied()
                .unwrap_or(start);
            while cut > start && !self.absorb_head(context, start, cut) {
                cut = points
                    .iter()
                    .rev()
                    .find(|&&p| p < cut && p >= start)
                    .copied()
                    .unwrap_or(start);
            }
            self.record_broken(cut, at);
            let Some(&resume) = points.iter().find(|&&p| p >= at && p > cut) else {
                return;
            };
            start = resume;
            context = item_keyword(&self.text[start..]).map_or(Context::File, context_of);
            let entry = match context {
                Context::File => Rule::file,
                Context::Schema => Rule::schema_tail,
                Context::Jurisdiction => Rule::jur_tail,
            };
            match PolicyParser::parse(entry, &self.text[start..]) {
                Ok(pairs) => {
                    self.absorb(pairs, start);
                    return;
                }
                Err(e) => error = e,
            }
        }
    }

    /// Parse `text[start..end]` as the part before a broken item; false
    /// if it does not parse.
    fn absorb_head(&mut self, context: Context, start: usize, end: usize) -> bool {
        let entry = match context {
            Context::File => Rule::file_head,
            Context::Schema => Rule::schema_head,
            Context::Jurisdiction => Rule::jur_head,
        };
        match PolicyParser::parse(entry, &self.text[start..end]) {
            Ok(pairs) => {
                self.absorb(pairs, start);
                true
            }
            Err(_) => false,
        }
    }

    fn absorb(&mut self, pairs: Pairs<Rule>, base: usize) {
        let mut lower = Lower::new(self.file, base);
        for top in pairs {
            for p in top.into_inner() {
                match p.as_rule() {
                    Rule::schema => {
                        self.close();
                        self.items.push(Item::Schema(lower.lower_schema(p)));
                    }
                    Rule::jurisdiction => {
                        self.close();
                        self.items
                            .push(Item::Jurisdiction(lower.lower_jurisdiction(p)));
                    }
                    Rule::open_schema => {
                        self.close();
                        self.open = Some(Item::Schema(lower.lower_schema(p)));
                    }
                    Rule::open_jurisdiction => {
                        self.close();
                        self.open = Some(Item::Jurisdiction(lower.lower_jurisdiction(p)));
                    }
                    Rule::close => self.close(),
                    Rule::enum_decl | Rule::fact_decl => {
                        if let Some(Item::Schema(s)) = &mut self.open {
                            lower.lower_schema_item(s, p);
                        }
                    }
                    Rule::EOI => {}
                    // Items of a jurisdiction whose header was broken
                    // belong nowhere and are dropped.
                    _ => {
                        if let Some(Item::Jurisdiction(j)) = &mut self.open {
                            lower.lower_jur_item(j, p);
                        }
                    }
                }
            }
        }
        self.lower.diags.append(&mut lower.diags);
    }

    fn close(&mut self) {
        if let Some(item) = self.open.take() {
            self.items.push(item);
        }
    }

    /// Remember what the item at `cut` would have defined.
    fn record_broken(&mut self, cut: usize, at: usize) {
        let rest = &self.text[cut..];
        let keyword = item_keyword(rest).unwrap_or("");
        let name: String = rest[keyword.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let within = match &self.open {
            Some(Item::Jurisdiction(j)) if context_of(keyword) == Context::Jurisdiction => {
                Some(j.code.name.clone())
            }
            _ => None,
        };
        self.broken.push(Broken {
            keyword: keyword.to_string(),
            name,
            within,
            span: Span::new(self.file, cut, at.max(cut)),
        });
    }
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}
