//! Callers kept between requests, so that a request with a known token costs the database
//! nothing to say who is calling. What could make a kept caller wrong — a logout, a role or
//! committee change, a deactivation, "log out everywhere", a new name or number — changes a row
//! of `users` or `revoked_tokens`, and triggers on those tables (migration 000032) announce it
//! with `NOTIFY fengqiao_principals` when the change commits. Every node listens
//! (`listen_forever`) and forgets what was announced at once. The announcement reaches the
//! listener a moment after the commit, so the node that makes such a change (logout, log out
//! everywhere, deactivation, a new password) also forgets it itself as soon as it commits: the
//! caller's very next request, on that node, is read afresh. Other nodes hear it within the
//! delivery of a notification (milliseconds).
//!
//! The cache is only used while this node is listening: before the first `LISTEN` succeeds,
//! and from the moment the listening connection fails until it is back, every request reads
//! the database (and what was kept is forgotten, since announcements may have been missed).
//! A caller read from the database while an announcement arrived is not kept (the epoch).
//! Nothing is kept longer than `KEPT_FOR`, so even an announcement that never came could not
//! outlive that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::Principal;

/// The longest a caller is kept without being read again.
pub const KEPT_FOR: Duration = Duration::from_secs(60);
/// Beyond this many kept callers the cache starts again (a bound on memory, not a policy).
const MOST: usize = 50_000;

/// What an announcement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Something of this account changed: forget every token of it.
    User(Uuid),
    /// This token was revoked (logout).
    Token(Uuid),
    /// Committees, divisions or many accounts changed at once: forget everything.
    All,
    /// A node's heartbeat (`listen_forever`): changes nothing.
    Ping(Uuid),
}

impl Change {
    /// Reads the payload the triggers send: `user:<id>`, `token:<jti>` or `all`. Anything else
    /// is taken as `All`: forgetting too much costs one read per caller, never a wrong answer.
    pub fn parse(payload: &str) -> Change {
        let id = |s: &str| Uuid::parse_str(s).ok();
        match payload.split_once(':') {
            Some(("user", rest)) => id(rest).map_or(Change::All, Change::User),
            Some(("token", rest)) => id(rest).map_or(Change::All, Change::Token),
            Some(("ping", rest)) => id(rest).map_or(Change::All, Change::Ping),
            _ => Change::All,
        }
    }
}

struct Kept {
    principal: Principal,
    at: Instant,
}

