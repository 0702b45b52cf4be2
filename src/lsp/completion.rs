//! Completion from the text before the cursor, which is rarely valid
//! while it is typed: a small lexer finds the context (after `extends`,
//! inside `to [...]`, after `concern ==`, ...) and the index of the last
//! analysis supplies the names.

use super::index::Index;
use super::At;
use crate::diag::{Code, Severity};
use crate::table::Action;
use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, InsertTextFormat, MarkupContent, MarkupKind,
};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str,
    Punct(&'static str),
}

/// Tokens of `text`, comments skipped; a string is one token.
fn lex(text: &str) -> Vec<Tok> {
    const PUNCT: [&str; 16] = [
        "..=", "==", "!=", "<=", ">=", "<", ">", "=", "[", "]", "(", ")", "{", "}", ",", ".",
    ];
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Tok::Str);
        } else if c.is_ascii_alphanumeric()
            || c == b'_'
            || c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Word(text[start..i].to_string()));
        } else if let Some(p) = PUNCT.iter().find(|p| b[i..].starts_with(p.as_bytes())) {
            out.push(Tok::Punct(p));
            i += p.len();
        } else {
            // Anything else (`:`, a stray character) separates tokens.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

fn word(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

fn is(t: Option<&Tok>, s: &str) -> bool {
    match t {
        Some(Tok::Word(w)) => w == s,
        Some(Tok::Punct(p)) => *p == s,
        _ => false,
    }
}

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq)]
enum Context {
    Jurisdictions,
    /// Rules a jurisdiction's chain can name; `by` also takes `default`.
    Rules {
        jur: Option<String>,
        by: bool,
    },
    Recipients,
    Values(String),
    Facts,
    Actions,
    Types,
    Warnings,
    Durations,
    /// After a written report's deadline: `if requested`, then the
    /// block's keywords.
    WrittenDeadline(Option<String>),
    /// Keywords of a block: `None` at the top level.
    Keywords(Option<String>),
}

/// The context at the end of `before`, and the jurisdiction the cursor
/// is in.
fn context(before: &str) -> (Context, Option<String>) {
    let toks = lex(before);
    // The blocks open around the cursor, each named by the keyword that
    // opened it, and the jurisdiction being written.
    let mut blocks: Vec<String> = Vec::new();
    let mut jur = None;
    let mut opener = String::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Word(w)
                if ["schema", "jurisdiction", "rule", "test", "enum"].contains(&w.as_str()) =>
            {
                opener = w.clone();
                if w == "jurisdiction" {
                    jur = word(toks.get(i + 1)).map(str::to_string);
                }
            }
            Tok::Punct("{") => blocks.push(std::mem::take(&mut opener)),
            Tok::Punct("}") if blocks.pop().as_deref() == Some("jurisdiction") => jur = None,
            _ => {}
        }
    }
    let block = blocks.last().cloned().filter(|b| !b.is_empty());
    // The word being typed is not context.
    let mut toks = toks;
    if !before.ends_with(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        && matches!(toks.last(), Some(Tok::Word(_)))
    {
        toks.pop();
    }
    let n = toks.len();
    let back = |k: usize| if k <= n { toks.get(n - k) } else { None };
    let ctx = match back(1) {
        Some(Tok::Word(w)) => match w.as_str() {
            "extends" => Context::Jurisdictions,
            "overrides" => Context::Rules {
                jur: jur.clone(),
                by: false,
            },
            "by" => Context::Rules {
                jur: jur.clone(),
                by: true,
            },
            "when" | "and" | "or" | "not" | "given" => Context::Facts,
            "then" | "expect" | "default" => Context::Actions,
            "within" | "most" => Context::Durations,
            "allow" => Context::Warnings,
            _ if is(back(2), "within") && is(back(3), "writing") => {
                Context::WrittenDeadline(block.clone())
            }
            _ => Context::Keywords(block.clone()),
        },
        Some(Tok::Punct("(")) => Context::Facts,
        Some(Tok::Punct("==" | "!=" | "=")) => match word(back(2)) {
            Some(f) => Context::Values(f.to_string()),
            None => Context::Keywords(block.clone()),
        },
        Some(Tok::Punct(".")) if is(back(3), "by") => Context::Rules {
            jur: word(back(2)).map(str::to_string),
            by: false,
        },
        Some(Tok::Punct("[" | ",")) => {
            list_context(&toks).unwrap_or(Context::Keywords(block.clone()))
        }
        _ if block.as_deref() == Some("schema") && is(back(2), "fact") => Context::Types,
        _ => Context::Keywords(block.clone()),
    };
    let ctx = match ctx {
        Context::Keywords(Some(b)) if b == "schema" && is(back(2), "fact") => Context::Types,
        // After `default ACTION ...`: its clauses, or the next item.
        Context::Keywords(Some(b)) if b == "jurisdiction" && in_default(&toks) => {
            Context::Keywords(Some("default".into()))
        }
        c => c,
    };
    (ctx, jur)
}

