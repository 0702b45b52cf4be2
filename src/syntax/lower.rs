//! pest pairs to AST, one `lower_<rule>` function per grammar rule.

use super::ast::*;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/policy.pest"]
pub(super) struct PolicyParser;

pub(super) struct Lower {
    file: FileId,
    /// Where the parsed text starts in the file: recovery parses slices.
    base: usize,
    pub(super) diags: Vec<Diagnostic>,
}

/// Parse a whole file; the first syntax error is returned as pest's error
/// so the caller can recover from it.
pub(super) fn parse_whole(
    text: &str,
    file: FileId,
) -> Result<(File, Vec<Diagnostic>), pest::error::Error<Rule>> {
    let mut pairs = PolicyParser::parse(Rule::file, text)?;
    let mut lower = Lower::new(file, 0);
    let Some(top) = pairs.next() else {
        return Ok((File::default(), Vec::new()));
    };
    let ast = lower.lower_file(top);
    Ok((ast, lower.diags))
}

/// Names users understand, instead of grammar rule names.
fn friendly(r: &Rule) -> String {
    match r {
        Rule::EOI => "end of file".into(),
        Rule::ident | Rule::qualified => "a name".into(),
        Rule::string => "a quoted string".into(),
        Rule::integer => "an integer".into(),
        Rule::boolean => "`true` or `false`".into(),
        Rule::date => "a date (YYYY-MM-DD)".into(),
        Rule::duration => "a duration (`immediately`, `practicable`, `24h`, `2d`)".into(),
        Rule::at_most | Rule::kw_at | Rule::kw_most => "`at most`".into(),
        Rule::if_requested | Rule::kw_if | Rule::kw_requested => "`if requested`".into(),
        Rule::action => {
            "an action (`must_report`, `must_disclose`, `may_disclose`, `must_not_disclose`)".into()
        }
        Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)".into(),
        Rule::in_op => "`in`".into(),
        Rule::and_op => "`and`".into(),
        Rule::or_op => "`or`".into(),
        Rule::not_op => "`not`".into(),
        Rule::schema => "`schema`".into(),
        Rule::jurisdiction => "`jurisdiction`".into(),
        Rule::enum_decl => "`enum`".into(),
        Rule::fact_decl => "`fact`".into(),
        Rule::expected => "`expect jurisdictions [...]`".into(),
        Rule::reviewed => "`reviewed`".into(),
        Rule::source => "`source`".into(),
        Rule::default_decl => "`default`".into(),
        Rule::allow => "`allow`".into(),
        Rule::rule => "`rule`".into(),
        Rule::test => "`test`".into(),
        Rule::when => "`when`".into(),
        Rule::then => "`then`".into(),
        Rule::recipients => "`to [...]`".into(),
        Rule::deadline | Rule::within => "`within`".into(),
        Rule::written => "`in writing within`".into(),
        Rule::note => "`note`".into(),
        Rule::cite => "`cite`".into(),
        Rule::overrides => "`overrides`".into(),
        Rule::unverified => "`unverified`".into(),
        Rule::given => "`given`".into(),
        Rule::expect => "`expect`".into(),
        Rule::by => "`by`".into(),
        Rule::extends => "`extends`".into(),
        Rule::int_type => "`int`".into(),
        Rule::date_type | Rule::kw_date => "`date`".into(),
        Rule::effective => "`effective`".into(),
        Rule::until => "`until`".into(),
        Rule::bool_type => "`bool`".into(),
        Rule::int_range => "a range (`LO..=HI`)".into(),
        Rule::list => "a list (`[a, b]`)".into(),
        Rule::variant => "a variant".into(),
        Rule::close => "`}`".into(),
        Rule::open_schema => "`schema`".into(),
        Rule::open_jurisdiction => "`jurisdiction`".into(),
        other => format!("{other:?}"),
    }
}

