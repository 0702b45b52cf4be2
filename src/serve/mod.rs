//! `mandate serve`: the JSON API and the web page for clinics, over the
//! same public API and answer model as the command line.
//!
//! Decisions are pure functions of immutable tables, so any number of
//! instances can serve behind a load balancer. Facts are about patients:
//! nothing is logged, nothing is stored, no cookie is set.

mod json;
mod openapi;
mod page;

use crate::api::{Answer, Combined, DecideError, Facts, FactsError, Next, Policies, DISCLAIMER};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

/// Request bodies larger than this are refused with 413: a question is a
/// few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

type Shared = State<Arc<Policies>>;

/// Serve until SIGINT or SIGTERM. Prints where to open it first.
pub fn run(policies: Policies, addr: SocketAddr, out: &mut dyn Write) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        writeln!(
            out,
            "mandate serves {} jurisdictions ({}) on http://{local}/ — open it in a browser; the API is under /v1/. Ctrl-C stops it.",
            policies.jurisdictions().len(),
            policies.origin()
        )?;
        out.flush()?;
        axum::serve(listener, app(policies))
            .with_graceful_shutdown(shutdown())
            .await
    })
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// The routes.
pub fn app(policies: Policies) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/app.css", get(page::style))
        .route("/notice/{code}", get(notice))
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/openapi.json", get(openapi::document))
        .route("/v1/jurisdictions", get(jurisdictions))
        .route("/v1/schema", get(schema))
        .route("/v1/decide", post(decide))
        .route("/v1/next-question", post(next_question))
        .route("/v1/notice/{code}", get(notice))
        .route("/v1/matrix", get(matrix))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such page".into(),
                "the API is under /v1/; /v1/openapi.json lists it",
                None,
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(guard))
        .with_state(Arc::new(policies))
}

/// Requests served at once; more wait for a slot up to the time limit.
const MAX_IN_FLIGHT: usize = 256;
/// A request that takes longer than this is cut off with 503.
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

static IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_IN_FLIGHT);

/// Limits and security headers on every response. The policy allows only
/// this origin's script, style and API; notices (HTML with their own
/// inline print styles) get a policy without any script at all.
async fn guard(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let notice =
        req.uri().path().starts_with("/notice/") || req.uri().path().starts_with("/v1/notice/");
    let work = async {
        let Ok(_slot) = IN_FLIGHT.acquire().await else {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down".into(),
                "try again",
                None,
            );
        };
        next.run(req).await
    };
    let mut response = match tokio::time::timeout(TIME_LIMIT, work).await {
        Ok(r) => r,
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the request took too long".into(),
            "try again; the server may be overloaded",
            None,
        ),
    };
    let csp = if notice {
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        axum::http::HeaderValue::from_static("DENY"),
    );
    h.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// Every error, as JSON.
#[derive(Serialize)]
struct ErrorBody {
    error: String,
    help: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<Vec<String>>,
}

fn error(status: StatusCode, error: String, help: &str, suggestion: Option<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error,
            help: help.to_string(),
            suggestion,
            needs: None,
        }),
    )
        .into_response()
}

fn decide_error(e: DecideError) -> Response {
    let help = e.help();
    match e {
        DecideError::UnknownJurisdiction { ref suggestion, .. } => {
            let s = suggestion.clone();
            error(StatusCode::NOT_FOUND, e.to_string(), help, s)
        }
        DecideError::Facts(ref f) => {
            let suggestion = match f {
                FactsError::UnknownFact { suggestion, .. }
                | FactsError::BadValue { suggestion, .. } => suggestion.clone(),
                _ => None,
            };
            error(StatusCode::BAD_REQUEST, e.to_string(), help, suggestion)
        }
        DecideError::Needs { ref facts, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ErrorBody {
                error: e.to_string(),
                help: "give the missing facts, or ask POST /v1/next-question".into(),
                suggestion: None,
                needs: Some(facts.clone()),
            }),
        )
            .into_response(),
        DecideError::Corrupt { .. } => {
            error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string(), help, None)
        }
    }
}

/// A JSON request body, whatever its `Content-Type`: `curl -d` sends
/// `application/x-www-form-urlencoded`, and insisting on the JSON type
/// would protect nothing here (no cookies; a request changes and stores
/// nothing).
struct JsonBody<T>(T);

const BODY_HELP: &str = "send a JSON object; /v1/openapi.json describes every body";

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            let help = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "send at most 64 KiB"
            } else {
                BODY_HELP
            };
            error(status, r.body_text(), help, None)
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                format!("the body is not the JSON expected: {e}"),
                BODY_HELP,
                None,
            )
        })
    }
}

async fn jurisdictions(State(p): Shared) -> Response {
    Json(p.jurisdictions()).into_response()
}