#[derive(Default)]
pub struct PrincipalCache {
    kept: Mutex<HashMap<Uuid, Kept>>,
    /// The node is listening: announcements reach it.
    listening: AtomicBool,
    /// Moves on with every announcement and every change of `listening`.
    epoch: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How the cache has served this node, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct CacheFigures {
    pub hits: u64,
    pub misses: u64,
    pub listening: bool,
}

impl PrincipalCache {
    /// The caller of token `jti`, if kept and still fresh.
    pub fn get(&self, jti: Uuid) -> Option<Principal> {
        let found = if self.listening.load(Ordering::Acquire) {
            self.kept.lock().ok().and_then(|kept| {
                kept.get(&jti)
                    .filter(|k| k.at.elapsed() < KEPT_FOR)
                    .map(|k| k.principal.clone())
            })
        } else {
            None
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub fn figures(&self) -> CacheFigures {
        CacheFigures {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            listening: self.is_listening(),
        }
    }

    /// Taken before reading a caller from the database; `keep` uses it to tell whether an
    /// announcement came in the meantime.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps a caller read from the database since `epoch`, unless something was announced
    /// since (the read may predate it) or the node is not listening.
    pub fn keep(&self, epoch: u64, principal: &Principal) {
        if !self.listening.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        // Checked under the lock `forget` takes too: no announcement can slip in between.
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if kept.len() >= MOST {
            kept.clear();
        }
        kept.insert(
            principal.token.jti,
            Kept {
                principal: principal.clone(),
                at: Instant::now(),
            },
        );
    }

    /// Applies an announcement.
    pub fn forget(&self, change: Change) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        self.epoch.fetch_add(1, Ordering::AcqRel);
        match change {
            Change::User(id) => kept.retain(|_, k| k.principal.id != id),
            Change::Token(jti) => {
                kept.remove(&jti);
            }
            Change::All => kept.clear(),
            Change::Ping(_) => {}
        }
    }

    /// The listening connection is up (after its `LISTEN`) or lost. Either way what was kept is
    /// forgotten: announcements may have been missed while it was down.
    pub fn set_listening(&self, listening: bool) {
        self.forget(Change::All);
        self.listening.store(listening, Ordering::Release);
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

/// How long a quiet listening connection goes before it pings itself, and how long the ping has
/// to come back.
const HEARTBEAT: Duration = Duration::from_secs(10);
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// Keeps this node listening for as long as the process runs: connect, `LISTEN`, apply every
/// announcement; on a lost connection stop using the cache and connect again after a second.
/// A quiet connection pings itself on the channel (`db::listen::ping`) and must hear it back:
/// one that no longer hears — lost without a word, or behind a pooler in transaction mode,
/// where `LISTEN` stays on a server connection the node no longer has — is given up within
/// `HEARTBEAT + ANSWER_WITHIN`, and nothing is kept beyond `KEPT_FOR` in any case.
pub async fn listen_forever(cache: std::sync::Arc<PrincipalCache>, database_url: String) {
    use futures_util::StreamExt;
    let node = Uuid::new_v4();
    loop {
        match crate::db::listen::principals(&database_url).await {
            Ok(mut conn) => {
                // Listening only once the first ping came back.
                let mut pinged: Option<std::time::Instant> = None;
                let mut heard_self = false;
                loop {
                    let wait = match pinged {
                        Some(sent) => ANSWER_WITHIN.saturating_sub(sent.elapsed()),
                        None if heard_self => HEARTBEAT,
                        None => Duration::ZERO,
                    };
                    let heard = {
                        let mut announcements = std::pin::pin!(conn.notifications_stream());
                        tokio::select! {
                            next = announcements.next() => Some(next),
                            () = tokio::time::sleep(wait) => None,
                        }
                    };
                    match heard {
                        Some(Some(Ok(n))) => match Change::parse(&n.payload) {
                            Change::Ping(id) if id == node => {
                                pinged = None;
                                if !heard_self {
                                    heard_self = true;
                                    cache.set_listening(true);
                                }
                            }
                            Change::Ping(_) => {}
                            change => cache.forget(change),
                        },
                        Some(_) => break,
                        None if pinged.is_some() => break,
                        None => {
                            if !crate::db::listen::ping(&mut conn, node).await {
                                break;
                            }
                            pinged = Some(std::time::Instant::now());
                        }
                    }
                }
                if heard_self {
                    cache.set_listening(false);
                    tracing::warn!(
                        "lost the connection that hears account changes; reading callers from the database until it is back"
                    );
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for account changes; reading callers from the database");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::auth::Claims;
    use crate::domain::Role;

    fn principal(id: Uuid) -> Principal {
        Principal {
            id,
            email: None,
            phone: None,
            name: "张三".into(),
            role: Role::Resident,
            language: "zh".into(),
            committee: None,
            county_id: None,
            county_code: None,
            token: Claims {
                sub: id.to_string(),
                iss: "fengqiao".into(),
                aud: "fengqiao:session".into(),
                exp: 0,
                iat: 0,
                nbf: 0,
                jti: Uuid::now_v7(),
                ver: 1,
            },
        }
    }

    #[test]
    fn nothing_is_kept_or_served_unless_the_node_listens() {
        let cache = PrincipalCache::default();
        let p = principal(Uuid::now_v7());
        cache.keep(cache.epoch(), &p);
        assert!(cache.get(p.token.jti).is_none());
        cache.set_listening(true);
        cache.keep(cache.epoch(), &p);
        assert_eq!(cache.get(p.token.jti).unwrap().id, p.id);
        cache.set_listening(false);
        assert!(cache.get(p.token.jti).is_none(), "lost: forgotten");
        cache.set_listening(true);
        assert!(cache.get(p.token.jti).is_none(), "back: still forgotten");
    }

    #[test]
    fn an_announcement_forgets_the_account_or_the_token() {
        let cache = PrincipalCache::default();
        cache.set_listening(true);
        let (a, b) = (principal(Uuid::now_v7()), principal(Uuid::now_v7()));
        cache.keep(cache.epoch(), &a);
        cache.keep(cache.epoch(), &b);
        cache.forget(Change::parse(&format!("user:{}", a.id)));
        assert!(cache.get(a.token.jti).is_none());
        assert!(cache.get(b.token.jti).is_some());
        cache.forget(Change::parse(&format!("token:{}", b.token.jti)));
        assert!(cache.get(b.token.jti).is_none());
        // Another node's heartbeat forgets nothing.
        let node = Uuid::now_v7();
        assert_eq!(Change::parse(&format!("ping:{node}")), Change::Ping(node));
        let c = principal(Uuid::now_v7());
        cache.keep(cache.epoch(), &c);
        cache.forget(Change::Ping(node));
        assert!(cache.get(c.token.jti).is_some());
        assert_eq!(Change::parse("nonsense"), Change::All);
        assert_eq!(Change::parse("user:not-an-id"), Change::All);
    }

    #[test]
    fn a_read_overtaken_by_an_announcement_is_not_kept() {
        let cache = PrincipalCache::default();
        cache.set_listening(true);
        let p = principal(Uuid::now_v7());
        let before = cache.epoch();
        // The database was read, then the account changed before the answer was kept.
        cache.forget(Change::User(p.id));
        cache.keep(before, &p);
        assert!(cache.get(p.token.jti).is_none());
    }
}
