//! `mandate lsp` driven in-process over JSON-RPC, as an editor drives it:
//! initialize, open, change, hover, definition, completion, formatting,
//! code actions, shutdown. Responses are snapshotted with the corpus
//! path replaced by `ROOT`.

mod common;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next: i32,
    /// The last diagnostics published for each URI.
    published: HashMap<String, Value>,
    /// Every publication, in order: (URI, number of diagnostics).
    log: Vec<(String, usize)>,
    /// `window/logMessage` texts.
    messages: Vec<String>,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let handle =
            std::thread::spawn(move || mandate::lsp::run(server).expect("the server runs"));
        let mut c = Client {
            conn,
            server: Some(handle),
            next: 0,
            published: HashMap::new(),
            log: Vec::new(),
            messages: Vec::new(),
        };
        let init = c.request(
            "initialize",
            json!({ "capabilities": {}, "initializationOptions": { "today": "2026-12-01" } }),
        );
        assert_eq!(init["serverInfo"]["name"], "mandate");
        assert_eq!(
            init["capabilities"]["textDocumentSync"]["change"], 2,
            "incremental sync"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn record(&mut self, n: Notification) {
        if n.method == "window/logMessage" {
            self.messages
                .push(n.params["message"].as_str().unwrap_or("").to_string());
        }
        if n.method == "textDocument/publishDiagnostics" {
            let uri = n.params["uri"].as_str().expect("uri").to_string();
            let count = n.params["diagnostics"].as_array().map_or(0, Vec::len);
            self.log.push((uri.clone(), count));
            self.published.insert(uri, n.params["diagnostics"].clone());
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let req = Request::new(id.clone(), method.to_string(), params);
        self.conn.sender.send(req.into()).expect("send");
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(TIMEOUT)
                .expect("an answer in time")
            {
                Message::Response(r) if r.id == id => match r.response_result {
                    Ok(v) => return v,
                    Err(e) => panic!("{method} failed: {e:?}"),
                },
                Message::Notification(n) => self.record(n),
                _ => {}
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(n.into()).expect("send");
    }

    /// Wait for the next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(TIMEOUT)
                .expect("diagnostics in time")
            {
                Message::Notification(n) => {
                    let mine =
                        n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri;
                    self.record(n);
                    if mine {
                        return self.published[uri].clone();
                    }
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    /// Apply edits (LSP `TextEdit`s, in the order given) and wait for
    /// the document's diagnostics.
    fn edit(&mut self, uri: &str, version: i32, edits: Vec<Value>) -> Value {
        let changes: Vec<Value> = edits
            .into_iter()
            .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, pos: Value) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": pos }),
        )
    }

    /// Record every notification sent before now: a request's answer
    /// comes after them.
    fn sync(&mut self) {
        self.request("workspace/symbol", json!({ "query": "no such name" }));
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .expect("running")
            .join()
            .expect("the server stops cleanly");
    }
}

/// The position of the `nth` occurrence of `needle`, plus `shift` columns.
fn pos(text: &str, needle: &str, nth: usize, shift: u32) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the text"))
        .0;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = text[start..at].encode_utf16().count() as u32 + shift;
    json!({ "line": line, "character": col })
}

fn range(text: &str, needle: &str, nth: usize) -> Value {
    let start = pos(text, needle, nth, 0);
    let end = pos(text, needle, nth, needle.encode_utf16().count() as u32);
    json!({ "start": start, "end": end })
}

fn codes(diags: &Value) -> Vec<String> {
    diags
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// Pretty JSON with the corpus's location replaced and ranges left out
/// (the tests assert those against the text, which edits to the shipped
/// corpus move).
fn show(v: &Value, root: &Path) -> String {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("range");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = v.clone();
    strip(&mut v);
    // `cargo test --workspace` unifies features with the peers crate, which
    // turns on serde_json's `preserve_order`: sort, so the snapshot does not
    // depend on which packages are built together.
    v.sort_all_objects();
    serde_json::to_string_pretty(&v)
        .expect("json")
        .replace(&uri(root), "file:///ROOT")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("lsp__{}", $name), $value);
        })
    };
}

