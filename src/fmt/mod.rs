//! The canonical layout. Printing walks the AST; comments, which the
//! grammar skips, are recovered from the source text and re-attached to
//! the statement that follows them (or to the closing brace of their
//! block), so formatting never loses one; a comment that ends a line of
//! code stays at the end of that line. The output is a fixed point:
//! formatting it again changes nothing.

use crate::source::{FileId, Sources};
use crate::syntax::ast::*;

const WIDTH: usize = 100;
const INDENT: &str = "  ";

/// Format one parsed file of `sources`.
pub fn format(sources: &Sources, file: FileId, ast: &File) -> String {
    let text = &sources.get(file).text;
    let mut p = Printer {
        out: String::new(),
        comments: comments(text),
        next: 0,
    };
    for (i, item) in ast.items.iter().enumerate() {
        if i > 0 {
            p.out.push('\n');
        }
        match item {
            Item::Schema(s) => p.schema(s),
            Item::Jurisdiction(j) => p.jurisdiction(j),
            Item::Expected(e) => p.expected(e),
        }
    }
    p.flush_rest("");
    p.out
}

/// `//` comments outside strings: (start offset, text without trailing
/// whitespace, plus a newline when a blank line follows it, so section
/// headers keep their spacing, and whether code precedes it on its line).
fn comments(text: &str) -> Vec<(usize, String, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let mut comment = text[i..end].trim_end().to_string();
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let trailing = !text[line_start..i].trim().is_empty();
                let next_line = text.get(end + 1..).and_then(|rest| rest.split('\n').next());
                if !trailing
                    && next_line.is_some_and(|l| l.trim().is_empty())
                    && end + 1 < text.len()
                {
                    comment.push('\n');
                }
                out.push((i, comment, trailing));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

struct Printer {
    out: String,
    comments: Vec<(usize, String, bool)>,
    /// Comments before this index have been printed.
    next: usize,
}

pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

impl Printer {
    /// Print every comment that starts before `pos`, at `indent`.
    /// A comment that followed code on its line goes back to the end of
    /// the last line printed, which holds that code.
    fn comments_before(&mut self, pos: u32, indent: &str) {
        while let Some((at, text, trailing)) = self.comments.get(self.next) {
            if *at >= pos as usize {
                break;
            }
            let end = self.out.trim_end_matches('\n').len();
            if *trailing && end > 0 {
                self.out.insert_str(end, &format!("  {text}"));
            } else {
                self.out.push_str(indent);
                self.out.push_str(text);
                self.out.push('\n');
            }
            self.next += 1;
        }
    }

    fn flush_rest(&mut self, indent: &str) {
        self.comments_before(u32::MAX, indent);
    }

    fn line(&mut self, indent: &str, text: &str) {
        self.out.push_str(indent);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn schema(&mut self, s: &Schema) {
        self.comments_before(s.span.start, "");
        self.line("", "schema {");
        let inner = INDENT;
        let mut first = true;
        for e in &s.enums {
            if !first {
                self.out.push('\n');
            }
            first = false;
            self.comments_before(e.span.start, inner);
            self.line(inner, &format!("enum {} {{", e.name.name));
            let deeper = format!("{inner}{INDENT}");
            let width = e
                .variants
                .iter()
                .filter(|v| v.doc.is_some())
                .map(|v| v.name.name.len())
                .max()
                .unwrap_or(0);
            for v in &e.variants {
                self.comments_before(v.name.span.start, &deeper);
                match &v.doc {
                    Some(d) => self.line(
                        &deeper,
                        &format!("{:<width$} {}", v.name.name, quote(&d.value)),
                    ),
                    None => self.line(&deeper, &v.name.name),
                }
            }
            self.comments_before(e.span.end, &deeper);
            self.line(inner, "}");
        }
        let heads: Vec<String> = s.facts.iter().map(fact_head).collect();
        let width = s
            .facts
            .iter()
            .zip(&heads)
            .filter(|(f, _)| f.doc.is_some())
            .map(|(_, h)| h.len())
            .max()
            .unwrap_or(0);
        for (i, (f, head)) in s.facts.iter().zip(&heads).enumerate() {
            if i == 0 && !s.enums.is_empty() {
                self.out.push('\n');
            }
            self.comments_before(f.span.start, inner);
            match &f.doc {
                Some(d) => self.line(inner, &format!("{head:<width$} {}", quote(&d.value))),
                None => self.line(inner, head),
            }
        }
        self.comments_before(s.span.end, inner);
        self.line("", "}");
    }

    /// Ten codes a line, so a list of 52 stays readable and diffs well.
    fn expected(&mut self, e: &Expected) {
        self.comments_before(e.span.start, "");
        self.line("", "expect jurisdictions [");
        let codes: Vec<&str> = e.codes.iter().map(|c| c.name.as_str()).collect();
        let chunks: Vec<&[&str]> = codes.chunks(10).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            if let Some(first) = e.codes.get(i * 10) {
                self.comments_before(first.span.start, INDENT);
            }
            let comma = if i + 1 < chunks.len() { "," } else { "" };
            self.line(INDENT, &format!("{}{comma}", chunk.join(", ")));
        }
        self.comments_before(e.span.end, INDENT);
        self.line("", "]");
    }

    fn jurisdiction(&mut self, j: &Jurisdiction) {
        self.comments_before(j.span.start, "");
        let mut head = format!("jurisdiction {} {}", j.code.name, quote(&j.name.value));
        if let Some(e) = &j.extends {
            head.push_str(&format!(" extends {}", e.name));
        }
        head.push_str(" {");
        self.line("", &head);
        let ind = INDENT;
        for r in &j.reviewed {
            self.comments_before(r.span.start, ind);
            self.line(ind, &format!("reviewed {}", r.text));
        }
        for s in &j.sources {
            self.comments_before(s.span.start, ind);
            self.line(ind, &format!("source {}", quote(&s.value)));
        }
        for d in &j.defaults {
            self.comments_before(d.span.start, ind);
            // As in a rule: the dates right after the decision.
            let mut words = vec![format!("default {}", d.action.action)];
            for (word, date) in [("effective", &d.effective), ("until", &d.until)] {
                if let Some(date) = date {
                    words.push(format!("{word} {}", date.text));
                }
            }
            words.extend(d.cites.iter().map(|c| format!("cite {}", quote(&c.value))));
            self.line(ind, &words.join(" "));
        }
        for a in &j.allows {
            self.comments_before(a.span.start, ind);
            self.line(
                ind,
                &allow_line(a),
            );
        }
        let header = !(j.reviewed.is_empty()
            && j.sources.is_empty()
            && j.defaults.is_empty()
            && j.allows.is_empty());
        for (i, r) in j.rules.iter().enumerate() {
            if i > 0 || header {
                self.out.push('\n');
            }
            self.rule(r);
        }
        for (i, t) in j.tests.iter().enumerate() {
            if i > 0 || header || !j.rules.is_empty() {
                self.out.push('\n');
            }
            self.test(t);
        }
        self.comments_before(j.span.end, ind);
        self.line("", "}");
    }

    fn rule(&mut self, r: &Rule) {
        let ind = INDENT;
        let inner = format!("{INDENT}{INDENT}");
        self.comments_before(r.span.start, ind);
        self.line(ind, &format!("rule {} {{", r.name.name));
        self.comments_before(r.when.span().start, &inner);
        self.when(&inner, &r.when);
        self.comments_before(r.then.action.span.start, &inner);
        self.then(&inner, "then", &r.then, None);
        for (word, d) in [("effective", &r.effective), ("until", &r.until)] {
            if let Some(d) = d {
                self.comments_before(d.span.start, &inner);
                self.line(&inner, &format!("{word} {}", d.text));
            }
        }
        for n in &r.notes {
            self.comments_before(n.span.start, &inner);
            self.line(&inner, &format!("note {}", quote(&n.value)));
        }
        for c in &r.cites {
            self.comments_before(c.span.start, &inner);
            self.line(&inner, &format!("cite {}", quote(&c.value)));
        }
        if let Some(first) = r.overrides.first() {
            self.comments_before(first.span.start, &inner);
            let names: Vec<&str> = r.overrides.iter().map(|o| o.name.as_str()).collect();
            self.line(&inner, &format!("overrides {}", names.join(", ")));
        }
        if let Some(u) = &r.unverified {
            self.comments_before(u.span.start, &inner);
            self.line(&inner, &format!("unverified {}", quote(&u.value)));
        }
        for a in &r.allows {
            self.comments_before(a.span.start, &inner);
            self.line(
                &inner,
                &allow_line(a),
            );
        }
        self.comments_before(r.span.end, &inner);
        self.line(ind, "}");
    }

    fn when(&mut self, indent: &str, e: &Expr) {
        let one = format!("when {}", expr(e, Prec::Top));
        if indent.len() + one.len() <= WIDTH {
            self.line(indent, &one);
            return;
        }
        // Break at the top-level operator, continuation aligned under the
        // start of the condition.
        let (op, parts) = match e {
            Expr::Or(parts, _) => ("or", parts),
            Expr::And(parts, _) => ("and", parts),
            _ => {
                self.line(indent, &one);
                return;
            }
        };
        let child = if op == "or" { Prec::Or } else { Prec::And };
        let cont = format!("{indent}     ");
        for (i, part) in parts.iter().enumerate() {
            let text = expr(part, child);
            if i == 0 {
                self.line(indent, &format!("when {text}"));
            } else {
                self.line(&cont, &format!("{op} {text}"));
            }
        }
    }

    /// `then`/`expect` line: action, recipients, deadlines, and `by`.
    fn then(&mut self, indent: &str, keyword: &str, t: &Then, by: Option<&By>) {
        let mut head = format!("{keyword} {}", t.action.action);
        if let Some(to) = &t.to {
            let names: Vec<&str> = to.iter().map(|i| i.name.as_str()).collect();
            let any = if t.any_of { "any of " } else { "" };
            head.push_str(&format!(" to {any}[{}]", names.join(", ")));
        }
        let deadline = match (&t.within, &t.written) {
            (Some(w), Some(x)) => Some(format!(
                "within {}, in writing within {}",
                w.written(),
                x.written()
            )),
            (Some(w), None) => Some(format!("within {}", w.written())),
            (None, Some(x)) => Some(format!("in writing within {}", x.written())),
            (None, None) => None,
        };
        let by = by.map(|b| match b {
            By::Default(_) => "by default".to_string(),
            By::Rule {
                jurisdiction: Some(j),
                name,
            } => format!("by {}.{}", j.name, name.name),
            By::Rule {
                jurisdiction: None,
                name,
            } => format!("by {}", name.name),
        });
        let tail: Vec<String> = deadline.into_iter().chain(by).collect();
        let one = std::iter::once(head.clone())
            .chain(tail.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        if indent.len() + one.len() <= WIDTH || tail.is_empty() {
            self.line(indent, &one);
        } else {
            self.line(indent, &head);
            let cont = format!("{indent}{}", " ".repeat(keyword.len() + 1));
            self.line(&cont, &tail.join(" "));
        }
    }

    fn test(&mut self, t: &Test) {
        let ind = INDENT;
        let inner = format!("{INDENT}{INDENT}");
        self.comments_before(t.span.start, ind);
        self.line(ind, &format!("test {} {{", quote(&t.name.value)));
        if let Some(first) = t.given.first() {
            self.comments_before(first.fact.span.start, &inner);
        }
        let given: Vec<String> = t
            .given
            .iter()
            .map(|b| format!("{} = {}", b.fact.name, literal(&b.value)))
            .collect();
        self.line(&inner, format!("given {}", given.join(", ")).trim_end());
        self.comments_before(t.expect.span.start, &inner);
        self.then(&inner, "expect", &t.expect.then, t.expect.by.as_ref());
        self.comments_before(t.span.end, &inner);
        self.line(ind, "}");
    }
}

fn fact_head(f: &FactDecl) -> String {
    let ty = match &f.ty {
        TypeExpr::Bool(_) => "bool".to_string(),
        TypeExpr::Int {
            range: Some((lo, hi)),
            ..
        } => format!("int {}..={}", lo.value, hi.value),
        TypeExpr::Int { range: None, .. } => "int".to_string(),
        TypeExpr::Date {
            range: Some((lo, hi)),
            ..
        } => format!("date {}..={}", lo.text, hi.text),
        TypeExpr::Date { range: None, .. } => "date".to_string(),
        TypeExpr::Named(n) => n.name.clone(),
    };
    match &f.default {
        Some(d) => format!("fact {}: {ty} = {}", f.name.name, literal(d)),
        None => format!("fact {}: {ty}", f.name.name),
    }
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b, _) => b.to_string(),
        Literal::Int(i) => i.value.to_string(),
        Literal::Date(d) => d.text.clone(),
        Literal::Name(n) => n.name.clone(),
    }
}