/// A pest error as a diagnostic. `base` is where the parsed slice starts
/// in `text`, the whole file.
pub(super) fn syntax_error(
    e: pest::error::Error<Rule>,
    text: &str,
    base: usize,
    file: FileId,
) -> Diagnostic {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, t)) => (s, t),
    };
    let (start, end) = (base + start, base + end.max(start));
    let mut keywords: Vec<&'static str> = Vec::new();
    let label = match &e.variant {
        pest::error::ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut expected: Vec<String> = positives.iter().map(friendly).collect();
            expected.sort();
            expected.dedup();
            keywords = positives.iter().filter_map(keyword).collect();
            let mut unexpected: Vec<String> = negatives.iter().map(friendly).collect();
            unexpected.sort();
            unexpected.dedup();
            match (expected.is_empty(), unexpected.is_empty()) {
                (false, _) => format!("expected {}", join_or(&expected)),
                (true, false) => format!("unexpected {}", join_or(&unexpected)),
                (true, true) => "unexpected input".to_string(),
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let rest = &text[start.min(text.len())..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    // An opening quote with no closing one on its line: pest only says it
    // expected a string, which misleads; say what is wrong.
    if rest.starts_with('"') && !closes_on_line(&rest[1..line_end]) {
        return Diagnostic::new(Code::Syntax, "syntax error: unterminated string")
            .label(Span::new(file, start, start + line_end), "this string has no closing `\"`")
            .help("add the closing `\"` on the same line; strings cannot span lines (write `\\\"` for a quote inside)");
    }
    let help = if let Some(kw) = (!word.is_empty())
        .then(|| crate::diag::suggest(&word, keywords.iter().copied()))
        .flatten()
        .filter(|kw| *kw != word)
    {
        format!("did you mean `{kw}`?")
    } else if starts_item(rest)
        && !keywords
            .iter()
            .any(|k| matches!(*k, "when" | "then" | "expect"))
    {
        "the item above is not closed: add the missing `}` before this line".to_string()
    } else if label.contains("`cite`") {
        "every rule ends with its clauses: `effective`, `until`, `note`, `cite` (required), `overrides`, `unverified`; check the line above for a missing quote or bracket".to_string()
    } else {
        "compare this line with the examples in docs/language.md".to_string()
    };
    Diagnostic::new(Code::Syntax, format!("syntax error: {label}"))
        .label(Span::new(file, start, end), label)
        .help(help)
}

/// Whether a string body (after its opening quote) ends on this line.
fn closes_on_line(body: &str) -> bool {
    let mut escaped = false;
    for c in body.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

/// Whether `rest` starts with a keyword that begins an item, so an error
/// there means the item before it was left open.
fn starts_item(rest: &str) -> bool {
    super::recover::item_keyword(rest).is_some()
}

/// The keyword a grammar rule starts with, for did-you-mean on a
/// misspelled keyword (`cit` for `cite`).
fn keyword(r: &Rule) -> Option<&'static str> {
    Some(match r {
        Rule::schema | Rule::open_schema => "schema",
        Rule::jurisdiction | Rule::open_jurisdiction => "jurisdiction",
        Rule::enum_decl => "enum",
        Rule::fact_decl => "fact",
        Rule::reviewed => "reviewed",
        Rule::source => "source",
        Rule::default_decl => "default",
        Rule::allow => "allow",
        Rule::rule => "rule",
        Rule::test => "test",
        Rule::when => "when",
        Rule::then => "then",
        Rule::note => "note",
        Rule::cite => "cite",
        Rule::overrides => "overrides",
        Rule::unverified => "unverified",
        Rule::effective => "effective",
        Rule::until => "until",
        Rule::kw_date | Rule::date_type => "date",
        Rule::given => "given",
        Rule::expect => "expect",
        Rule::by => "by",
        Rule::extends => "extends",
        Rule::within | Rule::deadline => "within",
        Rule::recipients => "to",
        _ => return None,
    })
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn unescape(raw: &str) -> String {
    let inner = &raw[1..raw.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Lower {
    pub(super) fn new(file: FileId, base: usize) -> Lower {
        Lower {
            file,
            base,
            diags: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn lower_file(&mut self, pair: Pair<Rule>) -> File {
        let mut items = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::schema => items.push(Item::Schema(self.lower_schema(p))),
                Rule::jurisdiction => items.push(Item::Jurisdiction(self.lower_jurisdiction(p))),
                Rule::expected => {
                    let span = self.span(&p);
                    let codes = p.into_inner().map(|c| self.lower_ident(c)).collect();
                    items.push(Item::Expected(Expected { codes, span }));
                }
                Rule::EOI => {}
                other => unreachable!("lower_file: unexpected {other:?}"),
            }
        }
        File {
            items,
            broken: Vec::new(),
        }
    }

    fn lower_ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn lower_string(&self, pair: Pair<Rule>) -> Str {
        Str {
            value: unescape(pair.as_str()),
            span: self.span(&pair),
        }
    }

    fn lower_integer(&mut self, pair: Pair<Rule>) -> Int {
        let span = self.span(&pair);
        let value = match pair.as_str().parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidRange,
                        format!("integer `{}` does not fit in 64 bits", pair.as_str()),
                    )
                    .label(span, "too large")
                    .help("use a number between -9223372036854775808 and 9223372036854775807"),
                );
                0
            }
        };
        Int { value, span }
    }

    /// Dates are checked by the checker, which can say what is wrong.
    fn lower_date(&self, pair: Pair<Rule>) -> DateLit {
        DateLit {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    pub(super) fn lower_schema(&mut self, pair: Pair<Rule>) -> Schema {
        let span = self.span(&pair);
        let mut schema = Schema {
            enums: Vec::new(),
            facts: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            self.lower_schema_item(&mut schema, p);
        }
        schema
    }

    pub(super) fn lower_schema_item(&mut self, schema: &mut Schema, p: Pair<Rule>) {
        match p.as_rule() {
            Rule::enum_decl => schema.enums.push(self.lower_enum_decl(p)),
            Rule::fact_decl => schema.facts.push(self.lower_fact_decl(p)),
            other => unreachable!("lower_schema_item: unexpected {other:?}"),
        }
    }

    fn lower_enum_decl(&mut self, pair: Pair<Rule>) -> EnumDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.lower_ident(inner.next().expect("lower_enum_decl: name"));
        let variants = inner.map(|v| self.lower_variant(v)).collect();
        EnumDecl {
            name,
            variants,
            span,
        }
    }

    fn lower_variant(&mut self, pair: Pair<Rule>) -> Variant {
        let mut inner = pair.into_inner();
        let name = self.lower_ident(inner.next().expect("lower_variant: name"));
        let doc = inner.next().map(|d| self.lower_string(d));
        Variant { name, doc }
    }

    fn lower_fact_decl(&mut self, pair: Pair<Rule>) -> FactDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.lower_ident(inner.next().expect("lower_fact_decl: name"));
        let ty = self.lower_type(inner.next().expect("lower_fact_decl: type"));
        let (mut default, mut doc) = (None, None);
        for p in inner {
            match p.as_rule() {
                Rule::string => doc = Some(self.lower_string(p)),
                _ => default = Some(self.lower_literal(p)),
            }
        }
        FactDecl {
            name,
            ty,
            default,
            doc,
            span,
        }
    }

    fn lower_type(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::bool_type => TypeExpr::Bool(span),
            Rule::int_type => {
                let mut inner = pair.into_inner();
                let range = match (inner.next(), inner.next()) {
                    (Some(lo), Some(hi)) => Some((self.lower_integer(lo), self.lower_integer(hi))),
                    _ => None,
                };
                TypeExpr::Int { range, span }
            }
            Rule::date_type => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() == Rule::date);
                let range = match (inner.next(), inner.next()) {
                    (Some(lo), Some(hi)) => Some((self.lower_date(lo), self.lower_date(hi))),
                    _ => None,
                };
                TypeExpr::Date { range, span }
            }
            Rule::named_type => TypeExpr::Named(
                self.lower_ident(pair.into_inner().next().expect("lower_type: name")),
            ),
            other => unreachable!("lower_type: unexpected {other:?}"),
        }
    }

    fn lower_literal(&mut self, pair: Pair<Rule>) -> Literal {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::boolean => Literal::Bool(pair.as_str() == "true", span),
            Rule::integer => Literal::Int(self.lower_integer(pair)),
            Rule::date => Literal::Date(self.lower_date(pair)),
            Rule::ident => Literal::Name(self.lower_ident(pair)),
            other => unreachable!("lower_literal: unexpected {other:?}"),
        }
    }

    pub(super) fn lower_jurisdiction(&mut self, pair: Pair<Rule>) -> Jurisdiction {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let code = self.lower_ident(inner.next().expect("lower_jurisdiction: code"));
        let name = self.lower_string(inner.next().expect("lower_jurisdiction: name"));
        let mut j = Jurisdiction {
            code,
            name,
            extends: None,
            reviewed: Vec::new(),
            sources: Vec::new(),
            defaults: Vec::new(),
            allows: Vec::new(),
            rules: Vec::new(),
            tests: Vec::new(),
            span,
        };
        for p in inner {
            self.lower_jur_item(&mut j, p);
        }
        j
    }

    pub(super) fn lower_jur_item(&mut self, j: &mut Jurisdiction, p: Pair<Rule>) {
        {
            match p.as_rule() {
                Rule::extends => j.extends = Some(self.lower_ident(first(p))),
                Rule::reviewed => j.reviewed.push(self.lower_date(first(p))),
                Rule::source => j.sources.push(self.lower_string(first(p))),
                Rule::default_decl => j.defaults.push(self.lower_default(p)),
                Rule::allow => j.allows.push(self.lower_allow(p)),
                Rule::rule => j.rules.push(self.lower_rule(p)),
                Rule::test => j.tests.push(self.lower_test(p)),
                other => unreachable!("lower_jur_item: unexpected {other:?}"),
            }
        }
    }

    fn lower_action(&self, pair: Pair<Rule>) -> ActionLit {
        let action = Action::parse(pair.as_str())
            .expect("lower_action: grammar admits only the four actions");
        ActionLit {
            action,
            span: self.span(&pair),
        }
    }

    fn lower_default(&mut self, pair: Pair<Rule>) -> Default {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let action = self.lower_action(inner.next().expect("lower_default: action"));
        let mut d = Default {
            action,
            cites: Vec::new(),
            effective: None,
            until: None,
            span,
        };
        for p in inner {
            match p.as_rule() {
                Rule::cite => d.cites.push(self.lower_string(first(p))),
                Rule::effective | Rule::until => {
                    self.lower_in_force("`default`", p, &mut d.effective, &mut d.until)
                }
                other => unreachable!("lower_default: unexpected {other:?}"),
            }
        }
        d
    }

    fn lower_allow(&mut self, pair: Pair<Rule>) -> Allow {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let code = self.lower_ident(inner.next().expect("lower_allow: code"));
        let reason = inner.next().map(|r| self.lower_string(r));
        Allow { code, reason, span }
    }

    fn lower_rule(&mut self, pair: Pair<Rule>) -> Rule_ {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.lower_ident(inner.next().expect("lower_rule: name"));
        let when = self.lower_expr(first(inner.next().expect("lower_rule: when")));
        let then = self.lower_then(inner.next().expect("lower_rule: then").into_inner());
        let mut rule = Rule_ {
            name,
            when,
            then,
            notes: Vec::new(),
            cites: Vec::new(),
            overrides: Vec::new(),
            unverified: None,
            allows: Vec::new(),
            effective: None,
            until: None,
            span,
        };
        for p in inner {
            match p.as_rule() {
                Rule::note => rule.notes.push(self.lower_string(first(p))),
                Rule::cite => rule.cites.push(self.lower_string(first(p))),
                Rule::overrides => rule
                    .overrides
                    .extend(p.into_inner().map(|i| self.lower_ident(i))),
                Rule::unverified => rule.unverified = Some(self.lower_string(first(p))),
                Rule::allow => rule.allows.push(self.lower_allow(p)),
                Rule::effective | Rule::until => {
                    let who = format!("rule `{}`", rule.name.name);
                    self.lower_in_force(&who, p, &mut rule.effective, &mut rule.until);
                }
                other => unreachable!("lower_rule: unexpected {other:?}"),
            }
        }
        rule
    }

    /// `effective DATE` or `until DATE` of a rule or a default (`who`); a
    /// clause given twice is reported (E009) and the first one kept.
    fn lower_in_force(
        &mut self,
        who: &str,
        p: Pair<Rule>,
        effective: &mut Option<DateLit>,
        until: &mut Option<DateLit>,
    ) {
        let kind = p.as_rule();
        let date = self.lower_date(first(p));
        let (word, slot) = if kind == Rule::effective {
            ("effective", effective)
        } else {
            ("until", until)
        };
        match slot {
            Some(prev) => self.diags.push(
                Diagnostic::new(Code::Duplicate, format!("{who} says `{word}` twice"))
                    .label(date.span, "second date")
                    .label(prev.span, "first date")
                    .help("a rule or default has one date range; write each version of a provision as its own rule or default"),
            ),
            None => *slot = Some(date),
        }
    }

    /// Shared by `then` and `expect`: action, recipients, deadline.
    fn lower_then<'a>(&mut self, mut inner: impl Iterator<Item = Pair<'a, Rule>>) -> Then {
        let action = self.lower_action(inner.next().expect("lower_then: action"));
        let mut then = Then {
            action,
            to: None,
            any_of: false,
            within: None,
            written: None,
        };
        for p in inner {
            match p.as_rule() {
                Rule::recipients => {
                    let mut names = Vec::new();
                    for i in p.into_inner() {
                        if i.as_rule() == Rule::any_of {
                            then.any_of = true;
                        } else {
                            names.push(self.lower_ident(i));
                        }
                    }
                    then.to = Some(names)
                }
                Rule::deadline => {
                    for d in p.into_inner() {
                        let kind = d.as_rule();
                        let mut inner = d.into_inner();
                        let dur = inner.next().expect("lower_then: a deadline has a duration");
                        let (mut at_most, mut if_requested) = (None, None);
                        for part in inner {
                            match part.as_rule() {
                                Rule::at_most => {
                                    let limit = first_of(part, Rule::duration);
                                    at_most = Some(Box::new(DurationLit {
                                        text: limit.as_str().to_string(),
                                        span: self.span(&limit),
                                        at_most: None,
                                        if_requested: None,
                                    }));
                                }
                                Rule::if_requested => if_requested = Some(self.span(&part)),
                                other => unreachable!("lower_then: unexpected {other:?}"),
                            }
                        }
                        let lit = DurationLit {
                            text: dur.as_str().to_string(),
                            span: self.span(&dur),
                            at_most,
                            if_requested,
                        };
                        match kind {
                            Rule::within => then.within = Some(lit),
                            Rule::written => then.written = Some(lit),
                            other => unreachable!("lower_then: unexpected deadline {other:?}"),
                        }
                    }
                }
                other => unreachable!("lower_then: unexpected {other:?}"),
            }
        }
        then
    }

    fn lower_expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let mut parts: Vec<Expr> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::or_op)
                    .map(|p| self.lower_expr(p))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().expect("lower_expr: one part")
                } else {
                    Expr::Or(parts, span)
                }
            }
            Rule::disjunct => {
                let mut parts: Vec<Expr> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::and_op)
                    .map(|p| self.lower_expr(p))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().expect("lower_expr: one part")
                } else {
                    Expr::And(parts, span)
                }
            }
            Rule::negation => {
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() != Rule::not_op)
                    .expect("lower_expr: negated operand");
                Expr::Not(Box::new(self.lower_expr(inner)), span)
            }
            Rule::comparison => Expr::Cmp(self.lower_comparison(pair)),
            other => unreachable!("lower_expr: unexpected {other:?}"),
        }
    }

    fn lower_comparison(&mut self, pair: Pair<Rule>) -> Comparison {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let fact = self.lower_ident(inner.next().expect("lower_comparison: fact"));
        let test = match inner.next() {
            None => CmpTest::IsTrue,
            Some(p) if p.as_rule() == Rule::membership => {
                let target = p
                    .into_inner()
                    .nth(1)
                    .expect("lower_comparison: membership target");
                let tspan = self.span(&target);
                match target.as_rule() {
                    Rule::int_range => {
                        let mut b = target.into_inner();
                        let lo = self.lower_integer(b.next().expect("lower_comparison: lo"));
                        let hi = self.lower_integer(b.next().expect("lower_comparison: hi"));
                        CmpTest::InRange(lo, hi)
                    }
                    Rule::list => CmpTest::InList(
                        target.into_inner().map(|l| self.lower_literal(l)).collect(),
                        tspan,
                    ),
                    other => unreachable!("lower_comparison: unexpected target {other:?}"),
                }
            }
            Some(op) => {
                let op = match op.as_str() {
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    ">=" => CmpOp::Ge,
                    other => unreachable!("lower_comparison: operator {other}"),
                };
                let value = self.lower_literal(inner.next().expect("lower_comparison: operand"));
                CmpTest::Op(op, value)
            }
        };
        Comparison { fact, test, span }
    }

    fn lower_test(&mut self, pair: Pair<Rule>) -> Test {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.lower_string(inner.next().expect("lower_test: name"));
        let mut given = Vec::new();
        let mut expect = None;
        for p in inner {
            match p.as_rule() {
                Rule::given => {
                    for b in p.into_inner() {
                        let mut bi = b.into_inner();
                        let fact = self.lower_ident(bi.next().expect("lower_test: binding fact"));
                        let value =
                            self.lower_literal(bi.next().expect("lower_test: binding value"));
                        given.push(Binding { fact, value });
                    }
                }
                Rule::expect => expect = Some(self.lower_expect(p)),
                other => unreachable!("lower_test: unexpected {other:?}"),
            }
        }
        Test {
            name,
            given,
            expect: expect.expect("lower_test: grammar requires expect"),
            span,
        }
    }

    fn lower_expect(&mut self, pair: Pair<Rule>) -> Expect {
        let span = self.span(&pair);
        let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
        let by_pair = parts.iter().find(|p| p.as_rule() == Rule::by).cloned();
        let then_pairs = parts.into_iter().filter(|p| p.as_rule() != Rule::by);
        let then = self.lower_then(then_pairs);
        let by = by_pair.map(|b| {
            let target = first(b);
            match target.as_rule() {
                Rule::kw_default => By::Default(self.span(&target)),
                Rule::qualified => {
                    let mut ids: Vec<Ident> =
                        target.into_inner().map(|i| self.lower_ident(i)).collect();
                    let name = ids.pop().expect("lower_expect: qualified name");
                    By::Rule {
                        jurisdiction: ids.pop(),
                        name,
                    }
                }
                other => unreachable!("lower_expect: unexpected by {other:?}"),
            }
        });
        Expect { then, by, span }
    }
}

type Rule_ = super::ast::Rule;

/// The first inner pair of kind `kind` (keywords before it are pairs too).
fn first_of(pair: Pair<Rule>, kind: Rule) -> Pair<Rule> {
    pair.into_inner()
        .find(|p| p.as_rule() == kind)
        .expect("first_of: grammar guarantees the inner pair")
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    pair.into_inner()
        .next()
        .expect("first: grammar guarantees an inner pair")
}
