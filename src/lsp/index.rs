//! What the names in a corpus refer to, built from its syntax trees: every
//! occurrence of a fact, enum, variant, jurisdiction, rule or code, and
//! where each is declared. Hover, navigation, completion and code actions
//! all read this one index.

use super::corpus::State;
use crate::source::{FileId, Span};
use crate::syntax::ast;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sym {
    Fact(String),
    Enum(String),
    /// (enum, variant)
    Variant(String, String),
    Jur(String),
    /// (jurisdiction, rule)
    Rule(String, String),
    /// A diagnostic code, in `allow`.
    Code(String),
}

#[derive(Debug, Clone)]
pub struct Occ {
    pub span: Span,
    pub sym: Sym,
    pub def: bool,
}

pub struct Jur<'a> {
    pub ast: &'a ast::Jurisdiction,
    /// `None` when the tree is the last one that parsed, not the text now.
    pub file: Option<FileId>,
    pub rules: HashMap<&'a str, &'a ast::Rule>,
}

pub struct Index<'a> {
    pub schema: Option<&'a ast::Schema>,
    pub facts: BTreeMap<&'a str, &'a ast::FactDecl>,
    pub enums: BTreeMap<&'a str, &'a ast::EnumDecl>,
    pub jurs: BTreeMap<&'a str, Jur<'a>>,
    /// By file, sorted by position.
    pub occs: HashMap<FileId, Vec<Occ>>,
    pub defs: HashMap<Sym, Span>,
}

impl<'a> Index<'a> {
    pub fn build(state: &'a State) -> Index<'a> {
        let mut ix = Index {
            schema: None,
            facts: BTreeMap::new(),
            enums: BTreeMap::new(),
            jurs: BTreeMap::new(),
            occs: HashMap::new(),
            defs: HashMap::new(),
        };
        let fresh = state
            .analysis
            .asts
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.as_ref().map(|a| (Some(FileId(i as u32)), a)));
        let stale = state.fallback.values().map(|a| (None, a));
        let trees: Vec<(Option<FileId>, &ast::File)> = fresh.chain(stale).collect();
        for (file, tree) in &trees {
            for item in &tree.items {
                match item {
                    ast::Item::Schema(s) => {
                        if ix.schema.is_none() || file.is_some() {
                            ix.schema = Some(s);
                        }
                        for e in &s.enums {
                            ix.enums.entry(&e.name.name).or_insert(e);
                        }
                        for f in &s.facts {
                            ix.facts.entry(&f.name.name).or_insert(f);
                        }
                    }
                    ast::Item::Jurisdiction(j) => {
                        ix.jurs.entry(&j.code.name).or_insert_with(|| Jur {
                            ast: j,
                            file: *file,
                            rules: j.rules.iter().map(|r| (r.name.name.as_str(), r)).collect(),
                        });
                    }
                    ast::Item::Expected(_) => {}
                }
            }
        }
        for (file, tree) in &trees {
            if let Some(file) = file {
                let mut w = Walker {
                    ix: &ix,
                    out: Vec::new(),
                };
                w.file(tree);
                let mut out = w.out;
                for o in &out {
                    if o.def {
                        ix.defs.entry(o.sym.clone()).or_insert(o.span);
                    }
                }
                out.sort_by_key(|o| (o.span.start, !o.def));
                ix.occs.insert(*file, out);
            }
        }
        ix
    }

    /// The enum a fact's values come from.
    pub fn enum_of(&self, fact: &str) -> Option<&'a str> {
        match &self.facts.get(fact)?.ty {
            ast::TypeExpr::Named(id) => Some(id.name.as_str()),
            _ => None,
        }
    }

    /// A jurisdiction and the ones it extends, most specific first.
    pub fn chain(&self, code: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let mut cur = self.jurs.get(code);
        while let Some(j) = cur {
            if out.contains(&j.ast.code.name.as_str()) {
                break;
            }
            out.push(&j.ast.code.name);
            cur = j
                .ast
                .extends
                .as_ref()
                .and_then(|e| self.jurs.get(e.name.as_str()));
        }
        out
    }

    /// The jurisdiction of `code`'s chain that declares rule `name`.
    pub fn resolve_rule(&self, code: &str, name: &str) -> Option<&'a str> {
        self.chain(code)
            .into_iter()
            .find(|c| self.jurs.get(c).is_some_and(|j| j.rules.contains_key(name)))
    }

    /// The occurrences at a byte offset of a file, the declaration first.
    /// An offset just past a name still counts, where the cursor is after
    /// typing it.
    pub fn at(&self, file: FileId, offset: usize) -> Vec<&Occ> {
        let Some(occs) = self.occs.get(&file) else {
            return Vec::new();
        };
        let mut found: Vec<&Occ> = occs
            .iter()
            .filter(|o| o.span.start as usize <= offset && offset <= o.span.end as usize)
            .collect();
        found.sort_by_key(|o| !o.def);
        found
    }

    /// Every occurrence of a symbol, in file and position order.
    pub fn references(&self, sym: &Sym) -> Vec<&Occ> {
        let mut files: Vec<&FileId> = self.occs.keys().collect();
        files.sort();
        files
            .into_iter()
            .flat_map(|f| self.occs[f].iter().filter(|o| &o.sym == sym))
            .collect()
    }

    /// The jurisdiction a position of a file is in.
    pub fn jurisdiction_at(&self, file: FileId, offset: usize) -> Option<&Jur<'a>> {
        self.jurs.values().find(|j| {
            j.file == Some(file)
                && j.ast.span.start as usize <= offset
                && offset <= j.ast.span.end as usize
        })
    }

    /// The rule whose name is at this span.
    pub fn rule_named_at(&self, span: Span) -> Option<(&'a str, &'a ast::Rule)> {
        self.jurs
            .values()
            .filter(|j| j.file == Some(span.file))
            .find_map(|j| {
                j.ast
                    .rules
                    .iter()
                    .find(|r| r.name.span.start == span.start)
                    .map(|r| (j.ast.code.name.as_str(), r))
            })
    }
}

