//! The limits of confidentiality, as a clinician hands them to a client at
//! intake: generated from the compiled table, one section per concern, in
//! the second person, with the law as numbered footnotes.

use super::words::{and_list, deadline, or_list, recipient};
use super::{DecideError, Policies, DISCLAIMER};
use crate::table::{Action, Column, ColumnType, Outcome, Set, Table};
use serde::Serialize;

/// A notice for one jurisdiction and one kind of clinician.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The jurisdiction's code and name.
    pub jurisdiction: String,
    /// Its name.
    pub name: String,
    /// The licence the notice is written for: `psychologist`.
    pub role: String,
    /// What every client should know first.
    pub general: Vec<String>,
    /// One section per concern.
    pub sections: Vec<Section>,
    /// The law behind the numbered marks, in order.
    pub footnotes: Vec<Footnote>,
    /// mandate informs; it is not legal advice.
    pub disclaimer: &'static str,
}

/// One concern: its heading and what happens, case by case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// "If a child may be abused or neglected".
    pub heading: String,
    /// Each case in words, with footnote numbers.
    pub items: Vec<Item>,
}

/// One case of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The conditions, in words; empty when it always applies.
    pub when: String,
    /// What the clinician will do, in the first person.
    pub what: String,
    /// Footnote numbers (1-based) of the citations.
    pub notes: Vec<usize>,
    /// The rule's source could not be verified in full.
    pub unverified: bool,
    /// No condition, after cases that had one: it applies in every other case.
    pub otherwise: bool,
}

/// A citation and the rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Footnote {
    /// 1-based.
    pub number: usize,
    /// The statute or regulation.
    pub citation: String,
}

const GENERAL: [&str; 5] = [
    "What you say in therapy is confidential. I will not share it without your permission, except in the situations below, where the law requires or allows me to.",
    "When I must or may share something, I share only the minimum necessary to keep you or others safe, and only with the people named below.",
    "Where the law allows, I will tell you first, or talk with you about it, before I share anything.",
    "I may consult a supervisor or a colleague about your care without telling them who you are.",
    "I explain these limits now, before therapy starts, so that you can decide what to share. Ask me about anything that is unclear.",
];

/// The opening of a section, for the concerns of the shipped schema; other
/// concerns use their doc string.
fn heading(concern: &str, doc: Option<&str>) -> String {
    match concern {
        "child_abuse" => {
            "If you tell me, or I come to suspect, that a child is being abused or neglected".into()
        }
        "elder_abuse" => {
            "If I come to suspect that an older person is being abused, neglected or exploited"
                .into()
        }
        "dependent_adult_abuse" => {
            "If I come to suspect that a dependent or vulnerable adult is being abused".into()
        }
        "danger_to_others" => "If you threaten to seriously harm another person".into(),
        "danger_to_self" => "If you are at risk of seriously harming yourself".into(),
        "court_order" => "If a court orders me to disclose your records or to testify".into(),
        "subpoena" => "If I receive a subpoena for your records without a court order".into(),
        "client_authorization" => "If you ask me, in writing, to share your information".into(),
        other => format!("If this happens: {}", doc.unwrap_or(other)),
    }
}

/// What the clinician does, in the first person.
fn what(o: &Outcome) -> String {
    let to: Vec<String> = o.to.iter().map(|r| recipient(r)).collect();
    let to = if to.is_empty() {
        String::new()
    } else {
        format!(
            " to {}",
            if o.any_of {
                or_list(&to)
            } else {
                and_list(&to)
            }
        )
    };
    let mut s = match o.action {
        Action::MustReport => format!("the law requires me to report it{to}"),
        Action::MustDisclose => format!("the law requires me to disclose it{to}"),
        Action::MayDisclose => {
            format!("the law allows me to disclose it{to}, but does not require it")
        }
        Action::MustNotDisclose => "I will keep it confidential".into(),
    };
    match (&o.within, &o.written_within) {
        (Some(w), Some(x)) => s.push_str(&format!(
            ", {}, with a written report {}",
            deadline(w),
            deadline(x)
        )),
        (Some(w), None) => s.push_str(&format!(", {}", deadline(w))),
        (None, Some(x)) => s.push_str(&format!(", with a written report {}", deadline(x))),
        (None, None) => {}
    }
    s
}