/// The text after applying one code action's edits to `uri`.
fn apply(text: &str, action: &Value, uri: &str) -> (String, Vec<Value>) {
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .expect("edits for the document")
        .clone();
    assert_eq!(edits.len(), 1, "one edit: {action}");
    let e = &edits[0];
    let start = text_offset(text, &e["range"]["start"]);
    let end = text_offset(text, &e["range"]["end"]);
    let mut out = text.to_string();
    out.replace_range(start..end, e["newText"].as_str().expect("text"));
    (out, edits)
}

fn text_offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().expect("line") as usize;
    let col = p["character"].as_u64().expect("character") as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= col || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn action<'a>(actions: &'a Value, title: &str) -> &'a Value {
    actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action `{title}` in {actions:#}"))
}

#[test]
fn the_done_when_scenario() {
    let root = policies();
    let ca_path = root.join("states/ca.policy");
    let ca = uri(&ca_path);
    let federal = uri(&root.join("federal.policy"));
    let mut text = std::fs::read_to_string(&ca_path).expect("ca.policy");
    let mut c = Client::start();

    // Open California: the shipped corpus is clean, in every file.
    assert_eq!(c.open(&ca, &text), json!([]));
    c.sync();
    assert!(
        c.log.iter().all(|(_, n)| *n == 0),
        "no file has findings: {:?}",
        c.log
    );

    // Type a misspelled fact: E002 with did-you-mean, on the exact span.
    let typo = pos(&text, "victim_age < 18", 0, 9);
    let typo_end = pos(&text, "victim_age < 18", 0, 10);
    let delete = json!({ "range": { "start": typo, "end": typo_end }, "newText": "" });
    let diags = c.edit(&ca, 2, vec![delete.clone()]);
    text.replace_range(text_offset(&text, &typo)..text_offset(&text, &typo_end), "");
    assert_eq!(codes(&diags), ["E002"]);
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `victim_age`?"));
    let typo_range = json!({ "start": pos(&text, "victim_ag < 18", 0, 0), "end": pos(&text, "victim_ag < 18", 0, 9) });
    assert_eq!(diags[0]["range"], typo_range);
    snap!("typo_diagnostics", show(&diags, &root));

    // The suggestion as a code action; applying it makes the file clean.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": ca }, "range": typo_range, "context": { "diagnostics": diags } }),
    );
    let fix = action(&actions, "Replace `victim_ag` with `victim_age`");
    assert_eq!(fix["kind"], "quickfix");
    let (fixed, edits) = apply(&text, fix, &ca);
    text = fixed;
    assert_eq!(c.edit(&ca, 3, edits), json!([]));

    // Hover the fact: its doc, type and default.
    let hover = c.at(
        "textDocument/hover",
        &ca,
        pos(&text, "victim_age < 18", 0, 3),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(shown.contains("Age of the person at risk"), "{shown}");
    snap!("hover_fact", shown);

    // `extends US` leads to federal.policy.
    let def = c.at(
        "textDocument/definition",
        &ca,
        pos(&text, "extends US", 0, 9),
    );
    assert_eq!(def["uri"], federal);
    let fed_text = std::fs::read_to_string(root.join("federal.policy")).expect("federal");
    let line = pos(&fed_text, "jurisdiction US", 0, 0)["line"].clone();
    let code = json!({ "start": { "line": line, "character": 13 }, "end": { "line": line, "character": 15 } });
    assert_eq!(def["range"], code);

    // A conflicting rule: E017, and the code actions that fix it.
    let marker = "  // ---------------------------------------------------------------- tests";
    let rule = "  rule subpoena_to_court {\n    when concern == subpoena\n    then may_disclose to [court]\n    cite \"Cal. Evid. Code § 1015\"\n  }\n\n";
    let at = pos(&text, marker, 0, 0);
    let insert = json!({ "range": { "start": at, "end": at }, "newText": rule });
    let diags = c.edit(&ca, 4, vec![insert]);
    text.insert_str(text_offset(&text, &at), rule);
    assert!(codes(&diags).contains(&"E017".to_string()), "{diags:#}");
    let conflict = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E017")
        .unwrap()
        .clone();
    assert_eq!(conflict["range"], range(&text, "subpoena_privilege", 0));
    assert_eq!(
        conflict["relatedInformation"][0]["location"]["range"],
        range(&text, "subpoena_to_court", 0)
    );
    snap!("conflict_diagnostic", show(&conflict, &root));
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": ca }, "range": range(&text, "subpoena_to_court", 0), "context": { "diagnostics": [conflict] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    snap!("conflict_actions", titles.join("\n"));
    let pin = action(
        &actions,
        "Add a test pinning `subpoena_privilege` vs `subpoena_to_court`",
    );
    let (with_test, _) = apply(&text, pin, &ca);
    assert!(with_test.contains("  test \"CA: subpoena_privilege or subpoena_to_court?\" {\n    given concern = subpoena\n"), "{with_test}");
    let fix = action(
        &actions,
        "Make `subpoena_privilege` override `subpoena_to_court`",
    );
    let (fixed, edits) = apply(&text, fix, &ca);
    assert!(fixed.contains(
        "    cite \"Cal. Code Civ. Proc. § 1985.3\"\n    overrides subpoena_to_court\n  }"
    ));
    text = fixed;
    let diags = c.edit(&ca, 5, edits);
    assert!(!codes(&diags).contains(&"E017".to_string()), "{diags:#}");
    // What is left is true of the new rule now: it never decides, so no
    // test can exercise it.
    assert_eq!(codes(&diags), ["W001", "W005"]);

    // Completion after `role == ` offers the roles.
    let items = c.at(
        "textDocument/completion",
        &ca,
        pos(&text, "role == counselor", 0, 8),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "psychologist",
            "psychiatrist",
            "counselor",
            "social_worker",
            "marriage_family_therapist"
        ]
    );

    c.shutdown();
}

