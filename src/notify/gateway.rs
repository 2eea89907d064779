//! The SMS gateways `SMS_URL` can name:
//!
//! - `https://…` (or `http://…` outside production): the generic gateway of `docs/sms.md`, a
//!   JSON POST signed with HMAC-SHA256 over timestamp and body under `SMS_SECRET`
//!   (`Fengqiao-Signature: t=…,v1=…`), with the text's id as `Idempotency-Key`.
//! - `tencent://SecretId:SecretKey@sms.tencentcloudapi.com/?region=…&app=…&sign=…&code_template=…&notice_template=…`:
//!   Tencent Cloud SMS `SendSms` (API version 2021-01-11), signed with TC3-HMAC-SHA256 as
//!   Tencent documents it. `tencent+http://` talks plain HTTP (local test servers only).
//!
//! Every answer is sorted into sent, worth retrying (timeouts, 5xx, 429, throttling codes,
//! garbage) or refused for good (4xx, a rejected number or template).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::backend::SendError;
use super::sms::{Template, Text};
use crate::crypto::hmac_sha256;

/// One request to a gateway gets this long, connect included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub enum Gateway {
    Generic {
        client: reqwest::Client,
        url: String,
        secret: Vec<u8>,
    },
    Tencent {
        client: reqwest::Client,
        endpoint: String,
        host: String,
        secret_id: String,
        secret_key: String,
        region: String,
        app: String,
        sign: String,
        code_template: String,
        notice_template: String,
    },
}

fn client() -> anyhow::Result<reqwest::Client> {
    // A gateway answers; it never redirects us elsewhere with a signed body.
    Ok(reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

impl Gateway {
    pub fn parse(url: &str, secret: Option<&str>) -> anyhow::Result<Gateway> {
        if let Some(rest) = url
            .strip_prefix("tencent://")
            .map(|r| ("https", r))
            .or_else(|| url.strip_prefix("tencent+http://").map(|r| ("http", r)))
        {
            return tencent(rest.0, rest.1);
        }
        if url.starts_with("https://") || url.starts_with("http://") {
            let secret = secret.filter(|s| s.len() >= 16).ok_or_else(|| {
                anyhow::anyhow!("SMS_SECRET of at least 16 bytes is needed with a generic SMS_URL")
            })?;
            return Ok(Gateway::Generic {
                client: client()?,
                url: url.to_owned(),
                secret: secret.as_bytes().to_vec(),
            });
        }
        anyhow::bail!("SMS_URL must start with https://, http://, tencent:// or tencent+http://")
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Gateway::Generic { .. } => "generic",
            Gateway::Tencent { .. } => "tencent",
        }
    }

    /// Whether the gateway is reached over TLS (production insists).
    pub fn is_tls(&self) -> bool {
        match self {
            Gateway::Generic { url, .. } => url.starts_with("https://"),
            Gateway::Tencent { endpoint, .. } => endpoint.starts_with("https://"),
        }
    }

    pub async fn send(&self, text: &Text) -> Result<(), SendError> {
        match self {
            Gateway::Generic {
                client,
                url,
                secret,
            } => {
                let body = generic_body(text);
                let now = Utc::now().timestamp();
                let response = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", text.id.to_string())
                    .header("fengqiao-signature", generic_signature(secret, now, &body))
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| {
                        SendError::transient(format!("SMS gateway: {}", e.without_url()))
                    })?;
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else if status.as_u16() == 408
                    || status.as_u16() == 429
                    || status.is_server_error()
                {
                    Err(SendError::transient(format!(
                        "SMS gateway answered {status}"
                    )))
                } else {
                    Err(SendError::permanent(format!(
                        "SMS gateway refused: {status}"
                    )))
                }
            }
            Gateway::Tencent { .. } => self.send_tencent(text, Utc::now()).await,
        }
    }

    async fn send_tencent(&self, text: &Text, now: DateTime<Utc>) -> Result<(), SendError> {
        let Gateway::Tencent {
            client,
            endpoint,
            host,
            secret_id,
            secret_key,
            region,
            app,
            sign,
            code_template,
            notice_template,
        } = self
        else {
            return Err(SendError::permanent("not a Tencent gateway"));
        };
        let (template, params) = match &text.template {
            Template::Code { code } => (code_template, vec![code.clone()]),
            Template::Notice { number, what, link } => (
                notice_template,
                vec![number.clone(), what.clone(), link.clone()],
            ),
        };
        let body = json!({
            "PhoneNumberSet": [text.to],
            "SmsSdkAppId": app,
            "SignName": sign,
            "TemplateId": template,
            "TemplateParamSet": params,
            "SessionContext": text.id.to_string(),
        })
        .to_string();
        let timestamp = now.timestamp();
        let authorization = tc3_authorization(secret_id, secret_key, host, timestamp, &body);
        let response = client
            .post(endpoint)
            .header("authorization", authorization)
            .header("content-type", TC3_CONTENT_TYPE)
            .header("host", host.as_str())
            .header("x-tc-action", "SendSms")
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-version", "2021-01-11")
            .header("x-tc-region", region.as_str())
            .body(body)
            .send()
            .await
            .map_err(|e| SendError::transient(format!("Tencent SMS: {}", e.without_url())))?;
        let status = response.status();
        let answer: Value = match response.json().await {
            Ok(v) => v,
            Err(_) => {
                return Err(SendError::transient(format!(
                    "Tencent SMS answered {status} without a readable body"
                )));
            }
        };
        tencent_outcome(status.as_u16(), &answer)
    }
}

