//! Where a webhook may go: `http` or `https` URLs of hosts on the public internet. A URL naming a
//! loopback, private, link-local or otherwise internal address is refused when an admin adds it,
//! and the sender's resolver drops such addresses again at every connection (a name that resolved
//! to a public address yesterday may not today), so a form in the admin can never make the server
//! reach into the operator's own network, unless `MAGNETIQ_WEBHOOK_ALLOW_PRIVATE=1` says it should.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an address was refused: the UI string that says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// The URL if it is one a webhook may be sent to by its form: http(s), a host, no user or password,
/// at most 2,000 characters.
pub fn parse(url: &str) -> Result<Url, Refused> {
    let url = url.trim();
    if url.len() > 2000 {
        return Err(Refused("webhook-error-url"));
    }
    let parsed = Url::parse(url).map_err(|_| Refused("webhook-error-url"))?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none_or(str::is_empty)
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(Refused("webhook-error-url"));
    }
    Ok(parsed)
}

/// Whether an address is one the public internet cannot reach: loopback, private (RFC 1918, RFC
/// 4193), link-local, shared (RFC 6598), unspecified, multicast, broadcast, documentation and
/// benchmarking ranges, and IPv4 written inside IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
                || (first == 0x0064 && v6.segments()[1] == 0xff9b) // NAT64
                || v6 == Ipv6Addr::from(0u128)
                || (v6.segments()[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible
        }
    }
}

fn is_internal_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240
}

/// Checks where `url` leads now: refused when its host is, or resolves to, an internal address
/// (unless `allow_private`), or does not resolve at all.
pub async fn check_reachable(url: &Url, allow_private: bool) -> Result<(), Refused> {
    let host = url.host_str().ok_or(Refused("webhook-error-url"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| Refused("webhook-error-unresolved"))?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(Refused("webhook-error-unresolved"));
    }
    if !allow_private && addresses.iter().any(|a| is_internal(a.ip())) {
        return Err(Refused("webhook-error-private"));
    }
    Ok(())
}

/// The sender's resolver: the system's, with internal addresses dropped unless they are allowed.
pub struct PublicOnly {
    pub allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !is_internal(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_and_no_password_are_taken() {
        assert!(parse("https://crm.example.com/hooks/magnetiq?x=1").is_ok());
        assert!(parse("http://203.0.113.9:8080/in").is_ok());
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "gopher://example.com",
            "https://user:pw@example.com/",
            "javascript:alert(1)",
            "example.com/hook",
            "",
        ] {
            assert_eq!(parse(bad), Err(Refused("webhook-error-url")), "{bad}");
        }
    }

    #[test]
    fn internal_addresses_are_known_in_every_spelling() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.215.14", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn a_loopback_url_is_refused_unless_private_addresses_are_allowed() {
        let url = parse("http://127.0.0.1:9/hook").unwrap();
        assert_eq!(
            check_reachable(&url, false).await,
            Err(Refused("webhook-error-private"))
        );
        assert_eq!(check_reachable(&url, true).await, Ok(()));
        let named = parse("http://localhost:9/hook").unwrap();
        assert_eq!(
            check_reachable(&named, false).await,
            Err(Refused("webhook-error-private"))
        );
        let v6 = parse("http://[::1]:9/hook").unwrap();
        assert_eq!(
            check_reachable(&v6, false).await,
            Err(Refused("webhook-error-private"))
        );
    }
}
