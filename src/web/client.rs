//! Who the client is: the TCP peer, unless the peer is one of the operator's trusted proxies
//! (`MAGNETIQ_TRUSTED_PROXIES`), in which case the address the proxies recorded in `Forwarded` or
//! `X-Forwarded-For`. Those headers are read right to left and the first address that is not a
//! trusted proxy is the client: a visitor can put anything on the left of the list, but not past
//! the proxies the operator named. Without trusted proxies the headers are never read.
use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;

pub use crate::config::proxies::TrustedProxies;
use crate::config::proxies::canonical;

impl TrustedProxies {
    /// The client of a request from `peer` with `headers`.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops = forwarded_for(headers);
        // Right to left: each hop was added by the proxy after it; the first one that is not a
        // trusted proxy is where the request came from. An unreadable hop ends the walk at the
        // last address known for sure.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.trusts(client) {
                        break;
                    }
                }
                None => break,
            }
        }
        Some(client)
    }
}

/// The hops a request passed, oldest first: `Forwarded`'s `for=` (RFC 7239) when present, else
/// `X-Forwarded-For`. `None` for a hop that is not an address (`unknown`, an obfuscated name).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| address(value.trim().trim_matches('"')))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| address(hop.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))?
                .parse()
                .ok()
        })
}

/// The client's address as text, for rate limits, login throttles, sessions and the audit log: the
/// peer, or behind trusted proxies the address they forwarded.
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let client = match req.app_data::<actix_web::web::Data<super::state::AppState>>() {
        Some(state) if !state.config.trusted_proxies.is_empty() => {
            state.config.trusted_proxies.client(peer, req.headers())
        }
        _ => peer.map(canonical),
    };
    client.map(|ip| ip.to_string()).unwrap_or_default()
}

/// The host the browser asked for: the `Host` header (or the request line's authority), unless the
/// peer is a trusted proxy, whose `Forwarded: host=` or `X-Forwarded-Host` is believed. A client
/// that is no proxy of the operator's cannot name a host of its choosing.
pub fn requested_host(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let from_proxy = match (
        req.app_data::<actix_web::web::Data<super::state::AppState>>(),
        peer,
    ) {
        (Some(state), Some(peer)) => state.config.trusted_proxies.trusts(peer),
        _ => false,
    };
    if from_proxy {
        return req.connection_info().host().to_owned();
    }
    req.headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let none = TrustedProxies::default();
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(none.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
        let some = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(some.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let peer = ip("10.0.0.2");
        // The visitor wrote 6.6.6.6 themselves; the edge proxy appended the address it saw.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.1")]);
        assert_eq!(trusted.client(peer, &chain), ip("198.51.100.7"));
        let split = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(trusted.client(peer, &split), ip("198.51.100.7"));
        // Forwarded wins over X-Forwarded-For; ports, quotes and IPv6 brackets are understood.
        let rfc = headers(&[
            (
                "forwarded",
                r#"for=6.6.6.6, for="[2001:db8::7]:4711";proto=https, for=10.0.0.1"#,
            ),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        assert_eq!(trusted.client(peer, &rfc), ip("2001:db8::7"));
        // Only proxies: the left-most is the best there is; nothing forwarded: the peer.
        let only = headers(&[("x-forwarded-for", "10.1.1.1, 10.0.0.1")]);
        assert_eq!(trusted.client(peer, &only), ip("10.1.1.1"));
        assert_eq!(trusted.client(peer, &HeaderMap::new()), peer);
        // An unreadable hop stops the walk at the last address known.
        let hidden = headers(&[("forwarded", "for=6.6.6.6, for=_hidden, for=10.0.0.1")]);
        assert_eq!(trusted.client(peer, &hidden), ip("10.0.0.1"));
        let junk = headers(&[("x-forwarded-for", "<script>, 10.0.0.1")]);
        assert_eq!(trusted.client(peer, &junk), ip("10.0.0.1"));
    }
}