/// Is the last item begun in the jurisdiction a `default` (its clauses
/// may follow)?
fn in_default(toks: &[Tok]) -> bool {
    for t in toks.iter().rev() {
        match t {
            Tok::Word(w) if w == "default" => return true,
            Tok::Word(w)
                if ["reviewed", "source", "allow", "rule", "test"].contains(&w.as_str()) =>
            {
                return false
            }
            Tok::Punct("{" | "}") => return false,
            _ => {}
        }
    }
    false
}

/// Inside a list or after a comma: walk back to what opened it.
fn list_context(toks: &[Tok]) -> Option<Context> {
    let mut i = toks.len();
    while i > 0 {
        i -= 1;
        match &toks[i] {
            Tok::Punct("[") => {
                let prev = toks.get(i.checked_sub(1)?);
                return Some(if is(prev, "to") || is(prev, "of") {
                    Context::Recipients
                } else if is(prev, "in") {
                    Context::Values(word(toks.get(i.checked_sub(2)?))?.to_string())
                } else {
                    return None;
                });
            }
            Tok::Word(w) if w == "overrides" => {
                return Some(Context::Rules {
                    jur: None,
                    by: false,
                })
            }
            Tok::Word(w) if w == "given" => return Some(Context::Facts),
            Tok::Punct("]" | "{" | "}") => return None,
            Tok::Word(w)
                if ["when", "then", "expect", "cite", "note", "rule", "test"]
                    .contains(&w.as_str()) =>
            {
                return None
            }
            _ => {}
        }
    }
    None
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<&str>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d.to_string(),
            })
        }),
        ..CompletionItem::default()
    }
}

fn snippet(label: &str, detail: &str, body: &str) -> CompletionItem {
    CompletionItem {
        insert_text: Some(body.to_string()),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..item(
            label,
            CompletionItemKind::SNIPPET,
            Some(detail.to_string()),
            None,
        )
    }
}

fn keywords(words: &[&str]) -> Vec<CompletionItem> {
    words
        .iter()
        .map(|w| item(w, CompletionItemKind::KEYWORD, None, None))
        .collect()
}

/// Deadlines: the two words, with what they stand for, then common times.
fn durations() -> Vec<CompletionItem> {
    let mut items = vec![
        item(
            "immediately",
            CompletionItemKind::KEYWORD,
            Some("at once".into()),
            Some("The statute says \"immediately\" or \"as soon as possible\"."),
        ),
        item(
            "practicable",
            CompletionItemKind::KEYWORD,
            Some("as soon as practicable".into()),
            Some("The statute says \"as soon as practicable\" or \"promptly\": as soon as the circumstances allow, with no fixed time."),
        ),
    ];
    items.extend(keywords(&["24h", "36h", "48h", "72h", "2d", "7d"]));
    items
}

