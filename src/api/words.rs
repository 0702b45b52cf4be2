//! Answers in plain words for clinicians and clients, built from the
//! schema's names and doc strings: one place, so the terminal, the JSON,
//! the notice and the web page say the same thing.

use crate::table::{Action, Deadline, Duration};

/// A recipient as a clinician says it: `child_protective_services` is
/// "child protective services", `court` is "the court". Names the shipped
/// schema does not know read as their words with "the".
pub fn recipient(name: &str) -> String {
    match name {
        "child_protective_services" | "adult_protective_services" | "law_enforcement" => {
            name.replace('_', " ")
        }
        "potential_victim" => "the person threatened".into(),
        "family" => "family members".into(),
        "requester" => "whoever asked".into(),
        "health_provider" => "a hospital or another provider".into(),
        other => format!("the {}", other.replace('_', " ")),
    }
}

/// "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    joined(items, "and")
}

/// "a or b", "a, b or c": any one suffices.
pub fn or_list(items: &[String]) -> String {
    joined(items, "or")
}

fn joined(items: &[String], last_word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {last_word} {last}", init.join(", ")),
    }
}

/// A deadline in words: "immediately", "within 24 hours", "within 2
/// days", "as soon as practicable", "as soon as practicable and within 24
/// hours at the latest"; "within 48 hours if the agency asks" for one due
/// only on request, and "within 72 hours, and within 48 hours if the
/// agency asks" for both.
pub fn deadline(d: &Duration) -> String {
    d.show_parts(in_any_case, " if the agency asks", ", and ")
}

/// A deadline that does not depend on a request, in words.
fn in_any_case(d: &Duration) -> String {
    match d.deadline() {
        Deadline::Hours(0) => "immediately".into(),
        Deadline::Hours(_) => fixed(d.as_str()),
        Deadline::Practicable => "as soon as practicable".into(),
        Deadline::PracticableWithin(_) => format!(
            "as soon as practicable and {} at the latest",
            fixed(d.fixed_text().unwrap_or_default())
        ),
    }
}

/// "within 24 hours" for `24h`.
fn fixed(text: &str) -> String {
    let (num, unit) = text.split_at(text.len().saturating_sub(1));
    let unit = match (unit, num) {
        ("h", "1") => "hour",
        ("h", _) => "hours",
        ("d", "1") => "day",
        ("d", _) => "days",
        ("w", "1") => "week",
        ("w", _) => "weeks",
        _ => return format!("within {text}"),
    };
    format!("within {num} {unit}")
}

/// [`sentence`] for an outcome of a table.
pub fn outcome_sentence(o: &crate::table::Outcome) -> String {
    sentence(
        o.action,
        &o.to,
        o.any_of,
        o.within.as_ref(),
        o.written_within.as_ref(),
    )
}

/// The one sentence that opens every answer: "You must report this to
/// child protective services and law enforcement: immediately, and in
/// writing within 36 hours."
pub fn sentence(
    action: Action,
    to: &[String],
    any_of: bool,
    within: Option<&Duration>,
    written: Option<&Duration>,
) -> String {
    let to: Vec<String> = to.iter().map(|r| recipient(r)).collect();
    let mut s = match action {
        Action::MustReport => "You must report this".to_string(),
        Action::MustDisclose => "You must disclose this".to_string(),
        Action::MayDisclose => "You may disclose this".to_string(),
        Action::MustNotDisclose => {
            return "Keep this confidential: the law does not let you disclose it here.".into()
        }
    };
    if !to.is_empty() {
        let list = if any_of { or_list(&to) } else { and_list(&to) };
        s.push_str(&format!(" to {list}"));
    }
    if action == Action::MayDisclose {
        s.push_str(", but you do not have to");
    }
    if let (None, Some(w)) = (within, written) {
        if w.unconditional().is_none() {
            // No deadline for the report itself: after a colon, the written
            // one's condition would read as the condition of the whole duty.
            s.push_str(&format!(", and in writing {}.", deadline(w)));
            return s;
        }
    }
    let mut when = Vec::new();
    if let Some(w) = within {
        when.push(deadline(w));
    }
    if let Some(w) = written {
        when.push(format!("in writing {}", deadline(w)));
    }
    if !when.is_empty() {
        s.push_str(": ");
        s.push_str(&when.join(", and "));
    }
    s.push('.');
    s
}

/// What an assumed value means, from the fact's doc string: "A serious
/// threat of physical violence was communicated: no".
pub fn meaning(doc: Option<&str>, fact: &str, value: &str, value_doc: Option<&str>) -> String {
    let value = match value {
        "true" => "yes",
        "false" => "no",
        v => value_doc.unwrap_or(v),
    };
    match doc {
        Some(d) => format!("{d}: {value}"),
        None => format!("{fact}: {value}"),
    }
}

/// Wrap `text` to lines of `width` columns, for a first line that starts
/// after a label as wide as `indent`, and continuation lines indented by it.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let start = indent.chars().count();
    let mut line = start;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > start && line + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            line = start;
        } else if line > start {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_read_as_a_clinician_would_say_them() {
        let d = |s: &str| Duration::parse(s).expect("a duration");
        assert_eq!(
            sentence(
                Action::MustReport,
                &["child_protective_services".into(), "law_enforcement".into()],
                false,
                Some(&d("immediately")),
                Some(&d("36h"))
            ),
            "You must report this to child protective services and law enforcement: immediately, and in writing within 36 hours."
        );
        assert_eq!(
            sentence(Action::MayDisclose, &["law_enforcement".into()], false, None, Some(&d("1d"))),
            "You may disclose this to law enforcement, but you do not have to: in writing within 1 day."
        );
        assert_eq!(
            sentence(
                Action::MustReport,
                &["child_protective_services".into()],
                false,
                Some(&d("immediately")),
                Some(&d("48h if requested"))
            ),
            "You must report this to child protective services: immediately, and in writing within 48 hours if the agency asks."
        );
        assert_eq!(
            sentence(
                Action::MustReport,
                &["adult_protective_services".into(), "law_enforcement".into()],
                true,
                None,
                Some(&d("48h if requested"))
            ),
            "You must report this to adult protective services or law enforcement, and in writing within 48 hours if the agency asks."
        );
        assert_eq!(
            deadline(&d("72h, 48h if requested")),
            "within 72 hours, and within 48 hours if the agency asks"
        );
        assert_eq!(
            deadline(&d("practicable, at most 2d if requested")),
            "as soon as practicable and within 2 days at the latest if the agency asks"
        );
        assert!(sentence(Action::MustNotDisclose, &[], false, None, None)
            .starts_with("Keep this confidential"));
        assert_eq!(
            sentence(
                Action::MustReport,
                &["law_enforcement".into(), "potential_victim".into(), "health_provider".into()],
                true,
                None,
                None
            ),
            "You must report this to law enforcement, the person threatened or a hospital or another provider."
        );
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        let w = wrap("one two three four five", 9, "  ");
        assert_eq!(w, "one two\n  three\n  four\n  five");
    }
}