/// A small corpus on disk: the shipped schema and baseline, a clean
/// state `ZA` and a state `ZB` with one warning (an untested rule).
fn small_corpus(name: &str) -> PathBuf {
    let dir = common::temp_dir(name);
    for f in ["schema.policy", "federal.policy"] {
        std::fs::copy(policies().join(f), dir.join(f)).expect("copy");
    }
    let state = |code: &str, test: &str| {
        format!(
            "jurisdiction {code} \"{code}\" extends US {{\n  reviewed 2026-11-30\n\n  rule young_child {{\n    when concern == child_abuse and victim_age < 5\n    then must_report to [child_protective_services]\n    cite \"{code} § 1\"\n  }}\n{test}}}\n"
        )
    };
    let test = "\n  test \"a toddler\" {\n    given concern = child_abuse, victim_age = 3\n    expect must_report by young_child\n  }\n";
    std::fs::write(dir.join("za.policy"), state("ZA", test)).expect("write");
    std::fs::write(dir.join("zb.policy"), state("ZB", "")).expect("write");
    dir
}

#[test]
fn an_edit_keeps_the_other_files_findings() {
    let dir = small_corpus("keep");
    let (za, zb) = (uri(&dir.join("za.policy")), uri(&dir.join("zb.policy")));
    let mut text = std::fs::read_to_string(dir.join("za.policy")).expect("za");
    let mut c = Client::start();
    assert_eq!(c.open(&za, &text), json!([]));
    c.sync();
    assert_eq!(
        codes(&c.published[&zb]),
        ["W005"],
        "the other file's warning"
    );

    // An error in ZA stops the analysis before the lints...
    let age = json!({ "start": pos(&text, "< 5", 0, 2), "end": pos(&text, "< 5", 0, 3) });
    let diags = c.edit(&za, 2, vec![json!({ "range": age, "newText": "500" })]);
    text = text.replacen("< 5", "< 500", 1);
    assert_eq!(codes(&diags), ["E008"]);
    // ...and a syntax error before the checker.
    let brace = range(&text, "{", 1);
    let diags = c.edit(&za, 3, vec![json!({ "range": brace, "newText": "" })]);
    text = text.replacen("young_child {", "young_child ", 1);
    let found = codes(&diags);
    assert!(
        !found.is_empty() && found.iter().all(|c| c == "E001"),
        "{found:?}"
    );
    // ZB's warning was never taken back meanwhile.
    c.sync();
    assert!(
        c.log.iter().filter(|(u, _)| u == &zb).all(|(_, n)| *n == 1),
        "{:?}",
        c.log
    );
    assert_eq!(codes(&c.published[&zb]), ["W005"]);

    // Fixed: ZA is clean and ZB keeps its warning.
    let at = pos(&text, "young_child ", 0, 12);
    let mut edits = vec![json!({ "range": { "start": at, "end": at }, "newText": "{" })];
    edits.push(json!({ "range": range(&text.replacen("young_child ", "young_child {", 1), "500", 0), "newText": "5" }));
    assert_eq!(c.edit(&za, 4, edits), json!([]));
    c.sync();
    assert_eq!(codes(&c.published[&zb]), ["W005"]);
    c.shutdown();
}

