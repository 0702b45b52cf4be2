//! `cargo bench --bench serve`: `POST /v1/decide` under concurrent load
//! against a no-op endpoint (`GET /healthz`) of the same server, in one run,
//! in alternating rounds on the same connections.
//! The load generator is plain threads with keep-alive HTTP/1.1
//! connections on loopback; each request's latency is recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 8;
const WARM_UP: Duration = Duration::from_secs(1);
/// Rounds measured: the no-op in the even ones, decide in the odd ones.
const ROUNDS: usize = 16;
const ROUND: Duration = Duration::from_secs(1);

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

/// What one connection measured in one round.
struct Round {
    requests: usize,
    latencies: Vec<Duration>,
}

/// Rounds of `ROUND` each, the no-op and decide in turn, on the same
/// connections: the two endpoints see the same connections spread over the
/// server's workers and the same moments of a busy machine, so their ratio
/// is steadier than two separate runs' (a first version measured one 4 s
/// window each and its ratio moved by 20 points between runs).
fn load(addr: &str, shapes: [Vec<u8>; 2]) -> Vec<Vec<Round>> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(CONNECTIONS));
    let handles: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let addr = addr.to_string();
            let shapes = shapes.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut s = BufReader::new(TcpStream::connect(&addr).expect("connect"));
                s.get_ref().set_nodelay(true).expect("nodelay");
                for raw in &shapes {
                    let start = Instant::now();
                    while start.elapsed() < WARM_UP {
                        request(&mut s, raw);
                    }
                }
                let mut rounds = Vec::new();
                for r in 0..ROUNDS {
                    barrier.wait();
                    let raw = &shapes[r % 2];
                    let mut latencies = Vec::new();
                    let start = Instant::now();
                    while start.elapsed() < ROUND {
                        let t = Instant::now();
                        request(&mut s, raw);
                        latencies.push(t.elapsed());
                    }
                    rounds.push(Round {
                        requests: latencies.len(),
                        latencies,
                    });
                }
                rounds
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("load thread"))
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
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
    let per_connection = load(&addr, [noop, decide]);
    let _ = child.kill();
    let _ = child.wait();
    // Requests per second of each round, summed over connections.
    let rate = |r: usize| {
        per_connection.iter().map(|c| c[r].requests).sum::<usize>() as f64 / ROUND.as_secs_f64()
    };
    let rates: Vec<f64> = (0..ROUNDS).map(rate).collect();
    let of = |kind: usize| -> Vec<f64> { rates.iter().skip(kind).step_by(2).copied().collect() };
    let ratios: Vec<f64> = (0..ROUNDS / 2)
        .map(|i| rates[2 * i + 1] / rates[2 * i])
        .collect();
    let percentiles = |kind: usize| {
        let mut all: Vec<Duration> = per_connection
            .iter()
            .flat_map(|c| c.iter().skip(kind).step_by(2))
            .flat_map(|r| r.latencies.iter().copied())
            .collect();
        all.sort_unstable();
        let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
        (pick(0.50), pick(0.99))
    };
    let (n50, n99) = percentiles(0);
    let (d50, d99) = percentiles(1);
    println!(
        "== mandate serve: {CONNECTIONS} keep-alive connections, {} rounds of {} s, no-op and decide in turn ==",
        ROUNDS,
        ROUND.as_secs()
    );
    println!(
        "GET /healthz (no-op)   median {:>9.0} req/s   p50 {n50:>9.1?}   p99 {n99:>9.1?}",
        median(of(0))
    );
    println!(
        "POST /v1/decide (CA)   median {:>9.0} req/s   p50 {d50:>9.1?}   p99 {d99:>9.1?}",
        median(of(1))
    );
    let shown: Vec<String> = ratios
        .iter()
        .map(|r| format!("{:.0}%", 100.0 * r))
        .collect();
    println!(
        "decide throughput is {:.0}% of the no-op's, median of the rounds' ratios ({}) (target >= 70%)",
        100.0 * median(ratios.clone()),
        shown.join(", ")
    );
}
