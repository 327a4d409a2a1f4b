//! Failed sign-ins counted per client address and per unknown user name, in memory.
//!
//! The account lock (`repo::users::authenticate`) stops guessing at one account, but a
//! lock that anyone can trigger would let a single machine elsewhere lock `admin` out.
//! So a client that fails [`CLIENT_NAME_FAILURES`] times for one name within the window
//! is refused for that name before any password is checked, well before the account's
//! own limit of ten; colleagues behind the same address are not affected. A client that
//! fails [`CLIENT_FAILURES`] times over all names (spraying) is refused for all. Unknown user names
//! are counted like accounts and answered like locked accounts after as many failures,
//! so that whether a name exists cannot be learnt from how it is refused.
//!
//! Behind a reverse proxy on the same machine, the client is the last address the proxy
//! put in `X-Forwarded-For` (a remote peer cannot set it: the header is only trusted from
//! a loopback peer).

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// Failures from one client for one name within the window after which that client's
/// attempts at that name are refused.
pub const CLIENT_NAME_FAILURES: usize = 5;
/// Failures from one client over all names after which all its attempts are refused.
pub const CLIENT_FAILURES: usize = 30;
/// Failures for one unknown name after which it is answered as locked (as an account).
pub const NAME_FAILURES: usize = devzone_db::repo::users::MAX_FAILED_LOGINS as usize;
pub const WINDOW_MINUTES: i64 = devzone_db::repo::users::LOCK_MINUTES;
/// Keys kept at most; beyond, the oldest entries go (an attacker cycling addresses
/// cannot grow the table without bound).
const MAX_KEYS: usize = 100_000;

fn window() -> Duration {
    Duration::minutes(WINDOW_MINUTES)
}

#[derive(Clone, Default)]
pub struct LoginThrottle(Arc<Mutex<HashMap<String, Vec<DateTime<Utc>>>>>);

impl LoginThrottle {
    /// When `key` may try again, if it has failed `limit` times within the window.
    fn blocked_until(&self, key: &str, limit: usize, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let recent: Vec<_> = map
            .get(key)?
            .iter()
            .filter(|t| now - **t < window())
            .copied()
            .collect();
        (recent.len() >= limit).then(|| recent[recent.len() - limit] + window())
    }

    fn fail(&self, key: String, now: DateTime<Utc>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS && !map.contains_key(&key) {
            map.retain(|_, ts| ts.iter().any(|t| now - *t < window()));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let ts = map.entry(key).or_default();
        ts.retain(|t| now - *t < window());
        ts.push(now);
    }

    fn forget(&self, key: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    /// When the client may try `name` again, if it is refused now.
    pub fn client_blocked(&self, client: &str, name: &str) -> Option<DateTime<Utc>> {
        let now = Utc::now();
        self.blocked_until(&format!("ip:{client}"), CLIENT_FAILURES, now)
            .or_else(|| {
                self.blocked_until(&format!("ip:{client}:{name}"), CLIENT_NAME_FAILURES, now)
            })
    }

    /// When an unknown name may be tried again, if it is answered as locked now.
    pub fn name_blocked(&self, name: &str) -> Option<DateTime<Utc>> {
        self.blocked_until(&format!("name:{name}"), NAME_FAILURES, Utc::now())
    }

    pub fn client_failed(&self, client: &str, name: &str) {
        let now = Utc::now();
        self.fail(format!("ip:{client}"), now);
        self.fail(format!("ip:{client}:{name}"), now);
    }

    pub fn name_failed(&self, name: &str) {
        self.fail(format!("name:{name}"), Utc::now());
    }

    pub fn client_succeeded(&self, client: &str, name: &str) {
        self.forget(&format!("ip:{client}:{name}"));
    }
}

/// The client's address: the peer, or behind a local proxy the address it forwarded.
pub fn client_of(headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> String {
    let peer_ip = peer.map(|c| c.0.ip());
    if peer_ip.is_none_or(|ip| ip.is_loopback())
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return forwarded.to_string();
    }
    peer_ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// Whether the request reached devzone over HTTPS (through a proxy that says so), so
/// that the session cookie is marked `Secure` without configuration.
pub fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        || headers
            .get("forwarded")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_refused_after_its_failures_and_forgiven_by_a_success() {
        let t = LoginThrottle::default();
        for _ in 0..CLIENT_NAME_FAILURES - 1 {
            t.client_failed("10.0.0.9", "admin");
        }
        assert!(t.client_blocked("10.0.0.9", "admin").is_none());
        t.client_failed("10.0.0.9", "admin");
        assert!(t.client_blocked("10.0.0.9", "admin").is_some());
        assert!(
            t.client_blocked("10.0.0.10", "admin").is_none(),
            "other clients unaffected"
        );
        assert!(
            t.client_blocked("10.0.0.9", "li").is_none(),
            "other names unaffected"
        );
        t.client_succeeded("10.0.0.9", "admin");
        assert!(t.client_blocked("10.0.0.9", "admin").is_none());
    }

    #[test]
    fn a_client_trying_many_names_is_refused_for_all() {
        let t = LoginThrottle::default();
        for i in 0..CLIENT_FAILURES {
            t.client_failed("10.0.0.9", &format!("u{i}"));
        }
        assert!(t.client_blocked("10.0.0.9", "admin").is_some());
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_local_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.7, 198.51.100.2".parse().unwrap(),
        );
        let local = ConnectInfo("127.0.0.1:50000".parse::<SocketAddr>().unwrap());
        let remote = ConnectInfo("192.0.2.1:50000".parse::<SocketAddr>().unwrap());
        assert_eq!(client_of(&h, Some(&local)), "198.51.100.2");
        assert_eq!(client_of(&h, Some(&remote)), "192.0.2.1");
    }
}