struct Walker<'i, 'a> {
    ix: &'i Index<'a>,
    out: Vec<Occ>,
}

impl Walker<'_, '_> {
    fn push(&mut self, span: Span, sym: Sym, def: bool) {
        self.out.push(Occ { span, sym, def });
    }

    fn file(&mut self, f: &ast::File) {
        for item in &f.items {
            match item {
                ast::Item::Schema(s) => self.schema(s),
                ast::Item::Jurisdiction(j) => self.jurisdiction(j),
                ast::Item::Expected(e) => {
                    for c in &e.codes {
                        self.push(c.span, Sym::Jur(c.name.clone()), false);
                    }
                }
            }
        }
    }

    fn schema(&mut self, s: &ast::Schema) {
        for e in &s.enums {
            self.push(e.name.span, Sym::Enum(e.name.name.clone()), true);
            for v in &e.variants {
                let sym = Sym::Variant(e.name.name.clone(), v.name.name.clone());
                self.push(v.name.span, sym, true);
            }
        }
        for f in &s.facts {
            self.push(f.name.span, Sym::Fact(f.name.name.clone()), true);
            if let ast::TypeExpr::Named(id) = &f.ty {
                self.push(id.span, Sym::Enum(id.name.clone()), false);
            }
            if let Some(lit) = &f.default {
                self.literal(&f.name.name, lit);
            }
        }
    }

    fn literal(&mut self, fact: &str, lit: &ast::Literal) {
        if let (Some(en), ast::Literal::Name(id)) = (self.ix.enum_of(fact), lit) {
            self.push(
                id.span,
                Sym::Variant(en.to_string(), id.name.clone()),
                false,
            );
        }
    }

    fn recipients(&mut self, to: &Option<Vec<ast::Ident>>) {
        for r in to.iter().flatten() {
            self.push(
                r.span,
                Sym::Variant("Recipient".into(), r.name.clone()),
                false,
            );
        }
    }

    fn rule_ref(&mut self, code: &str, id: &ast::Ident) {
        if let Some(owner) = self.ix.resolve_rule(code, &id.name) {
            self.push(
                id.span,
                Sym::Rule(owner.to_string(), id.name.clone()),
                false,
            );
        }
    }

    fn jurisdiction(&mut self, j: &ast::Jurisdiction) {
        let code = j.code.name.as_str();
        self.push(j.code.span, Sym::Jur(code.to_string()), true);
        if let Some(e) = &j.extends {
            self.push(e.span, Sym::Jur(e.name.clone()), false);
        }
        for a in &j.allows {
            self.push(a.code.span, Sym::Code(a.code.name.clone()), false);
        }
        let parent = j.extends.as_ref().map(|e| e.name.as_str());
        for r in &j.rules {
            self.push(
                r.name.span,
                Sym::Rule(code.to_string(), r.name.name.clone()),
                true,
            );
            // A rule with the name of an inherited one replaces it.
            if let Some(owner) = parent.and_then(|p| self.ix.resolve_rule(p, &r.name.name)) {
                let sym = Sym::Rule(owner.to_string(), r.name.name.clone());
                self.push(r.name.span, sym, false);
            }
            self.expr(&r.when);
            self.recipients(&r.then.to);
            for o in &r.overrides {
                self.rule_ref(code, o);
            }
            for a in &r.allows {
                self.push(a.code.span, Sym::Code(a.code.name.clone()), false);
            }
        }
        for t in &j.tests {
            for b in &t.given {
                self.push(b.fact.span, Sym::Fact(b.fact.name.clone()), false);
                self.literal(&b.fact.name, &b.value);
            }
            self.recipients(&t.expect.then.to);
            match &t.expect.by {
                Some(ast::By::Rule {
                    jurisdiction: Some(jc),
                    name,
                }) => {
                    self.push(jc.span, Sym::Jur(jc.name.clone()), false);
                    self.rule_ref(&jc.name, name);
                }
                Some(ast::By::Rule {
                    jurisdiction: None,
                    name,
                }) => self.rule_ref(code, name),
                _ => {}
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        match e {
            ast::Expr::Or(v, _) | ast::Expr::And(v, _) => v.iter().for_each(|x| self.expr(x)),
            ast::Expr::Not(x, _) => self.expr(x),
            ast::Expr::Cmp(c) => {
                self.push(c.fact.span, Sym::Fact(c.fact.name.clone()), false);
                match &c.test {
                    ast::CmpTest::Op(_, lit) => self.literal(&c.fact.name, lit),
                    ast::CmpTest::InList(v, _) => {
                        v.iter().for_each(|l| self.literal(&c.fact.name, l))
                    }
                    _ => {}
                }
            }
        }
    }
}