/// A row's tests other than the concern and the role, in words.
fn conditions(columns: &[Column], tests: &[crate::table::Test], skip: &[usize]) -> String {
    let parts: Vec<String> = tests
        .iter()
        .filter(|t| !skip.contains(&(t.col as usize)))
        .map(|t| {
            let col = &columns[t.col as usize];
            let doc = col
                .doc
                .clone()
                .unwrap_or_else(|| col.name.replace('_', " "));
            let lower = lowercase_first(&doc);
            match (&col.ty, t.set) {
                (ColumnType::Bool, Set::Mask(0b10)) => lower,
                (ColumnType::Bool, Set::Mask(0b01)) => format!("not: {lower}"),
                (ColumnType::Int { lo, hi }, Set::Range(a, b)) => {
                    let (subject, less, more) = if col.name == "victim_age" {
                        (
                            "the person at risk is".to_string(),
                            "or younger",
                            "or older",
                        )
                    } else {
                        (format!("{lower}:"), "or less", "or more")
                    };
                    if a == *lo {
                        format!("{subject} {b} {less}")
                    } else if b == *hi {
                        format!("{subject} {a} {more}")
                    } else {
                        format!("{subject} {a} to {b}")
                    }
                }
                _ => col.show_set(&t.set),
            }
        })
        .collect();
    parts.join("; ")
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl Policies {
    /// The limits-of-confidentiality notice for `jurisdiction`, written for
    /// a clinician with licence `role` (the schema's default when `None`).
    pub fn notice(&self, jurisdiction: &str, role: Option<&str>) -> Result<Notice, DecideError> {
        self.notice_as_of(jurisdiction, role, None)
    }

    /// [`Policies::notice`] for the law in force on `as_of` (`YYYY-MM-DD`),
    /// or on [`Policies::today`] when `None`.
    pub fn notice_as_of(
        &self,
        jurisdiction: &str,
        role: Option<&str>,
        as_of: Option<&str>,
    ) -> Result<Notice, DecideError> {
        let j = self.jurisdiction(jurisdiction)?;
        let day = self.day(as_of)?;
        let table = &*self.table_on(j, day)?;
        let columns = &self.columns;
        let col = |name: &str| columns.iter().position(|c| c.name == name);
        let concern_col = col("concern");
        let role_col = col("role");
        let role_value = match (role_col, role) {
            (Some(c), Some(r)) => {
                Some(super::facts::encode(&columns[c], &r.into()).map_err(DecideError::from)?)
            }
            (Some(c), None) => columns[c].default,
            _ => None,
        };
        let concerns: Vec<(i64, String)> = match concern_col.map(|c| &columns[c].ty) {
            Some(ColumnType::Enum { variants, .. }) => variants
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64, v.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let schema = self.schema();
        let concern_docs = schema.fact("concern").and_then(|f| match &f.kind {
            super::FactKind::Enum { values, .. } => Some(values.clone()),
            _ => None,
        });
        let mut footnotes: Vec<Footnote> = Vec::new();
        let mut sections = Vec::new();
        let skip: Vec<usize> = [concern_col, role_col].into_iter().flatten().collect();
        for (value, name) in &concerns {
            let mut items: Vec<Item> = Vec::new();
            let mut seen: Vec<&str> = Vec::new();
            for row in reachable(table, concern_col, *value, role_col, role_value) {
                let o = &table.outcomes[row.outcome as usize];
                let when = conditions(columns, &row.tests, &skip);
                let key = o.rule.as_str();
                if seen.contains(&key) && items.iter().any(|i| i.when == when) {
                    continue;
                }
                seen.push(key);
                let notes = o
                    .citations
                    .iter()
                    .map(|c| match footnotes.iter().find(|f| &f.citation == c) {
                        Some(f) => f.number,
                        None => {
                            footnotes.push(Footnote {
                                number: footnotes.len() + 1,
                                citation: c.clone(),
                            });
                            footnotes.len()
                        }
                    })
                    .collect();
                let otherwise = when.is_empty() && !items.is_empty();
                items.push(Item {
                    otherwise,
                    when,
                    what: what(o),
                    notes,
                    unverified: o.unverified.is_some(),
                });
                // The first unconditional row ends the section: nothing
                // after it can decide.
                if items.last().is_some_and(|i| i.when.is_empty()) {
                    break;
                }
            }
            let doc = concern_docs
                .as_ref()
                .and_then(|v| v.iter().find(|x| &x.name == name))
                .and_then(|x| x.doc.clone());
            sections.push(Section {
                heading: heading(name, doc.as_deref()),
                items,
            });
        }
        Ok(Notice {
            jurisdiction: table.jurisdiction.clone(),
            name: table.name.clone(),
            role: match (role_col, role_value) {
                (Some(c), Some(v)) => columns[c].show(v),
                _ => String::new(),
            },
            general: GENERAL.iter().map(|s| s.to_string()).collect(),
            sections,
            footnotes,
            disclaimer: DISCLAIMER,
        })
    }
}

/// Rows that can apply to this concern and role, in priority order.
fn reachable(
    table: &Table,
    concern_col: Option<usize>,
    concern: i64,
    role_col: Option<usize>,
    role: Option<i64>,
) -> impl Iterator<Item = &crate::table::Row> {
    table.rows.iter().filter(move |row| {
        row.tests.iter().all(|t| {
            let c = Some(t.col as usize);
            if c == concern_col {
                t.set.contains(concern)
            } else if c == role_col {
                role.is_none_or(|r| t.set.contains(r))
            } else {
                true
            }
        })
    })
}

impl Notice {
    /// Plain text, for a terminal or an email.
    pub fn text(&self) -> String {
        let mut s = format!(
            "Limits of confidentiality — {} ({})\n",
            self.name, self.jurisdiction
        );
        if !self.role.is_empty() {
            s.push_str(&format!(
                "For clients of a {}.\n",
                self.role.replace('_', " ")
            ));
        }
        s.push('\n');
        for g in &self.general {
            s.push_str(&format!("{}\n\n", super::words::wrap(g, 78, "")));
        }
        for sec in &self.sections {
            s.push_str(&format!("{}:\n", sec.heading));
            for i in &sec.items {
                s.push_str(&format!(
                    "  - {}\n",
                    super::words::wrap(&item_line(i, "[", "]", " (unverified)"), 78, "    ")
                ));
            }
            s.push('\n');
        }
        s.push_str("The law:\n");
        for f in &self.footnotes {
            s.push_str(&format!("  [{}] {}\n", f.number, f.citation));
        }
        s.push_str(&format!("\n{}\n", self.disclaimer));
        s
    }

    /// Markdown, for a clinic's website or intake packet.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "# Limits of confidentiality — {} ({})\n\n",
            self.name, self.jurisdiction
        );
        if !self.role.is_empty() {
            s.push_str(&format!(
                "*For clients of a {}.*\n\n",
                self.role.replace('_', " ")
            ));
        }
        for g in &self.general {
            s.push_str(&format!("{g}\n\n"));
        }
        for sec in &self.sections {
            s.push_str(&format!("## {}\n\n", sec.heading));
            for i in &sec.items {
                s.push_str(&format!(
                    "- {}\n",
                    item_line(i, "[^", "]", " *(unverified)*")
                ));
            }
            s.push('\n');
        }
        for f in &self.footnotes {
            s.push_str(&format!("[^{}]: {}\n", f.number, f.citation));
        }
        s.push_str(&format!("\n---\n\n{}\n", self.disclaimer));
        s
    }

    /// A self-contained HTML page that prints well: no external assets.
    pub fn html(&self) -> String {
        let e = escape;
        let mut s = String::new();
        s.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.push_str(&format!(
            "<title>Limits of confidentiality — {}</title>\n",
            e(&self.name)
        ));
        s.push_str("<style>\nbody{font:16px/1.5 Georgia,'Times New Roman',serif;color:#111;max-width:42rem;margin:2rem auto;padding:0 1rem}\nh1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}\n.role{color:#333;font-style:italic}.unverified{color:#7a2e00;font-size:.9em}\nsup a{text-decoration:none;color:#1a4d8f}ol.law{font-size:.9rem}footer{margin-top:2rem;border-top:1px solid #888;padding-top:.6rem;font-size:.9rem}\n.sign{margin-top:2.5rem}.sign span{display:inline-block;width:45%;border-top:1px solid #111;margin-right:4%;padding-top:.2rem;font-size:.9rem}\n@media print{body{margin:0;max-width:none;font-size:11pt}a{color:#111}h2{break-after:avoid}li{break-inside:avoid}}\n</style>\n</head>\n<body>\n<main>\n");
        s.push_str(&format!(
            "<h1>Limits of confidentiality</h1>\n<p class=\"role\">{} ({})",
            e(&self.name),
            e(&self.jurisdiction)
        ));
        if !self.role.is_empty() {
            s.push_str(&format!(
                " — for clients of a {}",
                e(&self.role.replace('_', " "))
            ));
        }
        s.push_str("</p>\n");
        for g in &self.general {
            s.push_str(&format!("<p>{}</p>\n", e(g)));
        }
        for sec in &self.sections {
            s.push_str(&format!("<section>\n<h2>{}</h2>\n<ul>\n", e(&sec.heading)));
            for i in &sec.items {
                let links: Vec<String> = i
                    .notes
                    .iter()
                    .map(|n| format!("<a href=\"#law-{n}\">{n}</a>"))
                    .collect();
                let marks = format!("<sup>{}</sup>", links.join(","));
                let when = if i.otherwise {
                    "Otherwise, ".to_string()
                } else if i.when.is_empty() {
                    String::new()
                } else {
                    format!("When {}: ", e(&i.when))
                };
                let unverified = if i.unverified {
                    " <span class=\"unverified\">(unverified: check the cited law)</span>"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "<li>{when}{}.{marks}{unverified}</li>\n",
                    e(&i.what)
                ));
            }
            s.push_str("</ul>\n</section>\n");
        }
        s.push_str("<h2>The law</h2>\n<ol class=\"law\">\n");
        for f in &self.footnotes {
            s.push_str(&format!(
                "<li id=\"law-{}\">{}</li>\n",
                f.number,
                e(&f.citation)
            ));
        }
        s.push_str(
            "</ol>\n<p class=\"sign\"><span>Client</span><span>Clinician and date</span></p>\n",
        );
        s.push_str(&format!(
            "</main>\n<footer>{}</footer>\n</body>\n</html>\n",
            e(self.disclaimer)
        ));
        s
    }
}

fn item_line(i: &Item, open: &str, close: &str, unverified: &str) -> String {
    let marks: String = i
        .notes
        .iter()
        .map(|n| format!("{open}{n}{close}"))
        .collect();
    let when = if i.when.is_empty() {
        String::new()
    } else {
        format!("When {}: ", i.when)
    };
    let what = if i.otherwise {
        format!("Otherwise, {}", i.what)
    } else if i.when.is_empty() {
        let mut c = i.what.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        i.what.clone()
    };
    format!(
        "{when}{what}.{marks}{}",
        if i.unverified { unverified } else { "" }
    )
}

/// Text as HTML: the five characters that matter.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