async fn schema(State(p): Shared) -> Response {
    Json(p.schema()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    jurisdictions: Vec<String>,
    #[serde(default)]
    facts: Facts,
    #[serde(default)]
    explain: bool,
}

async fn decide(State(p): Shared, JsonBody(body): JsonBody<DecideBody>) -> Response {
    if body.jurisdictions.is_empty() || body.jurisdictions.len() > 60 {
        return error(
            StatusCode::BAD_REQUEST,
            "`jurisdictions` must name 1 to 60 jurisdictions".into(),
            "for example {\"jurisdictions\": [\"CA\"], \"facts\": {\"concern\": \"subpoena\"}}",
            None,
        );
    }
    match p.decide_all(&body.jurisdictions, &body.facts, body.explain) {
        Ok(c) => json_response(|out| write_combined(out, &c)),
        Err(e) => decide_error(e),
    }
}

/// What `POST /v1/decide` answers: the bytes `json::write` writes for
/// `c` (the tests hold them equal), with each answer's fields from
/// `summary` to `source` copied from the JSON its rule keeps.
fn write_combined(out: &mut Vec<u8>, c: &Combined) -> Result<(), json::Error> {
    out.extend_from_slice(b"{\"answers\":[");
    for (i, a) in c.answers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_answer(out, a)?;
    }
    out.extend_from_slice(b"],\"combined\":");
    json::write(out, &c.combined)?;
    out.push(b'}');
    Ok(())
}

fn write_answer(out: &mut Vec<u8>, a: &Answer) -> Result<(), json::Error> {
    let Some(rule) = a.rule_json() else {
        return json::write(out, a);
    };
    fn field<T: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        key: &str,
        value: &T,
    ) -> Result<(), json::Error> {
        out.push(b',');
        json::write(out, key)?;
        out.push(b':');
        json::write(out, value)
    }
    out.extend_from_slice(b"{\"jurisdiction\":");
    json::write(out, &*a.jurisdiction)?;
    field(out, "name", &*a.name)?;
    out.push(b',');
    out.extend_from_slice(rule.as_bytes());
    field(out, "corpus", &a.corpus)?;
    field(out, "facts", &a.facts)?;
    field(out, "assumed", &a.assumed)?;
    if let Some(v) = &a.as_of {
        field(out, "as_of", v)?;
    }
    if let Some(v) = &a.in_force_since {
        field(out, "in_force_since", v)?;
    }
    if let Some(v) = &a.in_force_until {
        field(out, "in_force_until", v)?;
    }
    if let Some(v) = &a.upcoming {
        field(out, "upcoming", v)?;
    }
    if let Some(v) = &a.explain {
        field(out, "explain", v)?;
    }
    field(out, "disclaimer", a.disclaimer)?;
    out.push(b'}');
    Ok(())
}

/// An answer as JSON, by the writer that escapes prose faster than
/// serde_json (same bytes).
fn answer_json<T: Serialize>(value: &T) -> Response {
    json_response(|out| json::write(out, value))
}

/// JSON written into one buffer sized for an answer with its notes (a few
/// KB) rather than grown step by step from a small one.
fn json_response(write: impl FnOnce(&mut Vec<u8>) -> Result<(), json::Error>) -> Response {
    let mut body = Vec::with_capacity(4096);
    match write(&mut body) {
        Ok(()) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the answer could not be written: {e}"),
            "report this as a bug",
            None,
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextBody {
    jurisdiction: String,
    #[serde(default)]
    facts: Facts,
}

async fn next_question(State(p): Shared, JsonBody(body): JsonBody<NextBody>) -> Response {
    match p.next_question(&body.jurisdiction, &body.facts) {
        Ok(n @ Next::Question(_)) | Ok(n @ Next::Answer(_)) => answer_json(&n),
        Err(e) => decide_error(e),
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    format: Option<String>,
    role: Option<String>,
    /// The law in force on this date (YYYY-MM-DD) instead of today's.
    as_of: Option<String>,
}

async fn notice(
    State(p): Shared,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let n = match p.notice_as_of(&code, q.role.as_deref(), q.as_of.as_deref()) {
        Ok(n) => n,
        Err(e) => return decide_error(e),
    };
    match q.format.as_deref().unwrap_or("html") {
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            n.html(),
        )
            .into_response(),
        "markdown" => (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            n.markdown(),
        )
            .into_response(),
        "json" => Json(n).into_response(),
        other => error(
            StatusCode::BAD_REQUEST,
            format!("unknown format `{other}`"),
            "use format=html, markdown or json",
            None,
        ),
    }
}

/// One jurisdiction's tile on the map.
#[derive(Serialize)]
struct Tile {
    code: String,
    name: String,
    /// The action, or `depends` when the answer needs facts not given.
    action: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    needs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
}

/// `GET /v1/matrix?concern=child_abuse&victim_age=10`: every
/// jurisdiction's action for these facts.
async fn matrix(State(p): Shared, Query(q): Query<BTreeMap<String, String>>) -> Response {
    if !q.contains_key("concern") {
        return error(
            StatusCode::BAD_REQUEST,
            "`concern` is required".into(),
            "for example /v1/matrix?concern=danger_to_others&threat_serious=true",
            None,
        );
    }
    let mut facts = Facts::new();
    for (k, v) in &q {
        facts.set(k.clone(), v.as_str());
    }
    let mut tiles = Vec::new();
    for j in p.jurisdictions() {
        let tile = match p.decide(&j.code, &facts) {
            Ok(a) => Tile {
                code: j.code,
                name: j.name,
                action: a.action.to_string(),
                needs: Vec::new(),
                rule: Some(a.rule.to_string()),
            },
            Err(DecideError::Needs { facts, .. }) => Tile {
                code: j.code,
                name: j.name,
                action: "depends".into(),
                needs: facts,
                rule: None,
            },
            Err(e) => return decide_error(e),
        };
        tiles.push(tile);
    }
    #[derive(Serialize)]
    struct Matrix {
        tiles: Vec<Tile>,
        disclaimer: &'static str,
    }
    Json(Matrix {
        tiles,
        disclaimer: DISCLAIMER,
    })
    .into_response()
}
