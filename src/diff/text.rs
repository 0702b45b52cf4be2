//! The text a decision does not show: notes, `unverified` marks,
//! citations, sources and review dates. A pull request that rewrites a
//! state's guidance changes no decision, yet a reviewer must see it.

use crate::check::{JurisdictionDef, Program};
use crate::source::{Sources, Span};

/// One changed piece of text, compared by jurisdiction and rule name: a
/// scalar that changed (`reviewed`, `name`, `unverified`), or one item
/// added to or removed from a list (a note, a citation, a source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub jurisdiction: String,
    /// `CA.child_abuse`, `CA.default`, or `None` for the jurisdiction's
    /// own header (`reviewed`, `source`, its name).
    pub rule: Option<String>,
    /// `note`, `citation`, `source`, `unverified`, `reviewed` or `name`.
    pub field: &'static str,
    /// The text before, `None` when it was added.
    pub old: Option<String>,
    /// The text after, `None` when it was removed.
    pub new: Option<String>,
    /// Where the new text is (for a removal, the rule or jurisdiction it
    /// was removed from).
    pub file: String,
    pub line: usize,
}

/// Text changes of the jurisdictions and rules present on both sides.
/// Added and removed rules and jurisdictions are left to the decision
/// diff, which shows what they decide. A list whose items are only
/// reordered has not changed.
pub fn text_changes(old: &Program, new: &Program, new_sources: &Sources) -> Vec<TextChange> {
    let mut out = Vec::new();
    let mut codes: Vec<&str> = new.jurisdictions.iter().map(|j| j.code.as_str()).collect();
    codes.sort_unstable();
    for code in codes {
        let (Some(o), Some(n)) = (find(old, code), find(new, code)) else {
            continue;
        };
        let at = |span: Span| (new_sources.get(span.file).name.clone(), new_sources.line(span));
        let mut scalar = |rule: Option<&str>, field, old: Option<String>, new: Option<String>, (file, line)| {
            if old != new {
                out.push(TextChange {
                    jurisdiction: code.to_string(),
                    rule: rule.map(str::to_string),
                    field,
                    old,
                    new,
                    file,
                    line,
                });
            }
        };
        let here = at(n.code_span);
        scalar(None, "name", Some(o.name.clone()), Some(n.name.clone()), here.clone());
        scalar(
            None,
            "reviewed",
            o.reviewed.map(|(d, _)| d.to_string()),
            n.reviewed.map(|(d, _)| d.to_string()),
            n.reviewed.map_or_else(|| here.clone(), |(_, s)| at(s)),
        );
        let mut lists: Vec<List> = vec![(None, "source", &o.sources, &n.sources, here.clone())];
        // Defaults are paired by their dates: one whose dates changed
        // decides on other days, which the decision diff shows.
        for nd in &n.defaults {
            let dates = |d: &crate::check::DefaultDef| (d.effective.map(|x| x.0), d.until.map(|x| x.0));
            if let Some(od) = o.defaults.iter().find(|od| dates(od) == dates(nd)) {
                lists.push((Some(format!("{code}.default")), "citation", &od.cites, &nd.cites, at(nd.span)));
            }
        }
        for nr in &n.rules {
            let Some(or) = o.rules.iter().find(|r| r.name == nr.name) else {
                continue;
            };
            let name = format!("{code}.{}", nr.name);
            let place = at(nr.name_span);
            scalar(Some(&name), "unverified", or.unverified.clone(), nr.unverified.clone(), place.clone());
            lists.push((Some(name.clone()), "citation", &or.cites, &nr.cites, place.clone()));
            lists.push((Some(name), "note", &or.notes, &nr.notes, place));
        }
        for (rule, field, old, new, (file, line)) in lists {
            let removed = old.iter().filter(|x| !new.contains(x)).map(|x| (Some(x.clone()), None));
            let added = new.iter().filter(|x| !old.contains(x)).map(|x| (None, Some(x.clone())));
            for (o, n) in removed.chain(added) {
                out.push(TextChange {
                    jurisdiction: code.to_string(),
                    rule: rule.clone(),
                    field,
                    old: o,
                    new: n,
                    file: file.clone(),
                    line,
                });
            }
        }
    }
    out
}

/// A list of texts to compare: (rule, field, old, new, where).
type List<'a> = (
    Option<String>,
    &'static str,
    &'a [String],
    &'a [String],
    (String, usize),
);

fn find<'a>(p: &'a Program, code: &str) -> Option<&'a JurisdictionDef> {
    p.jurisdictions.iter().find(|j| j.code == code)
}

/// `CA.child_abuse: note added: "…"`, `CA: reviewed 2025-01-01 → 2026-01-01`.
pub fn describe_text_change(c: &TextChange) -> String {
    let who = c.rule.as_deref().unwrap_or(&c.jurisdiction);
    let quoted = c.field != "reviewed";
    let show = |s: &str| if quoted { format!("{s:?}") } else { s.to_string() };
    match (&c.old, &c.new) {
        (None, Some(n)) => format!("{who}: {} added: {}", c.field, show(n)),
        (Some(o), None) => format!("{who}: {} removed: {}", c.field, show(o)),
        (Some(o), Some(n)) => format!("{who}: {}: {} → {}", c.field, show(o), show(n)),
        (None, None) => format!("{who}: {}", c.field),
    }
}