#[test]
fn a_lone_file_is_checked_with_the_built_in_corpus() {
    let dir = common::temp_dir("lone");
    let path = dir.join("zz.policy");
    let text = "jurisdiction ZZ \"Demo\" extends US {\n  reviewed 2026-11-30\n\n  rule demo {\n    when concern == child_abuse and victim_ag < 5\n    then must_report to [child_protective_services]\n    cite \"Demo § 1\"\n  }\n}\n";
    std::fs::write(&path, text).expect("write");
    let mut c = Client::start();
    let diags = c.open(&uri(&path), text);
    // `US` and the schema come from the built-in corpus: only the typo.
    assert_eq!(codes(&diags), ["E002"]);
    assert_eq!(
        c.messages,
        [format!(
            "policies: {} over the built-in corpus (mandate {})",
            path.display(),
            env!("CARGO_PKG_VERSION")
        )]
    );
    // A built-in file has no place to go to.
    let def = c.at(
        "textDocument/definition",
        &uri(&path),
        pos(text, "extends US", 0, 9),
    );
    assert_eq!(def, Value::Null);
    // Hover on `US` still knows the chain.
    let hover = c.at(
        "textDocument/hover",
        &uri(&path),
        pos(text, "extends US", 0, 9),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Chain: `ZZ` → `US`"),
        "{hover}"
    );
    c.shutdown();
}

