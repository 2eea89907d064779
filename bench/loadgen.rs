//! The benchmark's load generator (`cargo build --release --example loadgen`). Latency is
//! measured open-loop: requests leave on a fixed schedule whether or not earlier ones have
//! answered, and each latency counts from the moment its request was *due*, so a stalled server
//! cannot hide its tail (coordinated omission). Every loop is bounded in count and time.
#![expect(clippy::unwrap_used, reason = "a benchmark tool fails loudly")]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

#[path = "loadgen_mixed.rs"]
mod mixed;
use serde_json::{Value, json};

#[derive(Parser)]
struct Cli {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long)]
    base: String,
    /// A PEM certificate to trust besides the system's (a proxy's self-signed one).
    #[arg(long)]
    cacert: Option<String>,
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// GET the paths (one per line of --paths, taken in turn) at a fixed rate.
    Rate {
        #[arg(long)]
        token: String,
        #[arg(long)]
        paths: String,
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// File cases as fast as `concurrency` clients can (closed loop); acknowledged ids go to
    /// --ledger, one per line.
    File {
        /// A file of resident tokens, one per line.
        #[arg(long)]
        tokens: String,
        /// A file of village codes, one per line.
        #[arg(long)]
        villages: String,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long)]
        ledger: Option<String>,
    },
    /// Send `n` identical filings with one Idempotency-Key at once.
    Idem {
        #[arg(long)]
        token: String,
        #[arg(long)]
        village: String,
        #[arg(long, default_value_t = 100)]
        n: usize,
    },
    /// The multi-node drill's mixed load (filings, queue reads, uploads, actions), each
    /// repeated when a client may safely repeat it (`mixed.rs`); acknowledged filings go to
    /// --ledger.
    Mixed {
        #[arg(long)]
        tokens: String,
        #[arg(long)]
        villages: String,
        /// A mediator's token; --cases are cases of that mediator's committee.
        #[arg(long)]
        mediator: String,
        #[arg(long)]
        cases: String,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long)]
        ledger: Option<String>,
    },
    /// Upload evidence to the cases of --cases (one id per line) in a closed loop; acknowledged
    /// evidence ids go to --ledger.
    Upload {
        #[arg(long)]
        token: String,
        #[arg(long)]
        cases: String,
        #[arg(long, default_value_t = 1024)]
        kib: usize,
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long)]
        ledger: Option<String>,
    },
}

fn lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("reading {path}: {e}"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A line of a ledger: the acknowledged id and when the acknowledgement arrived (Unix seconds),
/// tab-separated, so a drill can ask what was acknowledged before a given moment.
fn ledger_line(id: &str) -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    format!("{id}\t{at:.6}")
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn summary(mut ms: Vec<f64>) -> Value {
    ms.sort_by(|a, b| a.total_cmp(b));
    json!({"p50_ms": pct(&ms, 0.50), "p99_ms": pct(&ms, 0.99),
           "max_ms": ms.last().copied().unwrap_or(f64::NAN), "count": ms.len()})
}

fn filing(village: &str, n: u64) -> Value {
    json!({
        "category": "neighbour",
        "narrative": format!("邻居在两家之间的通道上堆放杂物，影响通行，多次协商未果（压测 {n}）。"),
        "request": "请求调解委员会主持调解，清除杂物，恢复通行。",
        "village_code": village,
        "respondents": [{"name": "李建国"}],
    })
}

type Statuses = Arc<Mutex<BTreeMap<u16, u64>>>;

async fn rate(c: reqwest::Client, base: String, token: String, paths: Vec<String>, r: u32, s: u64) {
    let total = u64::from(r) * s;
    let every = Duration::from_secs_f64(1.0 / f64::from(r));
    let start = Instant::now();
    let statuses: Statuses = Arc::default();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + every * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let req = c
            .get(format!("{base}{}", paths[i as usize % paths.len()]))
            .bearer_auth(&token);
        let statuses = statuses.clone();
        tasks.push(tokio::spawn(async move {
            let code = req.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
            *statuses.lock().unwrap().entry(code).or_default() += 1;
            due.elapsed().as_secs_f64() * 1000.0
        }));
    }
    let mut ms = Vec::new();
    for t in tasks {
        ms.push(t.await.unwrap());
    }
    let mut out = summary(ms);
    out["statuses"] = json!(*statuses.lock().unwrap());
    out["rate"] = json!(r);
    println!("{out}");
}