pub fn completion(at: &At<'_>, buffer: &str, offset: usize) -> Vec<CompletionItem> {
    let before = buffer.get(..offset).unwrap_or(buffer);
    let (ctx, jur) = context(before);
    let ix = Index::build(at.state);
    match ctx {
        Context::Jurisdictions => ix
            .jurs
            .values()
            .filter(|j| Some(&j.ast.code.name) != jur.as_ref())
            .map(|j| {
                item(
                    &j.ast.code.name,
                    CompletionItemKind::MODULE,
                    Some(j.ast.name.value.clone()),
                    None,
                )
            })
            .collect(),
        Context::Rules { jur: j, by } => {
            let j = j.or(jur);
            let mut out = Vec::new();
            for code in j.as_deref().map(|c| ix.chain(c)).unwrap_or_default() {
                let Some(info) = ix.jurs.get(code) else {
                    continue;
                };
                for r in &info.ast.rules {
                    if out.iter().any(|i: &CompletionItem| i.label == r.name.name) {
                        continue;
                    }
                    let detail = format!("{code}: {}", r.then.action.action);
                    out.push(item(
                        &r.name.name,
                        CompletionItemKind::FUNCTION,
                        Some(detail),
                        None,
                    ));
                }
            }
            if by {
                out.push(item(
                    "default",
                    CompletionItemKind::KEYWORD,
                    Some("the jurisdiction's default".into()),
                    None,
                ));
            }
            out
        }
        Context::Recipients => values(&ix, "Recipient"),
        Context::Values(fact) => match ix.facts.get(fact.as_str()).map(|f| &f.ty) {
            Some(crate::syntax::ast::TypeExpr::Bool(_)) => keywords(&["true", "false"]),
            Some(crate::syntax::ast::TypeExpr::Named(e)) => values(&ix, &e.name),
            _ => Vec::new(),
        },
        Context::Facts => ix
            .facts
            .values()
            .map(|f| {
                let doc = f.doc.as_ref().map(|d| d.value.as_str());
                item(
                    &f.name.name,
                    CompletionItemKind::FIELD,
                    doc.map(str::to_string),
                    doc,
                )
            })
            .collect(),
        Context::Actions => Action::ALL
            .iter()
            .map(|a| item(a.as_str(), CompletionItemKind::KEYWORD, None, None))
            .collect(),
        Context::Types => {
            let mut out = keywords(&["bool", "int", "date"]);
            out.extend(
                ix.enums
                    .keys()
                    .map(|e| item(e, CompletionItemKind::ENUM, None, None)),
            );
            out
        }
        Context::Warnings => Code::ALL
            .iter()
            .filter(|c| c.severity() == Severity::Warning)
            .map(|c| {
                item(
                    c.as_str(),
                    CompletionItemKind::CONSTANT,
                    Some(c.name().into()),
                    Some(c.summary()),
                )
            })
            .collect(),
        Context::Durations => durations(),
        Context::WrittenDeadline(block) => {
            let mut items = vec![item(
                "if requested",
                CompletionItemKind::KEYWORD,
                Some("only if the agency asks".into()),
                Some("The statute wants the written report only \"if the department requests it\": the deadline holds only if the receiving agency asks for it."),
            )];
            items.extend(block_keywords(block.as_deref()));
            items
        }
        Context::Keywords(block) => block_keywords(block.as_deref()),
    }
}

