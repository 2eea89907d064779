//! Helpers for signing in by code: where the development backends leave texts and mail, and
//! the code inside them.

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestApp;

impl TestApp {
    /// The texts the file backend wrote under `DATA_DIR/sms`: (number, message), oldest first.
    pub fn texts(&self) -> Vec<(String, String)> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            std::fs::read_dir(self.config.data_dir.join("sms"))
                .map(|dir| {
                    dir.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                        .map(|p| (p.metadata().unwrap().modified().unwrap(), p))
                        .collect()
                })
                .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| {
                let content = std::fs::read_to_string(p).unwrap();
                let (to, text) = content.split_once('\n').unwrap();
                (to.to_owned(), text.trim_end().to_owned())
            })
            .collect()
    }

    /// The mail the file backend wrote under `DATA_DIR/mail`, as raw text.
    pub fn mail_files(&self) -> Vec<String> {
        std::fs::read_dir(self.config.data_dir.join("mail"))
            .map(|dir| {
                dir.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .map(|p| std::fs::read_to_string(p).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The newest code texted to `phone` (11 digits).
    pub fn code_texted_to(&self, phone: &str) -> String {
        let to = format!("+86{phone}");
        let (_, text) = self
            .texts()
            .into_iter()
            .rev()
            .find(|(n, t)| *n == to && t.contains("验证码"))
            .unwrap_or_else(|| panic!("no code was texted to {phone}"));
        six_digits(&text).unwrap_or_else(|| panic!("no code in {text:?}"))
    }

    /// Signs in by phone (asking for a code, reading it, verifying it); returns the token.
    pub async fn sign_in_by_phone(&self, phone: &str, name: &str) -> (String, Value) {
        let res = self
            .post_json("/api/v1/auth/code", None, &json!({ "phone": phone }))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let code = self.code_texted_to(phone);
        let res = self
            .post_json(
                "/api/v1/auth/code/verify",
                None,
                &json!({ "phone": phone, "code": code, "name": name }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        (body["token"].as_str().unwrap().to_owned(), body)
    }
}

/// The first run of exactly six digits in a text.
pub fn six_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(6).enumerate().find_map(|(i, w)| {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 6);
        (w.iter().all(char::is_ascii_digit)
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(char::is_ascii_digit))
        .then(|| w.iter().collect())
    })
}

/// A link to the service's own site found in a text (`http://127.0.0.1/...`), as a path.
pub fn path_in(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}
