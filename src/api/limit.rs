//! Per-client rate limits: a token bucket per client address, `rate` requests a second
//! with bursts of `burst`. A client over it gets 429 with `Retry-After` and the usual
//! Japanese JSON error. The client is the peer, or, when the peer is one of the trusted
//! proxies, the last address in `X-Forwarded-For` that is not itself a trusted proxy (a
//! client cannot forge its way past by sending the header itself).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::http::HeaderMap;

/// Buckets kept before idle ones (full again) are dropped.
const MAX_CLIENTS: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitConfig {
    /// Requests a second per client (sustained).
    pub rate: f64,
    /// Requests a client may send at once.
    pub burst: f64,
    /// Peers whose `X-Forwarded-For` is believed (the load balancer in front).
    pub trusted_proxies: Vec<IpAddr>,
}

pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// The canonical form of an address (an IPv4-mapped IPv6 address as IPv4).
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            config,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.config
            .trusted_proxies
            .iter()
            .any(|p| canonical(*p) == canonical(ip))
    }

    /// The client behind a request from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted(peer) {
            return canonical(peer);
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !self.trusted(*ip))
            .map_or(canonical(peer), canonical)
    }

    /// Takes a token for `client`; `Err(seconds)` says when the next one is there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let RateLimitConfig { rate, burst, .. } = self.config;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Idle clients have a full bucket again: forgetting them changes nothing.
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(client).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limiter(trusted: &[&str]) -> RateLimiter {
        RateLimiter::new(RateLimitConfig {
            rate: 2.0,
            burst: 3.0,
            trusted_proxies: trusted.iter().map(|s| s.parse().unwrap()).collect(),
        })
    }

    #[test]
    fn a_burst_then_the_rate() {
        let l = limiter(&[]);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(l.check(a, t0), Ok(()));
        }
        assert_eq!(l.check(a, t0), Err(1));
        // Another client has its own bucket.
        assert_eq!(l.check("10.0.0.2".parse().unwrap(), t0), Ok(()));
        // Half a second later, one token (2 a second).
        assert_eq!(l.check(a, t0 + Duration::from_millis(500)), Ok(()));
        assert!(l.check(a, t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn forwarded_for_only_from_a_trusted_proxy() {
        let l = limiter(&["127.0.0.1"]);
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        // From the proxy: the last address it did not add itself.
        assert_eq!(
            l.client("127.0.0.1".parse().unwrap(), &h),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            l.client("::ffff:127.0.0.1".parse().unwrap(), &h),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // From anyone else the header is the client's own words: the peer counts.
        assert_eq!(
            l.client("192.0.2.5".parse().unwrap(), &h),
            "192.0.2.5".parse::<IpAddr>().unwrap()
        );
        // Through the proxy without the header: the proxy itself.
        assert_eq!(
            l.client("127.0.0.1".parse().unwrap(), &HeaderMap::new()),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
