//! `mandate serve` end to end: the real binary on a loopback port, plain
//! HTTP/1.1 requests, and the page run by headless Chromium when present.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the start-up line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "binds loopback: {line}");
        Server { child, addr }
    }

    /// (status, headers, body)
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, String, String) {
        self.request_as(method, path, "application/json", body)
    }

    /// The same, with another `Content-Type` (what `curl -d` sends, say).
    fn request_as(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        s.write_all(head.as_bytes()).expect("write");
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = headers
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, headers.to_string(), body.to_string())
    }

    fn json(&self, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
        let (status, headers, body) = self.request(method, path, body.as_bytes());
        assert!(
            !headers.to_lowercase().contains("set-cookie"),
            "no cookies: {headers}"
        );
        let body = if headers
            .to_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(&body)
        } else {
            body
        };
        let v = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
        (status, v)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n.min(tail.len())]);
        rest = tail.get(n + 2..).unwrap_or("");
    }
    out
}

#[test]
fn the_json_api_answers_and_refuses_in_json() {
    let s = Server::start();
    let (code, body, _) = {
        let (c, h, b) = s.request("GET", "/healthz", b"");
        (c, b, h)
    };
    assert_eq!((code, body.trim()), (200, "ok"));
    let (code, list) = s.json("GET", "/v1/jurisdictions", "");
    assert_eq!(code, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(52));
    let (_, schema) = s.json("GET", "/v1/schema", "");
    assert!(schema["facts"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["name"] == "concern")));

    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["CA", "new york"], "facts": {"concern": "subpoena"}}"#,
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answers"][0]["jurisdiction"], "CA");
    assert_eq!(v["answers"][1]["jurisdiction"], "NY");
    assert_eq!(v["combined"]["action"], "must_not_disclose");
    // The same answer model as the CLI's JSON.
    for field in [
        "summary",
        "action",
        "to",
        "any_of",
        "within",
        "citations",
        "rule",
        "notes",
        "assumed",
        "disclaimer",
    ] {
        assert!(v["answers"][0].get(field).is_some(), "no `{field}`: {v}");
    }

    // "As soon as practicable", alone and with a fixed time.
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["NY", "IL"], "facts": {"concern": "danger_to_self", "threat_imminent": true, "victim_age": 30}}"#,
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answers"][0]["within"], "practicable");
    assert_eq!(v["combined"]["within"], "practicable, at most 24h");
    assert!(
        v["combined"]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("as soon as practicable and within 24 hours at the latest")),
        "{v}"
    );

    // A written report due only if the agency asks: said in the deadline
    // as written, and kept when combined with one due in any case.
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["NH", "MI"], "facts": {"concern": "child_abuse", "victim_age": 10}}"#,
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answers"][0]["written_within"], "48h if requested");
    assert_eq!(v["combined"]["written_within"], "72h, 48h if requested");

    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["Californa"], "facts": {"concern": "subpoena"}}"#,
    );
    assert_eq!(code, 404, "{v}");
    assert_eq!(v["suggestion"], "did you mean `California` (CA)?");
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["CA"], "facts": {"concern": "child_abus"}}"#,
    );
    assert_eq!(code, 400, "{v}");
    assert_eq!(v["suggestion"], "did you mean `child_abuse`?");
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        r#"{"jurisdictions": ["CA"], "facts": {"concern": "child_abuse"}}"#,
    );
    assert_eq!(code, 422, "{v}");
    assert_eq!(v["needs"], serde_json::json!(["victim_age"]));
    let (code, v) = s.json("POST", "/v1/decide", "not json");
    assert_eq!(code, 400, "{v}");
    // `curl -d '{...}'`, as the docs show it, sends a form content type:
    // the body is JSON all the same.
    let (code, _, body) = s.request_as(
        "POST",
        "/v1/decide",
        "application/x-www-form-urlencoded",
        br#"{"jurisdictions":["CA"],"facts":{"concern":"child_abuse","victim_age":10}}"#,
    );
    assert_eq!(code, 200, "{body}");
    assert!(body.contains(r#""action":"must_report""#), "{body}");
    assert!(body.contains("11166"), "cites the statute: {body}");
    let big = format!(
        r#"{{"jurisdictions": ["CA"], "pad": "{}"}}"#,
        "a".repeat(70_000)
    );
    let (code, v) = s.json("POST", "/v1/decide", &big);
    assert_eq!(code, 413, "{v}");

    let (code, v) = s.json(
        "POST",
        "/v1/next-question",
        r#"{"jurisdiction": "TX", "facts": {"concern": "child_abuse"}}"#,
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["question"]["name"], "victim_age");
    let (code, v) = s.json(
        "POST",
        "/v1/next-question",
        r#"{"jurisdiction": "TX", "facts": {"concern": "child_abuse", "victim_age": 10}}"#,
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answer"]["action"], "must_report");

    let (code, v) = s.json("GET", "/v1/matrix?concern=child_abuse&victim_age=10", "");
    assert_eq!(code, 200, "{v}");
    let tiles = v["tiles"].as_array().expect("tiles");
    assert_eq!(tiles.len(), 52);
    // Every state mandates the report for a psychologist, except Oregon,
    // where what a client says in a privileged communication is exempt.
    for t in tiles {
        let want = match t["code"].as_str() {
            Some("US") | Some("OR") => "may_disclose",
            _ => "must_report",
        };
        assert_eq!(t["action"], want, "{t}");
    }

    let (code, headers, page) = s.request("GET", "/v1/notice/CA?format=html", b"");
    assert_eq!(code, 200);
    assert!(headers.to_lowercase().contains("text/html"));
    assert!(page.contains("Limits of confidentiality"));
    let (code, _, _) = s.request("GET", "/v1/notice/ZZ", b"");
    assert_eq!(code, 404);
}

#[test]
fn the_openapi_document_lists_every_route_and_each_is_served() {
    let s = Server::start();
    let (code, doc) = s.json("GET", "/v1/openapi.json", "");
    assert_eq!(code, 200);
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 7);
    // Deadlines say which words they may hold, alone and combined.
    let schemas = &doc["components"]["schemas"];
    let within = schemas["Answer"]["properties"]["within"]["description"].as_str();
    assert!(
        within.is_some_and(|d| d.contains("`practicable`")),
        "{within:?}"
    );
    let combined = schemas["Combined"]["properties"]["combined"]["properties"]["within"]
        ["description"]
        .as_str();
    assert!(
        combined.is_some_and(|d| d.contains("`practicable, at most 24h`")),
        "{combined:?}"
    );
    assert!(
        within.is_some_and(|d| d.contains("`48h if requested`")),
        "{within:?}"
    );
    assert!(
        combined.is_some_and(|d| d.contains("`72h, 48h if requested`")),
        "{combined:?}"
    );
    for (path, ops) in paths {
        let path = path.replace("{code}", "CA");
        let method = if ops.get("post").is_some() {
            "POST"
        } else {
            "GET"
        };
        let query = if path == "/v1/matrix" {
            "?concern=subpoena"
        } else {
            ""
        };
        let body = match path.as_str() {
            "/v1/decide" => r#"{"jurisdictions": ["CA"], "facts": {"concern": "subpoena"}}"#,
            "/v1/next-question" => r#"{"jurisdiction": "CA"}"#,
            _ => "",
        };
        let (code, _, _) = s.request(method, &format!("{path}{query}"), body.as_bytes());
        assert_eq!(code, 200, "{method} {path}");
    }
}

#[test]
fn the_page_is_served_whole_and_stops_on_sigterm() {
    let mut s = Server::start();
    let (code, headers, page) = s.request("GET", "/", b"");
    assert_eq!(code, 200);
    assert!(headers.to_lowercase().contains("text/html"));
    assert!(page.contains("<script src=\"/app.js\">"), "{page}");
    let csp = headers
        .lines()
        .find(|l| l.to_lowercase().starts_with("content-security-policy:"))
        .unwrap_or_else(|| panic!("no CSP: {headers}"))
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let (code, _, script) = s.request("GET", "/app.js", b"");
    assert_eq!(code, 200);
    assert!(
        script.contains("/v1/next-question"),
        "the script drives the guided questions"
    );
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "no external assets"
    );
    assert!(page.contains("<label for=\"state\">"), "labelled controls");
    assert!(
        page.contains("<label for=\"asof\">") && page.contains("type=\"date\""),
        "the date of the events is asked for"
    );
    assert!(
        script.contains("as_of"),
        "the script sends the date as a fact"
    );
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let mut waited = 0;
    let status = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st;
        }
        waited += 1;
        assert!(waited < 200, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "a graceful stop");
}

