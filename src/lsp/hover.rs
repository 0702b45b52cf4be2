//! Hover: what a name means, written for the author reading the rule.

use super::index::{Index, Sym};
use super::At;
use crate::diag::Code;
use crate::syntax::ast;
use crate::table::Duration;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub fn hover(at: &At<'_>) -> Option<Hover> {
    let ix = Index::build(at.state);
    let described = ix
        .at(at.file, at.offset)
        .first()
        .and_then(|occ| describe(at, &ix, &occ.sym, occ.span).map(|v| (v, Some(occ.span))));
    let (value, span) = match described {
        Some(found) => found,
        None => (diagnostic_codes(at)?, None),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: span.map(|s| super::diagnostics::range(&at.state.analysis.sources, s)),
    })
}

fn describe(at: &At<'_>, ix: &Index<'_>, sym: &Sym, span: crate::source::Span) -> Option<String> {
    Some(match sym {
        Sym::Fact(name) => fact(ix, name)?,
        Sym::Enum(name) => {
            let e = ix.enums.get(name.as_str())?;
            let mut s = format!("**enum** `{name}`\n");
            for v in &e.variants {
                s.push_str(&variant_line(v));
            }
            s
        }
        Sym::Variant(en, v) => {
            let e = ix.enums.get(en.as_str())?;
            let var = e.variants.iter().find(|x| &x.name.name == v)?;
            let mut s = format!("**variant** `{v}` of enum `{en}`");
            if let Some(doc) = &var.doc {
                s.push_str(&format!("\n\n{}", doc.value));
            }
            s
        }
        Sym::Jur(code) => jurisdiction(at, ix, code, span)?,
        Sym::Rule(code, name) => rule(at, ix, code, name)?,
        Sym::Code(c) => explain(Code::parse(c)?),
    })
}

fn type_text(ty: &ast::TypeExpr) -> String {
    match ty {
        ast::TypeExpr::Bool(_) => "bool".into(),
        ast::TypeExpr::Int {
            range: Some((lo, hi)),
            ..
        } => format!("int {}..={}", lo.value, hi.value),
        ast::TypeExpr::Int { range: None, .. } => "int".into(),
        ast::TypeExpr::Date {
            range: Some((lo, hi)),
            ..
        } => format!("date {}..={}", lo.text, hi.text),
        ast::TypeExpr::Date { range: None, .. } => "date".into(),
        ast::TypeExpr::Named(id) => id.name.clone(),
    }
}

pub fn literal_text(lit: &ast::Literal) -> String {
    match lit {
        ast::Literal::Bool(b, _) => b.to_string(),
        ast::Literal::Int(i) => i.value.to_string(),
        ast::Literal::Date(d) => d.text.clone(),
        ast::Literal::Name(id) => id.name.clone(),
    }
}

fn variant_line(v: &ast::Variant) -> String {
    match &v.doc {
        Some(d) => format!("- `{}`: {}\n", v.name.name, d.value),
        None => format!("- `{}`\n", v.name.name),
    }
}

fn fact(ix: &Index<'_>, name: &str) -> Option<String> {
    let f = ix.facts.get(name)?;
    let mut s = format!("**fact** `{name}`: `{}`", type_text(&f.ty));
    if let Some(doc) = &f.doc {
        s.push_str(&format!("\n\n{}", doc.value));
    }
    match &f.default {
        Some(d) => s.push_str(&format!("\n\nDefault: `{}`", literal_text(d))),
        None => s.push_str("\n\nNo default: a rule that needs it cannot decide until it is given."),
    }
    if let Some(e) = ix.enum_of(name).and_then(|e| ix.enums.get(e)) {
        s.push_str("\n\nValues:\n");
        for v in &e.variants {
            s.push_str(&variant_line(v));
        }
    }
    Some(s)
}