fn values(ix: &Index<'_>, en: &str) -> Vec<CompletionItem> {
    ix.enums
        .get(en)
        .map(|e| {
            e.variants
                .iter()
                .map(|v| {
                    let doc = v.doc.as_ref().map(|d| d.value.as_str());
                    item(
                        &v.name.name,
                        CompletionItemKind::ENUM_MEMBER,
                        doc.map(str::to_string),
                        doc,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn block_keywords(block: Option<&str>) -> Vec<CompletionItem> {
    match block {
        None => {
            let mut out = keywords(&["schema"]);
            out.push(snippet(
                "jurisdiction",
                "a jurisdiction extending the federal baseline",
                "jurisdiction ${1:XX} \"${2:Name}\" extends ${3:US} {\n  reviewed ${4:2026-01-01}\n  source \"${5:statute}\"\n\n  $0\n}",
            ));
            out
        }
        Some("schema") => keywords(&["enum", "fact"]),
        Some(b @ ("jurisdiction" | "default")) => {
            let mut out = if b == "default" {
                keywords(&["effective", "until", "cite"])
            } else {
                Vec::new()
            };
            out.extend(keywords(&["reviewed", "source", "default", "allow"]));
            out.push(snippet(
                "rule",
                "a rule with its condition, decision and citation",
                "rule ${1:name} {\n  when ${2:concern == child_abuse}\n  then ${3:must_report} to [${4:child_protective_services}]\n  cite \"${5:statute}\"\n}",
            ));
            out.push(snippet(
                "test",
                "a test: given facts, the expected decision",
                "test \"${1:what it pins}\" {\n  given ${2:concern = child_abuse}\n  expect ${3:must_report}\n}",
            ));
            out
        }
        Some("rule") => keywords(&[
            "when",
            "then",
            "to",
            "any",
            "of",
            "within",
            "in",
            "writing",
            "note",
            "cite",
            "overrides",
            "unverified",
            "effective",
            "until",
            "allow",
            "and",
            "or",
            "not",
        ]),
        Some("test") => keywords(&["given", "expect", "to", "within", "in", "writing", "by"]),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        context(text).0
    }

    #[test]
    fn deadlines_offer_both_words_with_their_meaning() {
        let head = "jurisdiction CA \"C\" extends US {\n  rule r {\n    when x\n";
        assert_eq!(
            ctx(&format!("{head}    then must_report within ")),
            Context::Durations
        );
        let items = durations();
        let practicable = items
            .iter()
            .find(|i| i.label == "practicable")
            .expect("offered");
        assert_eq!(
            practicable.detail.as_deref(),
            Some("as soon as practicable")
        );
        assert_eq!(items[0].label, "immediately");
        let written =
            format!("{head}    then must_report within immediately, in writing within 48h ");
        assert_eq!(ctx(&written), Context::WrittenDeadline(Some("rule".into())));
        assert_eq!(
            ctx(&format!("{head}    then must_report within 48h ")),
            Context::Keywords(Some("rule".into())),
            "only the written report is due on request"
        );
    }

    #[test]
    fn contexts_from_the_text_before_the_cursor() {
        let head = "jurisdiction CA \"California\" extends US {\n  rule r {\n";
        assert_eq!(
            ctx("jurisdiction CA \"C\" extends "),
            Context::Jurisdictions
        );
        assert_eq!(
            ctx("jurisdiction CA \"C\" extends U"),
            Context::Jurisdictions
        );
        assert_eq!(ctx(&format!("{head}    when ")), Context::Facts);
        assert_eq!(
            ctx(&format!("{head}    when concern == ")),
            Context::Values("concern".into())
        );
        assert_eq!(
            ctx(&format!("{head}    when role in [counselor, ")),
            Context::Values("role".into())
        );
        assert_eq!(
            ctx(&format!(
                "{head}    when x\n    then must_report to [law_enforcement, "
            )),
            Context::Recipients
        );
        assert_eq!(
            ctx(&format!(
                "{head}    when x\n    then must_report to any of ["
            )),
            Context::Recipients
        );
        assert_eq!(
            ctx(&format!("{head}    overrides a, ")),
            Context::Rules {
                jur: None,
                by: false
            }
        );
        assert_eq!(
            context(&format!("{head}    overrides ")),
            (
                Context::Rules {
                    jur: Some("CA".into()),
                    by: false
                },
                Some("CA".into())
            )
        );
        assert_eq!(ctx(&format!("{head}    then ")), Context::Actions);
        assert_eq!(
            ctx(&format!("{head}    ")),
            Context::Keywords(Some("rule".into()))
        );
        assert_eq!(
            ctx("jurisdiction CA \"C\" {\n  "),
            Context::Keywords(Some("jurisdiction".into()))
        );
        assert_eq!(
            ctx("jurisdiction CA \"C\" {\n  test \"t\" { given a = 1, "),
            Context::Facts
        );
        assert_eq!(
            ctx("jurisdiction CA \"C\" {\n  test \"t\" { expect may_disclose by US."),
            Context::Rules {
                jur: Some("US".into()),
                by: false
            }
        );
        assert_eq!(ctx("schema {\n  fact x: "), Context::Types);
        assert_eq!(ctx(""), Context::Keywords(None));
    }

    #[test]
    fn a_default_takes_its_dates_and_citations() {
        let head = "jurisdiction US \"F\" {\n  default may_disclose ";
        assert_eq!(ctx(head), Context::Keywords(Some("default".into())));
        assert_eq!(
            ctx(&format!("{head}effective 2019-07-01 ")),
            Context::Keywords(Some("default".into()))
        );
        let words: Vec<String> = block_keywords(Some("default"))
            .into_iter()
            .map(|i| i.label)
            .collect();
        for w in ["effective", "until", "cite", "rule", "test"] {
            assert!(words.iter().any(|x| x == w), "{w} missing from {words:?}");
        }
        // Another item ends the default.
        assert_eq!(
            ctx(&format!("{head}cite \"x\"\n  source \"y\"\n  ")),
            Context::Keywords(Some("jurisdiction".into()))
        );
        let words: Vec<String> = block_keywords(Some("jurisdiction"))
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert!(!words.iter().any(|x| x == "effective"), "{words:?}");
    }
}
