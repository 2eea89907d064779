//! Limits on the whole API and the pages, per client address and per account: a sliding minute,
//! counted in memory on each node (this minute's count plus the last minute's, weighted by how
//! much of it still lies within the last sixty seconds, so a burst across a minute's turn is
//! counted whole). Several nodes share the cluster's limit: each
//! enforces its share (`RATE_LIMIT_NODES`), so a client spread over every node behind the load
//! balancer still meets the cluster's limit, and no request pays a database round trip for it.
//! (Sign-in codes, logins and access-code guesses have their own limits in PostgreSQL, exact
//! across nodes: those are the ones an attacker aims at.)

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::auth::{Audience, token_from_request};
use crate::error::AppError;
use crate::routes::AppState;

const SHARDS: usize = 16;
const WINDOW_SECS: u64 = 60;

/// One key's count: the minute it is of, its count, and the count of the minute before.
#[derive(Clone, Copy)]
struct Window {
    minute: u64,
    count: u32,
    before: u32,
}

pub struct RequestLimits {
    per_address: u32,
    per_account: u32,
    shards: Vec<Mutex<HashMap<String, Window>>>,
}

impl RequestLimits {
    /// Cluster limits per minute, shared by `nodes` nodes; 0 turns a limit off.
    pub fn new(per_address: u32, per_account: u32, nodes: u32) -> RequestLimits {
        let share = |limit: u32| {
            if limit == 0 {
                0
            } else {
                (limit / nodes.max(1)).max(1)
            }
        };
        RequestLimits {
            per_address: share(per_address),
            per_account: share(per_account),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Counts one request under `key`; the seconds to wait when it is over `limit`.
    fn count(&self, key: &str, limit: u32, now_secs: u64) -> Option<u64> {
        if limit == 0 {
            return None;
        }
        let minute = now_secs / WINDOW_SECS;
        let shard = key.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        }) % SHARDS;
        let mut map = self.shards[shard]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > 50_000 {
            map.retain(|_, w| w.minute + 1 >= minute);
        }
        let w = map.entry(key.to_owned()).or_insert(Window {
            minute,
            count: 0,
            before: 0,
        });
        if w.minute != minute {
            let before = if w.minute + 1 == minute { w.count } else { 0 };
            *w = Window {
                minute,
                count: 0,
                before,
            };
        }
        w.count = w.count.saturating_add(1);
        // The part of the last minute still within the last sixty seconds.
        let elapsed = now_secs % WINDOW_SECS;
        let carried = (u64::from(w.before) * (WINDOW_SECS - elapsed)).div_ceil(WINDOW_SECS);
        (carried + u64::from(w.count) > u64::from(limit))
            .then(|| (minute + 1) * WINDOW_SECS - now_secs)
    }

    /// Counts a request of this address (and account); the wait when either is over its limit.
    pub fn check(&self, address: &str, account: Option<&str>, now_secs: u64) -> Option<u64> {
        let by_address = self.count(&format!("a:{address}"), self.per_address, now_secs);
        let by_account =
            account.and_then(|a| self.count(&format!("u:{a}"), self.per_account, now_secs));
        by_address.max(by_account)
    }
}

/// Paths an operator's probes and the stylesheet use: never limited.
fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics") || path.starts_with("/static/")
}

pub async fn limit_requests<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(|r| r.map_into_left_body());
    };
    if exempt(req.path()) {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    let address = crate::auth::login::client_address(req.request());
    // Only a genuine token names an account: a forged one cannot spend someone else's share.
    // An API key is its own account: only its holder can present it (a made-up one gets a
    // bucket of its own, still under the address's limit).
    let account = token_from_request(req.request()).and_then(|t| {
        if crate::interop::keys::is_key(&t) {
            Some(format!("key:{}", &crate::interop::keys::hash_of(&t)[..16]))
        } else {
            state.keys.verify(&t, Audience::Session).ok().map(|c| c.sub)
        }
    });
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    if let Some(wait) = state.limits.check(&address, account.as_deref(), now) {
        crate::counters::NODE.refused(crate::counters::Refusal::RateLimit);
        let (http, _) = req.into_parts();
        let error = AppError::TooManyRequests {
            retry_after_secs: wait,
        };
        let response = if http.path().starts_with("/api/") {
            actix_web::ResponseError::error_response(&error)
        } else {
            let mut page = super::pages::error_page(&http, &error);
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&wait.to_string()) {
                page.headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, v);
            }
            page
        };
        return Ok(ServiceResponse::new(http, response).map_into_right_body());
    }
    next.call(req).await.map(|r| r.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::RequestLimits;

    #[test]
    fn a_window_counts_to_its_limit_then_waits_for_the_next_minute() {
        let limits = RequestLimits::new(3, 2, 1);
        let t = 120; // the start of a window
        assert_eq!(limits.check("1.2.3.4", Some("u"), t), None);
        assert_eq!(limits.check("1.2.3.4", Some("u"), t + 1), None);
        assert_eq!(
            limits.check("1.2.3.4", Some("u"), t + 10),
            Some(50),
            "the account's third"
        );
        assert_eq!(
            limits.check("1.2.3.4", None, t + 20),
            Some(40),
            "the address's fourth"
        );
        assert_eq!(
            limits.check("5.6.7.8", None, t + 20),
            None,
            "another address"
        );
        assert_eq!(
            limits.check("1.2.3.4", Some("u"), t + 120),
            None,
            "two minutes on, nothing is carried"
        );
    }

    #[test]
    fn a_burst_across_the_turn_of_a_minute_is_counted_whole() {
        let limits = RequestLimits::new(0, 20, 1);
        // Fifteen in the last five seconds of one minute, ten in the first seconds of the next.
        let late: Vec<_> = (0..15).map(|_| limits.check("a", Some("u"), 175)).collect();
        assert!(late.iter().all(Option::is_none));
        let early: Vec<_> = (0..10).map(|_| limits.check("a", Some("u"), 181)).collect();
        let refused = early.iter().filter(|w| w.is_some()).count();
        assert!(refused >= 5, "{refused} of the ten refused");
        assert_eq!(early.last().copied().flatten(), Some(59));
        // Half a minute on, half of the last minute's count still weighs.
        let later = RequestLimits::new(0, 20, 1);
        (0..20).for_each(|_| {
            later.check("a", Some("u"), 179);
        });
        assert!(later.check("a", Some("u"), 210).is_none(), "10 carried + 1");
    }

    #[test]
    fn nodes_share_the_cluster_limit_and_zero_turns_it_off() {
        let limits = RequestLimits::new(4, 0, 2);
        assert_eq!(limits.check("a", Some("u"), 0), None);
        assert_eq!(limits.check("a", Some("u"), 0), None);
        assert!(
            limits.check("a", Some("u"), 0).is_some(),
            "this node's share is 2"
        );
        let off = RequestLimits::new(0, 0, 1);
        assert!((0..1000).all(|_| off.check("a", Some("u"), 0).is_none()));
    }
}