#[test]
fn the_api_takes_the_date_of_the_events_wherever_it_takes_facts() {
    let s = Server::start();
    let threat = r#""concern": "danger_to_others", "threat_serious": true, "victim_identifiable": true, "threat_imminent": true"#;
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        &format!(r#"{{"jurisdictions": ["FL"], "facts": {{{threat}, "as_of": "2018-06-01"}}}}"#),
    );
    assert_eq!(code, 200, "{v}");
    let a = &v["answers"][0];
    assert_eq!(a["action"], "may_disclose");
    assert_eq!(a["as_of"], "2018-06-01");
    assert_eq!(a["in_force_until"], "2019-06-30");
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        &format!(r#"{{"jurisdictions": ["FL"], "facts": {{{threat}, "as_of": "2019-05-01"}}}}"#),
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answers"][0]["upcoming"]["from"], "2019-07-01");
    let (code, v) = s.json(
        "POST",
        "/v1/decide",
        &format!(r#"{{"jurisdictions": ["FL"], "facts": {{{threat}, "as_of": "2018-13-01"}}}}"#),
    );
    assert_eq!(code, 400, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("as_of")),
        "{v}"
    );

    let (code, v) = s.json(
        "POST",
        "/v1/next-question",
        &format!(r#"{{"jurisdiction": "FL", "facts": {{{threat}, "as_of": "2018-06-01"}}}}"#),
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["answer"]["rule"], "FL.duty_to_warn_before_2019");

    let q = "concern=danger_to_others&threat_serious=true&victim_identifiable=true&threat_imminent=true";
    let (_, old) = s.json("GET", &format!("/v1/matrix?{q}&as_of=2018-06-01"), "");
    let (_, new) = s.json("GET", &format!("/v1/matrix?{q}&as_of=2020-06-01"), "");
    let fl = |m: &serde_json::Value| {
        m["tiles"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["code"] == "FL"))
            .map(|t| t["action"].clone())
    };
    assert_eq!(fl(&old), Some("may_disclose".into()));
    assert_eq!(fl(&new), Some("must_report".into()));

    let (code, old) = s.json("GET", "/v1/notice/FL?format=json&as_of=2018-06-01", "");
    assert_eq!(code, 200);
    let (_, new) = s.json("GET", "/v1/notice/FL?format=json&as_of=2020-06-01", "");
    assert_ne!(old, new, "the notice follows the date");
    let (code, v) = s.json("GET", "/v1/notice/FL?format=json&as_of=someday", "");
    assert_eq!(code, 400, "{v}");
}

/// Where the browser test leaves its screenshots for a developer to look at.
fn screenshots() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// Headless Chromium runs the page's script against the server. The page
/// keeps the states and the answers so far in its URL, so the test loads
/// California with child abuse at age 10 answered and finds the report
/// duty; the map must colour every jurisdiction; the notice must render.
/// On CI the browser is installed by `.ci/run` and must be there.
#[test]
fn the_page_works_in_a_browser() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run does)"
        );
        eprintln!("skipped: no chromium on this machine");
        return;
    };
    let s = Server::start();
    let shots = screenshots();
    let chrome = |url: &str, extra: &[&str]| {
        let out = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=8000",
                "--window-size=1100,1600",
            ])
            .args(extra)
            .arg(url)
            .output()
            .expect("chromium runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let answered = format!(
        "http://{}/?j=CA&f=concern:child_abuse,victim_age:10",
        s.addr
    );
    let dom = chrome(&answered, &["--dump-dom"]);
    assert!(dom.contains("Answering for: California (CA)"), "{dom}");
    assert!(
        dom.contains("You must report this to child protective services or law enforcement"),
        "no answer card:\n{dom}"
    );
    assert!(
        dom.contains("Cal. Penal Code"),
        "citations on the card:\n{dom}"
    );
    // The map: every one of the 51 tiles coloured by its duty for the
    // default concern and age, none waiting on more facts.
    let tiles = dom.matches("data-action=").count();
    assert_eq!(tiles, 51, "{dom}");
    assert_eq!(dom.matches("data-action=\"depends\"").count(), 0, "{dom}");
    // "As soon as practicable" on the cards, and kept beside a fixed time
    // on the combined one.
    let both = chrome(
        &format!(
            "http://{}/?j=NY,IL&f=concern:danger_to_self,threat_imminent:true,victim_age:30,role:psychologist",
            s.addr
        ),
        &["--dump-dom"],
    );
    assert!(
        both.contains("the mental health authority: as soon as practicable."),
        "{both}"
    );
    assert!(
        both.contains("as soon as practicable and within 24 hours at the latest"),
        "the combined card:\n{both}"
    );
    // A written report due only if the agency asks, on its card and kept
    // beside a later one due in any case on the combined card.
    let on_request = chrome(
        &format!(
            "http://{}/?j=NH,MI&f=concern:child_abuse,victim_age:10",
            s.addr
        ),
        &["--dump-dom"],
    );
    assert!(
        on_request.contains("immediately, and in writing within 48 hours if the agency asks."),
        "{on_request}"
    );
    assert!(
        on_request.contains("in writing within 72 hours, and within 48 hours if the agency asks"),
        "the combined card:\n{on_request}"
    );
    // A first question when nothing is answered yet.
    let fresh = chrome(&format!("http://{}/?j=CA,NY", s.addr), &["--dump-dom"]);
    assert!(
        fresh.contains("Answering for: California (CA) and New York (NY)"),
        "{fresh}"
    );
    assert!(
        fresh.contains("id=\"q-concern\""),
        "the first guided question:\n{fresh}"
    );
    let notice = chrome(&format!("http://{}/notice/CA", s.addr), &["--dump-dom"]);
    assert!(notice.contains("Limits of confidentiality"), "{notice}");
    for (name, url) in [
        ("answer", answered),
        ("notice", format!("http://{}/notice/CA", s.addr)),
    ] {
        let png = shots.join(format!("{name}.png"));
        chrome(&url, &[&format!("--screenshot={}", png.display())]);
        assert!(
            std::fs::metadata(&png).is_ok_and(|m| m.len() > 10_000),
            "{name} screenshot"
        );
    }
}