/// The generic gateway's body (documented in `docs/sms.md`).
pub fn generic_body(text: &Text) -> String {
    let kind = match text.template {
        Template::Code { .. } => "code",
        Template::Notice { .. } => "notice",
    };
    json!({ "id": text.id, "to": text.to, "text": text.body, "kind": kind }).to_string()
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn generic_signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    let mac = hmac_sha256(secret, format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac))
}

pub const TC3_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Tencent Cloud API 3.0 signature v3 (TC3-HMAC-SHA256) of a `SendSms` POST.
pub fn tc3_authorization(
    secret_id: &str,
    secret_key: &str,
    host: &str,
    timestamp: i64,
    body: &str,
) -> String {
    let date = DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    let signed_headers = "content-type;host;x-tc-action";
    let canonical = format!(
        "POST\n/\n\ncontent-type:{TC3_CONTENT_TYPE}\nhost:{host}\nx-tc-action:sendsms\n\n{signed_headers}\n{}",
        hex::encode(Sha256::digest(body.as_bytes()))
    );
    let scope = format!("{date}/sms/tc3_request");
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, b"sms");
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let signature = hex::encode(hmac_sha256(&k_signing, to_sign.as_bytes()));
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Tencent answers 200 with `Response.Error` for a refused call and `Response.SendStatusSet`
/// with a code per number for an accepted one.
pub fn tencent_outcome(status: u16, answer: &Value) -> Result<(), SendError> {
    let response = &answer["Response"];
    let retryable = |code: &str| {
        code.starts_with("InternalError")
            || code.starts_with("LimitExceeded")
            || code.starts_with("RequestLimitExceeded")
            || code == "FailedOperation.InsufficientBalanceInSmsPackage"
    };
    if let Some(code) = response["Error"]["Code"].as_str() {
        let message = format!("Tencent SMS refused: {code}");
        return if retryable(code) {
            Err(SendError::transient(message))
        } else {
            Err(SendError::permanent(message))
        };
    }
    match response["SendStatusSet"][0]["Code"].as_str() {
        Some("Ok") if status == 200 => Ok(()),
        Some(code) if retryable(code) => Err(SendError::transient(format!("Tencent SMS: {code}"))),
        Some(code) => Err(SendError::permanent(format!("Tencent SMS: {code}"))),
        None => Err(SendError::transient(format!(
            "Tencent SMS answered {status} without a send status"
        ))),
    }
}

fn tencent(scheme: &str, rest: &str) -> anyhow::Result<Gateway> {
    let bad = || {
        anyhow::anyhow!(
            "SMS_URL: expected tencent://SecretId:SecretKey@host/?region=…&app=…&sign=…&code_template=…&notice_template=…"
        )
    };
    let (credentials, rest) = rest.split_once('@').ok_or_else(bad)?;
    let (secret_id, secret_key) = credentials.split_once(':').ok_or_else(bad)?;
    let (host, query) = rest.split_once('?').ok_or_else(bad)?;
    let host = host.trim_end_matches('/');
    let mut fields = std::collections::HashMap::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').ok_or_else(bad)?;
        fields.insert(k, percent_decode(v));
    }
    let mut take = |name: &str| -> anyhow::Result<String> {
        fields
            .remove(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| anyhow::anyhow!("SMS_URL: the Tencent gateway needs {name}="))
    };
    Ok(Gateway::Tencent {
        client: client()?,
        endpoint: format!("{scheme}://{host}/"),
        host: host.to_owned(),
        secret_id: percent_decode(secret_id),
        secret_key: percent_decode(secret_key),
        region: take("region")?,
        app: take("app")?,
        sign: take("sign")?,
        code_template: take("code_template")?,
        notice_template: take("notice_template")?,
    })
}

/// `%E6%9E%AB` → the bytes they stand for (the signature name is Chinese).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn generic_signature_is_hmac_over_timestamp_and_body() {
        let sig = generic_signature(b"0123456789abcdef", 1_700_000_000, "{}");
        let expected = hex::encode(hmac_sha256(b"0123456789abcdef", b"1700000000.{}"));
        assert_eq!(sig, format!("t=1700000000,v1={expected}"));
    }

    #[test]
    fn tencent_urls_are_read_and_checked() {
        let g = Gateway::parse(
            "tencent://AKIDx:sec%2Fret@sms.tencentcloudapi.com/?region=ap-guangzhou&app=1400000001&sign=%E6%9E%AB%E6%A1%A5&code_template=11&notice_template=22",
            None,
        )
        .unwrap();
        match g {
            Gateway::Tencent {
                endpoint,
                secret_key,
                sign,
                ..
            } => {
                assert_eq!(endpoint, "https://sms.tencentcloudapi.com/");
                assert_eq!(secret_key, "sec/ret");
                assert_eq!(sign, "枫桥");
            }
            Gateway::Generic { .. } => panic!("expected Tencent"),
        }
        assert!(Gateway::parse("tencent://AKIDx:k@host/?region=x", None).is_err());
        assert!(Gateway::parse("https://gw.example/send", None).is_err());
        assert!(Gateway::parse("ftp://gw.example", Some("0123456789abcdef")).is_err());
    }

    #[test]
    fn tencent_answers_are_sorted() {
        let ok = json!({"Response": {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "x"}});
        assert!(tencent_outcome(200, &ok).is_ok());
        let auth = json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "m"}}});
        assert!(tencent_outcome(200, &auth).is_err_and(|e| e.permanent));
        let busy = json!({"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "m"}}});
        assert!(tencent_outcome(200, &busy).is_err_and(|e| !e.permanent));
        let number = json!({"Response": {"SendStatusSet": [{"Code": "InvalidParameterValue.IncorrectPhoneNumber"}]}});
        assert!(tencent_outcome(200, &number).is_err_and(|e| e.permanent));
        assert!(tencent_outcome(502, &json!("<html>")).is_err_and(|e| !e.permanent));
    }
}
