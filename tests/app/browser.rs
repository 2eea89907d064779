//! A real headless Chromium for page journeys, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`). Each test starts its own chromedriver and removes it, and the browser it
//! started, when it ends. The last page of each journey is kept as a screenshot under
//! `target/browser-artifacts/`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestApp};

pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: std::path::PathBuf,
    base: String,
}

pub struct Options {
    pub width: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { width: 390 }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub async fn open(app: &TestApp, options: Options) -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/test installs chromium-driver)");
        let profile = std::env::temp_dir().join(format!("fq-chromium-{}", uuid::Uuid::new_v4()));
        let prefs = json!({"intl.accept_languages": "zh-CN,zh"});
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.display()),
                ],
                // A desktop window cannot be narrower than ~500 px: emulate the phone instead.
                "mobileEmulation": {"deviceMetrics": {"width": options.width, "height": 800, "pixelRatio": 2.0}},
                "prefs": prefs,
            }
        });
        let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("a WebDriver session with chromium");
        Browser {
            client,
            driver,
            profile,
            base: app.address.clone(),
        }
    }

    pub async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Opens the `<details>` a field sits in by clicking its summary, as a person would.
    pub async fn reveal(&self, css: &str) {
        let id = css.trim_start_matches('#');
        let xpath = format!("//details[not(@open)][.//*[@id='{id}']]/summary");
        if let Ok(summary) = self.client.find(Locator::XPath(&xpath)).await {
            summary.click().await.unwrap();
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        self.reveal(css).await;
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.ok();
        field.send_keys(text).await.unwrap();
    }

    pub async fn choose(&self, css: &str, value: &str) {
        self.reveal(css).await;
        let select = self.client.find(Locator::Css(css)).await.unwrap();
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css}={value}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks something that loads a new page, and waits until the old page is gone (a click
    /// returns before the navigation it starts has finished).
    pub async fn click_and_wait(&self, element: fantoccini::elements::Element) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        element.click().await.unwrap();
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                // The new document is there; let it finish loading.
                let _ = self.client.find(Locator::Css("footer")).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the page did not change after the click");
    }

    /// Submits the main form of the page (or follows a link) and waits for the next page.
    pub async fn submit(&self, css: &str) {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        self.click_and_wait(element).await;
    }

    /// Submits the form of one action on the case page.
    pub async fn act(&self, action: &str) {
        let xpath =
            format!("//form[input[@name='action' and @value='{action}']]//button[@type='submit']");
        let summary = format!(
            "//details[not(@open)][.//form[input[@name='action' and @value='{action}']]]/summary"
        );
        if let Ok(s) = self.client.find(Locator::XPath(&summary)).await {
            s.click().await.unwrap();
        }
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no form for {action}: {e}"));
        self.click_and_wait(button).await;
        let page = self.source().await;
        assert!(
            !page.contains("class=\"notice bad\""),
            "{action} was refused: {page}"
        );
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// Logs in with a demo account's password (the login page's staff form).
    pub async fn login(&self, email: &str) {
        self.go("/login?by=password").await;
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        self.submit("main form button[type=submit]").await;
        let url = self.client.current_url().await.unwrap();
        assert!(
            !url.path().starts_with("/login"),
            "login as {email} failed at {url}: {}",
            self.source().await
        );
    }

    /// Sets a cookie of the service (a session, the language, large text); the browser must be on
    /// one of its pages.
    pub async fn cookie(&self, name: &str, value: &str) {
        let mut c = fantoccini::cookies::Cookie::new(name.to_owned(), value.to_owned());
        c.set_path("/");
        let host = self
            .base
            .split("//")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .to_owned();
        c.set_domain(host);
        c.set_same_site(
            fantoccini::cookies::Cookie::parse("a=b; SameSite=Lax")
                .unwrap()
                .same_site(),
        );
        self.client.add_cookie(c).await.unwrap();
    }

    /// What on the page a person on a small phone would trip over: sideways scrolling, a control
    /// smaller than a fingertip (44 px; a tick box under 24 px), a banner smaller than the text.
    /// Links inside a sentence are exempt, as WCAG 2.5.8 has it.
    pub async fn trip_hazards(&self) -> Vec<String> {
        let found = self
            .client
            .execute(include_str!("trip_hazards.js"), vec![])
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Keeps the page as a PNG under target/browser-artifacts/ (not committed).
    pub async fn keep(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("browser-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // The browser a failed test left open.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(self.profile.display().to_string())
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
