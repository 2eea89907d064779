//! Each test gets its own database, cloned from a template that is migrated and seeded with the
//! demo county once per run, and the real server on a random port. Tests talk HTTP to it and
//! drop their database when they end, so they run in parallel and leave nothing behind.

use std::sync::Mutex;

use fengqiao::config::{Config, Environment};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tokio_postgres::NoTls;
use uuid::Uuid;

pub const SECRET: &str = "integration-test-secret-of-more-than-32-bytes";
pub const PASSWORD: &str = fengqiao::seed::DEMO_PASSWORD;

/// The server to create test databases on: `DATABASE_URL` (scripts/test sets it), else local.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://fengqiao@127.0.0.1:5432/fengqiao".to_owned())
}

/// The same server and credentials with another database name.
pub fn url_for(db: &str) -> String {
    let url = server_url();
    let (base, _) = url.rsplit_once('/').unwrap_or((&url, ""));
    format!("{base}/{db}")
}

async fn admin() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&url_for("postgres"), NoTls)
        .await
        .expect("connect to the PostgreSQL server as admin (is DATABASE_URL right?)");
    tokio::spawn(connection);
    client
}

/// A name that changes whenever a migration or the seed changes, so a stale template is never used.
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for dir in ["migrations", "src/seed"] {
        let mut files: Vec<_> = walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
        files.sort();
        for f in files {
            h.update(f.to_string_lossy().as_bytes());
            h.update(std::fs::read(&f).unwrap_or_default());
        }
    }
    format!("{}{}", template_prefix(), &hex::encode(h.finalize())[..16])
}

/// Templates are named per checkout: several worktrees (branches with different migrations)
/// share one PostgreSQL server, and each must clean up only its own stale templates, never the
/// one another checkout's test run is cloning from at that moment.
fn template_prefix() -> String {
    use sha2::{Digest, Sha256};
    let checkout = Sha256::digest(env!("CARGO_MANIFEST_DIR").as_bytes());
    format!("fq_template_{}_", &hex::encode(checkout)[..8])
}

fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(p))
            } else {
                out.push(p)
            }
        }
    }
    out
}

static TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

/// Builds the template once per server (guarded by an advisory lock across processes).
async fn template() -> String {
    if let Some(name) = TEMPLATE.lock().unwrap().clone() {
        return name;
    }
    let name = template_name();
    let admin = admin().await;
    admin
        .execute("SELECT pg_advisory_lock(775533)", &[])
        .await
        .unwrap();
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .unwrap()
        .is_some();
    if !exists {
        // This checkout's templates of older migrations are of no use any more.
        let own = format!("{}%", template_prefix().replace('_', "\\_"));
        let stale = admin
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
                &[&own, &name],
            )
            .await
            .unwrap();
        for row in stale {
            let old: String = row.get(0);
            admin
                .execute(&format!("DROP DATABASE IF EXISTS \"{old}\""), &[])
                .await
                .ok();
        }
        let building = format!("{name}_building");
        admin
            .execute(
                &format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"),
                &[],
            )
            .await
            .unwrap();
        admin
            .execute(&format!("CREATE DATABASE \"{building}\""), &[])
            .await
            .unwrap();
        let url = url_for(&building);
        fengqiao::db::migrate(&url)
            .await
            .expect("migrate the template");
        {
            let pool = fengqiao::db::pool(&url, 1).unwrap();
            let mut conn = pool.get().await.unwrap();
            fengqiao::seed::demo(&mut conn, &fengqiao::crypto::Sealer::new(&[42u8; 32]), None)
                .await
                .expect("seed the template");
        }
        admin.execute(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{building}'"), &[]).await.unwrap();
        admin
            .execute(
                &format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\""),
                &[],
            )
            .await
            .unwrap();
    }
    admin
        .execute("SELECT pg_advisory_unlock(775533)", &[])
        .await
        .unwrap();
    *TEMPLATE.lock().unwrap() = Some(name.clone());
    name
}

