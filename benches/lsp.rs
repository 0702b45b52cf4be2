//! `cargo bench --bench lsp`: the language server's answer to an edit.
//! Each sample is one `didChange` on `policies/states/ca.policy`, in the
//! shipped corpus, until the server has analysed the corpus and published
//! the file's diagnostics: what an author waits for after a keystroke.
//! The server runs in-process on an in-memory connection (no pipe).

use criterion::Criterion;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

struct Client {
    conn: Connection,
    version: i32,
    uri: String,
}

impl Client {
    fn send_change(&mut self, range: Value, text: &str) -> usize {
        self.version += 1;
        let n = Notification::new(
            "textDocument/didChange".into(),
            json!({
                "textDocument": { "uri": self.uri, "version": self.version },
                "contentChanges": [{ "range": range, "text": text }],
            }),
        );
        self.conn.sender.send(n.into()).expect("send");
        self.wait()
    }

    /// Until the document's diagnostics arrive; how many there are.
    fn wait(&self) -> usize {
        loop {
            if let Message::Notification(n) = self.conn.receiver.recv().expect("the server answers")
            {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == self.uri.as_str()
                {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }
}

fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("in ca.policy");
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, col)
}

fn criterion_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("criterion")
}

fn median(dir: &Path, id: &str) -> Option<f64> {
    let path = dir.join(id).join("new/estimates.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn main() {
    let dir = criterion_dir();
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/states/ca.policy");
    let text = std::fs::read_to_string(&path).expect("ca.policy");
    let uri = format!("file://{}", path.display());

    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || mandate::lsp::run(server).expect("the server runs"));
    conn.sender
        .send(
            Request::new(
                RequestId::from(1),
                "initialize".into(),
                json!({ "capabilities": {} }),
            )
            .into(),
        )
        .expect("send");
    let _ = conn.receiver.recv().expect("initialize result");
    conn.sender
        .send(Notification::new("initialized".into(), json!({})).into())
        .expect("send");
    conn.sender
        .send(
            Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": text } }),
            )
            .into(),
        )
        .expect("send");
    let mut client = Client {
        conn,
        version: 1,
        uri,
    };
    assert_eq!(client.wait(), 0, "the shipped corpus is clean");

    let mut g = c.benchmark_group("lsp");
    // A keystroke in a rule's note: the corpus stays clean, so every
    // stage runs (parse, check, compile, lints, policy tests).
    let (line, col) = position(&text, "phone an agency");
    let at = |c: usize| json!({ "line": line, "character": c });
    g.bench_function("edit_clean", |b| {
        let mut toggle = false;
        b.iter(|| {
            toggle = !toggle;
            let n = if toggle {
                client.send_change(json!({ "start": at(col), "end": at(col + 1) }), "P")
            } else {
                client.send_change(json!({ "start": at(col), "end": at(col + 1) }), "p")
            };
            assert_eq!(n, 0);
        })
    });
    // Typing a misspelled fact and correcting it: every other edit is
    // an error (E002), where the analysis stops after the checker.
    let (line, col) = position(&text, "victim_age < 18");
    let at = |c: usize| json!({ "line": line, "character": c });
    g.bench_function("edit_typo", |b| {
        let mut typo = false;
        b.iter(|| {
            typo = !typo;
            if typo {
                client.send_change(json!({ "start": at(col + 9), "end": at(col + 10) }), "");
            } else {
                client.send_change(json!({ "start": at(col + 9), "end": at(col + 9) }), "e");
            }
        })
    });
    // What the server adds: the same corpus through the pipeline alone.
    let loaded = mandate::loader::load(&path).expect("the shipped corpus");
    let opts = mandate::lint::Options::on(2026, 12, 1);
    g.bench_function("pipeline_analyse", |b| {
        b.iter(|| {
            let a = mandate::pipeline::analyse_with(loaded.sources.clone(), Vec::new(), &opts);
            assert_eq!(a.errors(), 0);
        })
    });
    let a = mandate::pipeline::analyse_with(loaded.sources.clone(), Vec::new(), &opts);
    let (program, tables) = (a.program.expect("checks"), a.tables.expect("compiles"));
    g.bench_function("pipeline_tests", |b| {
        b.iter(|| std::hint::black_box(mandate::policy_tests::run(&program, &tables).len()))
    });
    g.bench_function("pipeline_parse", |b| {
        b.iter(|| {
            for (id, _) in loaded.sources.iter() {
                std::hint::black_box(mandate::syntax::parse_recovering(&loaded.sources, id));
            }
        })
    });
    g.finish();
    c.final_summary();

    client
        .conn
        .sender
        .send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into())
        .expect("send");
    client
        .conn
        .sender
        .send(Notification::new("exit".into(), Value::Null).into())
        .expect("send");
    let _ = handle.join();

    println!("\n== mandate lsp: medians of this run ==");
    for (id, what, target) in [
        (
            "lsp/edit_clean",
            "edit -> diagnostics, corpus clean (all stages)",
            "target < 50 ms",
        ),
        (
            "lsp/edit_typo",
            "edit -> diagnostics, a typo and its fix",
            "target < 50 ms",
        ),
        (
            "lsp/pipeline_analyse",
            "the pipeline alone (parse to lints), same corpus",
            "",
        ),
        ("lsp/pipeline_parse", "parsing alone, same corpus", ""),
        ("lsp/pipeline_tests", "the corpus's `test` blocks alone", ""),
    ] {
        if let Some(ns) = median(&dir, id) {
            println!("{what:<50} {:>8.2} ms  {target}", ns / 1e6);
        }
    }
}