/// Where an expression is printed, to decide on parentheses. Nested
/// `and` in `and` (or `or` in `or`) keep their parentheses so the
/// reparsed tree has the same shape.
#[derive(Clone, Copy, PartialEq)]
enum Prec {
    Top,
    Or,
    And,
    Not,
}

fn expr(e: &Expr, ctx: Prec) -> String {
    match e {
        Expr::Or(parts, _) => {
            let s = parts
                .iter()
                .map(|p| expr(p, Prec::Or))
                .collect::<Vec<_>>()
                .join(" or ");
            if ctx == Prec::Top {
                s
            } else {
                format!("({s})")
            }
        }
        Expr::And(parts, _) => {
            let s = parts
                .iter()
                .map(|p| expr(p, Prec::And))
                .collect::<Vec<_>>()
                .join(" and ");
            // `and` inside `or` keeps its parentheses: legal readers should
            // not need to know that `and` binds tighter.
            if ctx == Prec::Top {
                s
            } else {
                format!("({s})")
            }
        }
        Expr::Not(inner, _) => format!("not {}", expr(inner, Prec::Not)),
        Expr::Cmp(c) => comparison(c),
    }
}

fn comparison(c: &Comparison) -> String {
    let f = &c.fact.name;
    match &c.test {
        CmpTest::IsTrue => f.clone(),
        CmpTest::Op(op, l) => format!("{f} {} {}", op.as_str(), literal(l)),
        CmpTest::InList(items, _) => format!(
            "{f} in [{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        CmpTest::InRange(lo, hi) => format!("{f} in {}..={}", lo.value, hi.value),
    }
}

/// `allow CODE "why"`; a missing reason stays missing, for the checker to
/// report.
fn allow_line(a: &Allow) -> String {
    match &a.reason {
        Some(r) => format!("allow {} {}", a.code.name, quote(&r.value)),
        None => format!("allow {}", a.code.name),
    }
}