pub struct TestApp {
    pub address: String,
    pub db_name: String,
    pub client: Client,
    pub config: Config,
}

pub fn test_config(database_url: String) -> Config {
    Config {
        env: Environment::Development,
        database_url,
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: "http://127.0.0.1".to_owned(),
        jwt_secret: SECRET.as_bytes().to_vec(),
        data_key: [42u8; 32],
        history_key: fengqiao::config::DEV_HISTORY_KEY,
        history_key_id: "k1".to_owned(),
        bundle_key: fengqiao::config::DEV_BUNDLE_KEY,
        bundle_key_id: "b1".to_owned(),
        document_font: None,
        time_zone: chrono_tz::Asia::Shanghai,
        history_old_keys: Vec::new(),
        data_dir: std::env::temp_dir().join(format!("fq-test-{}", Uuid::new_v4())),
        smtp_url: None,
        sms_url: None,
        sms_secret: None,
        mail_from: "Fengqiao <no-reply@fengqiao.localhost>".to_owned(),
        db_pool_size: 4,
        workers: 1,
        session_minutes: 60,
        evidence_file_bytes: 25 * 1024 * 1024,
        evidence_case_bytes: 200 * 1024 * 1024,
        evidence_max_parts: 4,
        rate_per_address: 1200,
        rate_per_account: 600,
        rate_nodes: 1,
        trusted_proxies: Vec::new(),
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose configuration the test adjusts first (e.g. an SMS gateway of its own).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let template = template().await;
        let db_name = format!("fq_test_{}", Uuid::new_v4().simple());
        admin()
            .await
            .execute(
                &format!("CREATE DATABASE \"{db_name}\" TEMPLATE \"{template}\""),
                &[],
            )
            .await
            .expect("create the test database");
        let mut config = test_config(url_for(&db_name));
        adjust(&mut config);
        Self::serve(config, db_name).await
    }

    /// A second node of this server: the same configuration and database, its own port and
    /// memory (the database stays until the first node's test ends).
    pub async fn another_node(&self) -> TestApp {
        Self::serve(self.config.clone(), String::new()).await
    }

    /// A server whose database cannot be reached at all.
    pub async fn spawn_without_database() -> TestApp {
        let config = test_config("postgres://nobody@127.0.0.1:1/nothing".to_owned());
        Self::serve(config, String::new()).await
    }

    async fn serve(config: Config, db_name: String) -> TestApp {
        let app = fengqiao::startup::Application::build(config.clone())
            .await
            .expect("build the app");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            db_name,
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            config,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// Logs in as a demo account and returns the bearer token.
    pub async fn login(&self, email: &str) -> String {
        let res = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login as {email}");
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.db_name.is_empty() {
            return;
        }
        let db = self.db_name.clone();
        let _ = std::fs::remove_dir_all(&self.config.data_dir);
        // The test's runtime is shutting down; drop the database from a thread of our own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                admin()
                    .await
                    .execute(
                        &format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"),
                        &[],
                    )
                    .await
                    .ok();
            });
        })
        .join();
    }
}

/// Reads a JSON body and checks the error shape of the API contract.
pub async fn error_of(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    let body: Value = res.json().await.expect("error bodies are JSON");
    assert!(body["error"].is_string(), "error code missing: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "human message missing: {body}"
    );
    body
}

/// A change made outside a node (another node, another system writing to the database)
/// reaches the node's kept callers within this; in practice it takes milliseconds.
pub const BOUND: std::time::Duration = std::time::Duration::from_secs(2);

/// Asks `path` with `token` until it is refused, and says how long that took.
pub async fn refused_within(app: &TestApp, path: &str, token: &str) -> std::time::Duration {
    let start = std::time::Instant::now();
    loop {
        let status = app.get(path, Some(token)).await.status();
        if status == StatusCode::UNAUTHORIZED {
            return start.elapsed();
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            start.elapsed() < BOUND,
            "still accepted on the node after {BOUND:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
