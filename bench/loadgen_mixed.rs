//! The mixed load of the multi-node drill: filings, queue reads, evidence uploads and case
//! actions in a closed loop, as a careful client sends them. A request that failed in a way a
//! client can safely repeat is repeated: a read always; a filing with the same
//! `Idempotency-Key`; an upload with its `Idempotency-Key` too; an action with the same case
//! version (a 409 on the repeat means the first one was applied). Anything else that fails is
//! counted as lost to the client, which is what the drill must keep at zero.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Mixed {
    pub tokens: Vec<String>,
    pub villages: Vec<String>,
    pub mediator: String,
    pub cases: Vec<String>,
    pub concurrency: usize,
    pub seconds: u64,
    pub ledger: Option<String>,
}

#[derive(Default)]
struct Tally {
    /// (kind, outcome) → count
    outcomes: BTreeMap<String, u64>,
    /// HTTP statuses seen on any attempt (0: no answer).
    statuses: BTreeMap<u16, u64>,
    filed: Vec<String>,
    latencies_ms: Vec<f64>,
}

enum Outcome {
    Done,
    DoneAfterRepeat,
    /// Failed, and repeating it was not safe or did not help.
    Lost(String),
}

/// A failure worth repeating when the request is one that may be repeated.
fn transient(status: u16) -> bool {
    matches!(status, 0 | 502 | 503 | 504)
}

const ATTEMPTS: usize = 6;