#[test]
fn hover_navigation_and_symbols() {
    let root = policies();
    let ca = uri(&root.join("states/ca.policy"));
    let text = std::fs::read_to_string(root.join("states/ca.policy")).expect("ca");
    let fed_path = root.join("federal.policy");
    let federal = uri(&fed_path);
    let fed_text = std::fs::read_to_string(&fed_path).expect("federal");
    let mut c = Client::start();
    c.open(&ca, &text);

    // A rule: its decision in words and its citations.
    let hover = c.at(
        "textDocument/hover",
        &ca,
        pos(&text, "rule duty_to_protect_counselor", 0, 6),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(shown.starts_with("**rule** `CA.duty_to_protect_counselor`\n\nYou must report this to the person threatened and law enforcement."), "{shown}");
    assert!(shown.contains("- Cal. Civ. Code § 43.92(a)"), "{shown}");
    // `extends`: the chain.
    let hover = c.at("textDocument/hover", &ca, pos(&text, "extends US", 0, 9));
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(shown.contains("Chain: `CA` → `US`"), "{shown}");
    // A variant, with its doc.
    let hover = c.at(
        "textDocument/hover",
        &ca,
        pos(&text, "concern == subpoena", 0, 12),
    );
    snap!(
        "hover_variant",
        hover["contents"]["value"].as_str().expect("markdown")
    );
    // `by` in a test goes to the rule, qualified or not.
    let def = c.at(
        "textDocument/definition",
        &ca,
        pos(&text, "by US.court_order", 0, 7),
    );
    assert_eq!(def["uri"], federal);
    assert_eq!(def["range"], range(&fed_text, "court_order", 0));
    let def = c.at(
        "textDocument/definition",
        &ca,
        pos(&text, "by subpoena_privilege", 0, 4),
    );
    assert_eq!(def["range"], range(&text, "subpoena_privilege", 0));
    // A fact goes to the schema.
    let def = c.at(
        "textDocument/definition",
        &ca,
        pos(&text, "in_care_facility", 0, 2),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("policies/schema.policy"),
        "{def}"
    );

    // A recipient goes to its variant in the schema.
    let def = c.at(
        "textDocument/definition",
        &ca,
        pos(&text, "to [potential_victim", 0, 5),
    );
    let schema_text = std::fs::read_to_string(root.join("schema.policy")).expect("schema");
    assert_eq!(def["range"], range(&schema_text, "potential_victim", 0));

    // Every state that overrides or replaces the federal subpoena rule.
    c.open(&federal, &fed_text);
    // `overrides` goes to the rule it names.
    let def = c.at(
        "textDocument/definition",
        &federal,
        pos(&fed_text, "overrides subpoena", 0, 11),
    );
    let name = json!({ "start": pos(&fed_text, "rule subpoena {", 0, 5), "end": pos(&fed_text, "rule subpoena {", 0, 13) });
    assert_eq!(def["range"], name);
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": federal }, "position": pos(&fed_text, "rule subpoena {", 0, 6), "context": { "includeDeclaration": false } }),
    );
    let files: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        files.contains(&"federal.policy".to_string()),
        "`subpoena_with_assurances` overrides it: {files:?}"
    );
    // The files whose text replaces or overrides it, or names it in a test.
    let mut expected = Vec::new();
    for entry in std::fs::read_dir(root.join("states"))
        .expect("states")
        .chain(std::fs::read_dir(&root).expect("root"))
    {
        let path = entry.expect("entry").path();
        let Ok(body) = std::fs::read_to_string(&path) else {
            continue;
        };
        let names_it = body.lines().map(str::trim).any(|l| {
            l == "rule subpoena {"
                || l.ends_with("by US.subpoena")
                || l.strip_prefix("overrides ")
                    .is_some_and(|rest| rest.split([',', ' ']).any(|n| n == "subpoena"))
        });
        if names_it {
            expected.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let mut sorted = files.clone();
    sorted.sort();
    expected.sort();
    assert!(expected.len() > 5, "{expected:?}");
    assert_eq!(sorted, expected);

    // Symbols of a document and of the workspace.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ca } }),
    );
    let outline: Vec<String> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["kind"], s["name"].as_str().unwrap()))
        .collect();
    assert_eq!(symbols[0]["name"], "CA");
    let rules: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  rule "))
        .map(|l| format!("12 {}", l.trim_end_matches(" {")))
        .collect();
    let tests = text.lines().filter(|l| l.starts_with("  test \"")).count();
    assert_eq!(
        outline[..rules.len()],
        rules[..],
        "rules (kind 12, function) first"
    );
    assert_eq!(outline.len(), rules.len() + tests, "then the tests");
    assert!(
        outline[rules.len()..].iter().all(|s| s.starts_with("6 ")),
        "tests are kind 6, method"
    );
    let found = c.request("workspace/symbol", json!({ "query": "ca.duty_to" }));
    let names: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["CA.duty_to_protect", "CA.duty_to_protect_counselor"]
    );
    c.shutdown();
}