async fn file(
    c: reqwest::Client,
    base: String,
    tokens: Vec<String>,
    villages: Vec<String>,
    conc: usize,
    s: u64,
    ledger: Option<String>,
) {
    let start = Instant::now();
    let stop = start + Duration::from_secs(s);
    let statuses: Statuses = Arc::default();
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let errors_ms = Arc::new(Mutex::new(Vec::<f64>::new()));
    let ok_ms = Arc::new(Mutex::new(Vec::<f64>::new()));
    let (tokens, villages) = (Arc::new(tokens), Arc::new(villages));
    let mut workers = Vec::new();
    for w in 0..conc {
        let (c, base, statuses, acked) = (c.clone(), base.clone(), statuses.clone(), acked.clone());
        let (errors_ms, ok_ms) = (errors_ms.clone(), ok_ms.clone());
        let (tokens, villages) = (tokens.clone(), villages.clone());
        workers.push(tokio::spawn(async move {
            let mut n = w as u64;
            while Instant::now() < stop {
                let sent = Instant::now();
                let res = c
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&tokens[n as usize % tokens.len()])
                    .json(&filing(&villages[(n as usize * 7919) % villages.len()], n))
                    .send()
                    .await;
                let took = sent.elapsed().as_secs_f64() * 1000.0;
                let code = match res {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        // Acknowledged: it must exist after any crash from now on.
                        if let Some(id) = body["id"].as_str() {
                            acked.lock().unwrap().push(ledger_line(id));
                        }
                        ok_ms.lock().unwrap().push(took);
                        201
                    }
                    Ok(r) => {
                        errors_ms.lock().unwrap().push(took);
                        r.status().as_u16()
                    }
                    Err(_) => {
                        errors_ms.lock().unwrap().push(took);
                        // Not answered at all: back off a little instead of spinning.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        0
                    }
                };
                *statuses.lock().unwrap().entry(code).or_default() += 1;
                n += conc as u64;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let acked = acked.lock().unwrap().clone();
    if let Some(path) = ledger {
        std::fs::write(
            &path,
            acked.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
    }
    let mut out = summary(ok_ms.lock().unwrap().clone());
    out["per_sec"] = json!(acked.len() as f64 / secs);
    out["acknowledged"] = json!(acked.len());
    out["statuses"] = json!(*statuses.lock().unwrap());
    out["errors"] = summary(errors_ms.lock().unwrap().clone());
    println!("{out}");
}

async fn idem(c: reqwest::Client, base: String, token: String, village: String, n: usize) {
    let key = format!("storm-{}", uuid::Uuid::new_v4());
    let body = filing(&village, 0);
    let mut tasks = Vec::new();
    for _ in 0..n {
        let req = c
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&token)
            .header("Idempotency-Key", &key)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            match req.send().await {
                Ok(r) => {
                    let code = r.status().as_u16();
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    (code, v["id"].as_str().map(str::to_owned))
                }
                Err(_) => (0, None),
            }
        }));
    }
    let mut statuses = BTreeMap::<u16, u64>::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let (code, id) = t.await.unwrap();
        *statuses.entry(code).or_default() += 1;
        ids.extend(id);
    }
    println!(
        "{}",
        json!({"key": key, "statuses": statuses, "distinct_ids": ids})
    );
}

async fn upload(
    c: reqwest::Client,
    base: String,
    token: String,
    cases: Vec<String>,
    // (KiB per file, concurrent uploaders, seconds)
    (kib, conc, s): (usize, usize, u64),
    ledger: Option<String>,
) {
    let stop = Instant::now() + Duration::from_secs(s);
    let statuses: Statuses = Arc::default();
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let cases = Arc::new(cases);
    let mut workers = Vec::new();
    for w in 0..conc {
        let (c, base, token, cases) = (c.clone(), base.clone(), token.clone(), cases.clone());
        let (statuses, acked) = (statuses.clone(), acked.clone());
        workers.push(tokio::spawn(async move {
            let mut n = w;
            while Instant::now() < stop {
                // JPEG magic, then bytes that differ per upload so every file is new content.
                let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
                let seed = uuid::Uuid::new_v4();
                while bytes.len() < kib * 1024 {
                    bytes.extend_from_slice(seed.as_bytes());
                }
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(format!("photo-{n}.jpg"))
                    .mime_str("image/jpeg")
                    .unwrap();
                let form = reqwest::multipart::Form::new().part("file", part);
                let res = c
                    .post(format!(
                        "{base}/api/v1/cases/{}/evidence",
                        cases[n % cases.len()]
                    ))
                    .bearer_auth(&token)
                    .multipart(form)
                    .send()
                    .await;
                let code = match res {
                    Ok(r) => {
                        let code = r.status().as_u16();
                        let v: Value = r.json().await.unwrap_or(Value::Null);
                        if code == 201 {
                            let id = v["id"].as_str().or(v["items"][0]["id"].as_str());
                            acked.lock().unwrap().extend(id.map(ledger_line));
                        }
                        code
                    }
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        0
                    }
                };
                *statuses.lock().unwrap().entry(code).or_default() += 1;
                n += conc;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    if let Some(path) = ledger {
        std::fs::write(
            &path,
            acked.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
    }
    println!(
        "{}",
        json!({"acknowledged": acked.len(), "statuses": *statuses.lock().unwrap()})
    );
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(256);
    if let Some(path) = &cli.cacert {
        let pem = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap());
    }
    let c = builder.build().unwrap();
    let base = cli.base.trim_end_matches('/').to_owned();
    match cli.mode {
        Mode::Rate {
            token,
            paths,
            rate: r,
            seconds,
        } => rate(c, base, token, lines(&paths), r, seconds).await,
        Mode::File {
            tokens,
            villages,
            concurrency,
            seconds,
            ledger,
        } => {
            file(
                c,
                base,
                lines(&tokens),
                lines(&villages),
                concurrency,
                seconds,
                ledger,
            )
            .await
        }
        Mode::Idem { token, village, n } => idem(c, base, token, village, n).await,
        Mode::Mixed {
            tokens,
            villages,
            mediator,
            cases,
            concurrency,
            seconds,
            ledger,
        } => {
            let load = mixed::Mixed {
                tokens: lines(&tokens),
                villages: lines(&villages),
                mediator,
                cases: lines(&cases),
                concurrency,
                seconds,
                ledger,
            };
            mixed::run(c, base, load).await
        }
        Mode::Upload {
            token,
            cases,
            kib,
            concurrency,
            seconds,
            ledger,
        } => {
            upload(
                c,
                base,
                token,
                lines(&cases),
                (kib, concurrency, seconds),
                ledger,
            )
            .await
        }
    }
}
