//! Helpers for the notification tests: SQL on the test's database, draining the outbox with a
//! chosen backend, a small SMTP server on loopback, and reading MIME as a mail client would.

use std::sync::{Arc, Mutex};

use base64::Engine;
use fengqiao::notify::{DrainReport, Mailer, Notifier};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_postgres::NoTls;

use crate::harness::TestApp;

/// One outbox row as the tests look at it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub id: uuid::Uuid,
    pub kind: String,
    pub email: String,
    pub language: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
}

impl TestApp {
    pub async fn sql(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.config.database_url, NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    }

    /// The outbox rows of a case, oldest first.
    pub async fn outbox(&self, case_id: &str) -> Vec<Mail> {
        let case_id: uuid::Uuid = case_id.parse().unwrap();
        self.sql()
            .await
            .query(
                "SELECT id::text, kind, coalesce(email, 'sms'), language, payload::text, status, attempts \
                 FROM outbox WHERE case_id = $1::text::uuid ORDER BY created_at, id",
                &[&case_id.to_string()],
            )
            .await
            .unwrap()
            .into_iter()
            .map(|r| Mail {
                id: r.get::<_, String>(0).parse().unwrap(),
                kind: r.get(1),
                email: r.get(2),
                language: r.get(3),
                payload: serde_json::from_str(&r.get::<_, String>(4)).unwrap(),
                status: r.get(5),
                attempts: r.get(6),
            })
            .collect()
    }

    /// The party id of the (only) respondent of a case.
    pub async fn respondent_party(&self, case: &str) -> String {
        self.sql()
            .await
            .query_one(
                "SELECT id::text FROM case_parties WHERE case_id = $1::text::uuid AND side = 'respondent'",
                &[&case],
            )
            .await
            .unwrap()
            .get(0)
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.sql().await.query_one(sql, &[]).await.unwrap().get(0)
    }

    pub fn notifier(&self, mailer: Mailer) -> Notifier {
        Notifier::with_mailer(&self.config, mailer).unwrap()
    }

    /// Sends what is due now, as the worker inside `serve` would.
    pub async fn drain(&self, notifier: &Notifier) -> DrainReport {
        let pool = fengqiao::db::pool(&self.config.database_url, 1).unwrap();
        let mut conn = pool.get().await.unwrap();
        fengqiao::notify::drain(&mut conn, notifier, chrono::Utc::now())
            .await
            .unwrap()
    }
}

/// What the loopback SMTP server received in one transaction.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

/// A loopback SMTP server speaking just enough of RFC 5321 for lettre, recording every message.
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::on(0).await
    }

    pub async fn on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, store.clone()));
            }
        });
        SmtpServer { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A port nothing listens on (bound, then released), for the outage.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn reply(w: &mut tokio::net::tcp::OwnedWriteHalf, s: &str) -> bool {
    w.write_all(s.as_bytes()).await.is_ok()
}

async fn session(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if !reply(&mut write, "220 localhost ESMTP test\r\n").await {
        return;
    }
    let mut current = Received {
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: String::new(),
    };
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned(),
            "HELO" => "250 localhost\r\n".to_owned(),
            "MAIL" => {
                current.mail_from = line.trim_end().to_owned();
                "250 OK\r\n".to_owned()
            }
            "RCPT" => {
                current.rcpt_to.push(line.trim_end().to_owned());
                "250 OK\r\n".to_owned()
            }
            "DATA" => {
                if !reply(&mut write, "354 go ahead\r\n").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Dot-stuffing: a line starting with "." was sent with one more.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                current.data = data;
                store.lock().unwrap().push(current.clone());
                current.rcpt_to.clear();
                "250 OK queued\r\n".to_owned()
            }
            "RSET" | "NOOP" => "250 OK\r\n".to_owned(),
            "QUIT" => {
                reply(&mut write, "221 bye\r\n").await;
                return;
            }
            _ => "502 not implemented\r\n".to_owned(),
        };
        if !reply(&mut write, &answer).await {
            return;
        }
    }
}

/// A received message read the way a mail client shows it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
}

impl Parsed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn split_headers(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let headers = unfolded
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), decode_words(v.trim())))
        .collect();
    (headers, body)
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`), as lettre writes non-ASCII subjects.
fn decode_words(v: &str) -> String {
    if !v.contains("=?") {
        return v.to_owned();
    }
    let mut bytes = Vec::new();
    for word in v.split_whitespace() {
        let inner = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| w.split_once('?'))
            .and_then(|(_, rest)| rest.split_once('?'));
        match inner {
            Some((enc, text)) if enc.eq_ignore_ascii_case("b") => bytes.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .unwrap(),
            ),
            Some((_, text)) => bytes.extend(quoted_printable(&text.replace('_', " "))),
            None => {
                bytes.extend(b" ");
                bytes.extend(word.as_bytes());
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(x) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn decode_part(headers: &[(String, String)], body: &str) -> String {
    let enc = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-transfer-encoding"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match enc.as_str() {
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .unwrap(),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

/// Splits a multipart/alternative message into its plain and HTML parts, decoded.
pub fn parse(raw: &str) -> Parsed {
    let (headers, body) = split_headers(raw);
    let ctype = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let boundary = ctype
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .expect("a multipart message");
    let (mut text, mut html) = (String::new(), String::new());
    for part in body.split(&format!("--{boundary}")) {
        let part = part.trim_start_matches("\r\n");
        let (ph, pb) = split_headers(part);
        let pt = ph
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default();
        if pt.starts_with("text/plain") {
            text = decode_part(&ph, pb);
        } else if pt.starts_with("text/html") {
            html = decode_part(&ph, pb);
        }
    }
    Parsed {
        headers,
        text,
        html,
    }
}