#[test]
fn completion_in_context() {
    let root = policies();
    let ca = uri(&root.join("states/ca.policy"));
    let text = std::fs::read_to_string(root.join("states/ca.policy")).expect("ca");
    let mut c = Client::start();
    c.open(&ca, &text);
    let labels = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    // A rule being typed: the buffer does not parse, the names still come.
    let marker = "  // ---------------------------------------------------------------- tests";
    let at = pos(&text, marker, 0, 0);
    let typed = "  rule new_rule {\n    when ";
    c.edit(
        &ca,
        2,
        vec![json!({ "range": { "start": at, "end": at }, "newText": typed })],
    );
    let mut text = text.clone();
    text.insert_str(text_offset(&text, &at), typed);
    let end = pos(&text, typed, 0, 0);
    let after = |line_delta: u64, col: u64| json!({ "line": end["line"].as_u64().unwrap() + line_delta, "character": col });
    let facts = labels(&c.at("textDocument/completion", &ca, after(1, 9)));
    assert!(
        facts.contains(&"victim_age".to_string()) && facts.contains(&"concern".to_string()),
        "{facts:?}"
    );

    let more = "concern == ";
    c.edit(
        &ca,
        3,
        vec![json!({ "range": { "start": after(1, 9), "end": after(1, 9) }, "newText": more })],
    );
    let concerns = labels(&c.at("textDocument/completion", &ca, after(1, 20)));
    assert_eq!(concerns[0], "child_abuse");
    assert_eq!(concerns.len(), 8, "{concerns:?}");

    let more = "child_abuse\n    then must_report to [";
    c.edit(
        &ca,
        4,
        vec![json!({ "range": { "start": after(1, 20), "end": after(1, 20) }, "newText": more })],
    );
    let recipients = labels(&c.at("textDocument/completion", &ca, after(2, 25)));
    assert!(
        recipients.contains(&"law_enforcement".to_string()),
        "{recipients:?}"
    );

    let more = "law_enforcement]\n    overrides ";
    c.edit(
        &ca,
        5,
        vec![json!({ "range": { "start": after(2, 25), "end": after(2, 25) }, "newText": more })],
    );
    let rules = labels(&c.at("textDocument/completion", &ca, after(3, 14)));
    assert!(
        rules.contains(&"canra_child_abuse".to_string()),
        "own rules: {rules:?}"
    );
    assert!(
        rules.contains(&"child_abuse_report".to_string()),
        "inherited rules: {rules:?}"
    );

    // Between items of a jurisdiction: keywords and the snippets.
    let items = c.at(
        "textDocument/completion",
        &ca,
        pos(&text, "  // reviewed 2026-12-01 (round 2: §§ 11165.7", 0, 2),
    );
    let snippet = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "rule")
        .expect("the rule snippet");
    assert_eq!(snippet["insertTextFormat"], 2);
    snap!("rule_snippet", snippet["insertText"].as_str().unwrap());
    assert!(labels(&items).contains(&"test".to_string()));

    // After `extends`: jurisdiction codes.
    let codes = labels(&c.at(
        "textDocument/completion",
        &ca,
        pos(&text, "extends US", 0, 8),
    ));
    assert!(
        codes.contains(&"US".to_string())
            && codes.contains(&"NY".to_string())
            && !codes.contains(&"CA".to_string())
    );
    c.shutdown();
}

#[test]
fn formatting_whole_documents_and_ranges() {
    let dir = small_corpus("fmt");
    let za = uri(&dir.join("za.policy"));
    let clean = std::fs::read_to_string(dir.join("za.policy")).expect("za");
    let mut c = Client::start();
    c.open(&za, &clean);
    let opts = json!({ "tabSize": 2, "insertSpaces": true });
    let none = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": za }, "options": opts }),
    );
    assert_eq!(none, json!([]), "the file is already formatted");

    // Two lines out of place: the whole document fixes both, a range one.
    let messy = clean
        .replace("    then must_report", "      then   must_report")
        .replace("    given concern", "given concern");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": za, "version": 2 }, "contentChanges": [{ "text": messy }] }),
    );
    c.diagnostics(&za);
    let all = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": za }, "options": opts }),
    );
    assert_eq!(all.as_array().unwrap().len(), 2, "{all:#}");
    let mut fixed = messy.clone();
    for e in all.as_array().unwrap().iter().rev() {
        let a = text_offset(&fixed, &e["range"]["start"]);
        let b = text_offset(&fixed, &e["range"]["end"]);
        fixed.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    assert_eq!(fixed, clean);
    let line = pos(&messy, "given concern", 0, 0)["line"].clone();
    let one = c.request(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": za }, "options": opts, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 3 } } }),
    );
    snap!("range_formatting", show(&one, &dir));
    c.shutdown();
}

