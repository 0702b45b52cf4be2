//! `cargo bench --bench serve`: `POST /v1/decide` under concurrent load
//! against a no-op endpoint (`GET /healthz`) of the same server, in one run.
//! The load generator is plain threads with keep-alive HTTP/1.1
//! connections on loopback; each request's latency is recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 8;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(4);

fn start() -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("start-up line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("address")
        .to_string();
    (child, addr)
}

/// One keep-alive request; returns when the whole response is read.
fn request(stream: &mut BufReader<TcpStream>, raw: &[u8]) {
    stream.get_mut().write_all(raw).expect("write");
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        stream.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().expect("length");
        }
        assert!(!lower.starts_with("http/1.1 5"), "server error: {line}");
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("body");
}

/// Requests per second and latency percentiles for one request shape.
fn load(addr: &str, raw: Vec<u8>) -> (f64, Duration, Duration) {
    let handles: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let addr = addr.to_string();
            let raw = raw.clone();
            std::thread::spawn(move || {
                let mut s = BufReader::new(TcpStream::connect(&addr).expect("connect"));
                s.get_ref().set_nodelay(true).expect("nodelay");
                let start = Instant::now();
                while start.elapsed() < WARM_UP {
                    request(&mut s, &raw);
                }
                let mut latencies = Vec::new();
                let start = Instant::now();
                while start.elapsed() < MEASURE {
                    let t = Instant::now();
                    request(&mut s, &raw);
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("load thread"))
        .collect();
    all.sort_unstable();
    let per_second = all.len() as f64 / MEASURE.as_secs_f64();
    let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    (per_second, pick(0.50), pick(0.99))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass
    // nothing useful: only run when asked to benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let (mut child, addr) = start();
    let noop = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let body = r#"{"jurisdictions":["CA"],"facts":{"concern":"child_abuse","victim_age":10}}"#;
    let decide = format!(
        "POST /v1/decide HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    let (n_rps, n50, n99) = load(&addr, noop);
    let (d_rps, d50, d99) = load(&addr, decide);
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "== mandate serve: {CONNECTIONS} keep-alive connections, {} s each ==",
        MEASURE.as_secs()
    );
    println!("GET /healthz (no-op)   {n_rps:>9.0} req/s   p50 {n50:>9.1?}   p99 {n99:>9.1?}");
    println!("POST /v1/decide (CA)   {d_rps:>9.0} req/s   p50 {d50:>9.1?}   p99 {d99:>9.1?}");
    println!(
        "decide throughput is {:.0}% of the no-op's (target >= 70%)",
        100.0 * d_rps / n_rps
    );
}