/// The status (0: no answer) and the JSON body of one attempt.
async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    match req.send().await {
        Ok(r) => {
            let code = r.status().as_u16();
            (code, r.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

pub async fn run(c: reqwest::Client, base: String, m: Mixed) {
    let stop = Instant::now() + Duration::from_secs(m.seconds);
    let started = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let m = Arc::new(m);
    let mut workers = Vec::new();
    for w in 0..m.concurrency {
        let (c, base, m, tally) = (c.clone(), base.clone(), m.clone(), tally.clone());
        workers.push(tokio::spawn(async move {
            let mut n = w;
            while Instant::now() < stop {
                let sent = Instant::now();
                let (kind, outcome) = match n % 4 {
                    0 => ("filing", filing(&c, &base, &m, n, &tally).await),
                    1 => ("queue", queue(&c, &base, &m, &tally).await),
                    2 => ("upload", upload(&c, &base, &m, n, &tally).await),
                    _ => ("action", action(&c, &base, &m, n, &tally).await),
                };
                let mut t = tally.lock().unwrap();
                t.latencies_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
                let label = match outcome {
                    Outcome::Done => "done".to_owned(),
                    Outcome::DoneAfterRepeat => "done_after_repeat".to_owned(),
                    Outcome::Lost(why) => format!("lost:{why}"),
                };
                *t.outcomes.entry(format!("{kind}:{label}")).or_default() += 1;
                n += m.concurrency;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let t = tally.lock().unwrap();
    if let Some(path) = &m.ledger {
        std::fs::write(
            path,
            t.filed.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
    }
    let lost: u64 = t
        .outcomes
        .iter()
        .filter(|(k, _)| k.contains(":lost"))
        .map(|(_, v)| v)
        .sum();
    let mut out = crate::summary(t.latencies_ms.clone());
    out["seconds"] = json!(started.elapsed().as_secs_f64());
    out["outcomes"] = json!(t.outcomes);
    out["statuses"] = json!(t.statuses);
    out["lost"] = json!(lost);
    out["filed"] = json!(t.filed.len());
    println!("{out}");
}

fn seen(tally: &Mutex<Tally>, status: u16) {
    *tally.lock().unwrap().statuses.entry(status).or_default() += 1;
}

/// Sends the request `make` builds until it is answered 2xx, repeating it (a fresh build each
/// time) only after an answer that may safely be repeated; what the 2xx answer said, and how.
async fn repeated(
    tally: &Mutex<Tally>,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> (Outcome, Value) {
    for attempt in 0..ATTEMPTS {
        let (code, v) = send(make()).await;
        seen(tally, code);
        if (200..300).contains(&code) {
            let outcome = if attempt == 0 {
                Outcome::Done
            } else {
                Outcome::DoneAfterRepeat
            };
            return (outcome, v);
        }
        if !transient(code) {
            return (Outcome::Lost(code.to_string()), v);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    (Outcome::Lost("gave_up".into()), Value::Null)
}

async fn filing(
    c: &reqwest::Client,
    base: &str,
    m: &Mixed,
    n: usize,
    tally: &Mutex<Tally>,
) -> Outcome {
    let key = format!("drill-{}", uuid::Uuid::new_v4());
    let mut body = crate::filing(&m.villages[(n * 7919) % m.villages.len()], n as u64);
    body["narrative"] = json!(format!("多节点演练：邻居堆放杂物影响通行（第 {n} 件）。"));
    let token = &m.tokens[n % m.tokens.len()];
    let (outcome, v) = repeated(tally, || {
        c.post(format!("{base}/api/v1/cases"))
            .bearer_auth(token)
            .header("Idempotency-Key", &key)
            .json(&body)
    })
    .await;
    if let (Outcome::Done | Outcome::DoneAfterRepeat, Some(id)) = (&outcome, v["id"].as_str()) {
        tally.lock().unwrap().filed.push(crate::ledger_line(id));
    }
    outcome
}

async fn queue(c: &reqwest::Client, base: &str, m: &Mixed, tally: &Mutex<Tally>) -> Outcome {
    repeated(tally, || {
        c.get(format!("{base}/api/v1/cases?limit=50"))
            .bearer_auth(&m.mediator)
    })
    .await
    .0
}

async fn upload(
    c: &reqwest::Client,
    base: &str,
    m: &Mixed,
    n: usize,
    tally: &Mutex<Tally>,
) -> Outcome {
    let case = &m.cases[n % m.cases.len()];
    let key = format!("drill-upload-{}", uuid::Uuid::new_v4());
    // JPEG magic, then bytes of this upload's own: every upload is new content.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let seed = uuid::Uuid::new_v4();
    while bytes.len() < 64 * 1024 {
        bytes.extend_from_slice(seed.as_bytes());
    }
    repeated(tally, || {
        let part = reqwest::multipart::Part::bytes(bytes.clone())
            .file_name(format!("drill-{n}.jpg"))
            .mime_str("image/jpeg")
            .unwrap();
        c.post(format!("{base}/api/v1/cases/{case}/evidence"))
            .bearer_auth(&m.mediator)
            .header("Idempotency-Key", &key)
            .multipart(reqwest::multipart::Form::new().part("file", part))
    })
    .await
    .0
}

async fn action(
    c: &reqwest::Client,
    base: &str,
    m: &Mixed,
    n: usize,
    tally: &Mutex<Tally>,
) -> Outcome {
    let case = &m.cases[(n / 4) % m.cases.len()];
    // The version the action is meant for: read (a read may be repeated).
    let (read, v) = repeated(tally, || {
        c.get(format!("{base}/api/v1/cases/{case}"))
            .bearer_auth(&m.mediator)
    })
    .await;
    let version = match (read, v["version"].as_i64()) {
        (Outcome::Lost(why), _) => return Outcome::Lost(format!("read_{why}")),
        (_, Some(version)) => version,
        (_, None) => return Outcome::Lost("read_no_version".into()),
    };
    let at = (chrono::Utc::now() + chrono::TimeDelta::days(3)).to_rfc3339();
    let body = json!({"action": "schedule_session", "version": version, "at": at,
                      "mode": "in_person", "location": "村委会调解室"});
    for attempt in 0..ATTEMPTS {
        let (code, _) = send(
            c.post(format!("{base}/api/v1/cases/{case}/actions"))
                .bearer_auth(&m.mediator)
                .json(&body),
        )
        .await;
        seen(tally, code);
        match code {
            200 => {
                return if attempt == 0 {
                    Outcome::Done
                } else {
                    Outcome::DoneAfterRepeat
                };
            }
            // Another worker acted on this case first (on the first try), or our own earlier
            // attempt was applied (on a repeat): either way the version protected the case.
            409 if attempt > 0 => return Outcome::DoneAfterRepeat,
            409 => return Outcome::Done,
            code if transient(code) => tokio::time::sleep(Duration::from_millis(300)).await,
            code => return Outcome::Lost(code.to_string()),
        }
    }
    Outcome::Lost("gave_up".into())
}