#[test]
fn hover_on_a_rule_says_what_it_does() {
    let dir = small_corpus("rule");
    let za_path = dir.join("za.policy");
    let rule = "\n  rule older_child {\n    when concern == child_abuse and victim_age in 5..=17\n    then must_report to [child_protective_services, law_enforcement] within 24h, in writing within 2d\n    note \"phone first\"\n    cite \"ZA § 2\"\n    overrides young_child\n    unverified \"only a summary was read\"\n  }\n";
    let text = std::fs::read_to_string(&za_path).expect("za").replacen(
        "\n  test",
        &format!("{rule}\n  test"),
        1,
    );
    let mut c = Client::start();
    let za = uri(&za_path);
    c.open(&za, &text);
    let hover = c.at("textDocument/hover", &za, pos(&text, "older_child", 0, 1));
    snap!(
        "hover_rule",
        hover["contents"]["value"].as_str().expect("markdown")
    );
    // The federal rule it replaces, hovered from the federal file, names
    // the states that replace it.
    let fed_path = dir.join("federal.policy");
    let fed_text = std::fs::read_to_string(&fed_path).expect("federal");
    c.open(&uri(&fed_path), &fed_text);
    let hover = c.at(
        "textDocument/hover",
        &uri(&fed_path),
        pos(&fed_text, "rule child_abuse_report", 0, 6),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        shown.starts_with("**rule** `US.child_abuse_report`"),
        "{shown}"
    );
    c.shutdown();
}

#[test]
fn hover_on_a_code_explains_it() {
    let dir = small_corpus("allow");
    let zb_path = dir.join("zb.policy");
    let text = std::fs::read_to_string(&zb_path).expect("zb").replace(
        "    cite \"ZB § 1\"\n",
        "    cite \"ZB § 1\"\n    allow W005 \"tested with ZA\"\n",
    );
    let mut c = Client::start();
    assert_eq!(
        c.open(&uri(&zb_path), &text),
        json!([]),
        "the warning is allowed"
    );
    let hover = c.at(
        "textDocument/hover",
        &uri(&zb_path),
        pos(&text, "W005", 0, 1),
    );
    let shown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        shown.starts_with("**W005** `untested-rule` (warning)"),
        "{shown}"
    );
    c.shutdown();
}

/// The VS Code grammar colours every keyword of the real grammar.
#[test]
fn the_textmate_grammar_knows_every_keyword() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tm = std::fs::read_to_string(root.join("editors/vscode/syntaxes/policy.tmLanguage.json"))
        .expect("grammar");
    let tm: Value = serde_json::from_str(&tm).expect("valid JSON");
    let tm = tm.to_string();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("grammar")).expect("grammar/") {
        let pest = std::fs::read_to_string(entry.expect("entry").path()).expect("pest");
        for word in pest.split('"').skip(1).step_by(2) {
            let keyword =
                word.len() > 1 && word.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if keyword
                && !tm.contains(&format!("|{word}|"))
                && !tm.contains(&format!("({word}|"))
                && !tm.contains(&format!("|{word})"))
                && !tm.contains(&format!("({word})"))
            {
                missing.push(word.to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keywords the TextMate grammar does not colour: {missing:?}"
    );
}

/// A syntax error does not hide the rest: the parser recovers, and the
/// checker still reads everything that parsed, in the same file too.
#[test]
fn findings_survive_a_syntax_error_being_typed() {
    let dir = small_corpus("recover");
    let za = uri(&dir.join("za.policy"));
    let text = std::fs::read_to_string(dir.join("za.policy"))
        .expect("za")
        .replace("victim_age < 5", "victim_ag < 5")
        .replace(
            "  test \"a toddler\" {",
            "  test \"a toddler\" {\n    given concern =\n  }\n  test \"b\" {",
        );
    let mut c = Client::start();
    let found = codes(&c.open(&za, &text));
    assert!(
        found.contains(&"E001".to_string()) && found.contains(&"E002".to_string()),
        "{found:?}"
    );
    // Formatting would lose what did not parse: it declines.
    let opts = json!({ "tabSize": 2, "insertSpaces": true });
    let none = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": za }, "options": opts }),
    );
    assert_eq!(none, Value::Null);
    c.shutdown();
}

/// The binary speaks the protocol on stdin and stdout, as editors start it.
#[test]
fn the_binary_serves_over_stdio() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut send = |v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    };
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut read = || -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            out.read_line(&mut line).expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        out.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("JSON")
    };
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    assert_eq!(read()["result"]["serverInfo"]["name"], "mandate");
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(read()["id"], 2);
    send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert!(child.wait().expect("exit").success());
}