fn jurisdiction(
    at: &At<'_>,
    ix: &Index<'_>,
    code: &str,
    span: crate::source::Span,
) -> Option<String> {
    let j = ix.jurs.get(code)?;
    // On `extends X`, the chain that starts at the jurisdiction extending.
    let from = ix
        .jurisdiction_at(at.file, at.offset)
        .filter(|h| {
            h.ast
                .extends
                .as_ref()
                .is_some_and(|e| e.span.start == span.start)
        })
        .map_or(code, |h| h.ast.code.name.as_str());
    let chain: Vec<String> = ix.chain(from).iter().map(|c| format!("`{c}`")).collect();
    let mut s = format!("**jurisdiction** `{code}` {}", j.ast.name.value);
    s.push_str(&format!("\n\nChain: {}", chain.join(" → ")));
    let children: Vec<String> = ix
        .jurs
        .values()
        .filter(|c| c.ast.extends.as_ref().is_some_and(|e| e.name == code))
        .map(|c| format!("`{}`", c.ast.code.name))
        .collect();
    if !children.is_empty() {
        s.push_str(&format!(
            "\n\nExtended by {} jurisdiction(s): {}",
            children.len(),
            children.join(", ")
        ));
    }
    s.push_str(&format!(
        "\n\n{} rule(s), {} test(s)",
        j.ast.rules.len(),
        j.ast.tests.len()
    ));
    if let Some(r) = j.ast.reviewed.first() {
        s.push_str(&format!(", reviewed {}", r.text));
    }
    for src in &j.ast.sources {
        s.push_str(&format!("\n\nSource: {}", src.value));
    }
    Some(s)
}

fn rule(at: &At<'_>, ix: &Index<'_>, code: &str, name: &str) -> Option<String> {
    let j = ix.jurs.get(code)?;
    let r = *j.rules.get(name)?;
    let then = &r.then;
    let to: Vec<String> = then.to.iter().flatten().map(|i| i.name.clone()).collect();
    let within = then
        .within
        .as_ref()
        .and_then(|d| Duration::parse(&d.written()));
    let written = then
        .written
        .as_ref()
        .and_then(|d| Duration::parse(&d.written()));
    let mut parts = vec![
        format!("**rule** `{code}.{name}`"),
        crate::api::words::sentence(
            then.action.action,
            &to,
            then.any_of,
            within.as_ref(),
            written.as_ref(),
        ),
    ];
    let when = r.when.span();
    if j.file == Some(when.file) {
        let text = at.state.analysis.sources.slice(when);
        if !text.is_empty() {
            parts.push(format!(
                "When `{}`",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    let list = |title: &str, items: &[ast::Str]| {
        let lines: Vec<String> = items.iter().map(|i| format!("- {}", i.value)).collect();
        format!("{title}:\n{}", lines.join("\n"))
    };
    if !r.cites.is_empty() {
        parts.push(list("Citations", &r.cites));
    }
    if !r.notes.is_empty() {
        parts.push(list("Notes", &r.notes));
    }
    parts.push(match &r.unverified {
        Some(why) => format!("**Unverified**: {}", why.value),
        None => "Verified against its sources.".into(),
    });
    if !r.overrides.is_empty() {
        let names: Vec<String> = r
            .overrides
            .iter()
            .map(|o| format!("`{}`", o.name))
            .collect();
        parts.push(format!("Overrides {}", names.join(", ")));
    }
    if let Some(parent) = j
        .ast
        .extends
        .as_ref()
        .and_then(|p| ix.resolve_rule(&p.name, name))
    {
        parts.push(format!("Replaces `{parent}.{name}`"));
    }
    let sym = Sym::Rule(code.to_string(), name.to_string());
    let mut users: Vec<String> = ix
        .references(&sym)
        .iter()
        .filter(|o| !o.def)
        .filter_map(|o| ix.jurisdiction_at(o.span.file, o.span.start as usize))
        .map(|j| j.ast.code.name.clone())
        .filter(|c| c != code)
        .collect();
    users.sort();
    users.dedup();
    if !users.is_empty() {
        let names: Vec<String> = users.iter().map(|c| format!("`{c}`")).collect();
        parts.push(format!("Overridden or replaced in {}", names.join(", ")));
    }
    Some(parts.join("\n\n"))
}

pub fn explain(c: Code) -> String {
    let kind = if c.severity() == crate::diag::Severity::Error {
        "error"
    } else {
        "warning"
    };
    format!(
        "**{}** `{}` ({kind}): {}\n\n{}",
        c.as_str(),
        c.name(),
        c.summary(),
        c.explanation().replace("\n    ", "\n\n    ")
    )
}

/// Over a finding with no name under the cursor: what its code means.
fn diagnostic_codes(at: &At<'_>) -> Option<String> {
    let mut codes: Vec<Code> = at
        .state
        .analysis
        .diags
        .iter()
        .filter(|d| {
            d.primary().is_some_and(|s| {
                s.file == at.file && s.start as usize <= at.offset && at.offset <= s.end as usize
            })
        })
        .map(|d| d.code)
        .collect();
    codes.sort();
    codes.dedup();
    (!codes.is_empty()).then(|| {
        codes
            .into_iter()
            .map(explain)
            .collect::<Vec<_>>()
            .join("\n\n---\n\n")
    })
}
